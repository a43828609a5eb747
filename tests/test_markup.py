"""The one Markdown configuration: safe, accessible and reproducible output."""

from __future__ import annotations

import re

from transfogen.kit.markup import (
    find_raw_html,
    heading_id,
    headings,
    plain_text,
    render_inline,
    render_markdown,
    split_front_matter,
)


def test_raw_html_is_left_out_not_executed():
    # As on GitHub and PyPI: the tags are left out (an HTML comment says so), the text between them stays;
    # `templates check` reports raw HTML in a template with its line.
    html = render_markdown('Avant <script>alert(1)</script> après\n\n<img src=x onerror="alert(2)">\n')
    assert "<script" not in html and "<img" not in html and "onerror" not in html
    assert (
        html
        == "<p>Avant <!-- raw HTML omitted -->alert(1)<!-- raw HTML omitted --> après</p>\n<!-- raw HTML omitted -->\n"
    )
    assert render_inline("un <b>mot</b>") == "un <!-- raw HTML omitted -->mot<!-- raw HTML omitted -->"


def test_javascript_links_are_not_turned_into_links():
    html = render_markdown("[cliquer](javascript:alert(1)) et [le site](https://example.org/a) ![x](javascript:y)")
    assert "javascript" not in html and '<a href=""' not in html
    assert html == '<p>cliquer et <a href="https://example.org/a">le site</a> <img src="" alt="x"></p>\n'


def test_bare_addresses_stay_text_and_single_tildes_strike_nothing():
    html = render_markdown("Voir https://example.org et www.example.org, ~un~ ou ~~deux~~.")
    assert html == "<p>Voir https://example.org et www.example.org, ~un~ ou <del>deux</del>.</p>\n"


def test_each_task_checkbox_is_inside_a_label_with_the_item_text():
    html = render_markdown("- [ ] Réserver la *salle*\n- [x] Envoyer l'invitation\n")
    items = re.findall(r"<li[^>]*>(.*?)</li>", html)
    assert len(items) == 2
    for item, text in zip(items, ["Réserver la <em>salle</em>", "Envoyer l'invitation"], strict=True):
        assert item.startswith('<label><input class="task-list-item-checkbox"')
        assert item.endswith(f"> {text}</label>")
    assert 'checked="checked"' in items[1] and 'checked="checked"' not in items[0]


def test_a_loose_task_list_and_a_nested_one_are_labelled_too():
    html = render_markdown("3. [ ] Réserver\n\n4. [X] Inviter\n   - [ ] le maire\n   - une note\n")
    assert html == (
        '<ol start="3" class="contains-task-list">\n<li class="task-list-item">\n'
        '<p><label><input class="task-list-item-checkbox" disabled="disabled" type="checkbox"> Réserver</label></p>\n'
        '</li>\n<li class="task-list-item">\n<p><label><input class="task-list-item-checkbox" checked="checked" '
        'disabled="disabled" type="checkbox"> Inviter</label></p>\n<ul class="contains-task-list">\n'
        '<li class="task-list-item"><label><input class="task-list-item-checkbox" disabled="disabled" '
        'type="checkbox"> le maire</label></li>\n<li>une note</li>\n</ul>\n</li>\n</ol>\n'
    )


def test_rendering_is_reproducible():
    text = "# Titre\n\n- [ ] une tâche\n- [x] une autre\n\n## Titre\n"
    assert render_markdown(text) == render_markdown(text)
    assert "task-item-" not in render_markdown(text)  # no random ids


def test_heading_ids_fold_accents_and_stay_unique():
    html = render_markdown("## Conseils d'animation\n\n## Équipe, lieu & budget\n\n## Équipe, lieu & budget\n")
    assert 'id="conseils-d-animation"' in html
    assert 'id="equipe-lieu-budget"' in html and 'id="equipe-lieu-budget-1"' in html
    html = render_markdown("# Objectifs\n\n## Objectifs\n\n### Objectifs-1\n\n#### *Objectifs*\n\n##### Objectifs\n")
    assert re.findall(r'<h\d(?: id="([^"]*)")?>', html) == [
        "objectifs",
        "objectifs-1",
        "objectifs-1-1",
        "objectifs-2",
        "",
    ]


def test_slug_never_empty():
    assert heading_id("« ! »") == "section"
    assert heading_id("  Déroulé -- pas à pas ") == "deroule-pas-a-pas"


def test_tables_have_header_cells_and_align_with_styles():
    html = render_markdown("| Moment | Durée |\n|---|--:|\n| Accueil | 15 min |\n")
    assert "<th>Moment</th>" in html and "<td>Accueil</td>" in html
    assert '<td style="text-align: right">15 min</td>' in html and "align=" not in html  # obsolete in HTML5


def test_front_matter_is_not_rendered_as_text():
    html = render_markdown("---\nkind: methode\ntitle: Essai\n---\n\nLe corps.\n")
    assert "kind" not in html and html.strip() == "<p>Le corps.</p>"


def test_render_inline_has_no_paragraph_and_opens_no_block():
    assert render_inline("un *mot*, `du code` et [un lien](https://example.org)") == (
        'un <em>mot</em>, <code>du code</code> et <a href="https://example.org">un lien</a>'
    )
    for line in ("1. premier", "2) second", "- tiret", "+ plus", "* étoile", "# dièse", "> citation", "| a | b |"):
        assert render_inline(line) == line.replace(">", "&gt;")
    assert render_inline("    retrait") == "retrait"  # not a code block
    assert (
        render_inline("*mot* puis\n---\n[a]: https://example.org") == "<em>mot</em> puis\n---\n[a]: https://example.org"
    )
    assert render_inline("") == ""


def test_plain_text_is_what_a_reader_sees_of_a_title():
    assert plain_text("Saint\\-Denis & *Co* `x` ![plan](p.png)") == "Saint-Denis & Co x plan"
    assert plain_text("2026\\. Bilan") == plain_text("2026. Bilan") == "2026. Bilan"


def test_split_front_matter_gives_the_body_first_line():
    meta, body, first = split_front_matter("---\nid: a\nkind: methode\n---\n## Corps\n")
    assert meta == "id: a\nkind: methode\n"
    assert body == "## Corps\n"
    assert first == 5


def test_split_front_matter_without_or_with_unclosed_header():
    assert split_front_matter("# Titre\n") == (None, "# Titre\n", 1)
    assert split_front_matter("---\nid: a\n") == (None, "---\nid: a\n", 1)


def test_find_raw_html_reports_lines_and_ignores_code():
    body = "Texte `<b>` en code.\n\n```\n<div>\n```\n\nune ligne\npuis <span>ici</span>\n\n<div>bloc</div>\n"
    found = find_raw_html(body, first_line=10)
    assert [(line, snippet) for line, snippet in found] == [(17, "<span>"), (17, "</span>"), (19, "<div>bloc</div>")]


def test_headings_skip_code_blocks():
    text = "## Un\n\n```\n## Pas un titre\n```\n\n### Deux\n"
    assert headings(text) == [(2, "Un", 0), (3, "Deux", 6)]


def test_bundled_pages_read_as_markdown_it_rendered_them():
    """cmark replaced markdown-it-py for the pages: the bundled templates' Markdown gives the same HTML,
    byte for byte (heading ids, labelled checkboxes, tables), as markdown-it's configuration for the
    Word export does."""
    from transfogen.kit.markup import _markdown
    from transfogen.templating.resources import bundled_template_dir

    texts = [
        split_front_matter(path.read_text(encoding="utf-8"))[1]
        for name in ("transfo", "residence")
        for path in sorted(bundled_template_dir(name).rglob("*.md"))
    ]
    assert len(texts) > 80  # their Jinja is Markdown text too: what a kit holds renders alike
    for text in texts:
        assert render_markdown(text) == _markdown().render(text), text[:80]


def test_rendering_frees_what_cmark_allocates():
    """A batch renders thousands of kits in one process: cmark's trees and HTML must not pile up (cmarkgfm's
    own wrappers leak both, about 9 MB a kit)."""
    import subprocess
    import sys

    code = (
        "import resource\nfrom transfogen.kit.markup import render_inline, render_markdown\n"
        "page = '## Séance\\n\\n| a | b |\\n|---|---|\\n| 1 | 2 |\\n\\n- [ ] tâche\\n- ~~fait~~ *texte*\\n\\n' * 2000\n"
        "render_markdown(page)\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "for _ in range(40):\n    render_markdown(page)\n    render_inline(page[:5000])\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)\n"
    )
    grown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(grown.stdout) < 20, f"{grown.stdout.strip()} MB de plus après 40 pages de 120 ko"


def test_where_ctypes_cannot_reach_cmark_the_wrappers_give_the_same_pages(monkeypatch):
    """A platform whose cmarkgfm library exports no C function to ctypes still gets the same pages."""
    import ctypes

    from transfogen.kit import markup

    page = "## Séance\n\n| a | b |\n|:-:|---|\n| 1 | 2 |\n\n- [ ] tâche\n- ~~fait~~ *texte* <b>x</b>\n"
    expected, line = render_markdown(page), render_inline("**a** ~~b~~ [c](javascript:x)")

    def refused(*args, **kwargs):
        raise OSError("pas de bibliothèque")

    monkeypatch.setattr(markup, "_renderer", None)
    monkeypatch.setattr(ctypes, "CDLL", refused)
    assert render_markdown(page) == expected
    assert render_inline("**a** ~~b~~ [c](javascript:x)") == line
    assert isinstance(markup._renderer, markup._CmarkWrappers)


def test_a_nul_character_does_not_cut_the_text():
    assert render_markdown("avant\x00après") == "<p>avant\ufffdaprès</p>\n"
