"""Export a generated kit to documents people print or edit: an A4 PDF booklet (WeasyPrint) and
editable Word files (python-docx).

The PDF reuses the kit's HTML (`sheet_html`, `render_markdown`) and stylesheet plus the print-only
rules of data/site/print.css. The DOCX files are built from the same Markdown token stream and the
sheets' front matter, with real Word headings, lists and tables. Both libraries are imported inside
the functions: this module is only loaded by `transfogen export`.
"""

from __future__ import annotations

import datetime
import io
import os
import posixpath
import re
import tempfile
import zipfile
from dataclasses import dataclass
from html import escape
from importlib import resources
from pathlib import Path

from transfogen.errors import OutputExistsError, TransfogenError

STATE_DIR = ".transfogen"  # same folder name as transfogen.kit.STATE_DIR
DOCX_FOLDERS = ("seances", "methodes", "roles", "documents")  # what gets one .docx each
_FIRST_H1 = re.compile(r"\A\s*# (.+)\n")
_HREF = re.compile(r'href="([^"]*)"')
_ID = re.compile(r' (id|aria-labelledby)="([^"]+)"')
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


@dataclass(frozen=True)
class Chapter:
    """One Markdown file of the kit, in reading order."""

    rel: str  # path inside the kit, e.g. "seances/seance-02.md"
    title: str
    sheet: object | None  # transfogen.sheets.Sheet for sessions and methods, else None
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


def kit_info(kit: Path) -> KitInfo:
    import json

    from transfogen.profile import load_profile

    check_kit(kit)
    profile = load_profile(kit / STATE_DIR / "profil.yaml")
    days = []
    for path in sorted((kit / "seances").glob("*.md")):
        days += list(_load(kit, path.relative_to(kit).as_posix()).sheet.meta["dates"])
    template = "transfo"
    state = kit / STATE_DIR / "gabarit.json"
    if state.is_file():
        try:
            data = json.loads(state.read_text(encoding="utf-8"))
            template = f"{data['template']} {data['template_version']}"
        except (ValueError, KeyError, TypeError):
            raise TransfogenError(f"{state} : fichier illisible (régénérez le kit)") from None
    return KitInfo(
        root=kit,
        collectivity=profile.collectivity.name,
        start=profile.program.start,
        first_day=min(days) if days else None,
        last_day=max(days) if days else None,
        sessions=len(list((kit / "seances").glob("*.md"))),
        template=template,
    )


def _load(kit: Path, rel: str) -> Chapter:
    from transfogen.sheets import load_sheet

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
    if match:
        return Chapter(rel, match.group(1).strip(), None, text[match.end():])
    return Chapter(rel, Path(rel).stem, None, text)


def chapters(kit: Path) -> list[Chapter]:
    """Every Markdown file of the kit, in the site's section order (home, programme, …, glossary)."""
    from transfogen.site import SECTIONS, SITE_DIR

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
    """The sheet's path inside the kit; refuse a file elsewhere or one that is not Markdown."""
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


def _refuse_existing(targets: list[Path], force: bool) -> None:
    if force:
        return
    existing = [target for target in targets if target.exists()]
    if existing:
        more = f" (et {len(existing) - 1} autre(s))" if len(existing) > 1 else ""
        raise OutputExistsError(f"{existing[0]} : le fichier existe déjà{more} ; ajoutez --force pour le remplacer")


def _write_atomically(target: Path, data: bytes) -> None:
    # Write next to the target then rename: a reader never sees half a file.
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise TransfogenError(f"{target} : écriture impossible ({error.strerror})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise TransfogenError(f"{target} : écriture impossible ({error.strerror})") from None


# --- PDF --------------------------------------------------------------------------------------


def export_pdf(kit: Path, out: Path, sheet: Path | None = None, force: bool = False) -> Path:
    """Write the whole kit as one A4 booklet (cover, contents, every file on its own pages), or one
    sheet when `sheet` is given. Returns the PDF's path."""
    info = kit_info(kit)
    _refuse_existing([out], force)
    if sheet is not None:
        document = booklet_html(info, [_load(kit, sheet_in_kit(kit, sheet))], cover=False)
    else:
        document = booklet_html(info, chapters(kit), cover=True)
    _write_atomically(out, _pdf_bytes(document, kit))
    return out


def _pdf_bytes(document: str, kit: Path) -> bytes:
    import logging

    from weasyprint import HTML

    # WeasyPrint logs every CSS property it ignores (screen-only rules of style.css): not the user's concern.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=document, base_url=str(kit.resolve()) + "/").write_pdf()


def print_stylesheet() -> str:
    return resources.files("transfogen").joinpath("data/site/print.css").read_text(encoding="utf-8")


def booklet_html(info: KitInfo, parts: list[Chapter], cover: bool) -> str:
    """The print document: optional cover and contents, then one <article> per chapter."""
    from transfogen.html import dates_fr, sheet_html, stylesheet
    from transfogen.markup import render_markdown

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
        inner = _local_links(inner, chapter, anchors)
        body.append(
            f'<article class="chapitre" id="{chapter.anchor}">\n<h1>{escape(chapter.title)}</h1>\n{inner.strip()}\n</article>'
        )
    body.append("</main>")
    css = (stylesheet() + "\n" + print_stylesheet()).replace("</", "<\\/")
    return "\n".join([
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
    ]) + "\n"


def _cover(info: KitInfo, dates_fr) -> str:
    lines = [
        '<section class="couverture">',
        '<p class="surtitre">Programme de préfiguration d\'un laboratoire d\'innovation publique</p>',
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
    from transfogen.site import INDEX_TITLES

    items, folder = [], None
    for chapter in parts:
        this_folder = chapter.rel.split("/")[0] if "/" in chapter.rel else None
        if this_folder != folder and this_folder in INDEX_TITLES:
            items.append(f'<li class="partie">{escape(INDEX_TITLES[this_folder])}</li>')
        folder = this_folder
        items.append(f'<li><a href="#{chapter.anchor}">{escape(chapter.title)}</a></li>')
    return '<nav class="sommaire-livret" aria-label="Sommaire">\n<h1>Sommaire</h1>\n<ol>\n' + "\n".join(items) + "\n</ol>\n</nav>"


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
        return match.group(0)

    return _ID.sub(lambda m: f' {m.group(1)}="{prefix}--{m.group(2)}"', _HREF.sub(href, html))
