"""Where the tests find the repository's files: one definition, for the fixtures of conftest.py and for
the module-level lists that `pytest.mark.parametrize` needs before any fixture exists."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES_DIR = REPO_ROOT / "examples"
TEMPLATES_DIR = REPO_ROOT / "templates"
