"""Method pages rendered ahead of time, for the bundled templates.

A method sheet without Jinja reads the same in every kit of a template version, so its site page (the
HTML under the page's title) is the same too. scripts/build_precomputed.py renders those pages once
and keeps them in data/pages-methodes.json.xz, by the SHA-256 of their Markdown, with the versions of
the Markdown libraries that rendered them. A kit's site takes a page from there when its Markdown is
one of them and the libraries are the same; anything else (a contributed template, a method edited,
another library version) is rendered as usual. tests/test_precomputed.py checks the file is up to date.
"""

from __future__ import annotations

import functools
import hashlib
import json
import lzma
from importlib import resources
from pathlib import Path

PAGES_FILE = "data/pages-methodes.json.xz"
BUNDLED = ("transfo", "residence")


def _key(markdown: str) -> str:
    return hashlib.sha256(markdown.encode("utf-8")).hexdigest()


def _libraries() -> dict[str, str]:
    import markdown_it
    import mdit_py_plugins

    return {"markdown-it-py": markdown_it.__version__, "mdit-py-plugins": mdit_py_plugins.__version__}


@functools.cache
def _pages() -> dict[str, str]:
    try:
        stored = json.loads(lzma.decompress(resources.files("transfogen").joinpath(PAGES_FILE).read_bytes()))
    except (OSError, lzma.LZMAError, ValueError):
        return {}
    return stored["pages"] if stored.get("libraries") == _libraries() else {}


def method_page(markdown: str) -> str:
    """The HTML of a method page's Markdown (its text under the title): precomputed, or rendered now."""
    from transfogen.kit.markup import render_markdown

    page = _pages().get(_key(markdown))
    return page if page is not None else render_markdown(markdown)


def page_markdown(template_root: Path) -> list[str]:
    """The Markdown of the method pages a kit of this template shows whatever its profile (its method
    sheets without Jinja), as the site renders it."""
    from transfogen.kit.method_document import method_markdown
    from transfogen.kit.site import title_and_body
    from transfogen.templating.template import load_template

    found = []
    for method_id, sheet in sorted(load_template(template_root).methods.items()):
        text = Path(sheet.path).read_text(encoding="utf-8")
        if not any(marker in text for marker in ("{{", "{%", "{#")):
            found.append(title_and_body(method_markdown(sheet), method_id)[1])
    return found


def build_pages(template_roots: list[Path]) -> dict:
    """What PAGES_FILE holds for these templates (scripts/build_precomputed.py writes it)."""
    from transfogen.kit.markup import render_markdown

    pages = {_key(markdown): render_markdown(markdown) for root in template_roots for markdown in page_markdown(root)}
    return {"libraries": _libraries(), "pages": dict(sorted(pages.items()))}
