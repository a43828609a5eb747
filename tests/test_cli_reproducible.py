"""Every output is the same bytes from one process to the next.

Inside one process, a set or dict iterated in hash order comes out the same each time; across
processes it changes with PYTHONHASHSEED. So each output format is produced twice, by two processes
with different seeds, and compared file by file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

# One process makes every output, through the command line as a user runs it.
MAKE_EVERYTHING = """
import sys
from click.testing import CliRunner
from transfogen.cli import main

profile, out = sys.argv[1], sys.argv[2]
runs = [
    ["new", profile, "-o", f"{out}/kit"],
    *(["calendar", profile, "--format", fmt, "-o", f"{out}/calendrier.{fmt}"] for fmt in ("texte", "json", "ics", "csv")),
    ["export", f"{out}/kit", "--format", "docx", "-o", f"{out}/word"],
    ["export", f"{out}/kit", "--format", "pdf", "--sheet", "seances/seance-03.md", "-o", f"{out}/seance-03.pdf"],
    ["render", f"{out}/kit/methodes/entretiens-usagers.md", "-o", f"{out}/entretiens-usagers.html"],
]
for args in runs:
    result = CliRunner().invoke(main, args)
    if result.exit_code != 0:
        sys.exit(f"transfogen {' '.join(args)}: {result.output}")
"""


def _make_everything(profile: Path, out: Path, seed: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    run = subprocess.run(
        [sys.executable, "-c", MAKE_EVERYTHING, str(profile), str(out)], env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_every_output_format_is_identical_across_hash_seeds(examples_dir, tmp_path):
    first = _make_everything(examples_dir / "paris.yaml", tmp_path / "a", seed="1")
    second = _make_everything(examples_dir / "paris.yaml", tmp_path / "b", seed="4242")
    kinds = {Path(name).suffix for name in first}
    assert {".md", ".html", ".ics", ".csv", ".json", ".texte", ".docx", ".pdf"} <= kinds
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert not differing, f"{len(differing)} file(s) differ between two processes: {differing[:10]}"
