"""The method pages rendered ahead of time are the pages the site would render, and are up to date."""

from __future__ import annotations

import json
import lzma
from importlib import resources

from transfogen.kit import method_pages
from transfogen.kit.markup import render_markdown
from transfogen.templating.resources import bundled_template_dir


def test_the_shipped_pages_are_those_of_the_bundled_templates_today():
    shipped = json.loads(lzma.decompress(resources.files("transfogen").joinpath(method_pages.PAGES_FILE).read_bytes()))
    fresh = method_pages.build_pages([bundled_template_dir(name) for name in method_pages.BUNDLED])
    assert shipped == fresh, "pages des méthodes périmées : lancez .venv/bin/python scripts/build_method_pages.py"


def test_a_method_page_is_the_same_precomputed_or_rendered():
    pages = method_pages.page_markdown(bundled_template_dir("transfo"))
    assert len(pages) > 40
    for markdown in pages:
        assert method_pages._key(markdown) in method_pages._pages()
        assert method_pages.method_page(markdown) == render_markdown(markdown)


def test_a_page_not_in_the_table_is_rendered():
    edited = method_pages.page_markdown(bundled_template_dir("transfo"))[0] + "\nUne ligne ajoutée par le kit.\n"
    assert method_pages._key(edited) not in method_pages._pages()
    assert "Une ligne ajoutée par le kit." in method_pages.method_page(edited)


def test_pages_made_with_other_markdown_libraries_are_not_used(monkeypatch):
    monkeypatch.setattr(method_pages, "_libraries", lambda: {"markdown-it-py": "0.0", "mdit-py-plugins": "0.0"})
    method_pages._pages.cache_clear()
    try:
        assert method_pages._pages() == {}
    finally:
        monkeypatch.undo()
        method_pages._pages.cache_clear()
