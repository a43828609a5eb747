"""A case's sheets speak of what the case is: its object, where to observe it, whom to meet and what to
bring, by its nature (`cases[].nature`, `cases[].object`, the template's seances/natures.yaml)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from transfogen.errors import ProfileError, TemplateError
from transfogen.planning.model import NATURES
from transfogen.planning.names import phrase_forms
from transfogen.planning.profile import parse_profile
from transfogen.templating.template import load_template

ROOT = Path(__file__).resolve().parents[1]
TRANSFO = ROOT / "templates" / "transfo"


def _section(text: str, title: str) -> str:
    match = re.search(rf"^## {title}\n(.*?)(?=^## )", text, re.S | re.M)
    assert match, title
    return match[1]


def _sheet(kit: Path, number: int) -> str:
    return (kit / "seances" / f"seance-{number:02d}.md").read_text(encoding="utf-8")


def _cadrage_of(kit: Path, case: int) -> str:
    for path in sorted((kit / "seances").glob("seance-*.md")):
        text = path.read_text(encoding="utf-8")
        if f"\ncase: {case}\n" in text and "stage: cadrage" in text:
            return text
    raise AssertionError(f"pas de cadrage pour le cas {case}")


def test_same_stage_sessions_of_cases_of_different_natures_differ_in_material_and_wording(kits):
    paris = kits["paris"]
    citizen_card, tree_pits, eco_gestures = (_cadrage_of(paris, case) for case in (1, 2, 5))
    trees, gestures = _section(tree_pits, "Matériel"), _section(eco_gestures, "Matériel")
    # Before: « Les formulaires, dépliants et courriers réellement remis aux usagers » in both.
    assert "Les formulaires, dépliants et courriers réellement remis aux usagers" in _section(citizen_card, "Matériel")
    assert "formulaires, dépliants" not in trees and "formulaires, dépliants" not in gestures
    assert (
        "Le plan du site, des photos du lieu" in trees and "Les notes de service, les pages de l'intranet" in gestures
    )
    assert trees != gestures
    # The activities speak of the case's object and of its people, not of « le dispositif ».
    steps_trees, steps_gestures = _section(tree_pits, "Pas à pas"), _section(eco_gestures, "Pas à pas")
    assert "le dispositif se vit" not in steps_trees + steps_gestures
    assert "des personnes qui utilisent le dispositif" not in steps_trees + steps_gestures
    assert "Dessiner l'écosystème des pieds d'arbres végétalisés" in steps_trees
    assert "Dessiner l'écosystème des écogestes au bureau" in steps_gestures
    assert "Observer sans intervenir la rue, la place ou le square" in steps_trees
    assert "Observer sans intervenir les bureaux, les locaux techniques" in steps_gestures
    assert "Ce que le groupe étudie :** les écogestes au bureau, une pratique interne" in eco_gestures
    # The first case's sheets give the steps in full: they speak of the case too.
    assert (
        "pour les personnes qui font la démarche, et pour les agents qui font vivre la carte citoyenne" in citizen_card
    )
    # The session's own preparation and its map of actors follow the nature too.
    preparation = "Préparation : qui fait quoi avant la séance"
    prep_trees, prep_gestures = _section(tree_pits, preparation), _section(eco_gestures, preparation)
    assert "formulaires, chiffres de fréquentation" not in prep_trees + prep_gestures
    assert "le plan du site, des photos" in prep_trees and "les notes de service, pages d'intranet" in prep_gestures
    assert "la direction des ressources humaines, les représentants du personnel" in eco_gestures
    assert "les écoles et les centres sociaux" not in _section(eco_gestures, "Le cas")  # no outside partners


def test_the_method_sheets_themselves_stay_general(kits):
    text = (kits["paris"] / "methodes" / "observation-de-terrain.md").read_text(encoding="utf-8")
    assert "un lieu où le dispositif se vit" in text


def test_a_case_without_nature_keeps_a_neutral_wording_and_the_cadrage_asks_for_it(tmp_path):
    from transfogen.kit.build import generate_kit

    profile = tmp_path / "profil.yaml"
    profile.write_text(
        "collectivity: {name: Ville de Test, kind: commune, department: '35'}\n"
        "program: {start: 2030-01-07, months: 12, session_days: 2}\n"
        "cases:\n  - title: Un cas sans nature\n    service: Un service\n",
        encoding="utf-8",
    )
    kit = generate_kit(profile, tmp_path / "kit")
    cadrage = _cadrage_of(kit, 1)
    assert "ce qu'est le cas (un service rendu au public, un espace public" in _section(cadrage, "Le cas")
    assert "Les documents que le service produit ou remet" in _section(cadrage, "Matériel")
    assert "Faire présenter le dispositif par le service" in cadrage


def test_an_object_with_markdown_and_jinja_comes_out_literally(tmp_path):
    from transfogen.kit.build import generate_kit
    from transfogen.kit.markup import plain_text

    hostile = "la carte {{ 7*7 }} {% raw %} *gras* [lien](http://exemple.fr) {objet} <b>"
    profile = tmp_path / "profil.yaml"
    profile.write_text(
        "collectivity: {name: Ville de Test, kind: commune, department: '35'}\n"
        "program: {start: 2030-01-07, months: 12, session_days: 2}\n"
        f"cases:\n  - title: Un cas\n    nature: service\n    object: '{hostile}'\n",
        encoding="utf-8",
    )
    kit = generate_kit(profile, tmp_path / "kit")
    cadrage = _cadrage_of(kit, 1)
    line = next(line for line in cadrage.splitlines() if line.startswith("Dessiner l'écosystème"))
    assert plain_text(line).startswith(f"Dessiner l'écosystème de {hostile} : qui agit")
    assert "49" not in line and "](http" not in line.replace("\\](http", "")
    html = next(p for p in (kit / "site").rglob("*.html") if p.stem.startswith("seance-") and "Un cas" in p.read_text())
    page = html.read_text(encoding="utf-8")
    assert "<b>" not in page and 'href="http://exemple.fr"' not in page and "{{ 7*7 }}" in page


def test_the_object_takes_the_contractions_of_its_article():
    assert phrase_forms("le guichet unique")["of"] == "du guichet unique"
    assert phrase_forms("le guichet unique")["to"] == "au guichet unique"
    assert phrase_forms("les pieds d'arbres")["of"] == "des pieds d'arbres"
    assert phrase_forms("Les pieds d'arbres")["to"] == "aux pieds d'arbres"
    assert phrase_forms("l'accueil")["of"] == "de l'accueil"
    assert phrase_forms("la carte citoyenne")["to"] == "à la carte citoyenne"
    assert phrase_forms("Paris Plages")["of"] == "de Paris Plages"
    assert phrase_forms("écogestes")["of"] == "d'écogestes"


CASE = """
collectivity: {name: Ville de Test, kind: commune, department: "35"}
program: {start: 2027-01-04}
cases:
  - title: "Un cas"
"""


def test_a_bad_nature_names_the_file_the_field_and_the_line():
    with pytest.raises(ProfileError) as error:
        parse_profile(CASE + "    nature: espace public\n", "profil.yaml")
    message = str(error.value)
    assert message.startswith("profil.yaml:6: cases[0].nature: nature de cas inconnue « espace public »")
    assert "vouliez-vous dire « espace-public »" in message and "politique-partenariale" in message
    assert parse_profile(CASE + "    nature: equipement\n").cases[0].nature == "equipement"


def test_an_object_is_one_short_line():
    with pytest.raises(ProfileError) as error:
        parse_profile(CASE + f'    object: "la {"très " * 30}longue carte"\n', "profil.yaml")
    assert str(error.value).startswith("profil.yaml:6: cases[0].object: texte trop long")


def test_every_bundled_example_names_the_nature_and_object_of_its_cases():
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        profile = parse_profile(path.read_text(encoding="utf-8"), str(path))
        assert profile.cases, path.name
        for case in profile.cases:
            assert case.nature in NATURES and case.object, f"{path.name} : {case.title}"


def test_the_natures_file_covers_every_nature_with_every_word():
    natures = load_template(TRANSFO).natures
    assert set(natures.natures) == set(NATURES)
    for words in natures.natures.values():
        assert set(words) == set(natures.neutral)


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    root = tmp_path / "gabarit"
    shutil.copytree(TRANSFO, root)
    path = root / "seances" / "natures.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def test_case_words_in_a_pattern_are_checked_where_no_case_fills_them(tmp_path):
    root = tmp_path / "gabarit"
    shutil.copytree(TRANSFO, root)
    launch = root / "seances" / "lancement.yaml"
    text = launch.read_text(encoding="utf-8")
    launch.write_text(text.replace("de son dispositif,", "{de:objet},", 1), encoding="utf-8")
    with pytest.raises(TemplateError) as error:
        _ = load_template(root).natures
    assert error.value.path == str(launch) and "les séances hors cas" in error.value.message
    assert "{de:objet}" in launch.read_text(encoding="utf-8").splitlines()[error.value.line - 1]
    launch.write_text(text, encoding="utf-8")
    cadrage = root / "seances" / "cadrage.yaml"
    cadrage.write_text(
        cadrage.read_text(encoding="utf-8").replace("{a_transmettre}", "{a_transmetre}", 1), encoding="utf-8"
    )
    with pytest.raises(TemplateError) as error:
        _ = load_template(root).natures
    assert error.value.key == "preparation" and "mot inconnu « {a_transmetre} »" in error.value.message


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        ("  espace-public:\n", "  espace-publique:\n", "natures.espace-publique", "nature inconnue"),
        (
            "et {de:usagers}, pour",
            "et {de:usager}, pour",
            "activities.carte-des-representations.purpose",
            "mot inconnu « {de:usager} »",
        ),
        ("  parcours-usager:\n", "  parcours-usagers:\n", "activities.parcours-usagers", "méthode inconnue"),
        ('"Marquer les frictions":', '"Marquer la friction":', "activities.parcours-usager.steps", "pas d'étape"),
        (
            "à coller sur la frise à l'étape où ils interviennent.\":",
            'à coller sur la frise.":',
            "activities.parcours-usager.materials",
            "n'est pas dans le matériel",
        ),
    ],
)
def test_a_broken_natures_file_is_reported_on_its_line(tmp_path, old, new, key, message):
    root = _broken_copy(tmp_path, old, new)
    with pytest.raises(TemplateError) as error:
        _ = load_template(root).natures
    lines = (root / "seances" / "natures.yaml").read_text(encoding="utf-8").splitlines()
    assert error.value.key == key and message in error.value.message
    assert new.strip()[:12] in lines[error.value.line - 1]
