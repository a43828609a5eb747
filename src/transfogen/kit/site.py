"""The kit as a static HTML site (`site/`), navigable offline from `site/index.html`.

Every Markdown file of the kit becomes one page; links between Markdown files become links between
pages. Markdown is rendered with raw HTML disabled, so profile data can never inject markup.
"""

from __future__ import annotations

import functools
import posixpath
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transfogen.kit.files import KitFiles

SITE_DIR = "site"
CSS_NAME = "style.css"

# (path of the page inside site/, label) — the sections of the kit, in reading order.
SECTIONS = (
    ("index.html", "Accueil"),
    ("programme.html", "Programme"),
    ("calendrier/calendrier.html", "Calendrier"),
    ("roles/index.html", "Rôles"),
    ("seances/index.html", "Séances"),
    ("methodes/index.html", "Méthodes"),
    ("documents/index.html", "Documents"),
    ("principes.html", "Principes"),
    ("glossaire.html", "Glossaire"),
    ("bibliographie.html", "Sources"),
    ("supports/index.html", "Supports à imprimer"),
)
INDEX_TITLES = {
    "roles": "Les rôles",
    "seances": "Les séances",
    "methodes": "Les méthodes",
    "documents": "Les documents",
}
TIMELINE_PAGE = "programme.html"
SUPPORTS_DIR = "supports"  # the printable canvases: standalone HTML pages at the kit's root, not in site/
_KIT_FILE_LINK = re.compile(r'href="(?![a-z][a-z0-9+.-]*:|#|/)([^"#]*?\.(?:html|css|svg|pdf))(#[^"]*)?"')
_HTML_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_MD_LINK = re.compile(r'href="(?![a-z][a-z0-9+.-]*:|#|/)([^"#]*?)\.md(#[^"]*)?"')
_FIRST_H1 = re.compile(r"\A\s*# (.+)\n")
_TABLE = re.compile(r"<table\b.*?</table>", re.S)
_FIRST_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_CAPTION = re.compile(r"<caption>(.*?)</caption>", re.S)
_TAG = re.compile(r"<[^>]+>")
WIDE_TABLE = 5  # columns from which a table may not fit a 360 px phone: it scrolls in its own frame


def _scrolling_wide_tables(html: str) -> str:
    """Wide tables scroll sideways inside a named, keyboard-reachable frame, so the page never does."""

    def wrap(match: re.Match) -> str:
        table = match.group(0)
        row = _FIRST_ROW.search(table)
        if not row or len(re.findall(r"<t[hd][ >]", row.group(1))) < WIDE_TABLE:
            return table
        caption = _CAPTION.search(table)
        name = _TAG.sub("", caption.group(1)).strip() if caption else ""
        label = f"Tableau : {name}" if name else "Tableau"
        return f'<div class="defilement" tabindex="0" role="region" aria-label="{label}">\n{table}\n</div>'

    return _TABLE.sub(wrap, html)


def _kit_file_links(html: str) -> str:
    """Links a Markdown file makes to the kit's other files (a canvas in supports/) reach them from site/,
    one folder deeper than the Markdown file."""
    return _KIT_FILE_LINK.sub(lambda m: f'href="../{m.group(1)}{m.group(2) or ""}"', html)


def _in_folder(files: dict[str, bytes], folder: str) -> list[str]:
    """The names of the files directly in a kit folder ("" for the kit's top), sorted."""
    prefix = f"{folder}/" if folder else ""
    return sorted(name[len(prefix) :] for name in files if name.startswith(prefix) and "/" not in name[len(prefix) :])


def _supports_index(files: dict[str, bytes]) -> str | None:
    """The list of printable canvases, linked from the site's "Supports à imprimer" page."""
    from html import escape, unescape

    canvases = [name for name in _in_folder(files, SUPPORTS_DIR) if name.endswith(".html")]
    if not canvases:
        return None
    items = []
    for canvas in canvases:
        found = _HTML_TITLE.search(files[f"{SUPPORTS_DIR}/{canvas}"].decode("utf-8"))
        title = unescape(found.group(1)).split(" — ")[0] if found else canvas[: -len(".html")]
        items.append(f'<li><a href="../../{SUPPORTS_DIR}/{canvas}">{escape(title)}</a></li>')
    intro = (
        "<p>Les canevas que citent les fiches méthode et les fiches de séance, prêts à imprimer : chacun tient "
        "sur une page A4 ou A3, indiquée en bas de la feuille. Ouvrez-les, puis imprimez depuis le navigateur "
        "sans changer l'échelle.</p>"
    )
    return intro + '\n<ul class="sommaire">\n' + "\n".join(items) + "\n</ul>"


def _page_links(html: str) -> str:
    """Relative links to Markdown files point to their pages."""
    return _MD_LINK.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', html)


def _section_of(path: str, sections: list[str]) -> str | None:
    """The section page a page belongs to, for aria-current: itself, or its folder's first page."""
    if path == "LISEZMOI.html":  # the home page under its Markdown name
        return "index.html"
    if path in sections:
        return path
    folder = path.split("/")[0] + "/" if "/" in path else None
    return next((target for target in sections if folder and target.startswith(folder)), None)


DOWNLOADS = {".ics": "pour votre agenda", ".csv": "pour un tableur"}


def _downloads(files: dict[str, bytes]) -> dict[str, list[str]]:
    """The calendar files of the kit by folder, in the order pages list them (ICS first)."""
    order = list(DOWNLOADS)
    found: dict[str, list[str]] = {}
    for path in files:
        if posixpath.splitext(path)[1] in DOWNLOADS:
            folder, name = posixpath.split(path)
            found.setdefault(folder, []).append(name)
    return {
        folder: sorted(names, key=lambda name: (order.index(posixpath.splitext(name)[1]), name))
        for folder, names in found.items()
    }


def _with_downloads(body: str, source: str, page: str, downloads: dict[str, list[str]]) -> str:
    """A page written next to calendar files links to them: its text names them, a reader needs the link."""
    folder = posixpath.dirname(source)
    found = downloads.get(folder)
    if not found:
        return body
    links = " ; ".join(
        f'<a href="{_relative("../" + posixpath.join(folder, name), posixpath.dirname(page))}">{name}</a> '
        f"({DOWNLOADS[posixpath.splitext(name)[1]]})"
        for name in found
    )
    block = f'<p class="telechargement"><strong>Télécharger :</strong> {links}.</p>\n'
    at = body.find("<h2")
    return body + block if at < 0 else body[:at] + block + body[at:]


def with_timeline(body: str, context: dict) -> str:
    """The frise goes before the page's first section (Markdown cannot carry it: raw HTML is off)."""
    from transfogen.kit.timeline import timeline_html

    block = (
        '<section aria-labelledby="frise">\n<h2 id="frise">La frise du programme</h2>\n'
        + timeline_html(context)
        + "\n</section>\n"
    )
    at = body.find("<h2")
    return body + block if at < 0 else body[:at] + block + body[at:]


def title_and_body(text: str, fallback: str) -> tuple[str, str]:
    """A plain Markdown page's title (its first level-1 heading, else `fallback`) and the rest of its text."""
    from transfogen.kit.markup import plain_text

    match = _FIRST_H1.match(text)
    if match:  # the title as readers see it: a collectivity name's Markdown escapes resolved
        return plain_text(match.group(1)), text[match.end() :]
    return fallback, text


@functools.lru_cache(maxsize=4096)
def _relative(target: str, folder: str) -> str:
    # Paths inside the kit, placed under an absolute root: relpath then never asks for the working folder.
    return posixpath.relpath(f"{_ROOT}/{target}", posixpath.join(_ROOT, folder))


_ROOT = "/kit/site"  # deep enough for the "../" a page of site/ uses to reach the kit's files


def build_site(files: KitFiles, context: dict) -> None:
    from html import escape

    from transfogen.kit.html import page, sheet_html, stylesheet
    from transfogen.kit.markup import render_markdown
    from transfogen.kit.sheets import parse_sheet

    files.write(f"{SITE_DIR}/{CSS_NAME}", stylesheet())
    name = context["collectivity"]["name"]
    made = dict(files.data)
    sources = sorted(
        (rel for rel in made if rel.endswith(".md") and rel.split("/", 1)[0] not in (SITE_DIR, ".transfogen")),
        key=lambda rel: rel.split("/"),
    )
    pages: dict[str, tuple[str, str]] = {}  # page path → (title, body html)
    downloads = _downloads(made)
    for rel in sources:
        text = made[rel].decode("utf-8")
        if rel in files.sheets or text.startswith("---\n"):
            # A sheet made by this build is taken as made; another one is read (validated when composed).
            sheet = files.sheets.get(rel) or parse_sheet(text, rel, lint=False)
            title, body = str(sheet.meta["title"]), sheet_html(sheet)
        else:
            title, markdown = title_and_body(text, posixpath.splitext(posixpath.basename(rel))[0])
            body = render_markdown(markdown)
        target = "index.html" if rel == "LISEZMOI.md" else rel[:-3] + ".html"
        if target == TIMELINE_PAGE:
            body = with_timeline(body, context)
        body = _with_downloads(body, rel, target, downloads)
        pages[target] = (title, _scrolling_wide_tables(_page_links(_kit_file_links(body))))
    if "LISEZMOI.md" in sources:
        pages["LISEZMOI.html"] = pages["index.html"]

    for folder, title in INDEX_TITLES.items():
        entries = sorted((path, t) for path, (t, _) in pages.items() if path.startswith(folder + "/"))
        if entries:
            items = "\n".join(f'<li><a href="{_relative(path, folder)}">{escape(t)}</a></li>' for path, t in entries)
            pages[f"{folder}/index.html"] = (title, f'<ul class="sommaire">\n{items}\n</ul>')

    supports = _supports_index(made)
    if supports:
        pages[f"{SUPPORTS_DIR}/index.html"] = ("Les supports à imprimer", supports)

    sections = [(path, label) for path, label in SECTIONS if path in pages]
    navs: dict[str, list[tuple[str, str]]] = {}  # the navigation of the pages of one folder
    for path, (title, body) in sorted(pages.items()):
        folder = posixpath.dirname(path)
        if folder not in navs:
            navs[folder] = [(_relative(target, folder), label) for target, label in sections]
        section = _section_of(path, [target for target, _ in sections])
        current = _relative(section, folder) if section else None
        html = page(
            title,
            body,
            nav=navs[folder],
            current=current,
            css_href=_relative(CSS_NAME, folder),
            home_href=_relative("index.html", folder),
            collectivity=name,
        )
        files.write(f"{SITE_DIR}/{path}", html)

    # The kit's own front door: the home page, with its links pointing into site/.
    title, body = pages.get("index.html", ("Kit du programme", ""))
    prefixed = re.sub(r'href="(?![a-z][a-z0-9+.-]*:|#|/)', f'href="{SITE_DIR}/', body)
    nav = [(f"{SITE_DIR}/{target}", label) for target, label in sections]
    files.write(
        "index.html",
        page(
            title,
            prefixed,
            nav=nav,
            current=f"{SITE_DIR}/index.html",
            css_href=f"{SITE_DIR}/{CSS_NAME}",
            home_href="index.html",
            collectivity=name,
        ),
    )
