"""`transfogen render` and the page layout: standalone, escaped, reproducible, accessible pages."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from checkers import AXE_JS, AXE_TAGS, CHROMIUM, CHROMIUM_ARGS, require_or_skip, vnu_errors
from paths import REPO_ROOT
from test_sheets import METHOD, SESSION
from transfogen.cli import main
from transfogen.kit.html import dates_fr, minutes_fr, page, sheet_html
from transfogen.kit.sheets import parse_sheet


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def render(*args: str):
    return CliRunner().invoke(main, ["render", *args])


def test_render_writes_a_standalone_page_next_to_the_sheet(tmp_path):
    sheet = write(tmp_path, "portraits-croises.md", METHOD)
    result = render(str(sheet))
    assert result.exit_code == 0, result.output
    html = (tmp_path / "portraits-croises.html").read_text(encoding="utf-8")
    assert html.startswith('<!DOCTYPE html>\n<html lang="fr">')
    assert "<style>" in html and "@page" in html and "<link" not in html  # CSS inlined: works from file://
    assert not re.search(r'(src|href)="(https?:)?//', html)  # no external resource
    assert "<h1>Portraits croisés</h1>" in html
    starts = re.findall(r'<tr><th scope="row">(\d+:\d\d)</th>', html)
    assert starts == ["0:00", "0:10", "0:30", "0:55"]
    assert '<h2 id="conseils-d-animation">' in html


def test_render_to_a_chosen_output(tmp_path):
    sheet = write(tmp_path, "portraits-croises.md", METHOD)
    result = render(str(sheet), "-o", str(tmp_path / "fiche.html"))
    assert result.exit_code == 0
    assert (tmp_path / "fiche.html").exists() and not (tmp_path / "portraits-croises.html").exists()


def test_render_refuses_to_overwrite_without_force(tmp_path):
    sheet = write(tmp_path, "portraits-croises.md", METHOD)
    target = write(tmp_path, "portraits-croises.html", "ancienne page")
    result = render(str(sheet))
    assert result.exit_code == 1
    assert "existe déjà" in result.stderr and "--force" in result.stderr
    assert target.read_text() == "ancienne page"
    assert render(str(sheet), "--force").exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_render_never_overwrites_the_sheet_itself(tmp_path):
    sheet = write(tmp_path, "portraits-croises.md", METHOD)
    result = render(str(sheet), "-o", str(sheet), "--force")
    assert result.exit_code == 1 and "la fiche elle-même" in result.stderr
    assert sheet.read_text(encoding="utf-8") == METHOD


def test_invalid_sheet_gives_one_line_with_file_line_and_field(tmp_path):
    sheet = write(tmp_path, "portraits-croises.md", METHOD.replace("family: groupe", "family: grupe"))
    result = render(str(sheet))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Erreur : {sheet}:5 : family : ")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not (tmp_path / "portraits-croises.html").exists()


def test_missing_sheet_is_a_clear_error(tmp_path):
    result = render(str(tmp_path / "absente.md"))
    assert result.exit_code == 1
    assert "absente.md : fichier introuvable" in result.stderr


def test_script_in_the_body_is_escaped_and_javascript_links_refused(tmp_path):
    text = METHOD.replace("- [ ] Préparer", "Voir `<script>` et [ici](javascript:alert(1)).\n\n- [ ] Préparer")
    text = text.replace("title: Portraits croisés", 'title: "Portraits <script>alert(1)</script>"')
    sheet = write(tmp_path, "portraits-croises.md", text)
    assert render(str(sheet)).exit_code == 0
    html = (tmp_path / "portraits-croises.html").read_text(encoding="utf-8")
    assert "<script" not in html
    assert "Portraits &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript' not in html


def test_output_is_byte_identical_across_runs(tmp_path):
    sheet = write(tmp_path, "portraits-croises.md", METHOD)
    render(str(sheet), "-o", str(tmp_path / "a.html"))
    render(str(sheet), "-o", str(tmp_path / "b.html"))
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_task_checkboxes_are_labelled(tmp_path):
    sheet = write(tmp_path, "portraits-croises.md", METHOD)
    render(str(sheet))
    html = (tmp_path / "portraits-croises.html").read_text(encoding="utf-8")
    checkboxes = re.findall(r"(.)<input [^>]*type=\"checkbox\">([^<]*)", html)
    assert checkboxes == [(">", " Préparer un portrait d'exemple.")]
    assert "<label><input" in html


def test_help_is_in_french_and_ends_with_an_example():
    result = CliRunner().invoke(main, ["render", "--help"])
    assert "Exemple :" in result.output and "transfogen render " in result.output
    assert "--force" in result.output


def test_page_escapes_every_text_argument():
    evil = "<script>alert(1)</script>"
    html = page(evil, "<p>corps</p>", nav=[("index.html", evil)], home_href='"><script>', collectivity=evil)
    assert "<script" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4


def test_page_landmarks_skip_link_and_current_entry():
    nav = [("index.html", "Accueil"), ("seances/seance-01.html", "Séance 1")]
    html = page(
        "Séance 1",
        "<p>x</p>",
        nav=nav,
        current="seances/seance-01.html",
        css_href="../style.css",
        home_href="../index.html",
    )
    assert '<a class="evitement" href="#contenu">' in html
    assert '<main id="contenu"' in html and "<header" in html and "<footer" in html
    assert '<nav class="navigation" aria-label="Sommaire du kit">' in html
    assert '<a href="seances/seance-01.html" aria-current="page">Séance 1</a>' in html
    assert '<a href="index.html">Accueil</a>' in html
    assert '<link rel="stylesheet" href="../style.css">' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<nav" not in page("Seule", "<p>x</p>")


def test_inlined_css_cannot_close_its_style_element():
    html = page("Titre", "", css="p { color: red } </style><script>x</script>")
    style = html.split("<style>")[1].split("</style>")[0]
    assert html.count("</style>") == 1 and "<script>x<\\/script>" in style  # stays text inside <style>


def test_session_sheet_shows_dates_and_place_in_french():
    html = sheet_html(parse_sheet(SESSION, "kit/seances/seance-03.md"))
    assert "<dd>12, 13 et 14 janvier 2027</dd>" in html
    assert "<dd>Hôtel de ville, salle des commissions</dd>" in html
    assert "<dd>Cas pratiques</dd>" in html and "<dd>21 h</dd>" in html
    assert '<h2 id="programme">Programme</h2>' in html


@pytest.mark.parametrize(
    "days, expected",
    [
        ([datetime.date(2027, 3, 1)], "1er mars 2027"),
        ([datetime.date(2027, 1, 30), datetime.date(2027, 2, 1)], "30 janvier et 1er février 2027"),
        (
            [datetime.date(2027, 12, 30), datetime.date(2027, 12, 31), datetime.date(2028, 1, 3)],
            "30, 31 décembre 2027 et 3 janvier 2028",
        ),
    ],
)
def test_dates_fr(days, expected):
    assert dates_fr(days) == expected


def test_minutes_fr():
    assert [minutes_fr(m) for m in (45, 60, 90, 185)] == ["45 min", "1 h", "1 h 30", "3 h 05"]


@pytest.mark.browser
def test_rendered_pages_pass_the_html_checker_and_axe(tmp_path):
    from playwright.sync_api import sync_playwright

    require_or_skip("vnu")
    require_or_skip("axe")
    render(str(write(tmp_path, "portraits-croises.md", METHOD)))
    render(str(write(tmp_path, "seance-03.md", SESSION)))
    nav = [("portraits-croises.html", "Portraits croisés"), ("seance-03.html", "Séance 3")]
    (tmp_path / "avec-nav.html").write_text(
        page(
            "Séance 3",
            sheet_html(parse_sheet(SESSION, "seance-03.md")),
            nav=nav,
            current="seance-03.html",
            css_href="style.css",
            home_href="portraits-croises.html",
            collectivity="Ville d'Essai <b>",
        ),
        encoding="utf-8",
    )
    (tmp_path / "style.css").write_text((REPO_ROOT / "src/transfogen/data/site/style.css").read_text(encoding="utf-8"))
    pages = sorted(tmp_path.glob("*.html"))
    errors = vnu_errors(pages)
    assert not errors, "\n".join(errors)

    script = AXE_JS.read_text(encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for path in pages:
                for width in (1280, 360):  # desktop and phone
                    tab = browser.new_page(viewport={"width": width, "height": 800})
                    tab.goto(path.as_uri())
                    tab.add_script_tag(content=script)
                    report = tab.evaluate("t => axe.run(document, {runOnly: {type: 'tag', values: t}})", AXE_TAGS)
                    assert report["violations"] == [], (path.name, width, [v["id"] for v in report["violations"]])
                    assert tab.evaluate("document.documentElement.scrollWidth") <= width, (path.name, width)
                    tab.close()
        finally:
            browser.close()
