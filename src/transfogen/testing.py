"""A pytest plugin for template authors, in the spirit of pytest-cookies.

Installed with transfogen, it gives every test the `bake_kit` fixture:

    def test_my_template_names_the_collectivity(bake_kit):
        result = bake_kit(template="path/to/my-template", profile="examples/metz.yaml")
        assert result.error is None
        assert "Metz Métropole" in result.read("LISEZMOI.md")

The kit is generated in the test's temporary folder, exactly as `transfogen new` would generate it
(sandbox included); a failure is captured in `result.error` instead of raised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from transfogen.errors import TransfogenError


@dataclass
class BakeResult:
    kit: Path | None
    error: TransfogenError | None

    def read(self, relative: str) -> str:
        """The text of a file of the kit."""
        if self.kit is None:
            raise AssertionError(f"pas de kit : la génération a échoué ({self.error})")
        return (self.kit / relative).read_text(encoding="utf-8")

    def files(self) -> list[str]:
        """Every file of the kit, as paths relative to its folder."""
        if self.kit is None:
            return []
        return sorted(p.relative_to(self.kit).as_posix() for p in self.kit.rglob("*") if p.is_file())


@pytest.fixture
def bake_kit(tmp_path: Path) -> Callable[..., BakeResult]:
    """Generate a kit: `bake_kit(template=None, profile=None, trust=False)`.

    Without `template`, the bundled « transfo » template; without `profile`, its example profile.
    """
    from transfogen.api import bundled_template_dir, template_example
    from transfogen.kit.build import generate_kit

    counter = iter(range(1_000_000))

    def bake(template: str | Path | None = None, profile: str | Path | None = None, trust: bool = False) -> BakeResult:
        chosen = Path(profile) if profile else template_example(template or bundled_template_dir())
        out = tmp_path / f"kit-{next(counter)}"
        try:
            return BakeResult(generate_kit(chosen, out, template_dir=template, trust=trust), None)
        except TransfogenError as error:
            return BakeResult(None, error)

    return bake
