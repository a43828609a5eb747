"""The sheet schema (docs/schema-fiches.md): what passes, and how each mistake is reported."""

from __future__ import annotations

import datetime

import pytest

from transfogen.errors import SheetError
from transfogen.kit.sheets import check_sheet, load_sheet, parse_sheet

# A complete, valid method sheet. Line numbers below refer to this text: line 1 is the opening
# "---", `family` is on line 5, `steps` on line 18, `vigilance` on line 27, the body starts on line 35.
METHOD = """\
---
id: portraits-croises
kind: methode
title: Portraits croisés
family: groupe
phases: [lancement]
purpose: Faire connaissance par ce que chacun apporte au groupe, pas par son poste.
output: Un trombinoscope au mur, avec ce que chacun vient chercher et ce qu'il apporte.
duration: 60
group: {min: 8, max: 25}
roles: [residents, ambassadeurs]
prerequisites:
  - Avoir la liste des participants et un appareil photo.
materials:
  - Une fiche cartonnée A5 par personne
  - Feutres et ruban adhésif
place: Une salle sans tables au centre et un grand mur libre.
steps:
  - {minutes: 10, title: Consigne, detail: "Un résident montre son propre portrait."}
  - {minutes: 20, title: Entretiens en binôme, detail: "Chacun interroge son voisin."}
  - {minutes: 25, title: Présentations, detail: "Chaque binôme présente l'autre en une minute."}
  - {minutes: 5, title: Affichage, detail: "Les fiches rejoignent le mur."}
variants:
  distance: Un tableau blanc partagé remplace le mur.
  petit-groupe: Chacun se présente lui-même, sans binôme.
  bi-site: Chaque site fait son mur, puis on échange les photos.
vigilance:
  - Laisser chacun choisir ce qu'il dit de lui.
  - Tenir le temps, une minute par personne.
documentation:
  - Photographier le mur complet.
next: Le trombinoscope sert de repère pendant tout le programme.
source: Pratique observée lors des séances de lancement (dossier de domaine, § 1.4).
---

## Pourquoi cette méthode

Se présenter par ses envies plutôt que par son grade installe une relation d'égal à égal.

## Conseils d'animation

- [ ] Préparer un portrait d'exemple.
"""
METHOD_PATH = "templates/transfo/methodes/portraits-croises.md"

SESSION = """\
---
id: seance-03
kind: seance
title: Immersion sur le terrain
number: 3
phase: cas-pratiques
dates: [2027-01-12, 2027-01-13, 2027-01-14]
place: Hôtel de ville, salle des commissions
duration: 1260
case: 1
stage: immersion
methods: [guide-entretien, entretiens-usagers]
---

## Programme

Le programme des trois journées.
"""
SESSION_PATH = "kit/seances/seance-03.md"


def errors_of(text: str, path: str = METHOD_PATH) -> list[tuple[str | None, int | None, str]]:
    return [(error.field, error.line, error.message) for error in check_sheet(text, path)]


def only_error(text: str, path: str = METHOD_PATH) -> tuple[str | None, int | None, str]:
    found = errors_of(text, path)
    assert len(found) == 1, found
    return found[0]


def test_a_valid_method_sheet_parses_with_typed_fields():
    sheet = parse_sheet(METHOD, METHOD_PATH)
    assert (sheet.kind, sheet.id, sheet.title, sheet.duration) == (
        "methode",
        "portraits-croises",
        "Portraits croisés",
        60,
    )
    assert sheet.meta["group"] == {"min": 8, "max": 25}
    assert sheet.body.startswith("\n## Pourquoi cette méthode")
    assert sheet.body_line == 35
    assert sheet.labels("roles") == ["Résidents", "Ambassadeurs"]
    assert check_sheet(METHOD, METHOD_PATH) == []


def test_a_valid_session_sheet_parses_with_dates():
    sheet = parse_sheet(SESSION, SESSION_PATH)
    assert sheet.kind == "seance" and sheet.duration == 1260
    assert sheet.meta["dates"][0] == datetime.date(2027, 1, 12)


def test_error_message_names_file_line_and_field_path():
    text = METHOD.replace("{minutes: 20,", "{minutes: vingt,")
    with pytest.raises(SheetError) as caught:
        parse_sheet(text, METHOD_PATH)
    assert str(caught.value).startswith(f"{METHOD_PATH}:20: steps[2].minutes: doit être un nombre entier")


def test_run_sheet_must_add_up_to_the_duration_and_says_both_numbers():
    field, line, message = only_error(METHOD.replace("minutes: 25", "minutes: 20"))
    assert (field, line) == ("steps", 18)
    assert "55" in message and "60" in message


def test_unknown_field_suggests_the_closest_name():
    found = errors_of(METHOD.replace("place:", "plaec:"))
    assert ("plaec", 17, "champ inconnu (vouliez-vous dire « place » ?)") in found
    assert ("place", 1, "champ obligatoire manquant") in found


def test_value_outside_the_schema_lists_the_allowed_values_and_suggests_one():
    field, line, message = only_error(METHOD.replace("family: groupe", "family: grupe"))
    assert (field, line) == ("family", 5)
    assert "prototypage" in message and "vouliez-vous dire « groupe »" in message


def test_list_item_outside_the_schema_is_pointed_at():
    field, line, message = only_error(METHOD.replace("roles: [residents, ambassadeurs]", "roles: [residents, maire]"))
    assert (field, line) == ("roles[2]", 11)
    assert "« maire »" in message


def test_id_must_equal_the_file_name():
    field, line, message = only_error(METHOD, "templates/transfo/methodes/autre-nom.md")
    assert (field, line) == ("id", 2)
    assert "autre-nom" in message


@pytest.mark.parametrize("duration", ["50", "15", "375"])
def test_method_duration_is_a_multiple_of_15_between_30_and_360(duration):
    found = errors_of(METHOD.replace("duration: 60", f"duration: {duration}"))
    assert ("duration", 9) in [(field, line) for field, line, _ in found]


def test_at_least_two_vigilance_points():
    field, line, message = only_error(METHOD.replace("  - Tenir le temps, une minute par personne.\n", ""))
    assert (field, line) == ("vigilance", 27)
    assert "2" in message and "1" in message


def test_all_three_variants_are_required():
    found = errors_of(METHOD.replace("  bi-site: Chaque site fait son mur, puis on échange les photos.\n", ""))
    assert found == [("variants.bi-site", 23, "champ obligatoire manquant")]


def test_group_min_cannot_exceed_max():
    field, line, message = only_error(METHOD.replace("{min: 8, max: 25}", "{min: 30, max: 25}"))
    assert (field, line) == ("group", 10)


def test_required_body_sections():
    field, line, message = only_error(METHOD.replace("## Conseils d'animation", "## Conseils"))
    assert (field, line) == ("corps", 35)
    assert "## Conseils d'animation" in message


def test_raw_html_in_the_body_is_refused_with_its_line():
    field, line, message = only_error(METHOD.replace("installe une", "installe <em>une</em>"))
    assert (field, line) == ("corps", 38)
    assert "HTML" in message


def test_html_inside_code_is_allowed():
    assert errors_of(METHOD.replace("installe une", "installe `<em>` une")) == []


@pytest.mark.parametrize("word", ["lorem ipsum", "TODO", "tbd", "FIXME", "à compléter", "XXX"])
def test_placeholder_text_is_refused_in_the_body(word):
    field, line, message = only_error(METHOD.replace("Préparer un portrait", f"{word} Préparer un portrait"))
    assert (field, line) == ("corps", 42)
    assert word in message


def test_placeholder_text_in_the_front_matter_names_its_field():
    field, line, _ = only_error(METHOD.replace("title: Affichage", "title: À compléter"))
    assert (field, line) == ("steps[4].title", 22)


def test_placeholder_words_inside_other_words_are_not_flagged():
    assert errors_of(METHOD.replace("Feutres", "Feutres (XXXe siècle, todolist)")) == []


def test_check_sheet_collects_every_problem_in_file_order():
    text = METHOD.replace("family: groupe", "family: grupe").replace("minutes: 25", "minutes: 20")
    text = text.replace("## Pourquoi cette méthode", "## Pourquoi")
    found = errors_of(text)
    assert [(field, line) for field, line, _ in found] == [("family", 5), ("steps", 18), ("corps", 35)]


def test_parse_sheet_raises_the_first_problem():
    text = METHOD.replace("family: groupe", "family: grupe").replace("minutes: 25", "minutes: 20")
    with pytest.raises(SheetError) as caught:
        parse_sheet(text, METHOD_PATH)
    assert caught.value.line == 5


def test_missing_front_matter():
    assert errors_of("# Titre\n") == [
        (None, 1, "la fiche doit commencer par un en-tête YAML entre deux lignes « --- »")
    ]


def test_yaml_syntax_error_gives_its_line():
    field, line, message = only_error(
        METHOD.replace("roles: [residents, ambassadeurs]", "roles: [residents, ambassadeurs")
    )
    assert line >= 11 and message.startswith("en-tête YAML illisible")


def test_duplicate_field():
    found = errors_of(METHOD.replace("next:", "title: Autre titre\nnext:"))
    assert ("title", 32, "champ présent deux fois") in found


def test_unknown_kind_stops_with_the_allowed_kinds():
    assert errors_of(METHOD.replace("kind: methode", "kind: methodes")) == [
        (
            "kind",
            3,
            "valeur inconnue « methodes » ; valeurs possibles : methode, seance (vouliez-vous dire « methode » ?)",
        )
    ]


def test_session_sheet_errors():
    text = (
        SESSION.replace("2027-01-13", "13 janvier")
        .replace("phase: cas-pratiques", "phase: cas")
        .replace("guide-entretien", "Guide Entretien")
    )
    found = [(field, line) for field, line, _ in errors_of(text, SESSION_PATH)]
    assert found == [("phase", 6), ("dates[2]", 7), ("methods[1]", 12)]


def test_session_dates_in_order():
    text = SESSION.replace("[2027-01-12, 2027-01-13, 2027-01-14]", "[2027-01-14, 2027-01-12]")
    assert only_error(text, SESSION_PATH)[:2] == ("dates", 7)


def test_session_without_its_required_fields():
    text = SESSION.replace("place: Hôtel de ville, salle des commissions\n", "").replace("number: 3\n", "")
    assert [(field, line) for field, line, _ in errors_of(text, SESSION_PATH)] == [("number", 1), ("place", 1)]


def test_load_sheet_reports_unreadable_files(tmp_path):
    with pytest.raises(SheetError, match="introuvable"):
        load_sheet(tmp_path / "absente.md")
    latin1 = tmp_path / "latin1.md"
    latin1.write_bytes("---\ntitle: Préfiguration\n---\n".encode("latin-1"))
    with pytest.raises(SheetError, match="UTF-8"):
        load_sheet(latin1)


def test_load_sheet_reads_a_file(tmp_path):
    path = tmp_path / "portraits-croises.md"
    path.write_text(METHOD, encoding="utf-8")
    assert load_sheet(path).path == str(path)


def test_without_lint_the_front_matter_is_still_checked_but_not_the_body():
    body_problem = METHOD.replace("## Conseils d'animation", "## Conseils d'animation\n\n<b>gras</b> TODO")
    assert parse_sheet(body_problem, METHOD_PATH, lint=False).id == "portraits-croises"
    with pytest.raises(SheetError):
        parse_sheet(body_problem, METHOD_PATH)
    bad_duration = METHOD.replace("duration: 60", "duration: 75")
    with pytest.raises(SheetError):
        parse_sheet(bad_duration, METHOD_PATH, lint=False)
