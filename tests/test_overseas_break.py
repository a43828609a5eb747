"""Where the school year follows the austral summer, the programme's break follows its long holidays."""

from __future__ import annotations

from datetime import date

import pytest

from planner_invariants import check_programme
from transfogen.api import bundled_template_dir
from transfogen.planning.french_calendar import load_calendar_facts
from transfogen.planning.model import Case, Collectivity, Period, Profile, ProgramSettings
from transfogen.planning.planner import plan
from transfogen.planning.profile import parse_profile
from transfogen.planning.rules import load_rules


@pytest.fixture(scope="module")
def rules():
    return load_rules(bundled_template_dir())


def _overseas(department: str, **settings) -> Profile:
    return Profile(
        Collectivity("Ville de Saint-Denis", "commune", department, None),
        ProgramSettings(start=date(2027, 9, 6), months=18, session_days=2, **settings),
        cases=(Case("Accueil en mairie annexe"), Case("Cantines scolaires"), Case("Bus des hauts")),
    )


def test_la_reunion_pauses_in_the_austral_summer_not_in_july_and_august(rules):
    programme = plan(_overseas("974"), rules, load_calendar_facts())
    check_programme(programme, rules)
    days = [day for s in programme.sessions for day in s.days]
    # From 17 December to 24 January, each year of the programme: no session.
    assert not [d for d in days if (d.month == 12 and d.day >= 17) or (d.month == 1 and d.day <= 24)]
    assert [d for d in days if d.month in (7, 8)], "the mainland summer break does not apply"
    assert [(p.start, p.end) for p in programme.summer_breaks] == [
        (date(2027, 12, 17), date(2028, 1, 24)),
        (date(2028, 12, 17), date(2029, 1, 24)),
    ]
    note = next(n for n in programme.notes if "été austral" in n)
    assert "program.school_holidays" in note and "program.summer_break: false" in note
    assert not programme.warnings


def test_la_reunion_may_give_its_academys_exact_long_holidays(rules):
    holidays = (Period(date(2027, 12, 18), date(2028, 1, 23), "Vacances de l'été austral"),)
    programme = plan(_overseas("974", school_holidays=holidays), rules, load_calendar_facts())
    assert programme.summer_breaks == holidays
    assert any("que donne le profil" in n for n in programme.notes)


def test_la_reunion_may_opt_out_of_any_break(rules):
    programme = plan(_overseas("974", summer_break=False), rules, load_calendar_facts())
    assert not programme.summer_breaks
    assert any("renonce à la pause d'été" in n for n in programme.notes)


def test_mayotte_is_warned_that_the_break_follows_the_mainland_with_the_way_out(rules):
    programme = plan(_overseas("976"), rules, load_calendar_facts())
    warning = next(w for w in programme.warnings if "Mayotte" in w)
    assert "program.school_holidays" in warning and "program.summer_break: false" in warning
    assert all((p.start.month, p.start.day, p.end.month, p.end.day) == (7, 15, 8, 31) for p in programme.summer_breaks)


def test_a_reunion_profile_file_plans_its_break_from_the_data():
    profile = parse_profile(
        "collectivity: {name: Ville du Port, kind: commune, department: '974'}\n"
        "program: {start: 2027-09-06, months: 12, session_days: 2}\n"
    )
    programme = plan(profile, load_rules(bundled_template_dir()), load_calendar_facts())
    assert programme.summer_breaks and all(p.start.month == 12 for p in programme.summer_breaks)
