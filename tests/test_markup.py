"""The one Markdown configuration: safe, accessible and reproducible output."""

from __future__ import annotations

import re

from transfogen.kit.markup import (
    find_raw_html,
    heading_id,
    headings,
    render_inline,
    render_markdown,
    split_front_matter,
)


def test_raw_html_is_escaped_not_executed():
    html = render_markdown('Avant <script>alert(1)</script> après\n\n<img src=x onerror="alert(2)">\n')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_javascript_links_are_not_turned_into_links():
    html = render_markdown("[cliquer](javascript:alert(1)) et [le site](https://example.org/a)")
    assert 'href="javascript' not in html
    assert '<a href="https://example.org/a">le site</a>' in html


def test_each_task_checkbox_is_inside_a_label_with_the_item_text():
    html = render_markdown("- [ ] Réserver la *salle*\n- [x] Envoyer l'invitation\n")
    items = re.findall(r"<li[^>]*>(.*?)</li>", html)
    assert len(items) == 2
    for item, text in zip(items, ["Réserver la <em>salle</em>", "Envoyer l'invitation"], strict=True):
        assert item.startswith('<label><input class="task-list-item-checkbox"')
        assert item.endswith(f"> {text}</label>")
    assert 'checked="checked"' in items[1] and 'checked="checked"' not in items[0]


def test_rendering_is_reproducible():
    text = "# Titre\n\n- [ ] une tâche\n- [x] une autre\n\n## Titre\n"
    assert render_markdown(text) == render_markdown(text)
    assert "task-item-" not in render_markdown(text)  # no random ids


def test_heading_ids_fold_accents_and_stay_unique():
    html = render_markdown("## Conseils d'animation\n\n## Équipe, lieu & budget\n\n## Équipe, lieu & budget\n")
    assert 'id="conseils-d-animation"' in html
    assert 'id="equipe-lieu-budget"' in html and 'id="equipe-lieu-budget-1"' in html


def test_slug_never_empty():
    assert heading_id("« ! »") == "section"
    assert heading_id("  Déroulé -- pas à pas ") == "deroule-pas-a-pas"


def test_tables_have_header_cells():
    html = render_markdown("| Moment | Durée |\n|---|---|\n| Accueil | 15 min |\n")
    assert "<th>Moment</th>" in html and "<td>Accueil</td>" in html


def test_front_matter_is_not_rendered_as_text():
    html = render_markdown("---\nkind: methode\ntitle: Essai\n---\n\nLe corps.\n")
    assert "kind" not in html and html.strip() == "<p>Le corps.</p>"


def test_render_inline_has_no_paragraph():
    assert render_inline("un *mot* <b>") == "un <em>mot</em> &lt;b&gt;"


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


def test_a_page_rendered_by_sections_is_the_page_rendered_whole():
    from transfogen.kit.markup import _markdown

    whole = _markdown().render
    pages = [
        # Sections repeated from page to page, lists and tables closed by a heading.
        "Intro\n\n## Étapes\n\n- un\n- deux\n\n## Tableau\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n### Suite\n\nFin.\n",
        "## Étapes\n\n- un\n- deux\n\n## Autre\n\n1. premier\n\n   suite du premier\n",
        # The same heading twice: the page numbers the second one.
        "## Objectifs\n\nA\n\n## Objectifs\n\nB\n\n## Objectifs-1\n\nC\n",
        # What joins two sections: a code fence holding a heading line, a reference definition.
        "Texte\n\n```\n\n# pas un titre\n```\n\n## Vrai titre\n",
        "Voir [la fiche][f].\n\n## Titre\n\n[f]: https://example.org/fiche\n",
        "---\ntitle: x\n\n# commentaire\n---\n\n## Titre\n",
        "> citation\n\n# Titre\n\n* liste\n\n  # pas dans la liste\n",
    ]
    for page in pages * 2:  # the second time, the sections come from the cache
        assert render_markdown(page) == whole(page), page
    assert 'id="objectifs-1-1"' in render_markdown(pages[2])
