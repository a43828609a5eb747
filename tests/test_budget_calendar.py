"""The budget debate windows come from the law, are cited with the day they were read, and the plan
places the lab's means decision before the earliest day the debate can be held."""

from __future__ import annotations

from datetime import date

from transfogen.api import bundled_template_dir
from transfogen.planning.french_calendar import BudgetDebate, load_calendar_facts
from transfogen.planning.model import Case, Collectivity, Profile, ProgramSettings
from transfogen.planning.planner import plan
from transfogen.planning.rules import load_rules


def test_the_budget_debate_windows_cite_the_cgct_articles_and_when_they_were_read():
    budget = load_calendar_facts().budget
    assert budget is not None
    expected = {
        "commune": ({"L2312-1"}, 2, 0),
        "intercommunalite": ({"L2312-1", "L5211-36"}, 2, 0),
        "departement": ({"L3312-1"}, 2, 0),
        "region": ({"L4312-1"}, 0, 10),
        "metropole": ({"L5217-10-4"}, 0, 10),
    }
    for kind, (articles, months, weeks) in expected.items():
        debate = budget.debate(kind)
        assert debate is not None, kind
        assert articles <= set(debate.articles), kind
        assert all(f"art. {a}" in debate.source or a == "L5211-36" for a in articles), debate.source
        assert (debate.months_before, debate.weeks_before) == (months, weeks), kind
        assert isinstance(debate.checked, date) and debate.checked >= date(2026, 12, 2), kind


def test_a_window_in_months_counts_calendar_months_back_from_the_vote():
    two_months = BudgetDebate("commune", "CGCT, art. L2312-1", months_before=2)
    assert two_months.earliest(date(2029, 4, 15)) == date(2029, 2, 15)
    assert two_months.earliest(date(2028, 4, 30)) == date(2028, 2, 29)  # the last day of a shorter month
    assert two_months.window_fr == "deux mois"
    ten_weeks = BudgetDebate("region", "CGCT, art. L4312-1", weeks_before=10)
    assert ten_weeks.earliest(date(2028, 4, 30)) == date(2028, 2, 20)
    assert ten_weeks.window_fr == "dix semaines"


def test_a_departement_decides_its_lab_means_before_a_debate_two_months_before_the_vote():
    rules, facts = load_rules(bundled_template_dir()), load_calendar_facts()
    profile = Profile(
        Collectivity("Département du Nord", "departement", "59", "B"),
        ProgramSettings(start=date(2027, 9, 6), months=18, session_days=2),
        cases=(Case("Accueil des aidants"), Case("Transport scolaire"), Case("Archives en ligne")),
    )
    programme = plan(profile, rules, facts)
    cycle = programme.budget_cycle
    assert cycle is not None and cycle.debate_window == "deux mois"
    assert cycle.debate_from == date(cycle.vote_by.year, cycle.vote_by.month - 2, cycle.vote_by.day)
    means = programme.sessions[cycle.means_session - 1]
    assert means.end < cycle.debate_from
    note = next(n for n in programme.notes if "débat d'orientation budgétaire" in n)
    assert "dans les deux mois qui précèdent l'examen du budget primitif (CGCT, art. L3312-1)" in note
    assert "dix semaines" not in note
