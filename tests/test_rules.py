"""programme.yaml is parsed into ProgrammeRules; a contributor's mistake names the file and the key."""

from __future__ import annotations

import copy

import pytest
import yaml

from transfogen.api import bundled_template_dir
from transfogen.errors import TemplateError
from transfogen.planning.rules import PHASE_IDS, load_rules, parse_rules

PATH = "templates/transfo/programme.yaml"


@pytest.fixture(scope="module")
def data() -> dict:
    return yaml.safe_load((bundled_template_dir() / "programme.yaml").read_text(encoding="utf-8"))


def test_bundled_programme_has_the_shared_ids():
    rules = load_rules(bundled_template_dir())
    assert tuple(p.id for p in rules.phases) == PHASE_IDS
    assert [s.id for s in rules.case_stages] == [
        "cadrage",
        "immersion",
        "synthese-ideation",
        "prototypage",
        "test",
        "restitution",
        "cadrage-immersion",
        "ideation-prototypage",
        "test-restitution",
    ]
    assert [t.id for t in rules.lab_topics] == [
        "valeurs-charte",
        "gouvernance",
        "saisine",
        "offre-de-service",
        "equipe-lieu-budget",
        "reseau-des-innovateurs",
        "carte-du-labo",
    ]
    assert (rules.min_case_sessions, rules.max_case_sessions) == (3, 6)
    assert rules.case_plan(3) == ("cadrage-immersion", "ideation-prototypage", "test-restitution")
    assert rules.case_plan(6)[-1] == "restitution"
    assert rules.mission_days == (35.0, 40.0)
    assert {b.role for b in rules.budgets} >= {"residents", "ambassadeurs", "agent-pilote"}
    assert {c.id for c in rules.checklist} >= {"convention", "appel-ambassadeurs", "lettres-de-mission", "premier-cas"}


def test_checklist_owners_are_known_roles():
    known = {
        "residents",
        "ambassadeurs",
        "relais",
        "agent-pilote",
        "coordination",
        "commanditaire",
        "elus",
        "services",
        "usagers",
    }
    rules = load_rules(bundled_template_dir())
    assert {item.owner for item in rules.checklist} <= known
    assert {budget.role for budget in rules.budgets} <= known


def broken(data, change):
    data = copy.deepcopy(data)
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda d: d["phases"].pop(2), "phases"),
        (lambda d: d["case_plans"].__setitem__(4, ["cadrage", "test"]), "case_plans.4"),
        (lambda d: d["case_plans"][5].__setitem__(0, "atelier"), "case_plans.5"),
        (lambda d: d["case_plans"].pop(4), "case_plans"),
        (lambda d: d["checklist"][1].__setitem__("weeks_before", "deux"), "checklist[1].weeks_before"),
        (lambda d: d["budgets"]["ambassadeurs"].__setitem__("per_session", -1), "budgets.ambassadeurs.per_session"),
        (lambda d: d["rituals"].__setitem__("fete", {"name": "x", "description": "y"}), "rituals.fete"),
        (
            lambda d: d["rituals"]["inter-collectivites"].__setitem__("months", [6, 13]),
            "rituals.inter-collectivites.months",
        ),
        (lambda d: d["lab_topics"][0].pop("name"), "lab_topics[0].name"),
        (lambda d: d.__setitem__("lettre_de_mission_days", [40, 35]), "lettre_de_mission_days"),
        (lambda d: d["prefiguration"].__setitem__("dedicated_share", 2), "prefiguration.dedicated_share"),
    ],
)
def test_invalid_programme_names_file_and_key(data, change, key):
    with pytest.raises(TemplateError) as error:
        parse_rules(broken(data, change), PATH)
    assert str(error.value).startswith(f"{PATH}: {key}: ")


def test_unreadable_yaml_names_the_line(tmp_path):
    (tmp_path / "programme.yaml").write_text("phases:\n  - id: [preparation\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"programme\.yaml:\d+: YAML invalide"):
        load_rules(tmp_path)


def test_missing_programme_file_is_a_clear_error(tmp_path):
    with pytest.raises(TemplateError, match="programme.yaml: fichier illisible"):
        load_rules(tmp_path)


def test_a_variant_template_can_change_the_shape_without_python(data, tmp_path):
    variant = broken(
        data,
        lambda d: d.update(
            case_plans={2: ["cadrage", "test"], 3: ["cadrage", "immersion", "test"]},
            preferred_case_sessions=2,
            launch_sessions=0,
            arc=None,
        ),
    )
    (tmp_path / "programme.yaml").write_text(yaml.safe_dump(variant, allow_unicode=True), encoding="utf-8")
    rules = load_rules(tmp_path)
    assert (rules.min_case_sessions, rules.max_case_sessions, rules.launch_sessions) == (2, 3, 0)


def test_titles_name_the_sessions_and_refuse_unknown_keys(data):
    data = copy.deepcopy(data)
    data["titles"] = {"session": "Immersion {number}", "case_session": "Projet : {stage}"}
    rules = parse_rules(data, "programme.yaml")
    assert (rules.session_title, rules.case_session_title) == ("Immersion {number}", "Projet : {stage}")
    data["titles"] = {"sesion": "Atelier {number}"}
    with pytest.raises(TemplateError, match=r"programme.yaml: titles.sesion: clé inconnue"):
        parse_rules(data, "programme.yaml")


def test_every_case_plan_must_cover_the_whole_arc_in_order(data):
    variant = broken(
        data, lambda d: d["case_plans"].update({3: ["cadrage-immersion", "synthese-ideation", "test-restitution"]})
    )
    with pytest.raises(TemplateError, match=r"case_plans.3: les étapes couvertes .* doivent être celles de « arc »"):
        parse_rules(variant, "programme.yaml")


def test_the_rhythm_section_is_validated(data):
    rules = parse_rules(data, "programme.yaml")
    assert rules.rhythm.summer_break == ((7, 15), (8, 31)) and rules.rhythm.min_gap_days == 21
    variant = broken(data, lambda d: d["rhythm"].update(summer_break={"from": "15/07", "to": "08-31"}))
    with pytest.raises(TemplateError, match=r"rhythm.summer_break.from: jour au format MM-JJ"):
        parse_rules(variant, "programme.yaml")
