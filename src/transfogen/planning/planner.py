"""Turns a collectivity's profile into a dated programme: sessions, rituals, budgets, warnings.

Pure domain code: no I/O, no Click. The programme's shape comes from `ProgrammeRules`
(the template's programme.yaml) and the calendar facts from `CalendarFacts` (data/calendar.yaml).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from transfogen.planning.fr import MONTH_NAMES, WEEKDAY_NAMES, date_fr, enumeration, jours, month_end, nombre_fr
from transfogen.planning.french_calendar import CalendarFacts, FrenchCalendar
from transfogen.planning.model import (
    BudgetCycle,
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
from transfogen.planning.rules import BudgetRule, ProgrammeRules, Rhythm
from transfogen.records import record

ORDINALS = ("1er", "2e", "3e", "4e", "dernier")


@record
class _Content:
    """What one session works on, before it gets its dates."""

    phase: str
    case: int | None = None
    stage: str | None = None
    lab_topic: str | None = None
    lab_trial: bool = False
    parallel_case: int | None = None  # the second half-group's case, in the same sessions


@record
class _Window:
    """The L52-1 reserve before one election: from `start` to the end of the election's month."""

    election: Election
    start: date
    end: date

    def touches(self, first: date, last: date) -> bool:
        return first <= self.end and last >= self.start

    @property
    def span(self) -> str:
        return f"du {date_fr(self.start)} au {date_fr(self.end)}"

    @property
    def name(self) -> str:
        return self.election.name + ("" if self.election.confirmed else " (date non confirmée)")


# Days kept between a peer exchange and any session day, when the month allows it.
_EXCHANGE_MARGIN = 4

# Same-day events, in the order they happen: a case is restituted before the committee decides on it.
# A review the same day as a committee comes first: the committee decides on what it found.
_EVENT_ORDER = ("inter-collectivites", "restitution", "revue-mi-parcours", "comite-pilotage", "cloture")


def _months(start: date, count: int) -> list[tuple[int, int]]:
    first = start.year * 12 + start.month - 1
    return [((first + i) // 12, (first + i) % 12 + 1) for i in range(count)]


def _day_fr(day: date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {MONTH_NAMES[day.month - 1]}"


@record
class _Break:
    """The yearly break with no session: the template's summer break, or the long school holidays of
    the collectivity's academy (a window that may span 1 January), or the profile's own long school
    holidays (dated periods)."""

    name: str  # « pause d'été »
    window: tuple[tuple[int, int], tuple[int, int]] | None = None
    periods: tuple[Period, ...] = ()

    def occurrence(self, day: date) -> Period | None:
        """The break's dated period around `day`, if `day` falls in it."""
        for period in self.periods:
            if day in period:
                return period
        if self.window is None:
            return None
        (m1, d1), (m2, d2) = self.window
        if (m1, d1) <= (m2, d2):
            first, last = date(day.year, m1, d1), date(day.year, m2, d2)
        elif (day.month, day.day) >= (m1, d1):
            first, last = date(day.year, m1, d1), date(day.year + 1, m2, d2)
        else:
            first, last = date(day.year - 1, m1, d1), date(day.year, m2, d2)
        return Period(first, last, self.name) if first <= day <= last else None

    def label(self, period: Period) -> str:
        return f"{self.name} du {_day_fr(period.start)} au {_day_fr(period.end)}"

    def over(self, first: date, last: date) -> tuple[Period, ...]:
        """Every dated break that touches the days from `first` to `last`."""
        if first > last:
            return ()
        if not self.periods and self.window is not None:
            # A yearly window: its occurrences of each year, in order (what the day-by-day walk below finds).
            (m1, d1), (m2, d2) = self.window
            spans = 1 if (m1, d1) > (m2, d2) else 0  # a window over 1 January ends the next year
            occurrences = (
                Period(date(year, m1, d1), date(year + spans, m2, d2), self.name)
                for year in range(max(first.year - 1, 1), last.year + 1)
            )
            return tuple(period for period in occurrences if period.start <= last and period.end >= first)
        found: list[Period] = []
        day = first
        while day <= last:
            period = self.occurrence(day)
            if period and period not in found:
                found.append(period)
            day += timedelta(days=1)
        return tuple(found)


def _summer_break(profile: Profile, rhythm: Rhythm, facts: CalendarFacts) -> tuple[_Break | None, list[str], list[str]]:
    """The programme's break, with a note or a warning when it is not the template's summer break.

    Where the school year follows the austral summer, the break follows the academy's long holidays:
    those the profile gives (program.school_holidays, four weeks or more), else those the calendar data
    knows; when it knows neither, the template's break stays and the plan says how to change it."""
    settings = profile.program
    if rhythm.summer_break is None or not settings.summer_break:
        return None, [], []
    default = _Break("pause d'été", rhythm.summer_break)
    local = facts.long_holidays_of(profile.collectivity.department)
    if local is None:
        return default, [], []
    opt_out = "pour n'en garder aucune, program.summer_break: false"
    given = tuple(p for p in settings.school_holidays if (p.end - p.start).days + 1 >= 28)
    if given:
        spans = enumeration([f"du {date_fr(p.start)} au {date_fr(p.end)}" for p in given])
        note = (
            f"La pause du programme suit les grandes vacances scolaires que donne le profil ({spans}), "
            f"et non le 15 juillet – 31 août de métropole : {local.holidays} ; {opt_out}."
        )
        return _Break("pause des grandes vacances", periods=given), [note], []
    if local.start and local.end:
        brk = _Break(local.name, (local.start, local.end))
        first, last = date(2001, *local.start), date(2001, *local.end)
        note = (
            f"La pause du programme suit {local.holidays} (du {_day_fr(first)} au {_day_fr(last)}, dates approchées "
            f"d'une année à l'autre ; source : {local.source}), et non le 15 juillet – 31 août de métropole. Pour la "
            f"caler sur les dates exactes de l'académie, donnez-les dans le profil (program.school_holidays) ; "
            f"{opt_out}."
        )
        return brk, [note], []
    warning = (
        f"La pause d'été du programme, du 15 juillet au 31 août, suit le calendrier de métropole, mais "
        f"{local.holidays} ; transfogen ne connaît pas les dates de l'académie. Donnez ses vacances dans le "
        f"profil (program.school_holidays) : la pause suivra les plus longues ; {opt_out}."
    )
    return default, [], [warning]


_SHARED_SLOTS: dict[tuple, _Slots] = {}


class _Slots:
    """Finds each month's session slot, keeping a steady place in the month."""

    def __init__(self, profile: Profile, cal: FrenchCalendar, summer: _Break | None):
        self.settings = profile.program
        self.cal = cal
        self.check_school = self.settings.avoid_school_holidays and cal.checks_school_holidays
        self.summer = summer
        self._seen: dict[date, tuple[str, str] | None] = {}
        self._months: dict[tuple[int, int], list[tuple[date, ...]]] = {}

    @classmethod
    def shared(cls, profile: Profile, cal: FrenchCalendar, summer: _Break | None, facts: CalendarFacts) -> _Slots:
        """The slots of a calendar seen before in this process (the kits of a batch share their department
        and base profile), else new ones: what a day or a month allows is then worked out once."""
        who = profile.collectivity
        key = (who.department, who.school_zone, profile.program, summer, id(facts))  # cal holds facts: id stays
        found = _SHARED_SLOTS.get(key)
        if found is None:
            if len(_SHARED_SLOTS) >= 64:
                _SHARED_SLOTS.clear()
            found = _SHARED_SLOTS[key] = cls(profile, cal, summer)
        return found

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
        if self.summer is not None:
            summer = self.summer.occurrence(day)
            if summer is not None:
                return ("summer", self.summer.label(summer))
        if self.check_school:
            name = self.cal.school_holiday(day)
            if name:
                return ("school", name)
        return None

    def candidates(self, year: int, month: int) -> list[tuple[date, ...]]:
        """Every run of `session_days` free days inside one month and one ISO week."""
        if (year, month) not in self._months:
            self._months[year, month] = self._candidates(year, month)
        return list(self._months[year, month])

    def _candidates(self, year: int, month: int) -> list[tuple[date, ...]]:
        length = self.settings.session_days
        first = max(date(year, month, 1), self.settings.start)
        last = month_end(date(year, month, 1))
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
        last = month_end(date(year, month, 1))
        found: dict[str, list[str]] = {"summer": [], "school": [], "blackout": [], "holiday": []}
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
        causes = list(found["summer"])
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


def _place_sessions(profile: Profile, slots: _Slots, rhythm: Rhythm):
    """One slot per month where possible, as close as possible to the first slot's position, and
    never less than `rhythm.min_gap_days` after the previous session: the rhythm stays monthly."""
    placed: list[tuple[date, ...]] = []
    skipped: list[SkippedMonth] = []
    position = None
    for year, month in _months(profile.program.start, profile.program.months):
        candidates = slots.candidates(year, month)
        if not candidates:
            skipped.append(SkippedMonth(year, month, slots.skip_reason(year, month)))
            continue
        if placed:
            previous = placed[-1][0]
            candidates = [days for days in candidates if (days[0] - previous).days >= rhythm.min_gap_days]
            if not candidates:
                reason = (
                    f"Les créneaux libres du mois tombent moins de {rhythm.min_gap_days} jours après la séance du "
                    f"{date_fr(previous)} : le rythme reste d'une séance par mois environ."
                )
                skipped.append(SkippedMonth(year, month, reason))
                continue
        if position is None:
            first = candidates[0][0]
            position = (min((first.day - 1) // 7, 4), first.weekday())
        target = _target_day(year, month, position)
        placed.append(min(candidates, key=lambda days: (abs((days[0] - target).days), days[0])))
    return placed, skipped, position


@record
class _Allocation:
    contents: list[_Content]
    lengths: list[int]  # sessions of each planned run of sessions (one case, or a parallel pair)
    warnings: list[str]
    pairs: tuple[tuple[int, int], ...] = ()  # cases run in parallel, two by two
    unplanned: tuple[int, ...] = ()  # named cases left out (1-based)
    notes: tuple[str, ...] = ()


def _share_sessions(middle: int, rules: ProgrammeRules, named_cases: int) -> tuple[list[int], int]:
    """Case lengths and the number of dedicated lab sessions among `middle` sessions.

    The lab gets `dedicated_share` of the programme, never less than `min_dedicated` when there is
    room; the cases share the rest, each between the template's shortest and longest plan (fewer
    cases, longer arcs). Named cases that cannot get their shortest plan are left out.
    """
    low, high = rules.min_case_sessions, rules.max_case_sessions
    total = middle + rules.launch_sessions + rules.closing_sessions
    wanted = min(middle, max(rules.min_dedicated, int(total * rules.dedicated_share + 0.5)))
    floor = min(rules.min_dedicated, max(0, middle - low))
    if named_cases:
        cases = min(named_cases, (middle - floor) // low)
        case_total = max(middle - wanted, cases * low)
    else:
        case_total = middle - wanted
        if case_total < low:
            case_total = low if middle >= low else 0
        cases = 0
        if case_total:
            preferred = int(case_total / rules.preferred_case_sessions + 0.5)
            cases = max(-(-case_total // high), min(preferred, case_total // low))
    case_total = min(case_total, cases * high)
    # The first case is the learning loop: it takes the extra sessions first.
    lengths = [case_total // cases + (1 if i < case_total % cases else 0) for i in range(cases)] if cases else []
    return lengths, middle - case_total


def _interleave(lengths: list[int], dedicated: int, middle: int) -> list[int | None]:
    """The middle of the programme as case numbers, with None for each dedicated lab session.

    Dedicated sessions sit between cases in the second half, spread out, and before the last case
    when there are several: that case then tries out the future lab's way of working.
    """
    if not lengths:
        return [None] * dedicated
    # Boundary b = after case b; allowed from the first case to the one before the last.
    allowed = list(range(1, len(lengths))) or [len(lengths)]
    ends = [sum(lengths[:b]) for b in range(len(lengths) + 1)]
    half = middle / 2
    chosen: list[int] = []
    for j in range(dedicated):
        target = half + (j + 0.5) * (middle - half) / dedicated
        previous = chosen[-1] if chosen else allowed[0]
        options = [b for b in allowed if b >= previous]
        chosen.append(min(options, key=lambda b: (abs(ends[b] + len(chosen) - target), b)))
    sequence: list[int | None] = []
    for case, length in enumerate(lengths, start=1):
        sequence += [case] * length
        sequence += [None] * chosen.count(case)
    return sequence


def _parallel_runs(runs: int, named: int, rules: ProgrammeRules, profile: Profile) -> tuple[list[int], str]:
    """The runs (0-based) that carry two cases, and why none can when cases are left out.

    Only a run in the middle of the programme pairs: never the first case, which the résidents
    demonstrate to the whole group, nor the last, which tries out the future lab. The latest middle
    runs pair first: by then the ambassadors have led part of a case and can lead a half-group."""
    extra = named - runs
    if extra <= 0:
        return [], ""
    rule = rules.parallel
    if rule is None or not rule.max_pairs:
        return [], ""
    if not profile.program.parallel_cases:
        return [], " ; le profil refuse de mener deux cas en parallèle (program.parallel_cases: false)"
    ambassadors = profile.team.ambassadors
    if ambassadors < 2 * rule.min_group:
        return [], (
            f" ; le groupe de {ambassadors} ambassadeurs est trop petit pour mener deux cas en parallèle "
            f"en deux demi-groupes de {rule.min_group} au moins"
        )
    middle = list(range(1, runs - 1))
    if not middle:
        return [], " ; aucun cas du milieu du programme ne peut en accueillir un second en parallèle"
    return sorted(middle[::-1][: min(extra, rule.max_pairs)]), ""


def _allocate(count: int, rules: ProgrammeRules, profile: Profile) -> _Allocation:
    """Share `count` sessions between launch, cases, dedicated lab sessions and closing."""
    warnings: list[str] = []
    notes: list[str] = []
    launch = min(rules.launch_sessions, count)
    closing = min(rules.closing_sessions, count - launch)
    middle = count - launch - closing
    named = len(profile.cases)
    lengths, dedicated = _share_sessions(middle, rules, named)
    paired, refusal = _parallel_runs(len(lengths), named, rules, profile) if count else ([], "")
    # Each run of sessions works on one case, or on two side by side: cases keep the profile's order.
    run_cases: list[tuple[int, int | None]] = []
    number = 1
    for index in range(len(lengths)):
        run_cases.append((number, number + 1 if index in paired else None))
        number += 2 if index in paired else 1
    planned = number - 1
    pairs = tuple((a, b) for a, b in run_cases if b is not None)
    if pairs:
        half = profile.team.ambassadors // 2
        groups = (
            f"deux demi-groupes de {half} ambassadeurs"
            if profile.team.ambassadors % 2 == 0
            else f"deux demi-groupes de {half} et {half + 1} ambassadeurs"
        )
        names = enumeration([f"« {profile.cases[a - 1].title} » et « {profile.cases[b - 1].title} »" for a, b in pairs])
        notes.append(
            f"Les {named} cas pratiques du profil ne tiennent pas chacun dans ses propres séances : {names} "
            f"se mènent en parallèle, dans les mêmes séances, par {groups} ; l'ouverture, la clôture des "
            "journées et les rituels restent communs, et chaque demi-groupe restitue son travail à l'autre. "
            "Pour refuser le travail en parallèle : program.parallel_cases: false dans le profil."
        )
    unplanned = tuple(range(planned + 1, named + 1)) if count else ()
    if unplanned:
        dropped = [f"« {profile.cases[case - 1].title} »" for case in unplanned]
        low = rules.min_case_sessions
        fit = len(lengths) + len(pairs)
        warnings.append(
            f"Trop peu de séances pour les {named} cas pratiques du profil : {nombre_fr(fit)} "
            f"{'peuvent' if fit > 1 else 'peut'} tenir (un cas demande au moins {low} séance"
            f"{'s' if low > 1 else ''}, du cadrage à la restitution, et {nombre_fr(dedicated)} séance"
            f"{'s restent' if dedicated > 1 else ' reste'} au futur labo){refusal} ; "
            f"{enumeration(dropped)} {'ne sont pas planifiés' if len(dropped) > 1 else 'n’est pas planifié'}. "
            "Allongez le programme ou retirez des cas ; le programme propose "
            f"{'ces cas' if len(dropped) > 1 else 'ce cas'} au futur labo, après la clôture."
        )

    sequence = _interleave(lengths, dedicated, middle)
    trial = len(lengths) if len(lengths) > 1 and dedicated and sequence[-1] == len(lengths) else None
    stages: dict[int, list[str]] = {run: list(rules.case_plan(n)) for run, n in enumerate(lengths, start=1)}
    contents = [_Content("lancement")] * launch
    for run in sequence:
        if run is None:
            contents.append(_Content("prefiguration"))
        else:
            case, other = run_cases[run - 1]
            contents.append(
                _Content("cas-pratiques", case, stages[run].pop(0), lab_trial=run == trial, parallel_case=other)
            )
    contents += [_Content("cloture")] * closing
    contents = _lab_topics(contents, rules, count)
    missing = [t.name for t in rules.lab_topics if t.id not in {c.lab_topic for c in contents}]
    if missing and count:
        warnings.append(
            "Trop peu de séances pour tous les thèmes du labo : "
            f"{enumeration(missing)} {'n’ont' if len(missing) > 1 else 'n’a'} pas de séance ; "
            "prévoyez-les en comité de pilotage."
        )
    return _Allocation(contents, lengths, warnings, pairs, unplanned, tuple(notes))


def _lab_topics(contents: list[_Content], rules: ProgrammeRules, count: int) -> list[_Content]:
    """Give each dedicated session a topic of its own, then spread the other topics over the lab
    blocks of case sessions in the second half and over the closing session."""
    topics = [t.id for t in rules.lab_topics]
    dedicated = [i for i, c in enumerate(contents) if c.phase == "prefiguration"]
    priority = [t for t in rules.dedicated_topics if t in topics] + [
        t for t in topics if t not in rules.dedicated_topics
    ]
    own = sorted(priority[: len(dedicated)], key=topics.index)
    own += [topics[j % len(topics)] for j in range(len(dedicated) - len(own))]
    result = list(contents)
    for i, topic in zip(dedicated, own, strict=True):
        result[i] = replace(result[i], lab_topic=topic)
    rest = [t for t in topics if t not in own] or topics
    # The closing session finishes the last topic (the lab's map); case sessions share the others.
    closing = [i for i, c in enumerate(contents) if c.phase == "cloture"]
    for i in closing:
        result[i] = replace(result[i], lab_topic=rest[-1])
    if closing and len(rest) > 1:
        rest = rest[:-1]
    blocks = [i for i, c in enumerate(contents) if c.phase == "cas-pratiques" and i >= rules.blocks_from * count]
    for j, i in enumerate(blocks):
        result[i] = replace(result[i], lab_topic=rest[j * len(rest) // len(blocks)])
    return result


def _budget_cycle(profile: Profile, facts: CalendarFacts, placed: list[tuple[date, ...]]) -> BudgetCycle | None:
    """The budget that funds the future lab's first year: the first whose debate (DOB) opens in the
    programme's second half or later, so that the group has worked on the lab before it is decided."""
    kind = profile.collectivity.kind
    calendar = facts.budget
    debate = calendar.debate(kind) if calendar else None
    if calendar is None or debate is None or not placed:
        return None
    middle = placed[len(placed) // 2][0]
    vote_month = profile.program.budget_vote_month
    for year in range(middle.year, middle.year + 3):
        if vote_month:
            # A vote in the autumn or winter is for the next year's budget.
            vote_year = year - 1 if vote_month >= 7 else year
            vote_by = month_end(date(vote_year, vote_month, 1))
            debate_from = debate.earliest(date(vote_year, vote_month, 1))
            source = ""  # the month the profile gives, not a legal deadline
        else:
            month, day = calendar.renewal_vote_deadline if facts.renewal_year(kind, year) else calendar.vote_deadline
            vote_by = date(year, month, day)
            debate_from = debate.earliest(vote_by)
            source = calendar.vote_source
        if debate_from >= middle:
            return BudgetCycle(year, debate_from, vote_by, debate.source, source, debate_window=debate.window_fr)
    return None


def _place_means_decision(
    contents: list[_Content], placed: list[tuple[date, ...]], rules: ProgrammeRules, cycle: BudgetCycle | None
) -> tuple[list[_Content], int | None]:
    """Move the lab-means topic to the last session that ends before the budget debate opens, when
    its place in the plan would come too late; return the index of the deciding session."""
    means = rules.means_topic
    if not means:
        return contents, None
    holders = [i for i, c in enumerate(contents) if c.lab_topic == means]
    if not holders:  # a short programme: the means take a session's lab block, one without a topic first
        deadline = cycle.debate_from if cycle else date.max
        eligible = [
            i
            for i in range(len(contents) // 2, len(contents))
            if placed[i][-1] < deadline and contents[i].phase in ("cas-pratiques", "prefiguration", "cloture")
        ]
        if not eligible:
            return contents, None
        target = max(eligible, key=lambda i: (contents[i].lab_topic is None, contents[i].phase == "cas-pratiques", i))
        result = list(contents)
        result[target] = replace(contents[target], lab_topic=means)
        return result, target
    # A dedicated session decides better than a lab block; the last one holding the topic otherwise.
    current = next((i for i in holders if contents[i].phase == "prefiguration"), holders[-1])
    if cycle is None or placed[current][-1] < cycle.debate_from:
        return contents, current
    half = len(contents) // 2
    earlier = [
        i
        for i in range(half, current)
        if placed[i][-1] < cycle.debate_from and contents[i].phase in ("cas-pratiques", "prefiguration")
    ]
    if not earlier:
        return contents, None
    # Prefer a dedicated session, then the latest case session; it takes the topic as its lab block.
    target = max(earlier, key=lambda i: (contents[i].phase == "prefiguration", i))
    result = list(contents)
    result[target] = replace(contents[target], lab_topic=means)
    if contents[target].lab_topic:  # the two sessions swap topics
        result[current] = replace(contents[current], lab_topic=contents[target].lab_topic)
    return result, target


def _session(number: int, days, content: _Content, profile: Profile, rules: ProgrammeRules) -> Session:
    topic = rules.topic_name(content.lab_topic) if content.lab_topic else ""
    prefix = rules.session_title.replace("{number}", str(number))
    steps: tuple[str, ...] = ()
    if content.phase == "cas-pratiques":
        assert content.case is not None and content.stage is not None
        stage = rules.stage_name(content.stage)
        steps = rules.steps(content.stage)
        pattern = rules.parallel_session_title if content.parallel_case else rules.case_session_title
        title = f"{prefix} — " + pattern.replace("{case}", str(content.case)).replace(
            "{other}", str(content.parallel_case)
        ).replace("{stage}", stage[:1].lower() + stage[1:])
        if content.parallel_case:  # only named cases pair: both have a title
            focus = (
                f"{profile.cases[content.case - 1].title} (premier demi-groupe) et "
                f"{profile.cases[content.parallel_case - 1].title} (second demi-groupe), en parallèle"
            )
        elif content.case <= len(profile.cases):
            focus = profile.cases[content.case - 1].title
        else:
            focus = f"Cas pratique n°{content.case}, dont le sujet est choisi par le comité de pilotage"
        if content.lab_trial:
            focus += " ; dernier cas, mené comme un essai du futur labo"
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
        parallel_case=content.parallel_case,
        stage=content.stage,
        lab_topic=content.lab_topic,
        site=sites[(number - 1) % len(sites)] if sites else None,
        steps=steps,
        ambassador_days=tuple(days),
        lab_trial=content.lab_trial,
    )


def _steering_committees(sessions: list[Session], rules: ProgrammeRules, start: date) -> list[Event]:
    """About every `every_months`, in a session; a due committee waits one session for a case's
    restitution (it then has results to decide on); the lab-means session always holds one."""
    copil = rules.ritual("comite-pilotage")
    if not copil or not copil.every_months:
        return []

    def month(day: date) -> int:
        return day.year * 12 + day.month - 1 - (start.year * 12 + start.month - 1)

    ends = {max(s.number for s in sessions if case in s.cases) for s in sessions for case in s.cases}
    # Not in the closing session, whose event already gathers the direction, unless it decides the means.
    candidates = [s for s in sessions if s.phase != "cloture" or s.decides_lab_means]
    chosen: list[Session] = []
    due = copil.every_months
    for index, session in enumerate(candidates):
        if session.decides_lab_means:
            chosen.append(session)
            due = month(session.start) + copil.every_months
        elif month(session.start) >= due:
            # A case ends within the next two sessions: the committee meets there, with results.
            following = [s.number for s in candidates[index + 1 : index + 3]]
            if session.number not in ends and any(number in ends for number in following):
                continue
            chosen.append(session)
            due = month(session.start) + copil.every_months
    events = []
    for number, session in enumerate(chosen, start=1):
        title = f"{copil.name} n°{number}"
        if session.decides_lab_means:
            title += " : décision sur les moyens du futur labo"
        events.append(_held_in(copil, session, title))
    return events


def _peer_exchanges(sessions: list[Session], profile: Profile, rules: ProgrammeRules, slots: _Slots) -> list[Event]:
    """The network's meetings, or a learning visit when no network is named: twice a year on a free
    allowed day between two sessions, and at least once in any programme of two sessions or more."""
    meeting = rules.ritual("inter-collectivites")
    if not meeting or len(sessions) < 2:
        return []
    network = profile.collectivity.network
    if network:
        title, description = f"{meeting.name} ({enumeration(list(network))})", meeting.description
    else:
        title = meeting.alone_name or meeting.name
        description = meeting.alone_description or meeting.description
    taken = {day for session in sessions for day in session.days}

    def free_day(day: date, last: date) -> date | None:
        """The first free allowed day from `day`, preferring one at least a few days from any session
        (the group needs time to prepare it, and a breath after a long session)."""
        free = []
        while day <= last:
            if day not in taken and slots.blocker(day) is None:
                free.append(day)
            day += timedelta(days=1)
        apart = (d for d in free if all(abs((d - t).days) >= _EXCHANGE_MARGIN for t in taken))
        return next(apart, free[0] if free else None)

    days = []
    for year, month in _months(profile.program.start, profile.program.months):
        if month in meeting.months:
            day = free_day(date(year, month, meeting.from_day), month_end(date(year, month, 1)))
            # Only while the programme runs, and with a session before and after to prepare and debrief it.
            if day and sessions[0].end < day < sessions[-1].start:
                days.append(day)
    if not days:  # a short programme: one exchange between the two middle sessions
        middle = len(sessions) // 2
        day = free_day(sessions[middle - 1].end + timedelta(days=1), sessions[middle].start - timedelta(days=1))
        days = [day] if day else []
    return [
        Event(kind=meeting.kind, start=day, end=day, title=title, description=description, public=meeting.public)
        for day in days
    ]


def _rituals(sessions: list[Session], profile: Profile, rules: ProgrammeRules, slots: _Slots) -> list[Event]:
    events = _steering_committees(sessions, rules, profile.program.start)
    restitution = rules.ritual("restitution")
    if restitution:
        for case in sorted({case for s in sessions for case in s.cases}):
            last_session = [s for s in sessions if case in s.cases][-1]
            title = f"{restitution.name} n°{case}"
            if case <= len(profile.cases):  # a case still to be chosen has no subject to name yet
                title += f" : {profile.cases[case - 1].title}"
            events.append(_held_in(restitution, last_session, title))
    events += _peer_exchanges(sessions, profile, rules, slots)
    midterm = rules.ritual("revue-mi-parcours")
    if midterm and len(sessions) >= 3:  # with two sessions, there is no middle to review from
        events.append(_held_in(midterm, sessions[math.ceil(len(sessions) / 2) - 1], midterm.name))
    closing = rules.ritual("cloture")
    closing_sessions = [s for s in sessions if s.phase == "cloture"]
    if closing and closing_sessions:
        events.append(_held_in(closing, closing_sessions[-1], closing.name))
    return _in_order(events)


def _in_order(events: list[Event]) -> list[Event]:
    rank = {kind: i for i, kind in enumerate(_EVENT_ORDER)}
    return sorted(events, key=lambda e: (e.start, rank.get(e.kind, len(rank)), e.title))


def _mark_exchanges(sessions: list[Session], events: list[Event]) -> list[Session]:
    """The session before each peer exchange prepares it; the session after debriefs it."""
    result = list(sessions)
    for event in (e for e in events if e.kind == "inter-collectivites"):
        before = [i for i, s in enumerate(result) if s.end < event.start]
        after = [i for i, s in enumerate(result) if s.start > event.end]
        if before:
            result[before[-1]] = replace(result[before[-1]], prepares_exchange=True)
        if after:
            result[after[0]] = replace(result[after[0]], debriefs_exchange=True)
    return result


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


def _electoral_reserve(
    windows: list[_Window], sessions: list[Session], events: list[Event], slots: _Slots
) -> tuple[list[Session], list[Event], list[str]]:
    """Apply art. L52-1: no public event with élus inside a reserve. A case restitution is held
    internally and its public presentation moves to the first free day after the election; the
    closing event is held internally. Each change is written on the event."""
    sessions, events, warnings = list(sessions), list(events), []
    last_day = sessions[-1].end if sessions else None
    for window in windows:
        hit = 0
        for i, session in enumerate(sessions):
            if window.touches(session.start, session.end):
                hit += 1
                sessions[i] = _with(
                    session,
                    warning=(
                        f"Réserve électorale (art. L52-1) avant les {window.name} : aucune communication "
                        "valorisant l'action de la collectivité autour de cette séance."
                    ),
                )
        for i, event in enumerate(list(events)):
            if not (event.public and window.touches(event.start, event.end)):
                continue
            internal = f"Tenue en interne, sans élus ni communication publique : réserve électorale des {window.name}, {window.span} (article L52-1 du code électoral)."
            if event.kind == "restitution":
                day = _first_free_day(window.end + timedelta(days=1), last_day, sessions, slots)
                if day:
                    internal += f" La présentation publique du cas, avec les élus, a lieu le {date_fr(day)}."
                    events.append(
                        Event(
                            kind=event.kind,
                            start=day,
                            end=day,
                            title=event.title.replace("Restitution", "Présentation publique", 1)
                            if event.title.startswith("Restitution")
                            else f"Présentation publique — {event.title}",
                            description=event.description,
                            public=True,
                            adjustment=f"Reportée après les {window.name} : la restitution du {date_fr(event.start)} tombait en réserve électorale.",
                        )
                    )
                else:
                    internal += " La présentation publique du cas, avec les élus, est à organiser après le scrutin."
            else:
                internal += " La présentation publique, avec les élus, est à organiser après le scrutin."
            # The ritual's description promises élus: the adjustment replaces it.
            events[i] = replace(
                event, public=False, title=f"{event.title} (en interne)", description="", adjustment=internal
            )
        if hit:
            sessions_word = "séance tombe" if hit == 1 else "séances tombent"
            warnings.append(
                f"{hit} {sessions_word} pendant la réserve électorale des {window.name}, {window.span} (article L52-1 du "
                "code électoral) : les restitutions et l'événement public qui y tombent se tiennent en interne, sans "
                "élus ni communication qui valorise l'action de la collectivité ; le programme dit lesquels."
            )
    return sessions, _in_order(events), warnings


def _first_free_day(first: date, last: date | None, sessions: list[Session], slots: _Slots) -> date | None:
    taken = {day for session in sessions for day in session.days}
    day = first
    while last is not None and day <= last:
        if day not in taken and slots.blocker(day) is None:
            return day
        day += timedelta(days=1)
    return None


def _ambassador_rule(rules: ProgrammeRules) -> BudgetRule | None:
    return next((b for b in rules.budgets if b.role == "ambassadeurs"), None)


def _budget_days(rule: BudgetRule, sessions: list[Session], events: list[Event]) -> float:
    days = sum(len(s.days) for s in sessions)
    return _budget_figure(rule, days, sum(len(s.ambassador_days) for s in sessions), len(sessions), events)


def _budget_figure(
    rule: BudgetRule, session_days: int, ambassador_days: int, sessions: int, events: list[Event]
) -> float:
    counts = Counter(event.kind for event in events)
    return (
        rule.per_session_day * session_days
        + rule.per_ambassador_day * ambassador_days
        + rule.per_session * sessions
        + sum(days * counts[kind] for kind, days in rule.per_ritual)
        + rule.fixed
    )


def _ambassador_attendance(
    sessions: list[Session], events: list[Event], rules: ProgrammeRules
) -> tuple[list[Session], list[str]]:
    """Fit the ambassadors' time into the lettre de mission by construction: in long sessions they
    come for the last days only (the first day gathers the résidents and the owning service).

    Sessions keep at least two days and launch and closing sessions every day; if that is not enough,
    dedicated lab sessions go down to one day, then the closing and the launch to two. A warning remains only when even that exceeds the lettre de mission.
    """
    rule = _ambassador_rule(rules)
    if rule is None or not rule.per_ambassador_day:
        return sessions, []
    high = rules.mission_days[1]
    attend = {s.number: len(s.days) for s in sessions}
    kept = [s for s in sessions if len(s.days) > 1]
    full = ("lancement", "cloture")
    floors = [
        {s.number: len(s.days) if s.phase in full else 2 for s in kept},
        {s.number: len(s.days) if s.phase in full else 1 if s.phase == "prefiguration" else 2 for s in kept},
        {s.number: 1 if s.phase == "prefiguration" else 2 for s in kept},
    ]

    session_days = sum(len(s.days) for s in sessions)

    def total() -> float:  # the budget if the ambassadors came to the last `attend` days of each session
        return _budget_figure(rule, session_days, sum(attend.values()), len(sessions), events)

    for floor in floors:
        while total() > high:
            # The session the ambassadors attend longest gives a day; the earliest first, so that
            # the later cases, which the ambassadors lead, keep their days; the launch, which forms
            # the group, last.
            reducible = [s for s in kept if attend[s.number] > floor[s.number]]
            if not reducible:
                break
            session = max(reducible, key=lambda s: (attend[s.number], s.phase != "lancement", -s.number))
            attend[session.number] -= 1
    result = [replace(s, ambassador_days=s.days[len(s.days) - attend[s.number] :]) for s in sessions]
    warnings = []
    days = _budget_days(rule, result, events)
    if days > high:
        low = rules.mission_days[0]
        warnings.append(
            f"Chaque ambassadeur y consacre {jours(days)}, plus que les {nombre_fr(low)} à {nombre_fr(high)} "
            f"jours d'une lettre de mission, même en ne venant qu'à une partie des jours de séance : le profil "
            f"l'impose ({len(sessions)} séances de {jours(len(sessions[0].days))}). Raccourcissez le programme "
            "ou les séances, ou élargissez les lettres de mission."
        )
    return result, warnings


def _budgets(sessions: list[Session], events: list[Event], rules: ProgrammeRules) -> list[RoleBudget]:
    session_days = sum(len(s.days) for s in sessions)
    ambassador_days = sum(len(s.ambassador_days) for s in sessions)
    counts = Counter(event.kind for event in events)
    budgets = []
    for rule in rules.budgets:
        parts = []
        if rule.per_session_day:
            parts.append(f"{jours(session_days)} de séance × {nombre_fr(rule.per_session_day)}")
        if rule.per_ambassador_day:
            parts.append(
                f"{jours(ambassador_days)} de séance avec les ambassadeurs × {nombre_fr(rule.per_ambassador_day)}"
            )
        if rule.per_session:
            parts.append(f"{len(sessions)} séances × {nombre_fr(rule.per_session)} (préparation et suites)")
        for kind, days in rule.per_ritual:
            if counts[kind]:
                ritual = rules.ritual(kind)
                label = ritual.name if ritual else kind
                if ritual and ritual.alone_name and all(e.title == ritual.alone_name for e in events if e.kind == kind):
                    label = ritual.alone_name  # no network: the exchanges are learning visits
                parts.append(f"{counts[kind]} × {label.lower()} × {nombre_fr(days)}")
        if rule.fixed:
            parts.append(f"{jours(rule.fixed)} fixe" + ("s" if rule.fixed >= 2 else ""))
        total = round(_budget_days(rule, sessions, events), 2)
        budgets.append(RoleBudget(rule.role, total, " + ".join(parts) or "aucun temps prévu"))
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
    profile, notes = _apply_shape(profile, rules)
    settings, who = profile.program, profile.collectivity
    cal = FrenchCalendar(who.department, who.school_zone, facts, settings.school_holidays)
    summer, summer_notes, warnings = _summer_break(profile, rules.rhythm, facts)
    notes += summer_notes
    slots = _Slots.shared(profile, cal, summer, facts)
    programme_end = month_end(date(*_months(settings.start, settings.months)[-1], 1))

    placed, skipped, position = _place_sessions(profile, slots, rules.rhythm)
    allocation = _allocate(len(placed), rules, profile)
    # Only a programme that prepares a lab's means has a budget decision to place.
    cycle = _budget_cycle(profile, facts, placed) if rules.means_topic else None
    contents, means_index = _place_means_decision(allocation.contents, placed, rules, cycle)
    sessions = [
        _session(i, days, content, profile, rules)
        for i, (days, content) in enumerate(zip(placed, contents, strict=True), start=1)
    ]
    if means_index is not None:
        sessions[means_index] = replace(sessions[means_index], decides_lab_means=True)
    warnings += allocation.warnings
    notes += list(allocation.notes)
    notes += _allocation_notes(profile, allocation, sessions, position)
    if len(sessions) < 3:
        warnings.append(
            f"Seulement {len(sessions)} séance(s) possible(s) sur {settings.months} mois : "
            "allongez la durée, autorisez plus de jours de la semaine ou réduisez les périodes bloquées."
        )
    sessions, calendar_notes, calendar_warnings = _school_calendar(sessions, profile, cal, facts, slots)
    notes += calendar_notes
    warnings += calendar_warnings
    if rules.rhythm.summer_break and not settings.summer_break:
        notes.append("Le profil renonce à la pause d'été : des séances peuvent tomber de mi-juillet à fin août.")

    events = _rituals(sessions, profile, rules, slots)
    sessions = _mark_exchanges(sessions, events)

    # Electoral reserve (art. L52-1) for the elections that concern this kind of collectivity.
    windows = [_Window(e, e.reserve_start, month_end(e.date)) for e in cal.elections_for(who.kind)]
    windows = [w for w in windows if w.touches(settings.start, programme_end)]
    sessions, events, reserve_warnings = _electoral_reserve(windows, sessions, events, slots)
    warnings += reserve_warnings
    notes += _other_elections(facts, settings.start, programme_end)

    sessions, attendance_warnings = _ambassador_attendance(sessions, events, rules)
    warnings += attendance_warnings
    notes += _attendance_notes(sessions)
    if cycle is not None:
        cycle = replace(cycle, means_session=sessions[means_index].number if means_index is not None else None)
        notes.append(_budget_note(cycle, sessions))

    checklist = _checklist(sessions, rules, settings.start, summer)
    return Programme(
        profile=profile,
        sessions=tuple(sessions),
        events=tuple(events),
        skipped_months=tuple(skipped),
        phases=_phases(sessions, rules, checklist),
        checklist=checklist,
        budgets=tuple(_budgets(sessions, events, rules)),
        elections=tuple(w.election for w in windows),
        # From the month the preparation starts, as the frise shows it.
        closures=_closures(
            profile, cal, min([settings.start] + [d.due for d in checklist]).replace(day=1), programme_end
        ),
        warnings=tuple(warnings),
        notes=tuple(notes),
        budget_cycle=cycle,
        unplanned_cases=allocation.unplanned,
        summer_breaks=summer.over(settings.start, programme_end) if summer else (),
    )


def _allocation_notes(profile: Profile, allocation: _Allocation, sessions: list[Session], position) -> list[str]:
    notes = []
    if not profile.cases and allocation.lengths:
        notes.append(
            f"Le profil ne nomme aucun cas pratique : les {len(allocation.lengths)} cas prévus sont à choisir par le "
            "comité de pilotage, le premier avant la première séance."
        )
    if position and len(sessions) > 1:
        occurrence, weekday = position
        notes.append(
            f"Les séances sont calées, autant que le calendrier le permet, sur le {ORDINALS[occurrence]} "
            f"{WEEKDAY_NAMES[weekday]} du mois : les agendas peuvent être bloqués à l'avance."
        )
    trial = next((s.case for s in sessions if s.lab_trial), None)
    if trial:
        notes.append(
            f"Le cas n°{trial}, le dernier, vient après les séances consacrées au futur labo : il se mène comme "
            "un essai de sa façon de travailler (saisine, offre de service, rôle des contributeurs)."
        )
    return notes


def _school_calendar(
    sessions: list[Session], profile: Profile, cal: FrenchCalendar, facts: CalendarFacts, slots: _Slots
) -> tuple[list[Session], list[str], list[str]]:
    """Say where school holidays could not be checked: no zone, no data for past school years, or
    dates past the last published calendar (provisional sessions)."""
    settings = profile.program
    notes: list[str] = []
    warnings: list[str] = []
    if not settings.avoid_school_holidays:
        return sessions, notes, warnings
    if not cal.checks_school_holidays:
        notes.append(
            "Vacances scolaires non vérifiées : la collectivité ne relève d'aucune zone A, B ou C "
            "et le profil ne donne pas ses périodes de vacances (school_holidays)."
        )
        return sessions, notes, warnings
    result = list(sessions)
    if not settings.school_holidays:
        unknown = [i for i, s in enumerate(result) if not all(cal.school_data_covers(d) for d in s.days)]
        for i in unknown:
            result[i] = _with(
                result[i],
                warning="Vacances scolaires non vérifiées : le calendrier de la zone n'est pas connu pour ces dates.",
            )
        if unknown:
            numbers = enumeration([str(result[i].number) for i in unknown])
            warnings.append(
                f"Vacances scolaires non vérifiées pour {'les séances' if len(unknown) > 1 else 'la séance'} {numbers} : "
                "transfogen ne connaît pas le calendrier scolaire de la zone avant l'année 2017-2018. Donnez les "
                "périodes de vacances dans le profil (program.school_holidays) ou vérifiez ces dates à la main."
            )
    published = facts.school_published_until
    if slots.check_school:
        provisional = [i for i, s in enumerate(result) if any(cal.provisional(d) for d in s.days)]
        for i in provisional:
            result[i] = _with(
                result[i],
                provisional=True,
                warning=f"Dates provisoires : le calendrier scolaire officiel s'arrête au {date_fr(published)}.",
            )
        if provisional:
            notes.append(
                f"Les vacances scolaires après le {date_fr(published)} sont extrapolées : les séances "
                f"concernées sont provisoires (source : {facts.school_source})."
            )
    return result, notes, warnings


def _other_elections(facts: CalendarFacts, first: date, last: date) -> list[str]:
    return [
        f"{fact.name}{'' if fact.confirmed else ' (date non confirmée)'} : hors réserve L52-1 "
        "pour la collectivité, mais l'agenda des élus et des services en sera chargé."
        for fact in facts.elections
        if not fact.kinds and first <= fact.date <= last
    ]


def _attendance_notes(sessions: list[Session]) -> list[str]:
    partial: dict[int, list[str]] = {}
    for s in sessions:
        if len(s.ambassador_days) < len(s.days):
            partial.setdefault(len(s.ambassador_days), []).append(str(s.number))
    if not partial:
        return []
    parts = []
    for count, numbers in sorted(partial.items(), reverse=True):
        which = "au dernier jour" if count == 1 else f"aux {nombre_fr(count)} derniers jours"
        parts.append(
            f"{which} des séances {enumeration(numbers)}" if len(numbers) > 1 else f"{which} de la séance {numbers[0]}"
        )
    return [
        f"Pour tenir dans la lettre de mission, les ambassadeurs ne viennent qu'{enumeration(parts)} ; les jours "
        "d'avant réunissent les résidents, l'agent pilote et le service porteur (préparation, terrain, mise au propre)."
    ]


def _budget_note(cycle: BudgetCycle, sessions: list[Session]) -> str:
    means = next((s for s in sessions if s.number == cycle.means_session), None)
    timing = (
        f"Les moyens du futur labo (équipe, lieu, budget) sont décidés au comité de pilotage de la séance "
        f"{means.number} ({date_fr(means.end)}), "
        if means
        else "Aucune séance de la seconde moitié ne précède ce débat : les moyens du futur labo passeront par "
        "une décision modificative, "
    )
    debate_from = f"{_day_fr(cycle.debate_from)} {cycle.debate_from.year}"
    window = f"dans les {cycle.debate_window} qui précèdent" if cycle.debate_window else "avant"
    if cycle.vote_source:
        vote = (
            f"pour un vote à la date limite, le {_day_fr(cycle.vote_by)} {cycle.vote_by.year} ({cycle.vote_source}), "
            f"il peut se tenir dès le {debate_from} ; une assemblée qui vote plus tôt débat plus tôt : donnez le "
            "mois du vote dans le profil (program.budget_vote_month)"
        )
    else:
        vote = (
            f"pour un vote en {MONTH_NAMES[cycle.vote_by.month - 1]} {cycle.vote_by.year}, comme le prévoit le "
            f"profil, il peut se tenir dès le {debate_from}, si le vote a lieu le premier jour du mois"
        )
    return (
        f"{timing}avant le débat d'orientation budgétaire du budget {cycle.year}. La loi tient ce débat {window} "
        f"l'examen du budget primitif ({cycle.debate_source}) : {vote}. Le comité qui décide des moyens est placé "
        "avant la date la plus précoce possible du débat ; un débat tenu plus tard laisse plus de marge."
    )


def _checklist(
    sessions: list[Session], rules: ProgrammeRules, start: date, summer: _Break | None
) -> tuple[Deadline, ...]:
    reference = sessions[0].start if sessions else start
    return tuple(
        sorted(
            (
                Deadline(
                    _weeks_before(reference, item.weeks_before, summer), item.title, item.owner, item.detail, item.id
                )
                for item in rules.checklist
            ),
            key=lambda d: d.due,
        )
    )


def _weeks_before(reference: date, weeks: int, summer: _Break | None) -> date:
    """`weeks` before `reference`, the days of the summer break not counted: nobody answers a call for
    ambassadors or signs a convention in August, so a September start prepares before the summer."""
    due = reference - timedelta(weeks=weeks)
    if summer is None or not summer.over(due, reference):
        return due
    day, left = reference, weeks * 7
    while left:
        day -= timedelta(days=1)
        if summer.occurrence(day) is None:
            left -= 1
    return day


def _phases(sessions: list[Session], rules: ProgrammeRules, checklist: tuple[Deadline, ...]) -> tuple[PhaseSpan, ...]:
    if not sessions:
        return ()
    reference = sessions[0].start
    prep = rules.phase("preparation")
    phases = [
        PhaseSpan(prep.id, prep.name, checklist[0].due if checklist else reference, reference - timedelta(days=1))
    ]
    for phase in rules.phases[1:]:
        numbers = tuple(s.number for s in sessions if s.phase == phase.id)
        if numbers:
            phases.append(
                PhaseSpan(phase.id, phase.name, sessions[numbers[0] - 1].start, sessions[numbers[-1] - 1].end, numbers)
            )
    return tuple(phases)


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
    school: list[list] = []  # [start, end, name] of each run of school holidays
    day = first
    while day <= last:
        name = cal.public_holiday(day)
        if name:
            found.append(Period(day, day, name, "ferie"))
        name = cal.school_holiday(day) if avoid_school else None
        if name and school and school[-1][2] == name and school[-1][1] == day - timedelta(days=1):
            school[-1][1] = day
        elif name:
            school.append([day, day, name])
        day += timedelta(days=1)
    found += [Period(start, end, name, "vacances") for start, end, name in school]
    blackouts = [
        Period(max(b.start, first), min(b.end, last), b.reason, "blocage")
        for b in profile.program.blackouts
        if b.start <= last and b.end >= first
    ]
    return tuple(sorted(found + blackouts, key=lambda p: (p.start, p.end, p.kind, p.reason)))
