"""The HTML page layout of the kit, and the HTML body of a sheet.

Pages are standalone (no external resource) and built for the Nu HTML Checker and axe-core:
lang="fr", a skip link, landmarks, one h1 then h2 sections, tables with header cells.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from html import escape

from transfogen.kit.markup import render_inline, render_markdown
from transfogen.kit.sheets import Sheet, schema
from transfogen.planning.fr import duree as minutes_fr
from transfogen.planning.fr import jours_fr as dates_fr
from transfogen.planning.names import name_forms
from transfogen.templating.resources import package_file


def stylesheet() -> str:
    """The kit's one stylesheet (data/site/style.css), for inlining or copying into a site."""
    return package_file("data/site/style.css").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=64)  # every page of a kit names its collectivity in the footer
def _the_name(collectivity: str) -> str:
    return name_forms(collectivity)["the_name"]


def page(
    title: str,
    body_html: str,
    *,
    nav: Sequence[tuple[str, str]] = (),
    current: str | None = None,
    css: str | None = None,
    css_href: str | None = None,
    home_href: str | None = None,
    collectivity: str = "",
) -> str:
    """A complete HTML5 document; `body_html` must be trusted HTML (from `render_markdown`, `sheet_html`).

    `nav` lists (href, label) entries; the entry whose href equals `current` is marked as the current page.
    `css` is inlined in a <style> element, `css_href` is linked (a relative path keeps file:// working).
    """
    # A title that already names the collectivity does not name it twice.
    head_title = f"{title} — {collectivity}" if collectivity and collectivity not in title else title
    head = [
        "<!DOCTYPE html>",
        '<html lang="fr">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(head_title)}</title>",
    ]
    if css_href:
        head.append(f'<link rel="stylesheet" href="{escape(css_href)}">')
    if css:
        safe_css = css.replace("</", "<\\/")  # a stray "</style>" cannot close the element
        head.append(f"<style>\n{safe_css}\n</style>")
    head.append("</head>")

    home = "Kit du programme" + (f" — {escape(collectivity)}" if collectivity else "")
    if home_href:
        home = f'<a href="{escape(home_href)}">{home}</a>'
    body = [
        "<body>",
        '<a class="evitement" href="#contenu">Aller au contenu</a>',
        '<header class="entete">',
        f'<p class="kit">{home}</p>',
        "</header>",
    ]
    if nav:
        body.append('<nav class="navigation" aria-label="Sommaire du kit">\n<ul>')
        for href, label in nav:
            mark = ' aria-current="page"' if current is not None and href == current else ""
            body.append(f'<li><a href="{escape(href)}"{mark}>{escape(label)}</a></li>')
        body.append("</ul>\n</nav>")
    body += [
        '<main id="contenu" tabindex="-1">',
        f"<h1>{escape(title)}</h1>",
        body_html.strip(),
        "</main>",
        '<footer class="pied">',
        "<p>Kit produit avec transfogen, outil libre de préparation d'un programme de laboratoire "
        "d'innovation publique" + (f" pour {escape(_the_name(collectivity))}" if collectivity else "") + ".</p>",
        "</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(head + body) + "\n"


def sheet_html(sheet: Sheet) -> str:
    """The HTML body of a sheet (everything under the page's h1)."""
    if sheet.kind == "seance":
        return _session_html(sheet)
    return _method_html(sheet)


def _row(label: str, value_html: str) -> str:
    return f'<tr><th scope="row">{label}</th><td>{value_html}</td></tr>'


def _items(values: list[str]) -> str:
    if not values:
        return "<p>Aucun.</p>"
    return "<ul>\n" + "\n".join(f"<li>{render_inline(value)}</li>" for value in values) + "\n</ul>"


def _section(title: str, content: str, anchor: str) -> str:
    # "fiche-" keeps these ids apart from the ones the body's own headings get.
    return f'<section aria-labelledby="fiche-{anchor}">\n<h2 id="fiche-{anchor}">{title}</h2>\n{content}\n</section>'


def _method_html(sheet: Sheet) -> str:
    meta = sheet.meta
    names = schema()
    group = meta["group"]
    summary = [
        _row("Famille", escape(names["families"][meta["family"]])),
        _row("Phases", escape(", ".join(sheet.labels("phases")))),
    ]
    if meta.get("stages"):
        summary.append(_row("Étapes de cas", escape(", ".join(sheet.labels("stages")))))
    if meta.get("lab_topics"):
        summary.append(_row("Thèmes du labo", escape(", ".join(sheet.labels("lab_topics")))))
    summary += [
        _row("Durée", minutes_fr(meta["duration"])),
        _row("Groupe", f"de {group['min']} à {group['max']} personnes"),
        _row("Rôles", escape(", ".join(sheet.labels("roles")))),
        _row("Objectif", render_inline(meta["purpose"])),
        _row("Livrable", render_inline(meta["output"])),
    ]
    parts = [
        '<table class="resume">\n<caption>La méthode en bref</caption>\n<tbody>\n'
        + "\n".join(summary)
        + "\n</tbody>\n</table>",
        _section("Avant l'atelier", _items(meta["prerequisites"]), "avant-l-atelier"),
        _section(
            "Matériel et lieu",
            _items(meta["materials"]) + f"\n<p><strong>Lieu :</strong> {render_inline(meta['place'])}</p>",
            "materiel-et-lieu",
        ),
        _section("Déroulé", _run_sheet(meta["steps"]), "deroule"),
        _section(
            "Variantes",
            "<dl>\n"
            + "\n".join(
                f"<dt>{escape(label)}</dt><dd>{render_inline(meta['variants'][key])}</dd>"
                for key, label in names["variants"].items()
            )
            + "\n</dl>",
            "variantes",
        ),
        _section("Points de vigilance", _items(meta["vigilance"]), "points-de-vigilance"),
        _section("À documenter", _items(meta["documentation"]), "a-documenter"),
        _section("Et ensuite", f"<p>{render_inline(meta['next'])}</p>", "et-ensuite"),
        _section("Source", f"<p>{render_inline(meta['source'])}</p>", "source"),
        render_markdown(sheet.body).strip(),
    ]
    return "\n".join(parts) + "\n"


def _run_sheet(steps: list[dict]) -> str:
    rows, elapsed = [], 0
    for step in steps:
        start = f"{elapsed // 60}:{elapsed % 60:02d}"
        rows.append(
            f'<tr><th scope="row">{start}</th><td>{minutes_fr(step["minutes"])}</td>'
            f"<td>{render_inline(step['title'])}</td><td>{render_inline(step['detail'])}</td></tr>"
        )
        elapsed += step["minutes"]
    return (
        '<table class="deroule">\n<caption>Déroulé minute par minute, à partir de 0:00</caption>\n'
        '<thead><tr><th scope="col">Début</th><th scope="col">Durée</th>'
        '<th scope="col">Étape</th><th scope="col">Ce qui se passe</th></tr></thead>\n<tbody>\n'
        + "\n".join(rows)
        + f"\n</tbody>\n</table>\n<p>Durée totale : {minutes_fr(elapsed)}.</p>"
    )


def session_facts(meta: dict) -> list[tuple[str, str]]:
    """A session sheet's key facts, as (label, value) pairs: shared by the site and the exports."""
    names = schema()
    facts = [
        ("Séance", f"n° {meta['number']}"),
        ("Dates", dates_fr(meta["dates"])),
        ("Lieu", meta["place"]),
        ("Phase", names["phases"][meta["phase"]]),
        ("Durée de travail", minutes_fr(meta["duration"])),
    ]
    if meta.get("stage"):
        facts.append(("Étape du cas", names["stages"][meta["stage"]]))
    if meta.get("lab_topic"):
        facts.append(("Thème du labo", names["lab_topics"][meta["lab_topic"]]))
    return facts


def _session_html(sheet: Sheet) -> str:
    meta = sheet.meta
    facts = session_facts(meta)
    header = (
        '<dl class="seance">\n'
        + "\n".join(f"<dt>{label}</dt><dd>{escape(str(value))}</dd>" for label, value in facts)
        + "\n</dl>"
    )
    return header + "\n" + render_markdown(sheet.body).strip() + "\n"
