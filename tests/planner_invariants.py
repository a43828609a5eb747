"""The promises a planned programme keeps, checked on bundled examples and on random profiles.

Each check raises AssertionError with a message naming the broken promise.
"""

from __future__ import annotations

from datetime import date, timedelta

from transfogen.planning.model import Programme
from transfogen.planning.rules import ProgrammeRules


def _month_end(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def check_programme(programme: Programme, rules: ProgrammeRules) -> None:
    sessions = programme.sessions
    program = programme.profile.program

    # Every case goes through the whole arc, in order, in 3 to 6 sessions: nothing tested unbuilt.
    all_cases = sorted({case for s in sessions for case in s.cases})
    for case in all_cases:
        own = [s for s in sessions if case in s.cases]
        assert rules.min_case_sessions <= len(own) <= rules.max_case_sessions, f"case {case}: {len(own)} sessions"
        if rules.arc:
            steps = [step for s in own for step in s.steps]
            assert steps == list(rules.arc), f"case {case} covers {steps}"
            for needed in ("immersion", "prototypage", "test"):
                assert needed in steps, f"case {case} never reaches {needed}"
        numbers = [s.number for s in own]
        assert all(b > a for a, b in zip(numbers, numbers[1:], strict=False))

    # Launch first, closing last; dedicated lab sessions come after the first case.
    phases = [s.phase for s in sessions]
    if "lancement" in phases:
        assert phases[0] == "lancement"
    if "cloture" in phases:
        assert phases[-1] == "cloture"
    first_case_end = max((s.number for s in sessions if s.case == 1), default=0)
    assert all(s.number > first_case_end for s in sessions if s.phase == "prefiguration")

    # Two cases in parallel only for a group that splits into two workable halves, only for named
    # cases, never the first case nor the last, and both at the same stage of the same sessions.
    paired = [s for s in sessions if s.parallel_case is not None]
    if paired:
        assert rules.parallel and program.parallel_cases
        assert programme.profile.team.ambassadors >= 2 * rules.parallel.min_group
        assert all(s.parallel_case <= len(programme.profile.cases) for s in paired)
        assert 1 not in {c for s in paired for c in s.cases} and all_cases[-1] not in {
            c for s in paired for c in s.cases
        }
        for s in paired:
            assert [t.number for t in sessions if s.case in t.cases] == [
                t.number for t in sessions if s.parallel_case in t.cases
            ]
    assert all_cases == list(range(1, len(all_cases) + 1)), f"cases planned: {all_cases}"
    assert set(programme.unplanned_cases).isdisjoint(all_cases)

    # The summer break (or the academy's long holidays overseas), unless the profile opts out.
    if program.summer_break and rules.rhythm.summer_break:
        for s in sessions:
            for day in s.days:
                assert not any(day in p for p in programme.summer_breaks), f"session {s.number} on {day} (summer)"
        if programme.profile.collectivity.department not in ("974", "976") and not program.school_holidays:
            (m1, d1), (m2, d2) = rules.rhythm.summer_break
            assert all(
                ((p.start.month, p.start.day), (p.end.month, p.end.day)) == ((m1, d1), (m2, d2))
                for p in programme.summer_breaks
            )
    else:
        assert not programme.summer_breaks

    # About a month apart: never two sessions within the minimal gap.
    for a, b in zip(sessions, sessions[1:], strict=False):
        assert (b.start - a.start).days >= rules.rhythm.min_gap_days, f"sessions {a.number} and {b.number} too close"

    # Ambassadors within the lettre de mission, unless the profile forces more (and the kit says so).
    low, high = rules.mission_days
    for budget in programme.budgets:
        if budget.role == "ambassadeurs" and budget.days > high:
            assert any("lettre de mission" in w for w in programme.warnings), budget
    for s in sessions:
        assert s.ambassador_days and set(s.ambassador_days) <= set(s.days)

    # No public event with élus inside an electoral reserve; what was made internal says why.
    for election in programme.elections:
        end = _month_end(election.date)
        for event in programme.events:
            if event.start <= end and event.end >= election.reserve_start:
                assert not event.public, f"public event in the L52-1 reserve: {event.title} ({event.start})"

    # A case is restituted before the committee that decides on it.
    events = list(programme.events)
    assert [e.start for e in events] == sorted(e.start for e in events)
    for i, event in enumerate(events):
        if event.kind == "comite-pilotage":
            assert not [e for e in events[i + 1 :] if e.start == event.start and e.kind == "restitution"]
    for case in all_cases:
        last = max(s.number for s in sessions if case in s.cases)
        assert [e for e in events if e.kind == "restitution" and e.session == last], f"case {case} not restituted"

    # Peer exchanges sit between two sessions, which prepare and debrief them.
    for event in (e for e in events if e.kind == "inter-collectivites"):
        before = [s for s in sessions if s.end < event.start]
        after = [s for s in sessions if s.start > event.end]
        assert before and after, f"exchange {event.start} outside the programme"
        assert before[-1].prepares_exchange and after[0].debriefs_exchange
        assert not any(event.start in s.days for s in sessions)

    # The lab's means are decided before the budget debate of the budget that funds it.
    cycle = programme.budget_cycle
    if cycle and cycle.means_session is None:  # only when no session of the second half precedes the debate
        assert not [
            s
            for s in sessions[len(sessions) // 2 :]
            if s.end < cycle.debate_from and s.phase in ("cas-pratiques", "prefiguration", "cloture")
        ]
    if cycle and cycle.means_session:
        means = sessions[cycle.means_session - 1]
        assert means.decides_lab_means and means.end < cycle.debate_from
        assert [e for e in events if e.kind == "comite-pilotage" and e.session == means.number]
