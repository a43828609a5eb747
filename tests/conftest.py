"""Shared fixtures. Kept light: heavy imports happen inside the fixtures that need them."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def examples_dir(repo_root) -> Path:
    return repo_root / "examples"


@pytest.fixture(scope="session")
def kits(examples_dir, tmp_path_factory) -> dict[str, Path]:
    """Each example profile's kit, generated once per test session: {profile stem: kit folder}."""
    from transfogen.kit import generate_kit

    profiles = sorted([*examples_dir.glob("*.yaml"), *examples_dir.glob("*.yml")])
    if not profiles:
        pytest.fail(f"no example profile in {examples_dir}", pytrace=False)
    root = tmp_path_factory.mktemp("kits")
    return {profile.stem: Path(generate_kit(profile, root / profile.stem)) for profile in profiles}
