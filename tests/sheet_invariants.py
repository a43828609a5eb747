"""The promises a kit's session sheets keep, read from the rendered sheets as a facilitator reads them.

Checked on every bundled example and on random realistic profiles (test_session_properties.py), for
each bundled template. `sheet_problems` returns every broken promise at once, each named by a short key
and described in a line that says where (the session, the case, the date).
"""

from __future__ import annotations

import difflib
import itertools
import re
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

from transfogen.kit.build import make_kit_files
from transfogen.planning.model import Programme
from transfogen.templating.template import Template

_ROW = re.compile(r"^\| \d\d:\d\d–\d\d:\d\d \| \d+ min \| (.*?) \|")
_LINK = re.compile(r"\]\(\.\./methodes/([a-z0-9-]+)\.md\)")
_DAY = re.compile(r"^### Jour \d+ ")


@dataclass(frozen=True)
class Sheet:
    """A rendered session sheet: its front matter, its agenda day by day, every method it links."""

    number: int
    meta: dict
    days: tuple[tuple[str, ...], ...]  # method ids of each day's agenda, in order, a split method once
    linked: frozenset[str]  # every method sheet the session sheet links to, agenda or not
    text: str

    @property
    def agenda(self) -> list[str]:
        return [method for day in self.days for method in day]


def session_sheets(programme: Programme, template: Template) -> dict[str, str]:
    """Each session sheet of the kit, by its path in the kit, made in memory as `transfogen new` makes it."""
    files = make_kit_files(programme, template, "", Path(tempfile.gettempdir()), None, site=False)
    return {name: data.decode("utf-8") for name, data in files.data.items() if name.startswith("seances/seance-")}


def read_sheet(text: str) -> Sheet:
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    days: list[list[str]] = []
    for line in body.splitlines():
        if _DAY.match(line):
            days.append([])
            continue
        row = _ROW.match(line)
        if row and days:
            found = _LINK.search(row[1])
            # A method the block's break cuts in two reads "(début)" then "(suite)": one activity.
            if found and "(suite)](" not in row[1]:
                days[-1].append(found[1])
    return Sheet(meta["number"], meta, tuple(map(tuple, days)), frozenset(_LINK.findall(body)), text)


def rituals_of(template: Template) -> set[str]:
    """The methods the code treats as the day's rituals: the frame's opening and closing, and the
    `daily` ones (capitalisation in transfo, the field rounds in residence)."""
    day = template.day
    assert day is not None
    return {slot["method"] for slot in day.slots if slot.get("method")} | set(day.daily)


def _families(template: Template, *families: str, with_users: bool = False) -> set[str]:
    return {
        method
        for method, sheet in template.methods.items()
        if sheet.meta.get("family") in families and (not with_users or "usagers" in (sheet.meta.get("roles") or []))
    }


def arc_methods(template: Template) -> dict[str, set[str]]:
    """What counts as field work, prototyping and testing, from the method sheets' own family and roles:
    field work and tests meet users (the `usagers` role), prototyping is the prototyping family."""
    return {
        "terrain": _families(template, "immersion", "entretiens", with_users=True),
        "prototypage": _families(template, "prototypage"),
        "test": _families(template, "test", with_users=True),
    }


def masked_lines(text: str, names: list[str]) -> list[str]:
    """A sheet's lines with what only names a case or a date set aside: titles, services, referents,
    sites, numbers, days and months."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "X")
    text = re.sub(r"\d+", "N", text)
    text = re.sub(r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b", "J", text)
    months = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
    text = re.sub(rf"\b({months})\b", "M", text)
    return [line for line in text.splitlines() if line.strip()]


def closest_same_stage_pair(programme: Programme, sheets: dict[int, Sheet]) -> tuple[float, str]:
    """The similarity of the two most alike sessions of the same stage and different cases, and which."""
    profile = programme.profile
    names = [profile.collectivity.name, *profile.collectivity.sites]
    names += [text for case in profile.cases for text in (case.title, case.service, case.referent) if text]
    worst = (0.0, "")
    by_stage: dict[str, list] = {}
    for session in programme.sessions:
        if session.case is not None and session.stage:
            by_stage.setdefault(session.stage, []).append(session)
    for stage, sessions in by_stage.items():
        for one, other in itertools.combinations(sessions, 2):
            if one.case == other.case:
                continue
            texts = [masked_lines(sheets[s.number].text, names) for s in (one, other)]
            ratio = difflib.SequenceMatcher(None, *texts, autojunk=False).ratio()
            worst = max(worst, (ratio, f"{stage} : séances {one.number} et {other.number}"))
    return worst


def _month_end(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def sheet_problems(
    programme: Programme, template: Template, rendered: dict[str, str], similarity_ceiling: float
) -> list[tuple[str, str]]:
    """Every promise the rendered session sheets break, as (promise, what breaks it) (empty: all kept).

    Promises: arc, jour, similarite, ete, ambassadeurs, reserve, comite.
    """
    problems: list[tuple[str, str]] = []
    sheets = {sheet.number: sheet for sheet in map(read_sheet, rendered.values())}
    rules = template.rules
    program = programme.profile.program
    assert sorted(sheets) == [s.number for s in programme.sessions]
    day = template.day
    assert day is not None

    # Each case goes to the field with users and non-users, prototypes, and tests what it made, within
    # its own sessions (the residence's one-session project too: it starts by going back to the field).
    kinds = arc_methods(template)
    for case in sorted({s.case for s in programme.sessions if s.case is not None}):
        own = [s.number for s in programme.sessions if s.case == case]
        done = {m for n in own for m in sheets[n].agenda}
        for kind, methods in kinds.items():
            if methods and not methods & done:
                problems.append(("arc", f"cas {case} (séances {own}) : pas de {kind}"))

    # No method twice on one day; no activity but the day's rituals on two days of a session.
    rituals = rituals_of(template)
    for number, sheet in sheets.items():
        seen: dict[str, int] = {}
        for index, methods in enumerate(sheet.days, start=1):
            twice = sorted({m for m in methods if methods.count(m) > 1})
            if twice:
                problems.append(("jour", f"séance {number}, jour {index} : {twice} deux fois"))
            for method in set(methods) - rituals:
                if method in seen:
                    problems.append(("jour", f"séance {number} : {method} les jours {seen[method]} et {index}"))
                seen.setdefault(method, index)

    # Same-stage sessions of different cases read differently beyond names and dates.
    ratio, pair = closest_same_stage_pair(programme, sheets)
    if ratio >= similarity_ceiling:
        problems.append(("similarite", f"{pair} identiques à {ratio:.0%}"))

    # No session day in the summer break, unless the profile opts out: the dates the sheet prints.
    if program.summer_break and rules.rhythm.summer_break:
        (m1, d1), (m2, d2) = rules.rhythm.summer_break
        for number, sheet in sheets.items():
            for when in sheet.meta["dates"]:
                if (m1, d1) <= (when.month, when.day) <= (m2, d2):
                    problems.append(("ete", f"séance {number} le {when} (pause d'été)"))

    # Ambassadors within the lettre de mission; above it only when the profile forces it, that is
    # when the planner already brought every session to the fewest days the ambassadors can attend.
    high = rules.mission_days[1]
    for budget in programme.budgets:
        if budget.role == "ambassadeurs" and budget.days > high:
            floor = {s.number: 1 if s.phase == "prefiguration" else 2 for s in programme.sessions}
            longer = [s.number for s in programme.sessions if len(s.ambassador_days) > floor[s.number]]
            if longer or not any("lettre de mission" in w for w in programme.warnings):
                problems.append(
                    ("ambassadeurs", f"{budget.days} jours (> {high}) sans y être forcés : séances {longer}")
                )

    # No public event with élus inside an electoral reserve: the rituals the sheets hold.
    public = {r.kind for r in rules.rituals if r.public}
    for election in programme.elections:
        end = _month_end(election.date)
        for event in programme.events:
            inside = event.start <= end and event.end >= election.reserve_start
            if inside and event.kind in public and event.public:
                problems.append(
                    ("reserve", f"{event.title} ({event.start}) public pendant la réserve de {election.name}")
                )

    # The restitution comes before the committee that decides on it, in the agenda the sheet prints.
    restitution, committee = day.rituals.get("restitution"), day.rituals.get("comite-pilotage")
    if restitution and committee:
        for number, sheet in sheets.items():
            agenda = sheet.agenda
            held = restitution[0] in agenda and committee[-1] in agenda
            if held and agenda.index(restitution[0]) > agenda.index(committee[-1]):
                problems.append(("comite", f"séance {number} : le comité décide avant la restitution"))
    return problems


def reachable_methods(rendered: dict[str, str]) -> set[str]:
    """The methods a kit's session sheets schedule or offer (any link to a method sheet)."""
    return {m for text in rendered.values() for m in read_sheet(text).linked}
