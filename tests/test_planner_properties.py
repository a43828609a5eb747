"""Invariants of the planner over many random profiles (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner_invariants import check_programme
from transfogen.api import bundled_template_dir
from transfogen.planning.french_calendar import FrenchCalendar, load_calendar_facts
from transfogen.planning.model import KINDS, Case, Collectivity, Period, Profile, ProgramSettings
from transfogen.planning.planner import plan
from transfogen.planning.rules import PHASE_IDS, load_rules

RULES = load_rules(bundled_template_dir())
RESIDENCE = load_rules(bundled_template_dir("residence"))
FACTS = load_calendar_facts()

# (department, school zone) pairs as a profile gives them: zones only where they apply.
PLACES = [
    ("75", "C"),
    ("59", "B"),
    ("67", "B"),
    ("68", "B"),
    ("57", "B"),
    ("69", "A"),
    ("31", "C"),
    ("35", "B"),
    ("13", "B"),
    ("2A", None),
    ("2B", None),
    ("971", None),
    ("972", None),
    ("973", None),
    ("974", None),
    ("976", None),
    ("33", None),
]


@st.composite
def periods(draw, start: date):
    first = start + timedelta(days=draw(st.integers(-30, 900)))
    return Period(first, first + timedelta(days=draw(st.integers(0, 60))), draw(st.sampled_from(["Congés", "Budget"])))


@st.composite
def profiles(draw):
    department, zone = draw(st.sampled_from(PLACES))
    start = draw(st.dates(date(2027, 1, 1), date(2030, 12, 31)))
    weekdays = draw(st.sets(st.integers(0, 6), min_size=1).filter(lambda s: len(s & {0, 1, 2, 3, 4}) >= 1))
    program = ProgramSettings(
        start=start,
        months=draw(st.integers(6, 36)),
        session_days=draw(st.integers(1, 5)),
        weekdays=tuple(sorted(weekdays)),
        avoid_school_holidays=draw(st.booleans()),
        blackouts=tuple(draw(st.lists(periods(start), max_size=3))),
        summer_break=draw(st.booleans()),
        budget_vote_month=draw(st.one_of(st.none(), st.integers(1, 12))),
    )
    cases = tuple(Case(f"Cas d'essai {i}") for i in range(draw(st.integers(0, 5))))
    sites = tuple(draw(st.lists(st.sampled_from(["Mairie", "Médiathèque", "Tiers-lieu"]), max_size=3, unique=True)))
    collectivity = Collectivity(
        "Essai",
        draw(st.sampled_from(KINDS)),
        department,
        zone,
        sites,
        tuple(draw(st.lists(st.just("Réseau"), max_size=1))),
    )
    return Profile(collectivity, program, cases=cases)


def months_of(program):
    first = program.start.year * 12 + program.start.month - 1
    return [((first + i) // 12, (first + i) % 12 + 1) for i in range(program.months)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles())
def test_plan_respects_every_calendar_rule(profile):
    programme = plan(profile, RULES, FACTS)
    program = profile.program
    calendar = FrenchCalendar(profile.collectivity.department, profile.collectivity.school_zone, FACTS)
    months = months_of(program)
    last_day = date(*months[-1], 1) + timedelta(days=31)
    last_day = last_day.replace(day=1) - timedelta(days=1)

    seen_months = [(s.start.year, s.start.month) for s in programme.sessions]
    assert len(seen_months) == len(set(seen_months)), "at most one session per month"
    skipped = [(m.year, m.month) for m in programme.skipped_months]
    assert sorted(seen_months + skipped) == months, "every month has a session or a reason"
    assert all(m.reason.strip() for m in programme.skipped_months)

    for session in programme.sessions:
        days = session.days
        assert len(days) == program.session_days
        assert all(b - a == timedelta(days=1) for a, b in zip(days, days[1:], strict=False)), "consecutive days"
        assert days[0].isocalendar()[:2] == days[-1].isocalendar()[:2], "one ISO week"
        assert days[0].month == days[-1].month
        assert program.start <= days[0] and days[-1] <= last_day
        for day in days:
            assert day.weekday() in program.weekdays
            assert calendar.public_holiday(day) is None, (day, calendar.public_holiday(day))
            assert not any(day in period for period in program.blackouts)
            if program.avoid_school_holidays:
                assert calendar.school_holiday(day) is None

    assert [s.number for s in programme.sessions] == list(range(1, len(programme.sessions) + 1))
    assert [s.start for s in programme.sessions] == sorted(s.start for s in programme.sessions)
    assert [p.id for p in programme.phases] == sorted((p.id for p in programme.phases), key=PHASE_IDS.index)
    if programme.sessions:
        assert all(d.due < programme.sessions[0].start for d in programme.checklist)
    check_programme(programme, RULES)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles())
def test_a_residency_keeps_the_same_promises(profile):
    check_programme(plan(profile, RESIDENCE, FACTS), RESIDENCE)
