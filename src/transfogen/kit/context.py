"""The `kit` context every template sees (documented in docs/contexte-kit.md).

Pure: turns a planned `Programme` into plain JSON-ready data (strings, numbers, lists, dicts), with a
French `_fr` twin for every date, so the cookiecutter skeleton needs no custom filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from transfogen.kit.markup import escape_markdown
from transfogen.planning.collectivites import governance, small_group, towns
from transfogen.planning.fr import date_fr, jours, jours_fr, mois_fr, month_end
from transfogen.planning.model import Case, Event, Profile, Programme, Session
from transfogen.planning.names import name_forms, phrase_forms


@dataclass(frozen=True)
class Labels:
    """French names of the ids a programme uses, taken from the template's data."""

    phases: dict[str, str] = field(default_factory=dict)
    phase_descriptions: dict[str, str] = field(default_factory=dict)
    stages: dict[str, str] = field(default_factory=dict)
    lab_topics: dict[str, str] = field(default_factory=dict)
    events: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    departments: dict[str, str] = field(default_factory=dict)


# French names of the kinds of `Programme.closures`.
CLOSURE_KINDS = {"ferie": "Jour férié", "vacances": "Vacances scolaires", "blocage": "Période bloquée"}


def _budget_cycle(programme: Programme) -> dict[str, Any] | None:
    cycle = programme.budget_cycle
    if cycle is None:
        return None
    return {
        "year": cycle.year,
        **_date("debate_from", cycle.debate_from),
        **_date("vote_by", cycle.vote_by),
        "debate_source": cycle.debate_source,
        "debate_window": cycle.debate_window,
        "vote_source": cycle.vote_source,
        "means_session": cycle.means_session,
    }


def _date(key: str, value: date) -> dict[str, str]:
    return {key: value.isoformat(), f"{key}_fr": date_fr(value)}


def session_file(number: int) -> str:
    return f"seances/seance-{number:02d}.md"


# Values that are identifiers, paths, ISO dates or the template's own version: never profile text.
VERBATIM_KEYS = frozenset(
    {
        "id", "kind", "department", "school_zone", "slug", "phase", "stage", "lab_topic", "owner", "file",
        "start", "end", "days", "due", "date", "restitution", "reserve_start", "reserve_end", "month", "version",
        "steps", "ambassador_days", "nature",
    }
)  # fmt: skip


# Most texts of a context are the template's, the same in every kit of a batch: each is escaped once.
_escaped = lru_cache(maxsize=8192)(escape_markdown)


def markdown_context(value: Any, key: str = "") -> Any:
    """The context as Markdown templates see it: every text escaped, so that a profile value (a name,
    a case title, a site) renders as the same characters and never as an image, a link or a heading.

    `build_context` keeps the raw values for the outputs that are not Markdown (HTML, ICS, JSON)."""
    if isinstance(value, str):
        return value if key in VERBATIM_KEYS else _escaped(str(value))
    if isinstance(value, dict):
        return {name: markdown_context(item, name) for name, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [markdown_context(item, key) for item in value]
    return value


# The case data a profile may give (model.Case), with what the cadrage session collects when it does not.
CASE_DATA = {
    "nature": "ce qu'est le cas (un service rendu au public, un espace public, un équipement, une pratique "
    "interne aux services ou une politique menée avec des partenaires) et son objet en quelques mots",
    "question": "la question telle que le service la pose, en une phrase",
    "referent": "le nom et la fonction de la personne du service qui suit le groupe",
    "users": "les usagers concernés, par situation (qui, combien, où)",
    "non_users": "les personnes que le cas devrait toucher et ne touche pas",
    "places": "les lieux où le cas se vit et peut être observé",
    "known": "ce que l'on sait déjà : chiffres d'usage, plaintes, tentatives passées",
}


def _case_data(case: Any) -> dict[str, Any]:
    """A case's data for the sheets, and the list of what is still to collect (`missing`)."""
    if case is None:
        values: dict[str, Any] = {
            "nature": "",
            "object": "",
            "question": "",
            "referent": "",
            "users": [],
            "non_users": [],
            "places": [],
            "known": [],
        }
    else:
        values = {
            "nature": case.nature,
            "object": case.object,
            "question": case.question,
            "referent": case.referent,
            "users": list(case.users),
            "non_users": list(case.non_users),
            "places": list(case.places),
            "known": list(case.known),
        }
    # The object inside a sentence: « de la carte citoyenne », « aux pieds d'arbres » (names.py).
    forms = phrase_forms(values["object"]) if values["object"] else {"of": "", "to": ""}
    values["object_of"], values["object_to"] = forms["of"], forms["to"]
    values["missing"] = [{"key": key, "what": what} for key, what in CASE_DATA.items() if not values[key]]
    return values


def _session_entry(s: Session, cases: tuple[Case, ...], labels: Labels) -> dict[str, Any]:
    case_title = ""
    if s.case is not None:
        case_title = cases[s.case - 1].title if s.case <= len(cases) else f"Cas pratique n°{s.case}"
    # Only named cases run in parallel: the second one always has a title.
    parallel_title = cases[s.parallel_case - 1].title if s.parallel_case else ""
    return {
        "number": s.number,
        **_date("start", s.start),
        **_date("end", s.end),
        "days": [d.isoformat() for d in s.days],
        "days_fr": [date_fr(d) for d in s.days],
        "dates_fr": jours_fr(s.days),
        "month_fr": mois_fr(s.start),
        "phase": s.phase,
        "phase_name": labels.phases.get(s.phase, s.phase),
        "title": s.title,
        "focus": s.focus,
        "case": s.case,
        "case_title": case_title,
        "parallel_case": s.parallel_case,
        "parallel_case_title": parallel_title,
        "stage": s.stage or "",
        "stage_name": labels.stages.get(s.stage, s.stage or "") if s.stage else "",
        "lab_topic": s.lab_topic or "",
        "lab_topic_name": labels.lab_topics.get(s.lab_topic, s.lab_topic or "") if s.lab_topic else "",
        "site": s.site or "",
        "provisional": s.provisional,
        "warnings": list(s.warnings),
        "file": session_file(s.number),
        "steps": list(s.steps),
        "ambassador_days": [d.isoformat() for d in s.ambassador_days],
        "ambassador_dates_fr": jours_fr(s.ambassador_days),
        "prepares_exchange": s.prepares_exchange,
        "debriefs_exchange": s.debriefs_exchange,
        "lab_trial": s.lab_trial,
        "decides_lab_means": s.decides_lab_means,
    }


def _event_entry(e: Event, labels: Labels) -> dict[str, Any]:
    return {
        "kind": e.kind,
        "kind_label": labels.events.get(e.kind, e.kind),
        **_date("start", e.start),
        **_date("end", e.end),
        "date_fr": date_fr(e.start),
        "title": e.title,
        "description": e.description,
        "session": e.session,
        "public": e.public,
        "warnings": list(e.warnings),
        "adjustment": e.adjustment,
    }


def _case_entries(programme: Programme) -> list[dict[str, Any]]:
    """The cases the plan holds, with their sessions and restitution date."""
    cases = programme.profile.cases
    case_entries = []
    planned_cases = sorted({case for s in programme.sessions for case in s.cases})
    total_cases = len(planned_cases)
    for number in planned_cases:
        own = [s for s in programme.sessions if number in s.cases]
        numbers = [s.number for s in own]
        last = own[-1]
        known = number <= len(cases)
        # In a parallel pair, the first case goes to the first half-group, the second to the other.
        partner = own[0].parallel_case if own[0].case == number else own[0].case if own[0].parallel_case else None
        case_entries.append(
            {
                "number": number,
                "title": cases[number - 1].title if known else f"Cas pratique n°{number}",
                "service": cases[number - 1].service if known else "",
                "chosen": known,
                **_case_data(cases[number - 1] if known else None),
                "rank": number,
                "of": total_cases,
                "sessions": numbers,
                "first": numbers[0],
                "last": numbers[-1],
                "restitution": last.end.isoformat(),
                "restitution_fr": date_fr(last.end),
                "parallel_with": partner,
                "group": (1 if own[0].case == number else 2) if partner else None,
            }
        )
    return case_entries


def _unplanned_cases(programme: Programme) -> list[dict[str, Any]]:
    """The named cases the programme could not hold: the future lab's first candidates."""
    cases = programme.profile.cases
    return [
        {"number": n, "title": cases[n - 1].title, "service": cases[n - 1].service} for n in programme.unplanned_cases
    ]


def _collectivity_entry(profile: Profile, labels: Labels) -> dict[str, Any]:
    collectivity = profile.collectivity
    return {
        "name": collectivity.name,
        **name_forms(collectivity.name),
        "kind": collectivity.kind,
        "kind_label": labels.kinds.get(collectivity.kind, collectivity.kind),
        "department": collectivity.department,
        "department_name": labels.departments.get(collectivity.department, collectivity.department),
        "school_zone": collectivity.school_zone or "",
        "sites": list(collectivity.sites),
        "network": list(collectivity.network),
        "slug": profile.slug,
        "governance": governance(collectivity.kind, collectivity.department),
        "towns": towns(collectivity.sites, collectivity.kind),
        "multi_site": len(towns(collectivity.sites, collectivity.kind)) > 1,
    }


def build_context(programme: Programme, labels: Labels, template: dict[str, str]) -> dict[str, Any]:
    profile = programme.profile
    start = programme.sessions[0].start if programme.sessions else profile.program.start
    end = programme.sessions[-1].end if programme.sessions else profile.program.start
    return {
        "collectivity": _collectivity_entry(profile, labels),
        "program": {
            **_date("start", start),
            **_date("end", end),
            "months": profile.program.months,
            "session_days": profile.program.session_days,
            "avoid_school_holidays": profile.program.avoid_school_holidays,
            "summer_break": profile.program.summer_break,
            "parallel_cases": profile.program.parallel_cases,
        },
        "budget_cycle": _budget_cycle(programme),
        "team": {
            "residents": profile.team.residents,
            "ambassadors": profile.team.ambassadors,
            "small_group": small_group(profile.team.ambassadors),
        },
        "cases": _case_entries(programme),
        "unplanned_cases": _unplanned_cases(programme),
        "sessions": [_session_entry(s, profile.cases, labels) for s in programme.sessions],
        "events": [_event_entry(e, labels) for e in programme.events],
        "phases": [
            {
                "id": p.id,
                "name": p.name,
                "description": labels.phase_descriptions.get(p.id, ""),
                **_date("start", p.start),
                **_date("end", p.end),
                "sessions": list(p.sessions),
            }
            for p in programme.phases
        ],
        "checklist": [
            {
                **_date("due", d.due),
                "title": d.title,
                "owner": d.owner,
                "owner_name": labels.roles.get(d.owner, d.owner),
                "detail": d.detail,
            }
            for d in programme.checklist
        ],
        "budgets": {
            b.role: {
                "days": b.days,
                "days_fr": jours(b.days),
                "detail": b.detail,
                "name": labels.roles.get(b.role, b.role),
            }
            for b in programme.budgets
        },
        "elections": [
            {
                "name": e.name,
                **_date("date", e.date),
                **_date("reserve_start", e.reserve_start),
                # The L52-1 reserve runs to the end of the election's month.
                **_date("reserve_end", month_end(e.date)),
                "source": e.source,
                "confirmed": e.confirmed,
            }
            for e in programme.elections
        ],
        "closures": [
            {
                "kind": c.kind,
                "kind_label": CLOSURE_KINDS.get(c.kind, c.kind),
                "name": c.reason,
                **_date("start", c.start),
                **_date("end", c.end),
            }
            for c in programme.closures
        ],
        "skipped_months": [
            {"month": m.label, "month_fr": mois_fr(date(m.year, m.month, 1)), "reason": m.reason}
            for m in programme.skipped_months
        ],
        "roles": dict(labels.roles),
        "warnings": list(programme.warnings),
        "notes": list(programme.notes),
        "template": dict(template),
    }
