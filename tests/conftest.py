"""Shared fixtures. Kept light: heavy imports happen inside the fixtures that need them.

Three session-wide rules live here:
- the session has its own temporary folder: TMPDIR points inside it (for the product, pytest's tmp_path
  and every child process), so a job that cleans the system temp folder cannot pull files from under a test;
- under TRANSFOGEN_REQUIRE_CHECKERS=1 (CI) a skipped test is a failed test, whatever skipped it
  (require_or_skip, skipif, importorskip): CI cannot pass by not running something;
- "today" is fixed (TRANSFOGEN_TODAY), so that the example profiles' dates never become a start in the
  past whose warning would change what the tests read on stderr.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from checkers import REQUIRE_ENV
from paths import REPO_ROOT

_SESSION_TMP: Path | None = None


def pytest_configure(config: pytest.Config) -> None:
    # Before pytest computes its own base temp folder (lazily, from tempfile.gettempdir()).
    global _SESSION_TMP
    _SESSION_TMP = Path(tempfile.mkdtemp(prefix="transfogen-tests-"))
    os.environ["TMPDIR"] = str(_SESSION_TMP)
    tempfile.tempdir = str(_SESSION_TMP)
    os.environ.setdefault("TRANSFOGEN_TODAY", "2026-12-01")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # A failed session keeps its files for a look; a passing one leaves nothing behind.
    if _SESSION_TMP is not None and exitstatus == 0:
        shutil.rmtree(_SESSION_TMP, ignore_errors=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.skipped and os.environ.get(REQUIRE_ENV) == "1" and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under {REQUIRE_ENV}=1, which forbids skipping: {reason}"
    return report


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def examples_dir(repo_root) -> Path:
    return repo_root / "examples"


@pytest.fixture(scope="session")
def kits(examples_dir, tmp_path_factory) -> dict[str, Path]:
    """Each example profile's kit, generated once per test session: {profile stem: kit folder}."""
    from transfogen.kit.build import generate_kit

    profiles = sorted([*examples_dir.glob("*.yaml"), *examples_dir.glob("*.yml")])
    if not profiles:
        pytest.fail(f"no example profile in {examples_dir}", pytrace=False)
    root = tmp_path_factory.mktemp("kits")
    return {profile.stem: Path(generate_kit(profile, root / profile.stem)) for profile in profiles}
