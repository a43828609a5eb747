"""The bundled examples keep the programme's promises, and the problems measured on them stay fixed."""

from __future__ import annotations

from datetime import date

import pytest

from planner_invariants import check_programme
from transfogen.api import bundled_examples, bundled_template_dir, plan_template
from transfogen.planning.french_calendar import load_calendar_facts
from transfogen.planning.model import Case, Collectivity, Profile, ProgramSettings, Team
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
    for case in {case for s in programme.sessions for case in s.cases}:
        steps = [step for s in programme.sessions if case in s.cases for step in s.steps]
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
    planned = {case for session in programme.sessions for case in session.cases}
    assert len(planned) >= len(programme.profile.cases), programme.warnings


def test_paris_plans_its_five_cases_with_one_parallel_pair(programmes):
    programme, rules = programmes[("paris", "transfo")]
    assert {case for s in programme.sessions for case in s.cases} == {1, 2, 3, 4, 5}
    paired = [s for s in programme.sessions if s.parallel_case]
    assert {(s.case, s.parallel_case) for s in paired} == {(3, 4)}  # the Oasis yards and the libraries
    assert [s.stage for s in paired] == list(rules.case_plan(len(paired)))
    assert all("Cas n°3 et n°4 en parallèle" in s.title for s in paired)
    restitutions = [e for e in programme.events if e.kind == "restitution" and e.session == paired[-1].number]
    assert len(restitutions) == 2
    assert not programme.warnings and not programme.unplanned_cases
    assert any("demi-groupes de 12 et 13 ambassadeurs" in n for n in programme.notes)
    # The dates do not move: the pair shares sessions the plan already held.
    assert [s.start for s in programme.sessions][:3] == [date(2027, 11, 8), date(2027, 12, 13), date(2028, 1, 10)]


def _crowded(ambassadors: int, parallel: bool = True) -> Profile:
    settings = ProgramSettings(start=date(2027, 9, 6), months=18, session_days=2, parallel_cases=parallel)
    return Profile(
        Collectivity("Ville d'essai", "commune", "59", "B"),
        settings,
        Team(ambassadors=ambassadors),
        cases=tuple(Case(f"Cas {letter}") for letter in "ABCDEF"),
    )


def test_a_small_group_never_runs_cases_in_parallel_and_says_how_many_fit():
    rules, facts = load_rules(bundled_template_dir()), load_calendar_facts()
    large = plan(_crowded(20), rules, facts)
    assert any(s.parallel_case for s in large.sessions)
    for programme in (plan(_crowded(15), rules, facts), plan(_crowded(20, parallel=False), rules, facts)):
        check_programme(programme, rules)
        assert not any(s.parallel_case for s in programme.sessions)
        planned = {case for s in programme.sessions for case in s.cases}
        warning = next(w for w in programme.warnings if "Trop peu de séances pour les 6 cas" in w)
        assert f"{len(planned)} peuvent tenir" in warning.replace("quatre", "4").replace("trois", "3")
        assert programme.unplanned_cases == tuple(range(len(planned) + 1, 7))
    small = plan(_crowded(15), rules, facts)
    assert "trop petit pour mener deux cas en parallèle" in " ".join(small.warnings)
    assert "program.parallel_cases: false" in " ".join(plan(_crowded(20, parallel=False), rules, facts).warnings)


def test_the_kit_proposes_the_cases_left_out_to_the_future_lab(bake_kit, tmp_path):
    profile = tmp_path / "profil.yaml"
    profile.write_text(
        "collectivity: {name: Ville d'essai, kind: commune, department: '59'}\n"
        "program: {start: 2027-09-06, months: 18, session_days: 2}\n"
        "team: {ambassadors: 12}\n"
        "cases:\n" + "".join(f"  - title: Cas {n}\n" for n in "ABCDEF"),
        encoding="utf-8",
    )
    result = bake_kit(profile=str(profile))
    assert result.error is None, result.error
    text = result.read("programme.md")
    attention = text[text.index("## Points d'attention") :]
    assert "Trop peu de séances pour les 6 cas" in attention
    assert "premiers cas du futur labo" in attention and "« Cas F »" in attention


def test_the_sheet_of_a_parallel_session_names_both_groups_and_cases(bake_kit):
    result = bake_kit(profile=EXAMPLES["paris"])
    assert result.error is None, result.error
    programme = plan_template(load_profile(EXAMPLES["paris"]), load_template(bundled_template_dir()))
    paired = [s for s in programme.sessions if s.parallel_case]
    for session in paired:
        sheet = result.read(f"seances/seance-{session.number:02d}.md")
        assert "Premier demi-groupe — cas pratique n°3 sur 5 :** Ouvrir les cours d'école Oasis au quartier" in sheet
        assert (
            "Second demi-groupe — cas pratique n°4 sur 5 :** Accueillir de nouveaux publics dans les bibliothèques"
            in sheet
        )
        assert "## Deux demi-groupes, deux cas" in sheet and "Restitution croisée" in sheet
        assert "l'ouverture et la clôture de chaque journée" in sheet
    last = result.read(f"seances/seance-{paired[-1].number:02d}.md")
    assert "les deux cas sont présentés l'un après l'autre" in last
    assert "Restitution du cas n°3" in last and "Restitution du cas n°4" in last
    assert "Cas n°3 et n°4 en parallèle" in result.read("calendrier/calendrier.ics").replace("\r\n ", "")


@pytest.mark.parametrize(("name", "template"), PAIRS)
def test_the_preparation_falls_before_the_summer_break(programmes, name, template):
    # Before: the summer counted like any other weeks, so Paris (first session in October) launched its
    # call for ambassadors on 30 August 2027 and Pays de Mormal composed its group on 9 August.
    programme, rules = programmes[(name, template)]
    (m1, d1), (m2, d2) = rules.rhythm.summer_break
    in_summer = [(d.due, d.title) for d in programme.checklist if (m1, d1) <= (d.due.month, d.due.day) <= (m2, d2)]
    assert not in_summer, in_summer


def test_documents_date_the_call_as_the_checklist_does(programmes):
    from transfogen.kit.documents import documents_context

    programme, rules = programmes[("paris", "transfo")]
    call = documents_context(programme, rules, {})["call"]
    due = {d.id: d.due for d in programme.checklist}
    assert call["opens"] == due["appel-ambassadeurs"].isoformat() == "2027-07-13"
