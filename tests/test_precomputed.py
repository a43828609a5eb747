"""What is prepared ahead of time for the bundled templates (scripts/build_precomputed.py): up to date, and
exactly what would be made at generation time."""

from __future__ import annotations

import json
import lzma
from importlib import resources

from transfogen.kit import method_pages
from transfogen.kit.markup import render_markdown
from transfogen.templating import precompiled
from transfogen.templating.resources import bundled_template_dir
from transfogen.templating.sandbox import item_environment

STALE = "données précalculées périmées : lancez .venv/bin/python scripts/build_precomputed.py"


def _shipped(relative: str) -> dict:
    return json.loads(lzma.decompress(resources.files("transfogen").joinpath(relative).read_bytes()))


def test_the_shipped_code_is_that_of_the_bundled_templates_today():
    shipped = _shipped(precompiled.COMPILED_FILE)
    fresh = precompiled.build_table([bundled_template_dir(name) for name in precompiled.BUNDLED])
    assert shipped == fresh, STALE


def test_a_bundled_template_renders_the_same_from_its_precompiled_code():
    root = bundled_template_dir("transfo")
    env = item_environment(root)
    source = (root / "roles" / "residents.md").read_text(encoding="utf-8")
    python = precompiled.precompiled(env.layout, "roles/residents.md", source)
    assert python is not None
    assert python == env.compile(source, "roles/residents.md", raw=True)
    # An edited template is not in the table: Jinja compiles it, and the edit shows.
    edited = source + "\nLigne ajoutée {{ 6 * 7 }}\n"
    assert precompiled.precompiled(env.layout, "roles/residents.md", edited) is None
    assert precompiled.precompiled(env.layout, None, "{{ 6 * 7 }} ans") is None
    assert env.from_string("{{ 6 * 7 }} ans").render() == "42 ans"


def test_code_made_by_another_sandbox_or_jinja_is_not_used(monkeypatch):
    monkeypatch.setattr(precompiled, "fingerprint", lambda: {"jinja2": "0.0", "sandbox": "autre"})
    precompiled._table.cache_clear()
    try:
        assert precompiled._table() == {}
    finally:
        monkeypatch.undo()
        precompiled._table.cache_clear()


def test_the_shipped_pages_are_those_of_the_bundled_templates_today():
    shipped = _shipped(method_pages.PAGES_FILE)
    fresh = method_pages.build_pages([bundled_template_dir(name) for name in method_pages.BUNDLED])
    assert shipped == fresh, STALE


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
