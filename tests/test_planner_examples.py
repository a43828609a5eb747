"""The bundled examples keep the programme's promises, and the problems measured on them stay fixed."""

from __future__ import annotations

from datetime import date

import pytest

from planner_invariants import check_programme
from transfogen.api import bundled_examples, bundled_template_dir, plan_template
from transfogen.planning.french_calendar import load_calendar_facts
from transfogen.planning.model import Case, Collectivity, Profile, ProgramSettings
from transfogen.planning.planner import plan
from transfogen.planning.profile import load_profile
from transfogen.planning.rules import load_rules
from transfogen.templating.template import load_template

EXAMPLES = {path.stem: path for path in bundled_examples()}
PAIRS = [(name, "transfo") for name in EXAMPLES] + [("pays-de-mormal", "residence")]


@pytest.fixture(scope="module")
def programmes():
    templates = {name: load_template(bundled_template_dir(name)) for name in {template for _, template in PAIRS}}
    return {
        (name, template): (plan_template(load_profile(EXAMPLES[name]), templates[template]), templates[template].rules)
        for name, template in PAIRS
    }


@pytest.mark.parametrize(("name", "template"), PAIRS)
def test_every_bundled_example_keeps_the_programme_promises(programmes, name, template):
    programme, rules = programmes[(name, template)]
    check_programme(programme, rules)


@pytest.mark.parametrize("name", ["mulhouse", "occitanie", "paris", "strasbourg"])
def test_two_and_three_day_kits_prototype_every_case(programmes, name):
    programme, _ = programmes[(name, "transfo")]
    for case in {s.case for s in programme.sessions if s.case}:
        steps = [step for s in programme.sessions if s.case == case for step in s.steps]
        assert "prototypage" in steps and steps.index("prototypage") < steps.index("test")


def test_mulhouse_meets_again_after_the_summer_not_a_week_after_its_launch(programmes):
    programme, _ = programmes[("mulhouse", "transfo")]
    launch, second = programme.sessions[:2]
    assert launch.start == date(2027, 6, 23) and second.start.month == 9
    assert all(s.start.month != 8 for s in programme.sessions)
    gaps = [(b.start - a.start).days for a, b in zip(programme.sessions, programme.sessions[1:], strict=False)]
    summers = [g for g in gaps if g > 45]
    assert len(summers) <= 2, gaps  # only the summer breaks


def test_paris_does_not_meet_in_august(programmes):
    programme, _ = programmes[("paris", "transfo")]
    assert not [d for s in programme.sessions for d in s.days if d.month == 8 or (d.month == 7 and d.day >= 15)]


def test_three_day_kits_keep_ambassadors_within_the_lettre_de_mission(programmes):
    for name in ("paris", "strasbourg"):
        programme, _ = programmes[(name, "transfo")]
        budget = next(b for b in programme.budgets if b.role == "ambassadeurs")
        assert 30 <= budget.days <= 40, (name, budget)
        assert not any("lettre de mission" in w for w in programme.warnings)


def test_occitanie_holds_no_public_restitution_with_elus_in_the_reserve(programmes):
    programme, _ = programmes[("occitanie", "transfo")]
    internal = [e for e in programme.events if e.kind == "restitution" and "en interne" in e.title]
    assert internal
    assert all("réserve électorale" in e.adjustment for e in internal)


def test_every_example_has_a_peer_exchange_prepared_and_debriefed(programmes):
    for name in EXAMPLES:
        programme, _ = programmes[(name, "transfo")]
        exchanges = [e for e in programme.events if e.kind == "inter-collectivites"]
        assert exchanges, name
        network = load_profile(EXAMPLES[name]).collectivity.network
        assert all((e.title == "Voyage apprenant") == (not network) for e in exchanges)


def test_paris_decides_the_lab_means_before_its_december_budget_debate(programmes):
    programme, _ = programmes[("paris", "transfo")]
    cycle = programme.budget_cycle
    assert cycle.vote_by == date(cycle.year - 1, 12, 31)
    means = programme.sessions[cycle.means_session - 1]
    assert means.end < cycle.debate_from
    assert any("décision sur les moyens du futur labo" in e.title for e in programme.events)


def test_a_past_programme_says_school_holidays_were_not_checked():
    rules, facts = load_rules(bundled_template_dir()), load_calendar_facts()
    profile = Profile(
        Collectivity("Ville de Mulhouse", "commune", "68", "B"),
        ProgramSettings(start=date(2016, 6, 20), months=18, session_days=2),
        cases=(Case("Carte jeunes"),),
    )
    programme = plan(profile, rules, facts)
    assert any("Vacances scolaires non vérifiées" in w for w in programme.warnings)
    unchecked = [s for s in programme.sessions if any("non vérifiées" in w for w in s.warnings)]
    assert unchecked and all(s.start < date(2017, 9, 1) for s in unchecked)


def test_a_profile_may_opt_out_of_the_summer_break():
    rules, facts = load_rules(bundled_template_dir()), load_calendar_facts()
    settings = ProgramSettings(start=date(2027, 1, 4), months=12, avoid_school_holidays=False, summer_break=False)
    programme = plan(Profile(Collectivity("Essai", "commune", "75", "C"), settings), rules, facts)
    assert any(s.start.month == 8 for s in programme.sessions)
    assert any("renonce à la pause d'été" in n for n in programme.notes)


def test_new_says_on_stderr_which_cases_do_not_fit(tmp_path):
    from click.testing import CliRunner

    from transfogen.cli import main

    profile = tmp_path / "profil.yaml"
    profile.write_text(
        "collectivity: {name: Ville d'essai, kind: commune, department: '59'}\n"
        "program: {start: 2027-01-04, months: 8, session_days: 2}\n"
        "cases:\n" + "".join(f"  - title: Cas {n}\n" for n in "ABCDE"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["new", str(profile), "-o", str(tmp_path / "kit")])
    assert result.exit_code == 0, result.output
    assert "Attention : Trop peu de séances pour les 5 cas pratiques du profil" in result.stderr
    assert "« Cas E »" in result.stderr and "peut tenir" in result.stderr


def test_formal_documents_state_the_computed_time_and_no_internal_warning(bake_kit, tmp_path):
    from transfogen.planning.fr import jours

    profile = tmp_path / "profil.yaml"
    profile.write_text(
        "collectivity: {name: Ville d'essai, kind: commune, department: '59'}\n"
        "program: {start: 2027-01-04, months: 36, session_days: 5, avoid_school_holidays: false}\n",
        encoding="utf-8",
    )
    programme = plan_template(load_profile(profile), load_template(bundled_template_dir()))
    days = next(b.days for b in programme.budgets if b.role == "ambassadeurs")
    assert days > 40 and any("lettre de mission" in w for w in programme.warnings)  # the coordinator is warned
    result = bake_kit(profile=str(profile))
    assert result.error is None, result.error
    for name in ("documents/lettre-de-mission-ambassadeur.md", "documents/appel-a-ambassadeurs.md"):
        text = result.read(name)
        assert jours(days) in text, name
        assert "dépasse" not in text and "connaissance de cause" not in text and "Attention" not in text


@pytest.mark.parametrize(("name", "template"), PAIRS)
def test_every_bundled_example_plans_every_case_it_names(programmes, name, template):
    # The examples are what a newcomer runs first: a kit that warns about its own profile reads as a bug.
    programme, _ = programmes[(name, template)]
    planned = {session.case for session in programme.sessions if session.case is not None}
    assert len(planned) >= len(programme.profile.cases), programme.warnings
