"""Turns a collectivity's profile into a dated programme: sessions, rituals, budgets, warnings.

Pure domain code: no I/O, no Click. The programme's shape comes from `ProgrammeRules`
(the template's programme.yaml) and the calendar facts from `CalendarFacts` (data/calendar.yaml).
"""

from __future__ import annotations

import calendar as monthcal
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from transfogen.fr import MONTH_NAMES, WEEKDAY_NAMES, date_fr, enumeration, jours, nombre_fr
from transfogen.french_calendar import CalendarFacts, FrenchCalendar
from transfogen.model import (
    Deadline,
    Election,
    Event,
    Period,
    PhaseSpan,
    Profile,
    Programme,
    RoleBudget,
    Session,
    SkippedMonth,
)
from transfogen.rules import ProgrammeRules

ORDINALS = ("1er", "2e", "3e", "4e", "dernier")


@dataclass(frozen=True)
class _Content:
    """What one session works on, before it gets its dates."""

    phase: str
    case: int | None = None
    stage: str | None = None
    lab_topic: str | None = None


@dataclass(frozen=True)
class _Window:
    """The L52-1 reserve before one election: from `start` to the end of the election's month."""

    election: Election
    start: date
    end: date

    def touches(self, first: date, last: date) -> bool:
        return first <= self.end and last >= self.start


def _months(start: date, count: int) -> list[tuple[int, int]]:
    first = start.year * 12 + start.month - 1
    return [((first + i) // 12, (first + i) % 12 + 1) for i in range(count)]


def _month_end(year: int, month: int) -> date:
    return date(year, month, monthcal.monthrange(year, month)[1])


def _day_fr(day: date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {MONTH_NAMES[day.month - 1]}"


class _Slots:
    """Finds each month's session slot, keeping a steady place in the month."""

    def __init__(self, profile: Profile, cal: FrenchCalendar):
        self.settings = profile.program
        self.cal = cal
        self.check_school = self.settings.avoid_school_holidays and cal.checks_school_holidays
        self._seen: dict[date, tuple[str, str] | None] = {}

    def blocker(self, day: date) -> tuple[str, str] | None:
        """(kind, French label) of what forbids a session on `day`, or None when the day is free."""
        if day not in self._seen:
            self._seen[day] = self._blocker(day)
        return self._seen[day]

    def _blocker(self, day: date) -> tuple[str, str] | None:
        if day.weekday() not in self.settings.weekdays:
            return ("weekday", "")
        name = self.cal.public_holiday(day)
        if name:
            return ("holiday", f"{name} ({_day_fr(day)})")
        for period in self.settings.blackouts:
            if day in period:
                reason = f"« {period.reason} »" if period.reason else "du profil"
                first = _day_fr(period.start) + (
                    "" if period.start.year == period.end.year else f" {period.start.year}"
                )
                return ("blackout", f"{reason} du {first} au {_day_fr(period.end)} {period.end.year}")
        if self.check_school:
            name = self.cal.school_holiday(day)
            if name:
                return ("school", name)
        return None

    def candidates(self, year: int, month: int) -> list[tuple[date, ...]]:
        """Every run of `session_days` free days inside one month and one ISO week."""
        length = self.settings.session_days
        first = max(date(year, month, 1), self.settings.start)
        last = _month_end(year, month)
        free = {}
        day = first
        while day <= last:
            free[day] = self.blocker(day) is None
            day += timedelta(days=1)
        slots = []
        for begin in free:
            if begin.weekday() + length - 1 > 6:  # would cross a weekend into the next week
                continue
            days = tuple(begin + timedelta(days=i) for i in range(length))
            if days[-1] <= last and all(free[d] for d in days):
                slots.append(days)
        return slots

    def skip_reason(self, year: int, month: int) -> str:
        """Why no slot exists this month, in French, naming what blocked it."""
        first = max(date(year, month, 1), self.settings.start)
        last = _month_end(year, month)
        found: dict[str, list[str]] = {"school": [], "blackout": [], "holiday": []}
        free_days = 0
        day = first
        while day <= last:
            blocked = self.blocker(day)
            if blocked is None:
                free_days += 1
            elif blocked[0] in found and blocked[1] not in found[blocked[0]]:
                found[blocked[0]].append(blocked[1])
            day += timedelta(days=1)
        length = self.settings.session_days
        slot = f"{jours(length)} consécutifs" if length > 1 else "un jour"
        prefix = f"le programme commence le {date_fr(self.settings.start)} ; " if first.day > 1 else ""
        causes = []
        if found["school"]:
            causes.append(f"vacances scolaires ({enumeration(found['school'])})")
        if found["blackout"]:
            causes.append(f"période bloquée {enumeration(found['blackout'])}")
        if found["holiday"]:
            causes.append(f"jours fériés : {enumeration(found['holiday'])}")
        allowed = sorted(self.settings.weekdays)
        if not any(all(w + i in allowed for i in range(length)) for w in range(8 - length)):
            names = enumeration([WEEKDAY_NAMES[i] for i in allowed])
            return _sentence(
                f"aucun créneau de {slot} : les jours autorisés ({names}) ne forment pas {slot} dans une même semaine."
            )
        if not causes:
            return _sentence(f"{prefix}les jours restants du mois ne forment pas un créneau de {slot}.")
        rest = " ; les jours restants ne forment pas un créneau complet" if free_days else ""
        return _sentence(f"{prefix}aucun créneau de {slot} : {' ; '.join(causes)}{rest}.")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _target_day(year: int, month: int, position: tuple[int, int]) -> date:
    """The `occurrence`-th `weekday` of the month (the last one if the month is too short)."""
    occurrence, weekday = position
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * occurrence)
    while day.month != month:
        day -= timedelta(days=7)
    return day


def _place_sessions(profile: Profile, slots: _Slots):
    """One slot per month where possible, as close as possible to the first slot's position."""
    placed: list[tuple[date, ...]] = []
    skipped: list[SkippedMonth] = []
    position = None
    for year, month in _months(profile.program.start, profile.program.months):
        candidates = slots.candidates(year, month)
        if not candidates:
            skipped.append(SkippedMonth(year, month, slots.skip_reason(year, month)))
            continue
        if position is None:
            first = candidates[0][0]
            position = (min((first.day - 1) // 7, 4), first.weekday())
        target = _target_day(year, month, position)
        placed.append(min(candidates, key=lambda days: (abs((days[0] - target).days), days[0])))
    return placed, skipped, position


def _allocate(count: int, rules: ProgrammeRules, named_cases: int):
    """Share `count` sessions between launch, cases, dedicated lab sessions and closing."""
    warnings: list[str] = []
    launch = min(rules.launch_sessions, count)
    closing = min(rules.closing_sessions, count - launch)
    middle = count - launch - closing
    dedicated = min(middle, int(count * rules.dedicated_share + 0.5))
    low, high = rules.min_case_sessions, rules.max_case_sessions
    if named_cases:  # the profile's own cases come before dedicated lab sessions
        dedicated = max(0, min(dedicated, middle - named_cases * low))
    case_total = middle - dedicated
    if case_total < low:
        case_total = low if middle >= low else 0
        dedicated = middle - case_total
    if named_cases:
        cases = min(named_cases, case_total // low)
    elif case_total:
        wanted = int(case_total / rules.preferred_case_sessions + 0.5)
        cases = max(-(-case_total // high), min(wanted, case_total // low))
    else:
        cases = 0
    if cases * high < case_total:  # fewer named cases than sessions: the rest goes to the lab
        dedicated += case_total - cases * high
        case_total = cases * high
    lengths = [case_total // cases + (1 if i < case_total % cases else 0) for i in range(cases)] if cases else []

    contents = [_Content("lancement")] * launch
    for number, length in enumerate(lengths, start=1):
        contents += [_Content("cas-pratiques", number, stage) for stage in rules.case_plan(length)]
    contents += [_Content("prefiguration")] * dedicated + [_Content("cloture")] * closing

    # Lab blocks: case sessions past `blocks_from`, then every dedicated and closing session.
    lab_slots = [
        i
        for i, content in enumerate(contents)
        if content.phase in ("prefiguration", "cloture")
        or (content.phase == "cas-pratiques" and i >= rules.blocks_from * count)
    ]
    topics = rules.lab_topics
    used = set()
    for j, i in enumerate(lab_slots):
        topic = topics[j * len(topics) // len(lab_slots)]
        used.add(topic.id)
        c = contents[i]
        contents[i] = _Content(c.phase, c.case, c.stage, topic.id)
    missing = [t.name for t in topics if t.id not in used]
    if missing and count:
        warnings.append(
            "Trop peu de séances pour tous les thèmes du labo : "
            f"{enumeration(missing)} {'n’ont' if len(missing) > 1 else 'n’a'} pas de séance ; "
            "prévoyez-les en comité de pilotage."
        )
    return contents, lengths, warnings


def _session(number: int, days, content: _Content, profile: Profile, rules: ProgrammeRules) -> Session:
    topic = rules.topic_name(content.lab_topic) if content.lab_topic else ""
    prefix = rules.session_title.replace("{number}", str(number))
    if content.phase == "cas-pratiques":
        assert content.case is not None and content.stage is not None  # set for every case session
        stage = rules.stage_name(content.stage)
        title = f"{prefix} — " + rules.case_session_title.replace("{case}", str(content.case)).replace(
            "{stage}", stage[:1].lower() + stage[1:]
        )
        if content.case <= len(profile.cases):
            focus = profile.cases[content.case - 1].title
        else:
            focus = f"Cas pratique n°{content.case}, dont le sujet est choisi par le comité de pilotage"
        if topic:
            focus += f" ; bloc labo : {topic}"
    else:
        phase = rules.phase(content.phase)
        title = f"{prefix} — " + phase.session_title.replace("{topic}", topic)
        focus = phase.focus.replace("{topic}", topic)
    sites = profile.collectivity.sites
    return Session(
        number=number,
        days=tuple(days),
        phase=content.phase,
        title=title,
        focus=focus,
        case=content.case,
        stage=content.stage,
        lab_topic=content.lab_topic,
        site=sites[(number - 1) % len(sites)] if sites else None,
    )


def _rituals(sessions, lengths, profile: Profile, rules: ProgrammeRules, slots: _Slots) -> list[Event]:
    events: list[Event] = []
    start_index = profile.program.start.year * 12 + profile.program.start.month - 1

    copil = rules.ritual("comite-pilotage")
    if copil and copil.every_months:
        due, number = copil.every_months, 0
        # Not in the closing session: the closing event already gathers the direction.
        for session in (s for s in sessions if s.phase != "cloture"):
            if session.start.year * 12 + session.start.month - 1 - start_index >= due:
                number += 1
                events.append(_held_in(copil, session, f"{copil.name} n°{number}"))
                due = session.start.year * 12 + session.start.month - 1 - start_index + copil.every_months

    restitution = rules.ritual("restitution")
    if restitution:
        for case in range(1, len(lengths) + 1):
            last_session = [s for s in sessions if s.case == case][-1]
            title = f"{restitution.name} n°{case}"
            if case <= len(profile.cases):  # a case still to be chosen has no subject to name yet
                title += f" : {profile.cases[case - 1].title}"
            events.append(_held_in(restitution, last_session, title))

    meeting = rules.ritual("inter-collectivites")
    network = profile.collectivity.network
    if meeting and network and sessions:
        taken = {day for session in sessions for day in session.days}
        for year, month in _months(profile.program.start, profile.program.months):
            if month not in meeting.months:
                continue
            day = date(year, month, meeting.from_day)
            while day.month == month and (day in taken or slots.blocker(day) is not None):
                day += timedelta(days=1)
            # Only while the programme runs: between the first and the last session.
            if day.month == month and sessions[0].start <= day <= sessions[-1].end:
                events.append(
                    Event(
                        kind=meeting.kind,
                        start=day,
                        end=day,
                        title=f"{meeting.name} ({enumeration(list(network))})",
                        description=meeting.description,
                        public=meeting.public,
                    )
                )

    closing = rules.ritual("cloture")
    closing_sessions = [s for s in sessions if s.phase == "cloture"]
    if closing and closing_sessions:
        events.append(_held_in(closing, closing_sessions[-1], closing.name))
    return sorted(events, key=lambda e: (e.start, e.kind))


def _held_in(ritual, session: Session, title: str) -> Event:
    return Event(
        kind=ritual.kind,
        start=session.end,
        end=session.end,
        title=title,
        description=ritual.description,
        session=session.number,
        public=ritual.public,
    )


def _budgets(sessions, events, rules: ProgrammeRules) -> list[RoleBudget]:
    session_days = sum(len(s.days) for s in sessions)
    counts: dict[str, int] = {}
    for event in events:
        counts[event.kind] = counts.get(event.kind, 0) + 1
    budgets = []
    for rule in rules.budgets:
        parts = []
        total = 0.0
        if rule.per_session_day:
            total += rule.per_session_day * session_days
            parts.append(f"{jours(session_days)} de séance × {nombre_fr(rule.per_session_day)}")
        if rule.per_session:
            total += rule.per_session * len(sessions)
            parts.append(f"{len(sessions)} séances × {nombre_fr(rule.per_session)} (préparation et suites)")
        for kind, days in rule.per_ritual:
            if counts.get(kind):
                total += days * counts[kind]
                ritual = rules.ritual(kind)
                label = ritual.name if ritual else kind
                parts.append(f"{counts[kind]} × {label.lower()} × {nombre_fr(days)}")
        if rule.fixed:
            total += rule.fixed
            parts.append(f"{jours(rule.fixed)} fixes")
        budgets.append(RoleBudget(rule.role, round(total, 1), " + ".join(parts) or "aucun temps prévu"))
    return budgets


def _apply_shape(profile: Profile, rules: ProgrammeRules) -> tuple[Profile, list[str]]:
    """The profile with the template's fixed shape applied, and a French note for each value it overrides."""
    shape, settings = rules.shape, profile.program
    changes: dict[str, Any] = {}
    notes: list[str] = []
    if shape.months is not None and shape.months != settings.months:
        changes["months"] = shape.months
        notes.append(f"{shape.months} mois (le profil en demande {settings.months})")
    if shape.session_days is not None and shape.session_days != settings.session_days:
        changes["session_days"] = shape.session_days
        notes.append(
            f"des séances de {jours(shape.session_days)} (le profil en demande {jours(settings.session_days)})"
        )
    if shape.weekdays is not None and shape.weekdays != settings.weekdays:
        changes["weekdays"] = shape.weekdays
        asked = enumeration([WEEKDAY_NAMES[i] for i in settings.weekdays])
        notes.append(
            f"les jours {enumeration([WEEKDAY_NAMES[i] for i in shape.weekdays])} (le profil en demande : {asked})"
        )
    if not changes:
        return profile, []
    # Programme.profile carries the values actually planned, so every renderer shows the same shape.
    shaped = replace(profile, program=replace(settings, **changes))
    return shaped, [f"Le gabarit fixe la forme du programme : {enumeration(notes)}."]


def plan(profile: Profile, rules: ProgrammeRules, facts: CalendarFacts) -> Programme:
    """Plan the whole programme for `profile`; deterministic, no I/O."""
    profile, shape_notes = _apply_shape(profile, rules)
    settings = profile.program
    who = profile.collectivity
    cal = FrenchCalendar(who.department, who.school_zone, facts, settings.school_holidays)
    slots = _Slots(profile, cal)
    months = _months(settings.start, settings.months)
    programme_end = _month_end(*months[-1])
    warnings: list[str] = []
    notes: list[str] = shape_notes

    placed, skipped, position = _place_sessions(profile, slots)
    contents, lengths, allocation_warnings = _allocate(len(placed), rules, len(profile.cases))
    sessions = [
        _session(i, days, c, profile, rules) for i, (days, c) in enumerate(zip(placed, contents, strict=False), 1)
    ]

    if len(profile.cases) > len(lengths) and sessions:
        dropped = [f"« {case.title} »" for case in profile.cases[len(lengths) :]]
        warnings.append(
            f"Trop peu de séances pour tous les cas pratiques : {enumeration(dropped)} "
            f"{'ne sont pas planifiés' if len(dropped) > 1 else 'n’est pas planifié'} "
            f"(un cas demande au moins {rules.min_case_sessions} séance{'s' if rules.min_case_sessions > 1 else ''})."
        )
    if not profile.cases and lengths:
        notes.append(
            f"Le profil ne nomme aucun cas pratique : les {len(lengths)} cas prévus sont à choisir par le "
            "comité de pilotage, le premier avant la première séance."
        )
    warnings += allocation_warnings
    if len(sessions) < 3:
        warnings.append(
            f"Seulement {len(sessions)} séance(s) possible(s) sur {settings.months} mois : "
            "allongez la durée, autorisez plus de jours de la semaine ou réduisez les périodes bloquées."
        )
    if position and len(sessions) > 1:
        occurrence, weekday = position
        notes.append(
            f"Les séances sont calées, autant que le calendrier le permet, sur le {ORDINALS[occurrence]} "
            f"{WEEKDAY_NAMES[weekday]} du mois : les agendas peuvent être bloqués à l'avance."
        )

    if settings.avoid_school_holidays and not cal.checks_school_holidays:
        notes.append(
            "Vacances scolaires non vérifiées : la collectivité ne relève d'aucune zone A, B ou C "
            "et le profil ne donne pas ses périodes de vacances (school_holidays)."
        )

    # Dates past the last published school calendar may still move.
    published = facts.school_published_until
    if slots.check_school and cal.provisional(programme_end):
        for i, session in enumerate(sessions):
            if any(cal.provisional(day) for day in session.days):
                sessions[i] = _with(
                    session,
                    provisional=True,
                    warning=(f"Dates provisoires : le calendrier scolaire officiel s'arrête au {date_fr(published)}."),
                )
        if any(s.provisional for s in sessions):
            notes.append(
                f"Les vacances scolaires après le {date_fr(published)} sont extrapolées : les séances "
                f"concernées sont provisoires (source : {facts.school_source})."
            )

    events = _rituals(sessions, lengths, profile, rules, slots)

    # Electoral reserve (art. L52-1) for the elections that concern this kind of collectivity.
    first_day = settings.start
    windows = [_Window(e, e.reserve_start, _month_end(e.date.year, e.date.month)) for e in cal.elections_for(who.kind)]
    windows = [w for w in windows if w.touches(first_day, programme_end)]
    for window in windows:
        span = f"du {date_fr(window.start)} au {date_fr(window.end)}"
        name = window.election.name + ("" if window.election.confirmed else " (date non confirmée)")
        hit = 0
        for i, session in enumerate(sessions):
            if window.touches(session.start, session.end):
                hit += 1
                sessions[i] = _with(
                    session,
                    warning=(
                        f"Réserve électorale (art. L52-1) avant les {name} : aucune communication "
                        "valorisant l'action de la collectivité autour de cette séance."
                    ),
                )
        for i, event in enumerate(events):
            if event.public and window.touches(event.start, event.end):
                events[i] = replace(
                    event,
                    warnings=event.warnings
                    + (
                        f"Événement public en réserve électorale (art. L52-1) avant les {name}, {span} : "
                        "le déplacer hors de cette période, ou le tenir sans élus ni promotion de la collectivité.",
                    ),
                )
        if hit:
            sessions_word = "séance tombe" if hit == 1 else "séances tombent"
            warnings.append(
                f"{hit} {sessions_word} pendant la réserve électorale des {name}, {span} (article L52-1 du "
                "code électoral) : pendant cette période, pas de restitution publique avec les élus ni de "
                "communication qui valorise l'action de la collectivité."
            )
    for fact in facts.elections:
        if not fact.kinds and first_day <= fact.date <= programme_end:
            notes.append(
                f"{fact.name}{'' if fact.confirmed else ' (date non confirmée)'} : hors réserve L52-1 "
                "pour la collectivité, mais l'agenda des élus et des services en sera chargé."
            )

    budgets = _budgets(sessions, events, rules)
    low, high = rules.mission_days
    for budget in budgets:
        if budget.role == "ambassadeurs" and budget.days > high:
            warnings.append(
                f"Chaque ambassadeur y consacre {jours(budget.days)}, plus que les {nombre_fr(low)} à "
                f"{nombre_fr(high)} jours d'une lettre de mission : raccourcissez les séances ou "
                "élargissez les lettres de mission."
            )

    reference = sessions[0].start if sessions else settings.start
    checklist = sorted(
        (
            Deadline(reference - timedelta(weeks=item.weeks_before), item.title, item.owner, item.detail)
            for item in rules.checklist
        ),
        key=lambda d: d.due,
    )
    phases = []
    if sessions:
        prep = rules.phase("preparation")
        phases.append(
            PhaseSpan(prep.id, prep.name, checklist[0].due if checklist else reference, reference - timedelta(days=1))
        )
        for phase in rules.phases[1:]:
            numbers = tuple(s.number for s in sessions if s.phase == phase.id)
            if numbers:
                phases.append(
                    PhaseSpan(
                        phase.id, phase.name, sessions[numbers[0] - 1].start, sessions[numbers[-1] - 1].end, numbers
                    )
                )

    return Programme(
        profile=profile,
        sessions=tuple(sessions),
        events=tuple(events),
        skipped_months=tuple(skipped),
        phases=tuple(phases),
        checklist=tuple(checklist),
        budgets=tuple(budgets),
        elections=tuple(w.election for w in windows),
        # From the month the preparation starts, as the frise shows it.
        closures=_closures(
            profile, cal, min([settings.start] + [d.due for d in checklist]).replace(day=1), programme_end
        ),
        warnings=tuple(warnings),
        notes=tuple(notes),
    )


def _with(session: Session, provisional: bool | None = None, warning: str = "") -> Session:
    provisional = session.provisional if provisional is None else provisional
    return replace(session, provisional=provisional, warnings=session.warnings + ((warning,) if warning else ()))


def _closures(profile: Profile, cal: FrenchCalendar, first: date, last: date) -> tuple[Period, ...]:
    """What kept sessions off the calendar between `first` and `last`: public holidays, blackouts,
    and school holidays when the profile avoids them. For the frise and the calendar page.

    Consecutive days of the same school holidays make one period; blackouts are cut to the range.
    """
    avoid_school = profile.program.avoid_school_holidays and cal.checks_school_holidays
    found: list[Period] = []
    school: list[Period] = []
    day = first
    while day <= last:
        name = cal.public_holiday(day)
        if name:
            found.append(Period(day, day, name, "ferie"))
        name = cal.school_holiday(day) if avoid_school else None
        if name and school and school[-1].reason == name and school[-1].end == day - timedelta(days=1):
            school[-1] = replace(school[-1], end=day)
        elif name:
            school.append(Period(day, day, name, "vacances"))
        day += timedelta(days=1)
    blackouts = [
        Period(max(b.start, first), min(b.end, last), b.reason, "blocage")
        for b in profile.program.blackouts
        if b.start <= last and b.end >= first
    ]
    return tuple(sorted(found + school + blackouts, key=lambda p: (p.start, p.end, p.kind, p.reason)))
