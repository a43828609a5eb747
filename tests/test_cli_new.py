"""`transfogen new` without a profile: questions in French, each answer checked when given, nothing lost."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from transfogen.cli import main


def answers(*lines: str) -> str:
    return "\n".join(lines) + "\n"


# name, kind, department, sites, network, start, months, session days, weekdays, holidays, residents,
# ambassadors, then cases (title, service) until an empty title.
ARLES = [
    "Ville d'Arles",
    "commune",
    "13",
    "Hôtel de ville, Espace Van Gogh",
    "",
    "2027-03-01",
    "12",
    "2",
    "mar, mer, jeudi",
    "oui",
    "3",
    "18",
    "Accueil en mairie annexe",
    "Direction de la relation aux usagers",
    "",
]


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str, typed: str):
    return CliRunner().invoke(main, ["new", *args], input=typed)


def saved_profile(kit) -> dict:
    return yaml.safe_load((kit / ".transfogen" / "profil.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("yes, no", [("oui", "non"), ("o", "n"), ("OUI", "Non")])
def test_french_yes_and_no_are_understood(here, yes, no):
    typed = answers(*ARLES[:9], "peut-être", no, *ARLES[10:])
    result = run("-o", "arles", typed=typed)
    assert result.exit_code == 0, result.output
    assert "Erreur : répondez o (oui) ou n (non)" in result.output
    assert "[O/n] :" in result.output
    assert saved_profile(here / "arles")["program"]["avoid_school_holidays"] is False
    result = run("-o", "arles-2", typed=answers(*ARLES[:9], yes, *ARLES[10:]))
    assert saved_profile(here / "arles-2")["program"]["avoid_school_holidays"] is True


def test_choices_are_shown_and_accepted_in_french(here):
    typed = answers(ARLES[0], "intercommunalité", *ARLES[2:])
    result = run("-o", "arles", typed=typed)
    assert result.exit_code == 0, result.output
    assert "Type (commune, intercommunalité, métropole, département, région" in result.output
    assert saved_profile(here / "arles")["collectivity"]["kind"] == "intercommunalite"


def test_each_answer_is_checked_when_given_with_the_profile_limits(here):
    typed = answers(
        *ARLES[:5],
        "2027-02-30",  # impossible date
        *ARLES[5:6],
        "48",  # beyond the profile's limit
        "douze",
        *ARLES[6:8],
        "lundi, samedi",  # no two consecutive days for two-day sessions
        "lundi, dimanche, vendredi",
        *ARLES[8:],
    )
    result = run("-o", "arles", typed=typed)
    assert result.exit_code == 0, result.output
    assert "Erreur : date impossible « 2027-02-30 »" in result.output
    assert "Erreur : 48 est hors limites : de 6 à 36" in result.output
    assert "Erreur : nombre entier attendu, pas « douze »" in result.output
    assert "Erreur : ces jours ne permettent pas une séance de 2 jours consécutifs" in result.output
    assert saved_profile(here / "arles")["program"]["weekdays"] == ["tue", "wed", "thu"]


def test_answers_are_saved_next_to_the_kit_when_generation_fails(here):
    (here / "arles").mkdir()
    (here / "arles" / "notes.txt").write_text("à garder", encoding="utf-8")
    result = run("-o", "arles", typed=answers(*ARLES))
    assert result.exit_code == 1
    saved = here / "arles-profil.yaml"
    assert f"Vos réponses sont enregistrées dans {saved.relative_to(here)}" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Erreur : arles ")
    profile = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert profile["collectivity"]["name"] == "Ville d'Arles"
    assert profile["cases"] == [
        {"title": "Accueil en mairie annexe", "service": "Direction de la relation aux usagers"}
    ]
    again = CliRunner().invoke(main, ["new", str(saved.relative_to(here)), "-o", "autre"])
    assert again.exit_code == 0, again.output


def test_interrupted_questions_keep_the_answers_already_given(here):
    result = run("-o", "arles", typed=answers(*ARLES[:4]))
    assert result.exit_code == 1
    assert "Réponses déjà données enregistrées dans arles-profil.yaml" in result.stderr
    assert "Interrompu." in result.stderr
    partial = yaml.safe_load((here / "arles-profil.yaml").read_text(encoding="utf-8"))
    assert partial["collectivity"]["sites"] == ["Hôtel de ville", "Espace Van Gogh"]
    assert not (here / "arles").exists()


def test_a_successful_run_leaves_only_the_kit(here):
    result = run("-o", "arles", typed=answers(*ARLES))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in here.iterdir()) == ["arles"]


def test_questions_can_start_from_an_example(here):
    # Enter keeps every answer of the Paris example but the name; its five cases are kept.
    typed = answers("Ville de Paris-Plage", *[""] * 11, "o", "")
    result = run("--depuis", "paris", "-o", "plage", typed=typed)
    assert result.exit_code == 0, result.output
    assert "Nom de la collectivité [Ville de Paris] :" in result.output
    profile = saved_profile(here / "plage")
    assert profile["collectivity"]["name"] == "Ville de Paris-Plage"
    assert profile["collectivity"]["department"] == "75"
    assert profile["team"]["residents"] == 4 and len(profile["cases"]) == 5


def test_depuis_needs_a_known_example(here):
    result = run("--depuis", "atlantide", "-o", "kit", typed="")
    assert result.exit_code == 1
    assert result.stderr.startswith("Erreur : atlantide : --depuis : ni fichier, ni exemple fourni")


# After the name and the number picked in the official list: Enter keeps every proposed answer but the
# start date, and no case.
KEEP_PROPOSED = ["", "", "", "", "2027-03-01", "", "", "", "", "", "", ""]


@pytest.mark.parametrize("typed_name", ["Saint-Denis", "st denis", "SAINT DENIS"])
def test_an_ambiguous_name_lists_the_homonyms_and_the_pick_fills_in_the_answers(here, typed_name):
    result = run("-o", "saint-denis", typed=answers(typed_name, "2", *KEEP_PROPOSED))
    assert result.exit_code == 0, result.output
    # The most populous first: Réunion's Saint-Denis, then Seine-Saint-Denis's, then the villages.
    assert "  1. Saint-Denis, commune (974 La Réunion)" in result.output
    assert "  2. Saint-Denis, commune (93 Seine-Saint-Denis)" in result.output
    assert "Département (code INSEE) [93] :" in result.output
    collectivity = saved_profile(here / "saint-denis")["collectivity"]
    assert collectivity == {"name": "Saint-Denis", "kind": "commune", "department": "93", "school_zone": "C"}
    again = run("-o", "la-reunion", typed=answers(typed_name, "1", *KEEP_PROPOSED))
    assert again.exit_code == 0, again.output
    assert saved_profile(here / "la-reunion")["collectivity"] == {
        **collectivity,
        "department": "974",
        "school_zone": "none",
    }


def test_a_unique_name_is_taken_on_enter_and_fills_in_kind_department_zone_and_team(here):
    result = run("-o", "ems", typed=answers("eurometropole de strasbourg", "", *KEEP_PROPOSED))
    assert result.exit_code == 0, result.output
    assert "Eurométropole de Strasbourg, métropole (67 Bas-Rhin)" in result.output
    profile = saved_profile(here / "ems")
    # The same values as `transfogen profil` writes: the official spelling, the team for 522 670 people.
    assert profile["collectivity"] == {
        "name": "Eurométropole de Strasbourg",
        "kind": "metropole",
        "department": "67",
        "school_zone": "B",
    }
    assert profile["team"] == {"residents": 4, "ambassadors": 25}


def test_a_name_not_in_the_list_or_none_picked_is_kept_as_typed(here):
    result = run("-o", "syndicat", typed=answers("Syndicat des communes du Val", *ARLES[1:]))
    assert result.exit_code == 0, result.output
    assert "liste officielle" not in result.output
    assert saved_profile(here / "syndicat")["collectivity"]["name"] == "Syndicat des communes du Val"
    # 0: none of the homonyms; a wrong number is asked again.
    result = run("-o", "groupement", typed=answers("saint-denis", "7", "0", *ARLES[1:]))
    assert result.exit_code == 0, result.output
    assert "Erreur : répondez par un numéro de 1 à 4, ou 0 pour aucune" in result.output
    collectivity = saved_profile(here / "groupement")["collectivity"]
    assert collectivity["name"] == "saint-denis" and collectivity["department"] == "13"
    assert "school_zone" not in collectivity


def test_tab_completes_the_name_on_a_terminal(monkeypatch):
    readline = pytest.importorskip("readline")
    from transfogen.cli.collectivity_prompt import name_completion

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("sys.stdout", Terminal())
    before = readline.get_completer()
    with name_completion():
        complete = readline.get_completer()
        assert complete("strasb", 0) == "Strasbourg"
        assert complete("Ste Colombe", 0) == "Sainte-Colombe"
        assert complete("Ste Colombe", 1) not in ("Sainte-Colombe", None)  # each name once, homonyms aside
    assert readline.get_completer() is before
