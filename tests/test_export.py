"""`transfogen export`: the A4 booklet and single-sheet PDFs (checked with poppler), and the Word files
(read back with python-docx, opened and converted by LibreOffice headless)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from checkers import require_or_skip
from transfogen.cli import main
from transfogen.kit.sheets import load_sheet

TEMPLATE = Path(os.environ.get("TRANSFOGEN_TEST_TEMPLATE") or Path(__file__).resolve().parents[1] / "templates/transfo")


def _template_sheet(kit_sheet: Path):
    """The structured sheet behind a kit's method page (the kit's copy is laid out as text)."""
    return load_sheet(TEMPLATE / "methodes" / kit_sheet.name)


COLLECTIVITY = "Ville de Saint-Exemple-sur-Loire"
# A six-month programme keeps the booklet short enough for WeasyPrint to render in seconds.
PROFILE = f"""
collectivity:
  name: {COLLECTIVITY}
  kind: commune
  department: "44"
  sites: [Hôtel de ville, Médiathèque centrale]
program:
  start: 2027-01-04
  months: 6
  session_days: 2
  weekdays: [tue, wed, thu]
team:
  residents: 3
  ambassadors: 18
cases:
  - title: "Accueil des familles au guichet petite enfance"
    service: "Direction de l'enfance"
  - title: "Prêt de matériel aux associations"
    service: "Service de la vie associative"
"""


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    from transfogen.kit.build import generate_kit

    root = tmp_path_factory.mktemp("export")
    profile = root / "profil.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    # TRANSFOGEN_TEST_TEMPLATE points to another template folder while the bundled one is being written.
    return Path(generate_kit(profile, root / "kit", template_dir=os.environ.get("TRANSFOGEN_TEST_TEMPLATE")))


@pytest.fixture(scope="module")
def booklet_kit(kit, tmp_path_factory) -> Path:
    """The kit with two method sheets only: all the booklet's features, a fifth of its pages."""
    copy = tmp_path_factory.mktemp("booklet") / "kit"
    shutil.copytree(kit, copy)
    for method in sorted((copy / "methodes").glob("*.md"))[2:]:
        method.unlink()
    return copy


@pytest.fixture(scope="module")
def booklet(booklet_kit) -> Path:
    require_or_skip("pdftotext")
    result = CliRunner().invoke(main, ["export", str(booklet_kit), "--format", "pdf"])
    assert result.exit_code == 0, result.output
    pdf = booklet_kit / "export" / "livret.pdf"
    assert f"Fichier écrit : {pdf}" in result.output
    return pdf


def _text(pdf: Path, page: int | None = None, layout: bool = False) -> str:
    """The PDF's text in reading order, or laid out as on the page (`layout`: one line per printed line)."""
    options = ["-f", str(page), "-l", str(page)] if page else []
    options += ["-layout"] if layout else []
    run = subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True, check=True)
    return run.stdout


def _flat(text: str) -> str:
    # One space between words; a word wrapped after its hyphen ("Saint-Exemple-sur-⏎Loire") is joined.
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", text))


def _page_sizes(pdf: Path) -> list[str]:
    run = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True, check=True)
    return re.findall(r"^Page +\d+ size: +(.+)$", run.stdout, re.MULTILINE)


def _sessions(kit: Path):
    return [load_sheet(path) for path in sorted((kit / "seances").glob("*.md"))]


# --- PDF --------------------------------------------------------------------------------------


def test_booklet_is_a4_with_one_page_or_more_per_file(booklet, booklet_kit):
    sizes = _page_sizes(booklet)
    files = [p for p in booklet_kit.rglob("*.md") if p.relative_to(booklet_kit).parts[0] not in ("site", ".transfogen")]
    assert set(sizes) == {"595.276 x 841.89 pts (A4)"}
    # Cover and contents, then every file starting on a page of its own.
    assert len(sizes) >= len(files) + 2


def test_booklet_has_cover_contents_and_every_session(booklet, booklet_kit):
    text = _flat(_text(booklet))
    cover = _flat(_text(booklet, 1, layout=True))
    assert COLLECTIVITY in cover
    assert "Du 5 janvier 2027 au" in cover and "transfo" in cover
    assert "Sommaire" in _text(booklet, 2)
    for session in _sessions(booklet_kit):
        assert session.title in text
    for document in (booklet_kit / "documents").glob("*.md"):
        title = document.read_text(encoding="utf-8").splitlines()[0].removeprefix("# ")
        assert title in text


def test_booklet_contents_give_the_page_where_each_session_starts(booklet, booklet_kit):
    contents = _text(booklet, 2, layout=True) + _text(booklet, 3, layout=True)
    total = len(_page_sizes(booklet))
    for session in _sessions(booklet_kit):
        match = re.search(re.escape(session.title) + r" ?\.+ ?(\d+)", contents)
        assert match, f"{session.title} missing from the contents"
        page = int(match.group(1))
        assert 3 <= page <= total
        body = _text(booklet, page, layout=True).splitlines()
        # The running header names the collectivity and the chapter, the page then opens on the title.
        assert COLLECTIVITY in body[0] and session.title in body[0]
        assert session.title in _flat("\n".join(body[1:]))


def test_booklet_pages_are_numbered_in_the_footer(booklet):
    total = len(_page_sizes(booklet))
    assert "Page" not in _text(booklet, 1)  # the cover carries no number
    assert f"Page 3 sur {total}" in _text(booklet, 3)
    assert f"Page {total} sur {total}" in _text(booklet, total)


def test_single_sheet_pdf_has_title_and_run_sheet_times(kit, tmp_path):
    require_or_skip("pdftotext")
    sheet = sorted((kit / "methodes").glob("*.md"))[0]
    method = _template_sheet(sheet)
    out = tmp_path / "fiche.pdf"
    result = CliRunner().invoke(main, ["export", str(kit), "-f", "pdf", "--sheet", str(sheet), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = _flat(_text(out))
    assert method.title in text and COLLECTIVITY in text
    elapsed = 0
    for step in method.meta["steps"]:
        assert f"{elapsed // 60}:{elapsed % 60:02d}" in text
        assert _flat(step["title"]) in text
        elapsed += step["minutes"]
    assert set(_page_sizes(out)) == {"595.276 x 841.89 pts (A4)"}
    assert "Sommaire" not in text  # one sheet: no cover, no contents


def test_session_pdf_is_reproducible_and_not_overwritten_without_force(kit, tmp_path):
    sheet = kit / "seances" / "seance-01.md"
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for out in (first, second):
        result = CliRunner().invoke(main, ["export", str(kit), "-f", "pdf", "--sheet", str(sheet), "-o", str(out)])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    again = CliRunner().invoke(main, ["export", str(kit), "-f", "pdf", "--sheet", str(sheet), "-o", str(first)])
    assert again.exit_code == 1
    assert "existe déjà" in again.output and "--force" in again.output
    forced = CliRunner().invoke(
        main, ["export", str(kit), "-f", "pdf", "--sheet", str(sheet), "-o", str(first), "--force"]
    )
    assert forced.exit_code == 0, forced.output
    assert not list(tmp_path.glob(".*.tmp"))


# --- DOCX -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def word(kit) -> Path:
    result = CliRunner().invoke(main, ["export", str(kit), "--format", "docx"])
    assert result.exit_code == 0, result.output
    return kit / "export" / "word"


def test_docx_export_writes_one_file_per_sheet_and_document(word, kit):
    expected = sorted(
        p.relative_to(kit).with_suffix(".docx").as_posix()
        for folder in ("seances", "methodes", "roles", "documents")
        for p in (kit / folder).glob("*.md")
    )
    written = sorted(p.relative_to(word).as_posix() for p in word.rglob("*.docx"))
    assert written == expected
    assert any(name.startswith("documents/") for name in written)


def test_session_docx_has_headings_tables_and_checkboxes(word, kit):
    from docx import Document

    with_tasks = [p for p in sorted((kit / "seances").glob("*.md")) if "- [ ] " in p.read_text(encoding="utf-8")]
    assert with_tasks, "no session sheet has a checklist"
    source = with_tasks[0]
    document = Document(word / "seances" / source.with_suffix(".docx").name)
    styles = {p.style.name for p in document.paragraphs}
    assert {"Heading 1", "Heading 2", "Heading 3"} <= styles
    assert document.paragraphs[0].text == load_sheet(source).title
    tasks = [line[6:] for line in source.read_text(encoding="utf-8").splitlines() if line.startswith("- [ ] ")]
    boxes = [p.text for p in document.paragraphs if p.text.startswith("☐ ")]
    # A link to another kit file reads as its text and its path in the kit (Word has no relative links).
    tasks = [re.sub(r"\[([^\]]+)\]\(\.\./([^)]+)\)", r"\1 (\2)", task) for task in tasks]
    assert [re.sub(r"[*_`]", "", task) for task in tasks] == [box[2:] for box in boxes]
    # The day schedules are Markdown tables: real Word tables with a bold header row.
    schedule = next(t for t in document.tables if t.rows[0].cells[0].text == "Horaire")
    assert all(run.bold for cell in schedule.rows[0].cells for run in cell.paragraphs[0].runs)
    assert len(schedule.rows) > 2
    assert document.paragraphs[0].style.name == "Heading 1"
    assert round(document.sections[0].page_width.cm, 1) == 21.0  # A4, not python-docx's US Letter


def test_sheet_path_may_be_given_from_the_kit(kit, tmp_path):
    out = tmp_path / "seance.docx"
    result = CliRunner().invoke(
        main, ["export", str(kit), "-f", "docx", "--sheet", "seances/seance-01.md", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.is_file() and result.output == f"Fichier écrit : {out}\n"


def test_method_docx_has_summary_run_sheet_and_restarted_numbering(word, kit):
    from docx import Document

    source = sorted((kit / "methodes").glob("*.md"))[0]
    method = _template_sheet(source)
    document = Document(word / "methodes" / source.with_suffix(".docx").name)
    paragraphs = [p.text for p in document.paragraphs]
    assert "Objectif : " + re.sub(r"[*_`]", "", method.meta["purpose"]) in paragraphs
    run_sheet = document.tables[0]
    assert [c.text for c in run_sheet.rows[0].cells] == ["Début", "Durée", "Étape", "Ce qui se passe"]
    assert len(run_sheet.rows) == len(method.meta["steps"]) + 1
    assert run_sheet.rows[1].cells[0].text == "0:00"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    for section in ("Déroulé", "Variantes", "Points de vigilance", "Pourquoi cette méthode", "Conseils d'animation"):
        assert section in headings
    assert document.core_properties.created.date().isoformat() == "2027-01-04"
    assert document.core_properties.author == COLLECTIVITY


def test_each_numbered_list_of_a_session_starts_again_at_one(word):
    from docx import Document

    document = Document(word / "seances" / "seance-02.docx")
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert numbered and all(p._p.pPr.numPr is not None for p in numbered)
    ids = [p._p.pPr.numPr.numId.val for p in numbered]
    # One numbering instance per list: the step lists of each activity do not continue each other.
    assert len(set(ids)) > 1


def test_docx_files_are_reproducible(kit, tmp_path):
    sheet = kit / "documents" / sorted(p.name for p in (kit / "documents").glob("*.md"))[0]
    outputs = [tmp_path / "a.docx", tmp_path / "b.docx"]
    for out in outputs:
        result = CliRunner().invoke(main, ["export", str(kit), "-f", "docx", "--sheet", str(sheet), "-o", str(out)])
        assert result.exit_code == 0, result.output
    assert outputs[0].read_bytes() == outputs[1].read_bytes()


@pytest.mark.office
def test_libreoffice_opens_and_converts_each_kind_of_docx(word, tmp_path):
    require_or_skip("soffice")
    require_or_skip("pdftotext")
    from docx import Document

    files = [sorted((word / folder).glob("*.docx"))[0] for folder in ("seances", "methodes", "roles")]
    files += sorted((word / "documents").glob("*.docx"))
    profile = (tmp_path / "lo-profile").as_uri()  # its own profile: parallel runs do not clash
    run = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    for docx in files:
        pdf = tmp_path / "pdf" / docx.with_suffix(".pdf").name
        assert pdf.is_file(), f"LibreOffice did not convert {docx.name}: {run.stdout} {run.stderr}"
        assert _flat(Document(docx).paragraphs[0].text) in _flat(_text(pdf))
        assert all(size.startswith("595.") and " x 841.89 " in size for size in _page_sizes(pdf))


# --- command line -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["{missing}", "-f", "pdf"], "dossier introuvable"),
        (["{plain}", "-f", "pdf"], "ce n'est pas un kit transfogen"),
        (["{kit}", "-f", "odt"], "format inconnu « odt »"),
        (["{kit}", "-f", "docx", "--sheet", "{outside}"], "doit se trouver dans le kit"),
        (["{kit}", "-f", "pdf", "--sheet", "{kit}/seances/seance-99.md"], "fichier introuvable"),
    ],
)
def test_bad_input_is_one_line_error(arguments, message, kit, tmp_path):
    (tmp_path / "plain").mkdir()
    outside = tmp_path / "fiche.md"
    outside.write_text("# Une fiche hors du kit\n", encoding="utf-8")
    values = {"missing": tmp_path / "absent", "plain": tmp_path / "plain", "kit": kit, "outside": outside}
    result = CliRunner().invoke(main, ["export", *(a.format(**values) for a in arguments)])
    assert result.exit_code == 1
    assert result.output.startswith("Erreur : ") and message in result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_cli_start_up_does_not_import_export_libraries():
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import transfogen.cli"],
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {line.split("|")[-1].strip().split(".")[0] for line in run.stderr.splitlines() if "|" in line}
    assert "transfogen" in imported
    assert not imported & {"weasyprint", "docx"}


def test_programme_pdf_carries_the_frise(kit, tmp_path):
    require_or_skip("pdftotext")
    out = tmp_path / "programme.pdf"
    result = CliRunner().invoke(main, ["export", str(kit), "-f", "pdf", "--sheet", "programme.md", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = _flat(_text(out))
    assert "La frise du programme" in text and "Le programme mois par mois" in text


# --- untrusted text and hostile environments (issue 9) ---------------------------------------------


def test_pdf_export_fetches_nothing_outside_the_kit(kit, tmp_path):
    """An image in a sheet, on the network or elsewhere on disk, is left out: nothing is fetched."""
    import http.server
    import threading

    from transfogen.exports.export import kit_fetcher

    hits: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            hits.append(self.path)
            self.send_error(404)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    copy = tmp_path / "kit"
    shutil.copytree(kit, copy)
    document = copy / "documents" / "convention-de-residence.md"
    port = server.server_address[1]
    with document.open("a", encoding="utf-8") as stream:
        stream.write(f"\n![distante](http://127.0.0.1:{port}/p.png) ![locale](/etc/hostname)\n")
        stream.write(f'\n<img src="http://127.0.0.1:{port}/brut.png">\n')
    try:
        out = tmp_path / "convention.pdf"
        result = CliRunner().invoke(main, ["export", str(copy), "-f", "pdf", "--sheet", str(document), "-o", str(out)])
        assert result.exit_code == 0, result.output
    finally:
        server.shutdown()
    assert hits == [] and out.read_bytes().startswith(b"%PDF")
    fetcher = kit_fetcher(copy)
    for refused in (f"http://127.0.0.1:{port}/p.png", "file:///etc/hostname", f"file://{copy}/../kit-autre/x.png"):
        with pytest.raises(ValueError, match="hors du kit"):
            fetcher.fetch(refused)
    fetcher.fetch((copy / "site" / "style.css").as_uri()).close()


HOSTILE_TITLE = "Accueil <b>jeunes</b> ![x](http://127.0.0.1:9/p.png) __init__"


def test_a_case_title_that_passes_the_profile_check_can_be_exported(tmp_path):
    """Issue 9 item 8: `new` then `export` succeed, and the sheet shows the title as written."""
    from docx import Document

    require_or_skip("pdftotext")
    profile = tmp_path / "profil.yaml"
    profile.write_text(
        PROFILE.replace("Accueil des familles au guichet petite enfance", HOSTILE_TITLE.replace('"', '\\"')),
        encoding="utf-8",
    )
    kit = tmp_path / "kit"
    result = CliRunner().invoke(main, ["new", str(profile), "-o", str(kit)])
    assert result.exit_code == 0, result.output
    sheet = next(p for p in sorted((kit / "seances").glob("*.md")) if load_sheet(p).meta.get("case") == 1)
    pdf, word = tmp_path / "seance.pdf", tmp_path / "seance.docx"
    for out in (pdf, word):
        fmt = out.suffix[1:]
        result = CliRunner().invoke(main, ["export", str(kit), "-f", fmt, "--sheet", str(sheet), "-o", str(out)])
        assert result.exit_code == 0, result.output
    assert HOSTILE_TITLE in _flat(_text(pdf))
    assert HOSTILE_TITLE in "\n".join(paragraph.text for paragraph in Document(word).paragraphs)


def test_an_interrupted_docx_export_leaves_nothing_and_a_rerun_works(kit, tmp_path, monkeypatch):
    """Issue 9 item 14: a full disk in the middle of the Word export leaves no partial set."""
    import errno

    from transfogen.exports import export

    real, calls = export._docx_bytes, []

    def fills_the_disk(*args):
        calls.append(1)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "word" / "x.docx"))
        return real(*args)

    monkeypatch.setattr(export, "_docx_bytes", fills_the_disk)
    out = tmp_path / "word"
    result = CliRunner().invoke(main, ["export", str(kit), "-f", "docx", "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"Erreur : {tmp_path / 'word' / 'x.docx'} : plus de place sur le disque"]
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    monkeypatch.setattr(export, "_docx_bytes", real)
    again = CliRunner().invoke(main, ["export", str(kit), "-f", "docx", "-o", str(out)])
    assert again.exit_code == 0, again.output
    assert len(list(out.rglob("*.docx"))) > 20 and sorted(p.name for p in tmp_path.iterdir()) == ["word"]
    assert oct(out.stat().st_mode & 0o777) != oct(0o700)  # an ordinary folder, not a private temporary one


def test_docx_export_into_an_existing_folder_keeps_what_else_is_there(kit, tmp_path):
    out = tmp_path / "partage"
    (out / "seances").mkdir(parents=True)
    (out / "notes.txt").write_text("à garder", encoding="utf-8")
    (out / "seances" / "seance-01.docx").write_bytes(b"ancienne version")
    refused = CliRunner().invoke(main, ["export", str(kit), "-f", "docx", "-o", str(out)])
    assert refused.exit_code == 1 and "--force" in refused.stderr
    forced = CliRunner().invoke(main, ["export", str(kit), "-f", "docx", "-o", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert (out / "notes.txt").read_text(encoding="utf-8") == "à garder"
    assert (out / "seances" / "seance-01.docx").read_bytes().startswith(b"PK")
    assert [p.name for p in tmp_path.iterdir()] == ["partage"]


def test_export_where_one_cannot_write_is_one_french_line(kit, tmp_path, monkeypatch):
    import errno

    locked = tmp_path / "verrouille"
    locked.mkdir()
    locked.chmod(0o500)
    if os.geteuid() == 0:  # root writes everywhere: the system's refusal is simulated

        def refuse(*args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied", str(locked))

        monkeypatch.setattr("tempfile.mkdtemp", refuse)
        monkeypatch.setattr("tempfile.mkstemp", refuse)
    for fmt, target in (("docx", locked / "word"), ("pdf", locked / "livret.pdf")):
        arguments = ["export", str(kit), "-f", fmt, "-o", str(target)]
        if fmt == "pdf":
            arguments += ["--sheet", "seances/seance-01.md"]
        result = CliRunner().invoke(main, arguments)
        assert result.exit_code == 1, result.output
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Erreur : ") and "permission refusée" in lines[0], lines
        assert "Traceback" not in result.output
    locked.chmod(0o700)
    assert list(locked.iterdir()) == []
