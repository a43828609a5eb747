"""The planner against real French calendars: each rule pinned with real dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from transfogen.api import bundled_template_dir
from transfogen.planning.french_calendar import FrenchCalendar, load_calendar_facts
from transfogen.planning.model import Case, Collectivity, Period, Profile, ProgramSettings
from transfogen.planning.planner import plan
from transfogen.planning.rules import load_rules


@pytest.fixture(scope="module")
def rules():
    return load_rules(bundled_template_dir())


@pytest.fixture(scope="module")
def facts():
    return load_calendar_facts()


def profile(
    department="59",
    zone="B",
    kind="metropole",
    start=date(2027, 1, 4),
    months=18,
    session_days=3,
    weekdays=(0, 1, 2, 3, 4),
    avoid=True,
    blackouts=(),
    school_holidays=(),
    cases=(),
    sites=(),
    network=(),
) -> Profile:
    return Profile(
        collectivity=Collectivity("Collectivité d'essai", kind, department, zone, tuple(sites), tuple(network)),
        program=ProgramSettings(
            start=start,
            months=months,
            session_days=session_days,
            weekdays=tuple(weekdays),
            avoid_school_holidays=avoid,
            blackouts=tuple(blackouts),
            school_holidays=tuple(school_holidays),
        ),
        cases=tuple(Case(title) for title in cases),
    )


def all_days(programme):
    return [day for session in programme.sessions for day in session.days]


def only_day_open(day: date, reason="Agenda du conseil") -> tuple[Period, ...]:
    """Blackouts that leave `day` as the only possible day of its month."""
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    periods = []
    if day > first:
        periods.append(Period(first, day - timedelta(days=1), reason))
    if day < last:
        periods.append(Period(day + timedelta(days=1), last, reason))
    return tuple(periods)


def one_day_month(department, zone, day, rules, facts):
    return plan(
        profile(
            department,
            zone,
            start=day.replace(day=1),
            months=1,
            session_days=1,
            avoid=False,
            blackouts=only_day_open(day),
        ),
        rules,
        facts,
    )


@pytest.mark.parametrize("department", ["67", "57"])
def test_good_friday_2028_is_avoided_in_alsace_moselle(department, rules, facts):
    programme = one_day_month(department, "B", date(2028, 4, 14), rules, facts)
    assert programme.sessions == ()
    assert "Vendredi saint (14 avril)" in programme.skipped_months[0].reason


def test_good_friday_2028_may_be_used_in_lille(rules, facts):
    programme = one_day_month("59", "B", date(2028, 4, 14), rules, facts)
    assert [s.days for s in programme.sessions] == [(date(2028, 4, 14),)]


def test_abolition_day_20_december_is_avoided_in_la_reunion(rules, facts):
    reunion = one_day_month("974", None, date(2027, 12, 20), rules, facts)
    assert reunion.sessions == ()
    assert "Abolition de l'esclavage (20 décembre)" in reunion.skipped_months[0].reason
    paris = one_day_month("75", "C", date(2027, 12, 20), rules, facts)
    assert [s.start for s in paris.sessions] == [date(2027, 12, 20)]


def test_saint_etienne_26_december_is_avoided_in_haut_rhin(rules, facts):
    assert one_day_month("68", "B", date(2028, 12, 26), rules, facts).sessions == ()
    assert [s.start for s in one_day_month("59", "B", date(2028, 12, 26), rules, facts).sessions] == [
        date(2028, 12, 26)
    ]


def test_a_blacked_out_month_stays_empty_and_says_why(rules, facts):
    closed = Period(date(2027, 3, 1), date(2027, 3, 31), "Préparation du budget")
    programme = plan(profile(start=date(2027, 1, 4), months=6, avoid=False, blackouts=[closed]), rules, facts)
    assert [(m.year, m.month) for m in programme.skipped_months] == [(2027, 3)]
    assert "« Préparation du budget »" in programme.skipped_months[0].reason
    assert not [d for d in all_days(programme) if d in closed]
    assert len(programme.sessions) == 5


def test_sessions_fall_on_the_allowed_weekdays_only(rules, facts):
    programme = plan(profile(weekdays=(1, 3), session_days=1), rules, facts)
    assert programme.sessions
    assert {day.weekday() for day in all_days(programme)} <= {1, 3}


def test_weekdays_that_cannot_hold_consecutive_days_skip_every_month_with_the_reason(rules, facts):
    programme = plan(profile(weekdays=(1, 3), session_days=2, months=6), rules, facts)
    assert programme.sessions == ()
    assert len(programme.skipped_months) == 6
    assert all("mardi et jeudi" in m.reason for m in programme.skipped_months)
    assert any("Seulement 0 séance" in w for w in programme.warnings)


def test_ascension_thursday_moves_a_tuesday_to_thursday_session_whole(rules, facts):
    programme = plan(profile(start=date(2027, 3, 1), months=3, weekdays=(1, 2, 3), avoid=False), rules, facts)
    starts = [s.start for s in programme.sessions]
    assert starts[:2] == [date(2027, 3, 2), date(2027, 4, 6)]  # the 1st Tuesday of the month
    may = programme.sessions[2]
    assert date(2027, 5, 6) not in may.days  # Ascension 2027
    assert may.days == (date(2027, 5, 11), date(2027, 5, 12), date(2027, 5, 13))


def test_summer_months_are_skipped_in_zone_b_when_school_holidays_are_avoided(rules, facts):
    programme = plan(profile("59", "B"), rules, facts)
    summer = [m for m in programme.skipped_months if m.month in (7, 8)]
    assert [(m.year, m.month) for m in summer] == [(2027, 7), (2027, 8)]
    assert all("pause d'été" in m.reason for m in summer)
    calendar = FrenchCalendar("59", "B", facts)
    assert not [d for d in all_days(programme) if calendar.school_holiday(d)]


def test_school_holidays_may_be_ignored_when_the_profile_says_so(rules, facts):
    programme = plan(profile("59", "B", avoid=False, months=12), rules, facts)
    assert any(s.start.month == 7 for s in programme.sessions)


def test_corsica_without_school_holidays_gets_a_note(rules, facts):
    programme = plan(profile("2A", None, kind="collectivite-outre-mer"), rules, facts)
    assert any("Vacances scolaires non vérifiées" in note for note in programme.notes)


def test_corsica_with_its_own_school_holidays_avoids_them(rules, facts):
    toussaint = Period(date(2027, 10, 16), date(2027, 11, 1), "Vacances de la Toussaint (Corse)")
    programme = plan(profile("2B", None, start=date(2027, 9, 1), months=3, school_holidays=[toussaint]), rules, facts)
    assert not any("non vérifiées" in note for note in programme.notes)
    assert not [d for d in all_days(programme) if d in toussaint]


def test_a_region_gets_the_l52_1_reserve_before_the_2028_regional_election(rules, facts):
    programme = plan(
        profile("31", "C", kind="region", start=date(2027, 6, 1), months=12, cases=["Accueil des usagers"]),
        rules,
        facts,
    )
    assert [e.id for e in programme.elections] == ["regionales-2028"]
    assert programme.elections[0].reserve_start == date(2027, 9, 1)
    assert not programme.elections[0].confirmed
    for session in programme.sessions:
        in_reserve = date(2027, 9, 1) <= session.start <= date(2028, 3, 31)
        assert any("L52-1" in w for w in session.warnings) == in_reserve, session
    in_reserve = [e for e in programme.events if date(2027, 9, 1) <= e.start <= date(2028, 3, 31)]
    # The restitutions that fall in the reserve are held internally, and the kit says so.
    internal = [e for e in in_reserve if e.kind == "restitution"]
    assert internal and not [e for e in in_reserve if e.public]
    assert all("en interne" in e.title and "L52-1" in e.adjustment for e in internal)
    # Their public presentation, with élus, comes after the election.
    public = [e for e in programme.events if e.kind == "restitution" and e.public]
    assert all(e.start > date(2028, 3, 31) for e in public)


def test_a_commune_has_no_regional_reserve(rules, facts):
    programme = plan(profile("31", "C", kind="commune", start=date(2027, 6, 1), months=12), rules, facts)
    assert programme.elections == ()
    assert not any("L52-1" in w for s in programme.sessions for w in s.warnings)


def test_sessions_keep_a_steady_place_in_the_month(rules, facts):
    programme = plan(profile("67", "B", weekdays=(1, 2, 3)), rules, facts)
    first = programme.sessions[0].start
    position = (first.weekday(), (first.day - 1) // 7)
    same = [s for s in programme.sessions if (s.start.weekday(), (s.start.day - 1) // 7) == position]
    assert len(same) >= 0.75 * len(programme.sessions)
    assert any("1er mardi du mois" in note for note in programme.notes)


def test_titles_and_focus_name_the_case_and_its_stage(rules, facts):
    programme = plan(profile(cases=["Accueil des familles au guichet petite enfance", "Propreté"]), rules, facts)
    first_case = [s for s in programme.sessions if s.case == 1]
    assert first_case[0].title == f"Séance {first_case[0].number} — Cas n°1 : cadrage"
    assert first_case[0].focus == "Accueil des familles au guichet petite enfance"
    assert programme.sessions[0].phase == "lancement"
    assert programme.sessions[-1].phase == "cloture"
    assert 3 <= len(first_case) <= 6
    restitution = [e for e in programme.events if e.kind == "restitution"]
    assert [e.session for e in restitution] == [
        [s for s in programme.sessions if s.case == n][-1].number for n in (1, 2)
    ]


def test_without_cases_the_steering_committee_chooses_them(rules, facts):
    programme = plan(profile(cases=()), rules, facts)
    case_sessions = [s for s in programme.sessions if s.case]
    assert case_sessions
    assert all("choisi par le comité de pilotage" in s.focus for s in case_sessions)
    assert any("aucun cas pratique" in note for note in programme.notes)


def test_cases_that_do_not_fit_are_dropped_with_a_warning(rules, facts):
    titles = ["Cas A", "Cas B", "Cas C", "Cas D", "Cas E"]
    programme = plan(profile(months=8, avoid=False, cases=titles), rules, facts)
    kept = {s.case for s in programme.sessions if s.case}
    assert len(kept) < len(titles)
    assert any("« Cas E »" in w for w in programme.warnings)


def test_sessions_after_the_published_school_calendar_are_provisional(rules, facts):
    programme = plan(profile("59", "B", start=date(2028, 3, 1), months=12), rules, facts)
    for session in programme.sessions:
        assert session.provisional == (session.end > date(2028, 8, 31))
    assert any(s.provisional for s in programme.sessions)
    assert all(any("provisoires" in w for w in s.warnings) for s in programme.sessions if s.provisional)


def test_ambassadors_attend_fewer_days_of_long_sessions_to_fit_the_lettre_de_mission(rules, facts):
    long_sessions = plan(profile(session_days=3), rules, facts)
    rule = next(b for b in rules.budgets if b.role == "ambassadeurs")
    budget = next(b for b in long_sessions.budgets if b.role == "ambassadeurs")
    attended = sum(len(s.ambassador_days) for s in long_sessions.sessions)
    exchanges = len([e for e in long_sessions.events if e.kind == "inter-collectivites"])
    assert (
        budget.days == attended * rule.per_ambassador_day + len(long_sessions.sessions) * rule.per_session + exchanges
    )
    assert budget.days <= 40
    assert attended < sum(len(s.days) for s in long_sessions.sessions)
    for session in long_sessions.sessions:  # the last days of the session, at least two of them
        assert session.ambassador_days == session.days[len(session.days) - len(session.ambassador_days) :]
        assert len(session.ambassador_days) >= 2 or session.phase == "prefiguration"
    assert not any("lettre de mission" in w for w in long_sessions.warnings)
    assert any("les ambassadeurs ne viennent qu'aux 2 derniers jours" in n for n in long_sessions.notes)


def test_a_profile_that_forces_more_ambassador_time_gets_a_warning(rules, facts):
    forced = plan(profile(session_days=5, months=36, avoid=False), rules, facts)
    budget = next(b for b in forced.budgets if b.role == "ambassadeurs")
    assert budget.days > 40
    assert any("lettre de mission" in w and "le profil l'impose" in w for w in forced.warnings)


def test_short_sessions_keep_every_day_for_the_ambassadors(rules, facts):
    short = plan(profile(session_days=2, months=15), rules, facts)
    assert next(b for b in short.budgets if b.role == "ambassadeurs").days <= 40
    assert all(s.ambassador_days == s.days for s in short.sessions)
    assert not any("lettre de mission" in w for w in short.warnings)


def test_sessions_rotate_among_sites(rules, facts):
    programme = plan(profile(sites=["Toulouse", "Montpellier"]), rules, facts)
    assert [s.site for s in programme.sessions[:4]] == ["Toulouse", "Montpellier"] * 2


def test_peer_exchanges_twice_a_year_with_the_network_or_as_learning_visits(rules, facts):
    with_network = plan(profile(network=["Réseau des labs"], avoid=False), rules, facts)
    meetings = [e for e in with_network.events if e.kind == "inter-collectivites"]
    first, last = with_network.sessions[0].start, with_network.sessions[-1].end
    months = [(e.start.year, e.start.month) for e in meetings]
    assert months[:2] == [(2027, 6), (2027, 12)] and set(months) <= {(2027, 6), (2027, 12), (2028, 6)}
    assert all(first <= e.start <= last for e in meetings)  # never after the programme has ended
    session_days = set(all_days(with_network))
    assert all(e.start not in session_days and e.start.weekday() < 5 for e in meetings)
    assert all("Réseau des labs" in e.title for e in meetings)
    visits = [e for e in plan(profile(), rules, facts).events if e.kind == "inter-collectivites"]
    assert visits and all(e.title == "Voyage apprenant" for e in visits)


def test_steering_committees_come_about_every_three_months(rules, facts):
    programme = plan(profile(avoid=False), rules, facts)
    months = [e.start.year * 12 + e.start.month for e in programme.events if e.kind == "comite-pilotage"]
    assert len(months) >= 4
    assert all(3 <= b - a <= 5 for a, b in zip(months, months[1:], strict=False))


def test_preparation_checklist_is_due_before_the_first_session(rules, facts):
    programme = plan(profile(), rules, facts)
    first = programme.sessions[0].start
    assert {d.title for d in programme.checklist} >= {
        "Signer la convention d'expérimentation",
        "Lancer l'appel aux ambassadeurs",
        "Faire signer les lettres de mission",
        "Choisir le premier cas pratique",
    }
    assert all(d.due < first for d in programme.checklist)
    assert programme.phases[0].id == "preparation" and programme.phases[0].end < first


def test_planning_is_deterministic(rules, facts):
    assert plan(profile(network=["R"]), rules, facts) == plan(profile(network=["R"]), rules, facts)


def test_bundled_template_has_its_programme_rules():
    assert (bundled_template_dir() / "programme.yaml").is_file()


def test_a_variant_template_reshapes_the_programme_without_python(rules, facts):
    from dataclasses import replace

    short = replace(
        rules,
        launch_sessions=0,
        closing_sessions=0,
        case_plans=((2, ("cadrage", "test")), (3, ("cadrage", "immersion", "test"))),
        preferred_case_sessions=2,
        dedicated_share=0.0,
        min_dedicated=0,
    )
    programme = plan(profile(start=date(2027, 1, 4), months=4, avoid=False, cases=["Guichet unique"]), short, facts)
    assert [s.phase for s in programme.sessions] == ["cas-pratiques"] * 3 + ["prefiguration"]
    assert [s.stage for s in programme.sessions[:3]] == ["cadrage", "immersion", "test"]


def test_the_breaks_over_a_span_are_those_a_day_by_day_walk_finds():
    """`_Break.over` computes a yearly window's occurrences directly: the same periods, in the same order,
    as asking each day of the span which break it falls in (windows over 1 January included)."""
    import random

    from transfogen.planning.planner import _Break

    def walked(brk: _Break, first: date, last: date) -> tuple[Period, ...]:
        found: list[Period] = []
        day = first
        while day <= last:
            period = brk.occurrence(day)
            if period and period not in found:
                found.append(period)
            day += timedelta(days=1)
        return tuple(found)

    draw = random.Random(7)
    for _ in range(600):
        window = ((draw.randint(1, 12), draw.randint(1, 28)), (draw.randint(1, 12), draw.randint(1, 28)))
        brk = _Break("pause", window)
        first = date(2026, 1, 1) + timedelta(days=draw.randint(0, 1500))
        last = first + timedelta(days=draw.randint(-3, 900))
        assert brk.over(first, last) == walked(brk, first, last), (window, first, last)
