"""`transfogen export` at full size: the booklet of a whole 18-month kit, as a collectivity prints it.

The other export tests work on a six-month kit with two method sheets, to stay quick; this one makes
sure the real thing (about 400 A4 pages) goes through, page numbers and contents included.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from checkers import require_or_skip
from transfogen.cli import main
from transfogen.kit.sheets import load_sheet

pytestmark = pytest.mark.slow


def _pdftotext(pdf, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_full_size_booklet_of_an_example_kit(kits, tmp_path):
    require_or_skip("pdftotext")
    require_or_skip("pdfinfo")
    kit = tmp_path / "kit"
    shutil.copytree(kits["paris"], kit)  # export writes inside the kit: keep the session's kit untouched
    result = CliRunner().invoke(main, ["export", str(kit), "--format", "pdf"])
    assert result.exit_code == 0, result.output
    pdf = kit / "export" / "livret.pdf"

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    sheets = [p for p in kit.rglob("*.md") if p.relative_to(kit).parts[0] not in ("site", ".transfogen")]
    assert pages >= len(sheets) + 2, "every sheet starts on a page of its own, after the cover and contents"
    assert "A4" in info

    text = " ".join(_pdftotext(pdf).split())
    for sheet in sorted((kit / "seances").glob("*.md")):
        assert " ".join(load_sheet(sheet).title.split()) in text, f"{sheet.name}: title missing from the booklet"
    for sheet in sorted((kit / "methodes").glob("*.md")):  # laid out as documents: the title is the "# " line
        title = sheet.read_text(encoding="utf-8").splitlines()[0].removeprefix("# ")
        assert " ".join(title.split()) in text, f"{sheet.name}: title missing from the booklet"
    assert f"Page {pages} sur {pages}" in _pdftotext(pdf, "-f", str(pages), "-l", str(pages))
