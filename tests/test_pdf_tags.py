"""The PDF export is accessible: the machine-checkable part of PDF/UA, read back with pikepdf.

Structure tree with headings, lists and tables; the document's language and title shown by the viewer;
content marked; every figure (the frise) with its alternative text. `--archive` gives PDF/A-2a.
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from transfogen.cli import main

pikepdf = pytest.importorskip("pikepdf")
pytest.importorskip("weasyprint")

PROFILE = """\
collectivity:
  name: Ville de Saint-Exemple
  kind: commune
  department: "44"
program:
  start: 2027-01-04
  months: 6
  session_days: 2
"""


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pdf-tags")
    (root / "profil.yaml").write_text(PROFILE, encoding="utf-8")
    result = CliRunner().invoke(main, ["new", str(root / "profil.yaml"), "-o", str(root / "kit")])
    assert result.exit_code == 0, result.output
    return root / "kit"


def _export(kit: Path, name: str, *options: str) -> Path:
    out = kit / "export" / name
    result = CliRunner().invoke(
        main, ["export", str(kit), "--format", "pdf", "--sheet", "programme.md", "-o", str(out), *options]
    )
    assert result.exit_code == 0, result.output
    return out


def _structure(pdf) -> tuple[Counter, list]:
    """Structure element types, and the /Alt of every /Figure."""
    kinds: Counter = Counter()
    figures: list = []
    stack = [pdf.Root.StructTreeRoot.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary):
            kind = node.get("/S")
            if kind is not None:
                kinds[str(kind)] += 1
                if str(kind) == "/Figure":
                    figures.append(node.get("/Alt"))
            if "/K" in node:
                stack.append(node.K)
    return kinds, figures


def test_the_pdf_is_tagged_with_language_title_and_structure(kit):
    with pikepdf.open(_export(kit, "programme.pdf")) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert str(pdf.Root.Lang) == "fr"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        assert "Ville de Saint-Exemple" in str(pdf.docinfo["/Title"])
        with pdf.open_metadata() as meta:
            assert "Ville de Saint-Exemple" in meta["dc:title"]
            assert meta.get("pdfuaid:part") == "1"
        kinds, figures = _structure(pdf)
        assert kinds["/H1"] >= 1 and kinds["/H2"] >= 1
        assert kinds["/Table"] >= 1 and kinds["/TH"] >= 1 and kinds["/TD"] >= 1
        assert kinds["/L"] >= 1 and kinds["/LI"] >= 1
        assert figures, "the frise is a figure of the structure tree"
        assert all(alt is not None and "Frise du programme" in str(alt) for alt in figures)


def test_archive_gives_a_tagged_pdf_a(kit):
    with pikepdf.open(_export(kit, "archive.pdf", "--archive")) as pdf:
        with pdf.open_metadata() as meta:
            assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("2", "A")
        assert "/StructTreeRoot" in pdf.Root and str(pdf.Root.Lang) == "fr"


def test_the_same_kit_gives_the_same_pdf(kit):
    first = _export(kit, "a.pdf").read_bytes()
    assert _export(kit, "b.pdf").read_bytes() == first


def test_archive_is_for_pdf_only(kit):
    result = CliRunner().invoke(main, ["export", str(kit), "--format", "docx", "--archive"])
    assert result.exit_code == 1
    assert "--archive" in result.stderr


def test_page_references_kept_while_writing_change_no_byte(kit):
    """The export keeps pydyf's list of page references while it writes the PDF (the tagging asked for it
    once per tagged element, rebuilding it each time): the seam is still there, the PDF is the same byte
    for byte as pydyf alone writes it, and pydyf is left as it was."""
    import pydyf
    from weasyprint import HTML

    from transfogen.exports.export import PDF_VARIANT, _pdf_bytes, booklet_html, chapters, kit_fetcher, kit_info

    original = pydyf.PDF.__dict__["page_references"]
    assert isinstance(original, property)
    parts = [chapter for chapter in chapters(kit) if chapter.rel.startswith("seances/")][:3]
    document = booklet_html(kit_info(kit, parts), parts, cover=True)
    ours = _pdf_bytes(document, kit)
    assert pydyf.PDF.__dict__["page_references"] is original
    plain = HTML(string=document, base_url=str(kit.resolve()) + "/", url_fetcher=kit_fetcher(kit))
    assert ours == plain.write_pdf(pdf_variant=PDF_VARIANT)
    assert len(pikepdf.open(io.BytesIO(ours)).pages) > 3
