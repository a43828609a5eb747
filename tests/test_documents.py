"""The kit speaks to its users: no trace of how it was written, public sources cited by title,
method sheets laid out as documents, correct French around the collectivity's name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from transfogen.names import name_forms
from transfogen.sheets import load_sheet

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Section numbers, bracketed source numbers and the research brief's name: the kit's authors' notes.
INTERNAL_REFERENCE = re.compile(r"dossier de domaine|§ ?[0-9]+\.[0-9]|sources? \[[0-9]+\]", re.IGNORECASE)
TEXT_SUFFIXES = {".md", ".html", ".csv", ".ics", ".svg", ".css", ".json", ".yaml"}
CITED_TITLE = re.compile(r"« ([^»]+) »")


def _bundled_templates() -> list[Path]:
    return sorted(path for path in TEMPLATES.iterdir() if (path / "methodes").is_dir())


def test_no_kit_file_of_any_example_carries_an_internal_reference(kits):
    for name, kit in kits.items():
        for path in sorted(kit.rglob("*")):
            if path.suffix not in TEXT_SUFFIXES or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8")
            found = INTERNAL_REFERENCE.search(text)
            assert not found, f"{name}: {path.relative_to(kit)}: « {found.group(0)} »"


@pytest.mark.parametrize("template", _bundled_templates(), ids=lambda path: path.name)
def test_no_template_file_carries_an_internal_reference(template):
    for path in sorted(template.rglob("*")):
        if path.is_file() and path.suffix in {".md", ".yaml", ".json"}:
            found = INTERNAL_REFERENCE.search(path.read_text(encoding="utf-8"))
            assert not found, f"{path.relative_to(TEMPLATES)}: « {found.group(0)} »"


@pytest.mark.parametrize("template", _bundled_templates(), ids=lambda path: path.name)
def test_every_method_cites_public_sources_listed_in_the_bibliography(template):
    bibliography = (template / "{{cookiecutter.slug}}" / "bibliographie.md").read_text(encoding="utf-8")
    for path in sorted((template / "methodes").glob("*.md")):
        source = load_sheet(path).meta["source"]
        titles = CITED_TITLE.findall(source.split("À lire :", 1)[-1])
        assert titles, f"{path.name}: la source ne cite aucun document public par son titre"
        for title in titles:
            assert f"« {title} »" in bibliography, f"{path.name}: « {title} » absent de la bibliographie"


def test_method_sheets_in_the_kit_read_as_documents(kits):
    kit = kits["paris"]
    sheet = (kit / "methodes" / "videocagette.md").read_text(encoding="utf-8")
    template = load_sheet(TEMPLATES / "transfo" / "methodes" / "videocagette.md")
    assert sheet.startswith("# Vidéocagette\n") and "\n---\n" not in sheet
    assert f"- **Objectif :** {template.meta['purpose']}" in sheet
    for heading in ("## Avant l'atelier", "## Matériel et lieu", "## Déroulé", "## Variantes", "## Sources"):
        assert heading in sheet
    for step in template.meta["steps"]:
        assert f"| {step['title']} |" in sheet
    assert "[bibliographie du kit](../bibliographie.md)" in sheet
    assert (kit / "bibliographie.md").is_file() and (kit / "site" / "bibliographie.html").is_file()


def test_the_videocagette_films_paper_laid_flat_not_actors():
    sheet = load_sheet(TEMPLATES / "transfo" / "methodes" / "videocagette.md")
    text = str(sheet.meta).lower()
    assert "à plat" in text and "smartphone" in text and "découpages" in text
    assert "acteur" not in text and "cadreur" not in text


@pytest.mark.parametrize(
    ("name", "the", "of"),
    [
        ("Ville de Paris", "la Ville de Paris", "de la Ville de Paris"),
        ("Eurométropole de Strasbourg", "l'Eurométropole de Strasbourg", "de l'Eurométropole de Strasbourg"),
        ("Département du Nord", "le Département du Nord", "du Département du Nord"),
        ("Metz Métropole", "Metz Métropole", "de Metz Métropole"),
        ("Orléans Métropole", "Orléans Métropole", "d'Orléans Métropole"),
    ],
)
def test_a_collectivity_name_takes_its_article(name, the, of):
    forms = name_forms(name)
    assert (forms["the_name"], forms["of_name"]) == (the, of)


def test_footers_and_titles_speak_correct_french(kits):
    site = kits["paris"] / "site"
    page = (site / "programme.html").read_text(encoding="utf-8")
    assert "pour la Ville de Paris.</p>" in page and "pour Ville de Paris" not in page
    for path in site.rglob("*.html"):
        title = re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8")).group(1)
        assert title.count("Ville de Paris") <= 1, f"{path.name}: {title}"
