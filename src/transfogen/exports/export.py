"""Export a generated kit to documents people print or edit: an A4 PDF booklet (WeasyPrint) and
editable Word files (python-docx).

The PDF reuses the kit's HTML (`sheet_html`, `render_markdown`) and stylesheet plus the print-only
rules of data/site/print.css. The DOCX files are built from the same Markdown token stream and the
sheets' front matter, with real Word headings, lists and tables. Both libraries are imported inside
the functions: this module is only loaded by `transfogen export`.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import functools
import io
import os
import posixpath
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from transfogen.kit.sheets import Sheet

from transfogen.errors import TransfogenError
from transfogen.kit.files import CONTEXT_FILE, STATE_DIR, refuse_existing, write_file
from transfogen.templating.resources import package_file

DOCX_FOLDERS = ("seances", "methodes", "roles", "documents")  # what gets one .docx each
_FIRST_H1 = re.compile(r"\A\s*# (.+)\n")
_HREF = re.compile(r'href="([^"]*)"')
_ID = re.compile(r' (id|aria-labelledby)="([^"]+)"')
_MISSING = "l'export {what} demande {package} : installez-le avec « pip install 'transfogen[export]' »"
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


@dataclass(frozen=True)
class KitInfo:
    """What the booklet's cover and header say about the kit."""

    root: Path
    collectivity: str
    start: datetime.date  # programme start from the profile: also the DOCX files' fixed date
    first_day: datetime.date | None  # first and last session days read from the session sheets
    last_day: datetime.date | None
    sessions: int
    template: str
    context: dict | None = field(default=None, hash=False, compare=False)  # .transfogen/contexte.json


@dataclass(frozen=True)
class Chapter:
    """One Markdown file of the kit, in reading order."""

    rel: str  # path inside the kit, e.g. "seances/seance-02.md"
    title: str
    sheet: Sheet | None  # for sessions and methods, else None
    markdown: str  # the body without its front matter nor its first "# " title

    @property
    def anchor(self) -> str:
        return "doc-" + re.sub(r"[^a-z0-9]+", "-", self.rel[:-3].lower()).strip("-")


# --- reading the kit --------------------------------------------------------------------------


def check_kit(kit: Path) -> None:
    """Refuse a missing folder or a folder that `transfogen new` did not make."""
    if not kit.exists():
        raise TransfogenError(f"{kit} : dossier introuvable")
    if not kit.is_dir():
        raise TransfogenError(f"{kit} : n'est pas un dossier (donnez le dossier du kit)")
    if not (kit / STATE_DIR / "profil.yaml").is_file():
        raise TransfogenError(
            f"{kit} : ce n'est pas un kit transfogen (pas de {STATE_DIR}/profil.yaml) ; "
            "créez-le avec « transfogen new »"
        )


def kit_info(kit: Path, loaded: Sequence[Chapter] = ()) -> KitInfo:
    """The kit's cover facts; the session sheets are taken from `loaded` chapters when they are there."""
    import json

    from transfogen.planning.profile import load_profile

    check_kit(kit)
    profile = load_profile(kit / STATE_DIR / "profil.yaml")
    known = {chapter.rel: chapter for chapter in loaded}
    rels = [path.relative_to(kit).as_posix() for path in sorted((kit / "seances").glob("*.md"))]
    sheets = [(known[rel] if rel in known else _load(kit, rel)).sheet for rel in rels]
    sessions = [sheet for sheet in sheets if sheet is not None and sheet.kind == "seance"]
    days = [day for sheet in sessions for day in sheet.meta["dates"]]
    template = "transfo"
    state = kit / STATE_DIR / "gabarit.json"
    if state.is_file():
        try:
            data = json.loads(state.read_text(encoding="utf-8"))
            template = f"{data['template']} {data['template_version']}"
        except (ValueError, KeyError, TypeError):
            raise TransfogenError(f"{state} : fichier illisible (régénérez le kit)") from None
    context_file = kit / STATE_DIR / CONTEXT_FILE
    try:
        context = json.loads(context_file.read_text(encoding="utf-8")) if context_file.is_file() else None
    except ValueError:
        raise TransfogenError(f"{context_file} : fichier illisible (régénérez le kit)") from None
    return KitInfo(
        context=context,
        root=kit,
        collectivity=profile.collectivity.name,
        start=profile.program.start,
        first_day=min(days) if days else None,
        last_day=max(days) if days else None,
        sessions=len(sessions),
        template=template,
    )


def _load(kit: Path, rel: str) -> Chapter:
    from transfogen.kit.markup import plain_text
    from transfogen.kit.sheets import load_sheet

    path = kit / rel
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TransfogenError(f"{path} : le fichier n'est pas encodé en UTF-8") from None
    except OSError as error:
        raise TransfogenError(f"{path} : lecture impossible ({error.strerror})") from None
    if text.startswith("---"):
        sheet = load_sheet(path)
        return Chapter(rel, str(sheet.meta["title"]), sheet, sheet.body)
    match = _FIRST_H1.match(text)
    if match:  # a plain-text title: the Markdown escapes of a profile value resolved
        return Chapter(rel, plain_text(match.group(1)), None, text[match.end() :])
    return Chapter(rel, Path(rel).stem, None, text)


def chapters(kit: Path) -> list[Chapter]:
    """Every Markdown file of the kit, in the site's section order (home, programme, …, glossary)."""
    from transfogen.kit.site import SECTIONS, SITE_DIR

    every = sorted(
        p.relative_to(kit).as_posix()
        for p in kit.rglob("*.md")
        if p.relative_to(kit).parts[0] not in (SITE_DIR, STATE_DIR)
    )
    ordered: list[str] = []
    for page, _label in SECTIONS:
        if page == "index.html":
            wanted = ["LISEZMOI.md"]
        elif page.endswith("/index.html"):
            folder = page[: -len("index.html")]
            wanted = [rel for rel in every if rel.startswith(folder)]
        else:
            wanted = [page[: -len(".html")] + ".md"]
        ordered += [rel for rel in wanted if rel in every and rel not in ordered]
    ordered += [rel for rel in every if rel not in ordered]
    return [_load(kit, rel) for rel in ordered]


def sheet_in_kit(kit: Path, sheet: Path) -> str:
    """The sheet's path inside the kit; refuse a file elsewhere or one that is not Markdown.

    A relative path is read from the current folder, or else from the kit (`seances/seance-03.md`)."""
    if not sheet.is_absolute() and not sheet.exists() and (kit / sheet).exists():
        sheet = kit / sheet
    resolved = sheet.resolve()
    try:
        rel = resolved.relative_to(kit.resolve()).as_posix()
    except ValueError:
        raise TransfogenError(f"{sheet} : la fiche doit se trouver dans le kit {kit}") from None
    if not resolved.is_file():
        raise TransfogenError(f"{sheet} : fichier introuvable")
    if resolved.suffix != ".md" or rel.split("/")[0] in ("site", STATE_DIR):
        raise TransfogenError(f"{sheet} : seules les fiches Markdown (.md) du kit s'exportent")
    return rel


# --- writing ----------------------------------------------------------------------------------


# --- PDF --------------------------------------------------------------------------------------


# Public bodies must publish accessible documents: the PDF is tagged (PDF/UA-1: structure tree with
# headings, lists and tables, the document's language and title, alternative text for the frise).
# The archival variant, PDF/A-2a, is tagged too (its "a" level is the accessible one).
PDF_VARIANT, ARCHIVE_VARIANT = "pdf/ua-1", "pdf/a-2a"


def export_pdf(kit: Path, out: Path, sheet: Path | None = None, force: bool = False, *, archive: bool = False) -> Path:
    """Write the whole kit as one A4 booklet (cover, contents, every file on its own pages), or one
    sheet when `sheet` is given: tagged PDF/UA-1, or PDF/A-2a with `archive`. Returns the PDF's path."""
    check_kit(kit)
    parts = [_load(kit, sheet_in_kit(kit, sheet))] if sheet is not None else chapters(kit)
    info = kit_info(kit, parts)  # the session sheets just parsed are not read again
    refuse_existing([out], force)
    document = booklet_html(info, parts, cover=sheet is None)
    variant = ARCHIVE_VARIANT if archive else PDF_VARIANT
    write_file(out, _pdf_bytes(document, kit, variant), force=True, make_parents=True)  # checked above
    return out


def _pdf_bytes(document: str, kit: Path, variant: str = PDF_VARIANT) -> bytes:
    import logging

    try:
        from weasyprint import HTML
    except ImportError:
        raise TransfogenError(_MISSING.format(what="PDF", package="WeasyPrint")) from None
    except OSError as error:  # WeasyPrint is installed but Pango is not
        raise TransfogenError(f"l'export PDF ne trouve pas la bibliothèque Pango ({error})") from None

    # WeasyPrint logs every CSS property it ignores (screen-only rules of style.css), and every resource
    # the fetcher below refuses: not the user's concern.
    logging.getLogger("weasyprint").setLevel(logging.CRITICAL)
    base = str(kit.resolve()) + "/"
    with _page_references_kept():
        return HTML(string=document, base_url=base, url_fetcher=kit_fetcher(kit)).write_pdf(pdf_variant=variant)


@contextlib.contextmanager
def _page_references_kept() -> Iterator[None]:
    """pydyf rebuilds the list of every page's reference each time it is asked for one, and WeasyPrint's
    tagging asks once per tagged element: quadratic in the pages (about a sixth of a 470-page booklet's
    time). While the PDF is written, the list is rebuilt only when a page has been added; same bytes."""
    import pydyf

    original = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(original, property) or original.fget is None:
        yield  # another pydyf: nothing to speed up, nothing to change
        return
    build = original.fget

    def page_references(pdf: Any) -> tuple:
        count = len(pdf.pages["Kids"])
        kept = pdf.__dict__.get("_transfogen_page_references")
        if kept is None or kept[0] != count:
            kept = pdf.__dict__["_transfogen_page_references"] = (count, build(pdf))
        return kept[1]

    pydyf.PDF.page_references = property(page_references)
    try:
        yield
    finally:
        pydyf.PDF.page_references = original


def kit_fetcher(kit: Path):
    """WeasyPrint's fetcher, limited to the kit's own files and transfogen's data (no network, no
    file elsewhere): an image in a sheet (`![x](http://…)`, `![x](/etc/…)`) is left out of the PDF."""
    from urllib.parse import urlsplit
    from urllib.request import url2pathname

    roots = (kit.resolve(), package_file(".").resolve())

    def allowed(url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return True
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = Path(url2pathname(parts.path)).resolve()  # symbolic links followed: no way out of the kit
        return any(path.is_relative_to(root) for root in roots)

    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before the URLFetcher class: a function is the fetcher
        from weasyprint import default_url_fetcher

        def fetch(url: str):
            if not allowed(url):
                raise ValueError(f"hors du kit : {url}")
            return default_url_fetcher(url)

        return fetch

    class KitFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not allowed(url):
                raise ValueError(f"hors du kit : {url}")
            return super().fetch(url, headers)

    return KitFetcher(allowed_protocols=("file", "data"))


def print_stylesheet() -> str:
    return package_file("data/site/print.css").read_text(encoding="utf-8")


def booklet_html(info: KitInfo, parts: list[Chapter], cover: bool) -> str:
    """The print document: optional cover and contents, then one <article> per chapter."""
    from transfogen.kit.html import dates_fr, sheet_html, stylesheet
    from transfogen.kit.markup import render_markdown

    anchors = {chapter.rel: chapter.anchor for chapter in parts}
    body = []
    if cover:
        body.append(_cover(info, dates_fr))
        body.append(_contents(parts))
    else:
        body.append(f'<p class="kit-nom">Kit du programme — {escape(info.collectivity)}</p>')
    body.append("<main>")
    for chapter in parts:
        inner = sheet_html(chapter.sheet) if chapter.sheet is not None else render_markdown(chapter.markdown)
        if chapter.rel == "programme.md" and info.context:
            from transfogen.kit.site import with_timeline

            inner = with_timeline(inner, info.context)  # the frise, as on the site's programme page
        inner = _local_links(inner, chapter, anchors)
        body.append(
            f'<article class="chapitre" id="{chapter.anchor}">\n<h1>{escape(chapter.title)}</h1>\n{inner.strip()}\n</article>'
        )
    body.append("</main>")
    css = (stylesheet() + "\n" + print_stylesheet()).replace("</", "<\\/")
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="fr">',
                "<head>",
                '<meta charset="utf-8">',
                f"<title>Kit du programme — {escape(info.collectivity)}</title>",
                f'<meta name="author" content="{escape(info.collectivity)}">',
                f"<style>\n{css}\n</style>",
                "</head>",
                f'<body class="livret" data-collectivite="{escape(info.collectivity)}">',
                *body,
                "</body>",
                "</html>",
            ]
        )
        + "\n"
    )


def _cover(info: KitInfo, dates_fr) -> str:
    lines = [
        '<section class="couverture">',
        "<p class=\"surtitre\">Programme de préfiguration d'un laboratoire d'innovation publique</p>",
        f'<p class="collectivite">{escape(info.collectivity)}</p>',
        '<p class="sous-titre">Kit du programme : calendrier, séances, méthodes, rôles et documents</p>',
    ]
    if info.first_day and info.last_day:
        lines.append(
            f'<p class="periode">Du {escape(dates_fr([info.first_day]))} au {escape(dates_fr([info.last_day]))}'
            f" — {info.sessions} séance{'s' if info.sessions > 1 else ''}</p>"
        )
    lines += [
        f'<p class="gabarit">Gabarit : {escape(info.template)} — produit avec transfogen</p>',
        "</section>",
    ]
    return "\n".join(lines)


def _contents(parts: list[Chapter]) -> str:
    from transfogen.kit.site import INDEX_TITLES

    items, folder = [], None
    for chapter in parts:
        this_folder = chapter.rel.split("/")[0] if "/" in chapter.rel else None
        if this_folder != folder and this_folder in INDEX_TITLES:
            items.append(f'<li class="partie">{escape(INDEX_TITLES[this_folder])}</li>')
        folder = this_folder
        items.append(f'<li><a href="#{chapter.anchor}">{escape(chapter.title)}</a></li>')
    return (
        '<nav class="sommaire-livret" aria-label="Sommaire">\n<h1>Sommaire</h1>\n<ol>\n'
        + "\n".join(items)
        + "\n</ol>\n</nav>"
    )


def _local_links(html: str, chapter: Chapter, anchors: dict[str, str]) -> str:
    """Make ids unique across chapters, and turn links to other files of the booklet into page links."""
    prefix = chapter.anchor

    def href(match: re.Match) -> str:
        target = match.group(1)
        if target.startswith("#"):
            return f'href="#{prefix}--{target[1:]}"'
        if _EXTERNAL.match(target) or target.startswith("/"):
            return match.group(0)
        path, _, fragment = target.partition("#")
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(chapter.rel), path))
        if rel in anchors:
            return f'href="#{anchors[rel]}--{fragment}"' if fragment else f'href="#{anchors[rel]}"'
        # A file outside the booklet: WeasyPrint would write this machine's file:// address into the PDF.
        return ""

    return _ID.sub(lambda m: f' {m.group(1)}="{prefix}--{m.group(2)}"', _HREF.sub(href, html))


# --- DOCX -------------------------------------------------------------------------------------


def export_docx(kit: Path, out: Path, sheet: Path | None = None, force: bool = False) -> list[Path]:
    """Write editable Word files. With `sheet`: that one file at `out`. Without: `out` is a folder
    that mirrors the kit, one .docx per session, method and role sheet and per founding document
    (`out/seances/seance-01.docx`, `out/documents/…`). Returns the files written, in kit order."""
    check_kit(kit)
    if sheet is not None:
        chapter = _load(kit, sheet_in_kit(kit, sheet))
        info = kit_info(kit, [chapter])
        refuse_existing([out], force)
        write_file(out, _fixed_zip(_docx_bytes(info, chapter, set()), info.start), force=True, make_parents=True)
        return [out]
    parts = chapters(kit)
    info = kit_info(kit, parts)  # the session sheets just parsed are not read again
    jobs = [(chapter, chapter.rel[:-3] + ".docx") for chapter in parts if chapter.rel.split("/")[0] in DOCX_FOLDERS]
    if not jobs:
        raise TransfogenError(f"{kit} : aucune fiche ni aucun document à exporter")
    refuse_existing([out / rel for _, rel in jobs], force)
    exported = {chapter.rel for chapter, _ in jobs}
    # Every file is built in a folder beside the target, then moved into place: an interrupted run or a
    # full disk leaves no partial set behind (which a rerun without --force would refuse).
    out.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=f".{out.name}.transfogen-", dir=out.parent))
    try:
        for chapter, rel in jobs:
            target = build / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_fixed_zip(_docx_bytes(info, chapter, exported), info.start))
        _move_into_place(build, out)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return [out / rel for _, rel in jobs]


def _move_into_place(build: Path, out: Path) -> None:
    """A new folder is one rename; into an existing folder, each file replaces its previous version
    and nothing else there is touched."""
    if not out.exists():
        umask = os.umask(0)
        os.umask(umask)
        build.chmod(0o777 & ~umask)  # mkdtemp makes a private folder; the target is an ordinary one
        build.rename(out)
        return
    for path in sorted(build.rglob("*.docx")):
        target = out / path.relative_to(build)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)


def _stamp(day: datetime.date) -> tuple[int, int, int, int, int, int]:
    return (max(day.year, 1980), day.month, day.day, 0, 0, 0)


def _fixed_zip(data: bytes, day: datetime.date) -> bytes:
    # python-docx stamps each zip entry with the current time; a fixed stamp makes files reproducible.
    stamp = _stamp(day)
    source, result = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    if all(item.date_time == stamp for item in source.infolist()):
        return data  # written with the stamp already (_docx_bytes): nothing to redo
    with zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(zipfile.ZipInfo(item.filename, stamp), source.read(item.filename), zipfile.ZIP_DEFLATED)
    return result.getvalue()


def _docx_bytes(info: KitInfo, chapter: Chapter, exported: set[str]) -> bytes:
    try:
        from docx import Document
        from docx.shared import Cm
    except ImportError:
        raise TransfogenError(_MISSING.format(what="Word", package="python-docx")) from None

    document = copy.deepcopy(_blank_document(Document))
    when = datetime.datetime.combine(info.start, datetime.time())
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = (
        chapter.title,
        info.collectivity,
        info.collectivity,
    )
    properties.created = properties.modified = properties.last_printed = when
    properties.language, properties.revision = "fr-FR", 1
    properties.subject = f"Kit du programme — {info.collectivity}"
    section = document.sections[0]
    # python-docx's default document is US Letter: French offices print on A4.
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2)
    section.header.paragraphs[0].text = f"{info.collectivity} — {chapter.title}"
    writer = _DocxWriter(document, chapter.rel, exported)
    writer.heading(chapter.title, 1)
    if chapter.sheet is not None and chapter.sheet.kind == "methode":
        writer.method_facts(chapter.sheet.meta)
    elif chapter.sheet is not None:
        writer.session_facts(chapter.sheet.meta)
    writer.markdown(chapter.markdown)
    return _package_bytes(document, _stamp(info.start))


@functools.cache
def _blank_document(make: Callable[[], Any]) -> Any:
    """python-docx's default document, parsed once: each file starts from a copy (a third cheaper)."""
    return make()


def _package_bytes(document: Any, stamp: tuple[int, int, int, int, int, int]) -> bytes:
    """The .docx, its zip entries written with a fixed date at once (what `Document.save` does, with the
    current time, which would have to be rewritten afterwards)."""
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    for part in package.parts:
        part.before_marshal()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:

        class Entries:
            def write(self, pack_uri: Any, blob: bytes) -> None:
                archive.writestr(zipfile.ZipInfo(pack_uri.membername, stamp), blob, zipfile.ZIP_DEFLATED)

        entries: Any = Entries()  # duck-typed: python-docx only calls write()
        PackageWriter._write_content_types_stream(entries, package.parts)
        PackageWriter._write_pkg_rels(entries, package.rels)
        PackageWriter._write_parts(entries, package.parts)
    return buffer.getvalue()


_CHECKBOX = re.compile(r"<input[^>]*type=\"checkbox\"")


class _DocxWriter:
    """Turns Markdown tokens and sheet front matter into Word paragraphs, lists and tables."""

    def __init__(self, document, rel: str, exported: set[str]):
        self.document, self.rel, self.exported = document, rel, exported
        self.style_ids: dict[str, str] = {}

    def paragraph(self, style: str | None = None):
        """A new paragraph; the style id is looked up once, as python-docx scans every style per lookup."""
        paragraph = self.document.add_paragraph()
        if style:
            if style not in self.style_ids:
                self.style_ids[style] = self.document.styles[style].style_id
            paragraph._p.get_or_add_pPr().style = self.style_ids[style]
        return paragraph

    # Structured front matter, in the same order as the HTML page (transfogen.kit.html.sheet_html).

    def method_facts(self, meta: dict) -> None:
        from transfogen.kit.html import minutes_fr
        from transfogen.kit.sheets import schema

        names = schema()

        def labels(category: str) -> str:
            return ", ".join(names[category][value] for value in meta.get(category, ()))

        rows = [("Famille", names["families"][meta["family"]]), ("Phases", labels("phases"))]
        if meta.get("stages"):
            rows.append(("Étapes de cas", labels("stages")))
        if meta.get("lab_topics"):
            rows.append(("Thèmes du labo", labels("lab_topics")))
        rows += [
            ("Durée", minutes_fr(meta["duration"])),
            ("Groupe", f"de {meta['group']['min']} à {meta['group']['max']} personnes"),
            ("Rôles", labels("roles")),
            ("Objectif", meta["purpose"]),
            ("Livrable", meta["output"]),
        ]
        self.facts_table("La méthode en bref", rows)
        self.heading("Avant l'atelier", 2)
        self.items(meta["prerequisites"])
        self.heading("Matériel et lieu", 2)
        self.items(meta["materials"])
        self.inline_paragraph(f"**Lieu :** {meta['place']}")
        self.heading("Déroulé", 2)
        steps: list[list[Any]] = []
        elapsed = 0
        for step in meta["steps"]:
            steps.append(
                [f"{elapsed // 60}:{elapsed % 60:02d}", minutes_fr(step["minutes"]), step["title"], step["detail"]]
            )
            elapsed += step["minutes"]
        self.table(["Début", "Durée", "Étape", "Ce qui se passe"], steps, widths=(1.9, 1.9, 4.2, 9.0))
        self.inline_paragraph(f"Durée totale : {minutes_fr(elapsed)}.")
        self.heading("Variantes", 2)
        self.items([f"**{label} :** {meta['variants'][key]}" for key, label in names["variants"].items()])
        self.heading("Points de vigilance", 2)
        self.items(meta["vigilance"])
        self.heading("À documenter", 2)
        self.items(meta["documentation"])
        self.heading("Et ensuite", 2)
        self.inline_paragraph(meta["next"])
        self.heading("Source", 2)
        self.inline_paragraph(meta["source"])

    def session_facts(self, meta: dict) -> None:
        from transfogen.kit.html import session_facts
        from transfogen.kit.markup import escape_markdown

        # The facts are plain text (the place is the profile's site or name): nothing in them is markup.
        self.facts_table(
            "La séance en bref", [(label, escape_markdown(str(value))) for label, value in session_facts(meta)]
        )

    # Building blocks.

    def heading(self, text: str, level: int):
        paragraph = self.paragraph(f"Heading {min(max(level, 1), 9)}")
        if text:
            paragraph.add_run(text)
        return paragraph

    def inline_paragraph(self, markdown: str, style: str | None = None):
        paragraph = self.paragraph(style)
        self.inline(paragraph, _inline_children(markdown))
        return paragraph

    def items(self, values: list[str]) -> None:
        if not values:
            self.paragraph().add_run("Aucun.")
        for value in values:
            self.inline_paragraph(value, style="List Bullet")

    def facts_table(self, caption: str, rows: list[tuple[str, str]]) -> None:
        self.paragraph("Caption").add_run(caption)
        table = self.document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in rows:
            cells = table.add_row().cells
            cells[0].paragraphs[0].add_run(label).bold = True
            self.inline(cells[1].paragraphs[0], _inline_children(str(value)))
        _widths(table, (4.5, 12.5))

    def table(
        self, header: Sequence[Any], rows: Sequence[Sequence[Any]], inline_tokens: bool = False, widths=None
    ) -> None:
        """A table whose first row is a real header row (repeated on each printed page)."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, value in zip(table.rows[0].cells, header, strict=False):
            self.inline(cell.paragraphs[0], value if inline_tokens else _inline_children(str(value)), bold=True)
        flag = OxmlElement("w:tblHeader")
        flag.set(qn("w:val"), "true")
        table.rows[0]._tr.get_or_add_trPr().append(flag)
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=False):
                self.inline(cell.paragraphs[0], value if inline_tokens else _inline_children(str(value)))
        if widths:
            _widths(table, widths)

    def inline(self, paragraph, children, bold: bool = False) -> None:
        strong, emphasis = 0, 0
        link: tuple[str, list[str]] | None = None  # (address, the words it is on)
        for child in children:
            kind = child.type
            if kind == "strong_open":
                strong += 1
            elif kind == "strong_close":
                strong -= 1
            elif kind == "em_open":
                emphasis += 1
            elif kind == "em_close":
                emphasis -= 1
            elif kind == "link_open":
                link = (str(child.attrs.get("href", "")), [])
            elif kind == "link_close" and link is not None:
                address = self.address(link[0])
                if address and address != "".join(link[1]):
                    paragraph.add_run(f" ({address})")
                link = None
            elif kind in ("softbreak",):
                paragraph.add_run(" ")
            elif kind == "hardbreak":
                paragraph.add_run().add_break()
            elif kind == "html_inline":
                if _CHECKBOX.match(child.content):
                    # The text that follows starts with the space.
                    paragraph.add_run("☑" if "checked" in child.content else "☐")
            elif kind in ("text", "code_inline", "image"):
                text = child.content
                run = paragraph.add_run(text)
                run.bold = bool(strong) or bold or None
                run.italic = bool(emphasis) or None
                if kind == "code_inline":
                    run.font.name = "DejaVu Sans Mono"
                if link is not None:
                    link[1].append(text)

    def address(self, href: str) -> str:
        """What a reader of the paper or Word file needs to find a link's target."""
        if _EXTERNAL.match(href):
            return href.removeprefix("mailto:")
        if href.startswith("#") or not href:
            return ""
        path, _, _ = href.partition("#")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(self.rel), path))
        if target in self.exported:
            target = target[:-3] + ".docx"
        return target

    # Markdown blocks.

    def markdown(self, text: str) -> None:
        from transfogen.kit.markup import parse_markdown

        tokens = parse_markdown(text)
        lists: list[tuple[str, int | None]] = []  # (style, numbering id) of each open list
        table: list[list] | None = None
        item_start, quote = False, 0
        index = 0
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            if kind == "heading_open":
                paragraph = self.heading("", int(token.tag[1]))
                self.inline(paragraph, tokens[index + 1].children or [])
                index += 2
            elif kind in ("bullet_list_open", "ordered_list_open"):
                depth = min(len(lists) + 1, 3)
                suffix = "" if depth == 1 else f" {depth}"
                if "contains-task-list" in str(token.attrs.get("class", "")):
                    lists.append((f"List Continue{suffix}", None))
                elif kind == "bullet_list_open":
                    lists.append((f"List Bullet{suffix}", None))
                else:
                    lists.append((f"List Number{suffix}", self.new_numbering(f"List Number{suffix}")))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif kind == "list_item_open":
                item_start = True
            elif kind == "paragraph_open" and table is None:
                style, numbering = None, None
                if lists:
                    style, numbering = lists[-1]
                    if not item_start:
                        style, numbering = "List Continue" + ("" if len(lists) == 1 else f" {min(len(lists), 3)}"), None
                elif quote:
                    style = "Quote"
                paragraph = self.paragraph(style)
                if numbering is not None:
                    _number(paragraph, numbering)
                self.inline(paragraph, tokens[index + 1].children or [])
                item_start = False
                index += 2
            elif kind == "blockquote_open":
                quote += 1
            elif kind == "blockquote_close":
                quote -= 1
            elif kind == "table_open":
                table = []
            elif kind == "tr_open" and table is not None:
                table.append([])
            elif kind in ("th_open", "td_open") and table is not None:
                table[-1].append(tokens[index + 1].children or [])
                index += 1
            elif kind == "table_close" and table is not None:
                if table:
                    self.table(table[0], table[1:], inline_tokens=True)
                table = None
            elif kind in ("fence", "code_block"):
                for line in token.content.rstrip("\n").split("\n"):
                    self.paragraph("No Spacing").add_run(line).font.name = "DejaVu Sans Mono"
            index += 1

    def new_numbering(self, style: str) -> int | None:
        """A fresh numbering instance for one ordered list, so that each list starts again at 1."""
        try:
            numbering = self.document.part.numbering_part.element
            num_pr = self.document.styles[style].element.pPr.numPr
            abstract = numbering.num_having_numId(num_pr.numId.val).abstractNumId.val
        except (AttributeError, KeyError):
            return None  # a style without numbering: the list keeps Word's default behaviour
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=num_pr.ilvl.val if num_pr.ilvl is not None else 0).add_startOverride(1)
        return num.numId


def _widths(table, centimetres) -> None:
    # Word reads the cells' widths, LibreOffice the grid's: set both.
    from docx.shared import Cm

    table.autofit = False
    for column, width in zip(table.columns, centimetres, strict=False):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _number(paragraph, numbering: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_numId().val = numbering
    num_pr.get_or_add_ilvl().val = 0


def _inline_children(markdown: str) -> list:
    from transfogen.kit.markup import parse_inline

    tokens = parse_inline(markdown)
    return tokens[0].children or [] if tokens else []
