"""The HTML checkers catch what they must: a checker that passes everything would hide every defect."""

from __future__ import annotations

import struct

import pytest

from checkers import (
    REQUIRE_ENV,
    axe_violations,
    describe_violations,
    require_or_skip,
    screenshot,
    vnu_errors,
)

CLEAN_PAGE = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Séance 3 : immersion</title>
</head>
<body>
<header><p>Kit du programme</p></header>
<main>
<h1>Séance 3 : immersion</h1>
<p>Trois jours sur le terrain avec les ambassadeurs.</p>
<ul>
<li><label><input type="checkbox" name="salle"> Réserver la salle</label></li>
<li><label><input type="checkbox" name="convocations"> Envoyer les convocations</label></li>
</ul>
<p><a href="seance-04.html">Séance suivante</a></p>
</main>
</body>
</html>
"""

# Valid markup, but a picture without a text alternative and a checkbox nobody can name.
INACCESSIBLE_PAGE = CLEAN_PAGE.replace("<p>Trois jours", '<img src="plan.png" id="plan">\n<p>Trois jours').replace(
    '<label><input type="checkbox" name="salle"> Réserver la salle</label>',
    '<input type="checkbox" id="salle"> Réserver la salle',
)

# A <div> left open inside a <p>, closed by </body>: the parser has to guess.
INVALID_PAGE = CLEAN_PAGE.replace(
    "<p>Trois jours sur le terrain avec les ambassadeurs.</p>",
    "<p>Trois jours <div>sur le terrain</p>",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    pages = {"clean.html": CLEAN_PAGE, "inaccessible.html": INACCESSIBLE_PAGE, "invalid.html": INVALID_PAGE}
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "notes.txt").write_text("<p>pas une page", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def vnu_report(site):
    """The checker run once on the whole folder, as the site tests run it."""
    require_or_skip("vnu")
    return vnu_errors(site)


@pytest.fixture(scope="module")
def axe_report(site):
    require_or_skip("axe")
    return axe_violations([site / "clean.html", site / "inaccessible.html"])


@pytest.mark.browser
def test_vnu_reports_unclosed_element_with_file_and_line(site, vnu_report):
    page = site / "invalid.html"
    assert f"{page}:12:16: Unclosed element “div”." in vnu_report, vnu_report


@pytest.mark.browser
def test_vnu_checks_every_html_page_of_a_folder_and_skips_other_files(site, vnu_report):
    failing = {error.split(":", 1)[0] for error in vnu_report}
    # The missing alt is an HTML error too; the clean page passes; notes.txt is not a page.
    assert failing == {str(site / "invalid.html"), str(site / "inaccessible.html")}


@pytest.mark.browser
def test_vnu_checks_a_list_of_files(site):
    require_or_skip("vnu")
    errors = vnu_errors([site / "clean.html", site / "invalid.html"])
    assert errors and all(error.startswith(f"{site / 'invalid.html'}:") for error in errors), errors


def test_vnu_refuses_to_check_nothing():
    with pytest.raises(ValueError):
        vnu_errors([])


@pytest.mark.browser
def test_axe_reports_missing_alt_and_unlabelled_checkbox(site, axe_report):
    page = site / "inaccessible.html"
    by_rule = {violation["id"]: violation for violation in axe_report[page]}
    assert by_rule["image-alt"]["targets"] == ["#plan"]
    assert by_rule["image-alt"]["impact"] == "critical"
    assert by_rule["label"]["targets"] == ["#salle"]
    report = describe_violations({page: axe_report[page]}, root=site)
    assert "inaccessible.html: image-alt (critical) at #plan: " in report


@pytest.mark.browser
def test_axe_gives_every_page_an_entry_and_passes_a_clean_page(site, axe_report):
    assert set(axe_report) == {site / "clean.html", site / "inaccessible.html"}
    assert axe_report[site / "clean.html"] == []


@pytest.mark.browser
def test_screenshot_writes_a_png_of_the_requested_width(site, tmp_path):
    require_or_skip("chromium")
    png = screenshot(site / "clean.html", tmp_path / "shots" / "clean.png", width=900)
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    assert width == 900 and height >= 100


def test_missing_checker_skips_locally(monkeypatch):
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-such-checker"):
        require_or_skip("transfogen-no-such-checker")


def test_missing_checker_fails_when_ci_requires_checkers(monkeypatch):
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="no-such-checker"):
        require_or_skip("transfogen-no-such-checker")
