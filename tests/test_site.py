"""The kit's site as its readers use it: navigation, skip link, language, offline, print, phone width."""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from transfogen.kit.html import stylesheet
from transfogen.kit.site import SECTIONS

REPO = Path(__file__).resolve().parents[1]
# Where each kind of page belongs in the navigation (the section marked aria-current="page").
EXPECTED_SECTION = {
    "index.html": "index.html",
    "LISEZMOI.html": "index.html",
    "programme.html": "programme.html",
    "calendrier": "calendrier/calendrier.html",
    "roles": "roles/index.html",
    "seances": "seances/index.html",
    "methodes": "methodes/index.html",
    "documents": "documents/index.html",
    "principes.html": "principes.html",
    "glossaire.html": "glossaire.html",
    "bibliographie.html": "bibliographie.html",
    "supports": "supports/index.html",
}


class _Page(HTMLParser):
    """What the tests look at in one page: lang, loaded resources, navigation, first link, ids."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.loads: list[str] = []  # URLs the browser fetches on its own (not links to follow)
        self.nav: list[tuple[str, bool]] = []  # (href, is current) of the navigation entries
        self.first_link: dict | None = None
        self.ids: set[str] = set()
        self.tags: list[str] = []
        self._in_nav = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "html":
            self.lang = a.get("lang")
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed", "object", "image", "use"):
            self.loads.append(a.get("src") or a.get("href") or a.get("data") or a.get("xlink:href") or tag)
        if tag == "link":
            self.loads.append(a.get("href", ""))
        if tag == "nav":
            self._in_nav = True
        if tag == "a":
            if self.first_link is None:
                self.first_link = a
            if self._in_nav:
                self.nav.append((a["href"], a.get("aria-current") == "page"))

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    from transfogen.kit.build import generate_kit

    return Path(generate_kit(REPO / "examples" / "strasbourg.yaml", tmp_path_factory.mktemp("site") / "kit"))


@pytest.fixture(scope="module")
def pages(kit) -> dict[str, _Page]:
    """{path inside site/: parsed page}."""
    parsed = {}
    for path in sorted((kit / "site").rglob("*.html")):
        page = _Page()
        page.feed(path.read_text(encoding="utf-8"))
        parsed[path.relative_to(kit / "site").as_posix()] = page
    return parsed


def _section(path: str) -> str:
    return EXPECTED_SECTION[path if "/" not in path else path.split("/")[0]]


def test_every_page_has_the_whole_navigation_with_its_own_section_current(pages):
    assert len(pages) > 80
    wanted = [target for target, _ in SECTIONS]
    for path, page in pages.items():
        targets = [posixpath.normpath(posixpath.join(posixpath.dirname(path), href)) for href, _ in page.nav]
        assert targets == wanted, path
        current = [target for target, (_, is_current) in zip(targets, page.nav, strict=False) if is_current]
        assert current == [_section(path)], path


def test_the_root_page_opens_the_site_with_home_current(kit):
    page = _Page()
    page.feed((kit / "index.html").read_text(encoding="utf-8"))
    assert [href for href, _ in page.nav] == [f"site/{target}" for target, _ in SECTIONS]
    assert [href for href, current in page.nav if current] == ["site/index.html"]
    assert page.loads == ["site/style.css"]


def test_every_page_starts_with_a_skip_link_to_the_main_content(pages):
    for path, page in pages.items():
        assert page.first_link["href"] == "#contenu" and page.first_link["class"] == "evitement", path
        assert "contenu" in page.ids and page.tags.count("main") == 1, path


def test_every_page_declares_french(pages):
    assert {page.lang for page in pages.values()} == {"fr"}


def test_no_page_loads_anything_but_the_kit_stylesheet(pages):
    for path, page in pages.items():
        expected = posixpath.relpath("style.css", posixpath.dirname(path) or ".")
        assert page.loads == [expected], path


def test_the_programme_page_carries_the_frise_and_its_table(pages):
    programme = pages["programme.html"]
    assert {"frise", "frise-titre", "frise-desc"} <= programme.ids
    assert "svg" in programme.tags and "table" in programme.tags


def test_print_css_uses_a4_and_hides_navigation():
    css = stylesheet()
    start = css.index("@media print")
    printing = css[start:]
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", printing)
    hidden = re.search(r"([^{}]*)\{\s*display:\s*none;?\s*\}", printing)
    assert hidden and ".navigation" in hidden.group(1) and ".evitement" in hidden.group(1)


# In a browser: what a reader on a phone, or in front of a print preview, actually gets.


@pytest.fixture(scope="module")
def browser():
    from checkers import CHROMIUM, CHROMIUM_ARGS, require_or_skip

    require_or_skip("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _offline_page(browser, **options):
    context = browser.new_context(**options)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    return context.new_page()


@pytest.mark.browser
def test_every_page_reads_at_360_px_without_sideways_scrolling(browser, kit):
    page = _offline_page(browser, viewport={"width": 360, "height": 740})
    too_wide = {}
    for path in [kit / "index.html", *sorted((kit / "site").rglob("*.html"))]:
        page.goto(path.as_uri())
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[path.relative_to(kit).as_posix()] = width
    assert not too_wide, f"pages wider than 360 px: {too_wide}"


@pytest.mark.browser
def test_the_frise_scrolls_inside_its_frame_on_a_phone_and_fits_the_page_in_print(browser, kit):
    page = _offline_page(browser, viewport={"width": 360, "height": 740})
    page.goto((kit / "site" / "programme.html").as_uri())
    frame = page.locator(".frise-defilement")
    assert frame.evaluate("e => e.scrollWidth > e.clientWidth")  # text stays legible: the frise scrolls
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 700, "height": 1000})  # about the width of an A4 page's text
    assert frame.evaluate("e => e.scrollWidth <= e.clientWidth + 1")


@pytest.mark.browser
def test_print_shows_no_navigation_and_tab_reaches_the_skip_link_first(browser, kit):
    page = _offline_page(browser, viewport={"width": 1280, "height": 800})
    page.goto((kit / "site" / "seances" / "seance-03.html").as_uri())
    page.keyboard.press("Tab")
    skip = page.locator(".evitement")
    assert page.evaluate("document.activeElement.className") == "evitement"
    box = skip.bounding_box()
    assert box["y"] >= 0, "the focused skip link must be visible"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    page.emulate_media(media="print")
    assert not page.locator(".navigation").is_visible()
    assert not skip.is_visible()
    assert page.locator("h1").is_visible()


def test_the_calendar_page_links_to_the_calendar_files_it_describes(kit):
    page = kit / "site" / "calendrier" / "calendrier.html"
    hrefs = re.findall(r'<p class="telechargement">.*?</p>', page.read_text(encoding="utf-8"))[0]
    targets = re.findall(r'href="([^"]+)"', hrefs)
    assert [Path(t).name for t in targets] == ["calendrier.ics", "calendrier.csv"]
    for target in targets:
        assert (page.parent / target).resolve().is_file(), target


def test_new_and_batch_never_import_markdown_it(tmp_path):
    """The pages are rendered by cmark: markdown-it-py (20 to 50 ms to import) serves only the Word export
    and the template checks."""
    import subprocess
    import sys

    listing = tmp_path / "liste.csv"
    listing.write_text("collectivity.name;collectivity.kind;collectivity.department\nVille Test;commune;59\n")
    code = (
        "import sys\nfrom transfogen.cli import main\n"
        f"for args in (['new', 'strasbourg', '-o', {str(tmp_path / 'kit')!r}],"
        f" ['batch', {str(listing)!r}, '-o', {str(tmp_path / 'lot')!r}, '-j', '1']):\n"
        "    try:\n        main(args)\n    except SystemExit as done:\n        assert not done.code, done.code\n"
        "assert (sys.modules.get('transfogen.kit.markup') and 'cmarkgfm' in sys.modules), 'pages not rendered'\n"
        "assert not [m for m in sys.modules if m.startswith(('markdown_it', 'mdit_py_plugins'))], 'markdown_it importé'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "kit" / "site" / "seances" / "seance-01.html").is_file()
    assert list((tmp_path / "lot").glob("*/site/index.html"))
