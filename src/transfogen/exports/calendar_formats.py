"""The programme's calendar as text, JSON, iCalendar and CSV: pure functions of a `Programme`.

Ids (phases, case stages, lab topics, event kinds) become French names through `labels` (id → name);
phase names also come from `Programme.phases`. An id without a name is shown as is.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta

from transfogen.exports import ics
from transfogen.planning.fr import WEEKDAY_NAMES, date_court
from transfogen.planning.model import WEEKDAYS, Event, Programme, Session
from transfogen.records import record

JSON_FORMAT = "transfogen.calendar/1"

# Never change: every UID in every calendar a user has imported derives from it.
UID_NAMESPACE = uuid.UUID("6f1c2b7e-3d4a-5e8f-9a0b-1c2d3e4f5a6b")

CSV_HEADER = ("Date", "Jour", "Séance", "Jour de séance", "Phase", "Titre", "Focus", "Lieu", "Avertissements")

# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _names(p: Programme, labels: Mapping[str, str] | None) -> dict[str, str]:
    names = {span.id: span.name for span in p.phases if span.name}
    names.update(labels or {})
    return names


def _name(item_id: str | None, names: Mapping[str, str]) -> str:
    if not item_id:
        return ""
    return names.get(item_id, item_id)


def _fr_long(day: date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()]} {date_court(day)}"


# ---------------------------------------------------------------- text


def to_text(p: Programme, labels: Mapping[str, str] | None = None) -> str:
    """A readable French summary: sessions, phases, rituals, skipped months, warnings and notes."""
    names = _names(p, labels)
    c = p.profile.collectivity
    settings = p.profile.program
    lines = [f"Calendrier du programme — {c.name}"]
    if p.sessions:
        first, last = p.sessions[0].start, p.sessions[-1].end
        lines.append(
            f"{len(p.sessions)} séances, du {_fr_long(first)} au {_fr_long(last)} "
            f"(début prévu le {date_court(settings.start)}, {settings.months} mois)"
        )
    else:
        lines.append(f"Aucune séance n'a pu être planifiée (début prévu le {date_court(settings.start)}).")

    if p.phases:
        lines += ["", "Phases"]
        width = max(len(span.name or span.id) for span in p.phases)
        for span in p.phases:
            numbers = ", ".join(str(n) for n in span.sessions) or "aucune"
            lines.append(
                f"  {(span.name or span.id):<{width}}  {date_court(span.start)} → {date_court(span.end)}  séances : {numbers}"
            )

    if p.sessions:
        lines += ["", "Séances"]
        rows = [
            (
                f"{s.number:>2}",
                (f"{date_court(s.start)} → {date_court(s.end)}" if s.end != s.start else date_court(s.start))
                + (" (provisoire)" if s.provisional else ""),
                _name(s.phase, names),
                s.site or "",
                s.title,
            )
            for s in p.sessions
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        shown = [i for i in range(5) if widths[i]]  # no empty "site" column when no site is known
        for s, row in zip(p.sessions, rows, strict=False):
            lines.append("  " + "  ".join(row[i].ljust(widths[i]) for i in shown).rstrip())
            if s.focus:
                lines.append(f"      {s.focus}")
            lines += [f"      ! {w}" for w in s.warnings]

    if p.events:
        lines += ["", "Rituels et temps forts"]
        for e in p.events:
            when = date_court(e.start) if e.end == e.start else f"{date_court(e.start)} → {date_court(e.end)}"
            extra = f" (pendant la séance {e.session})" if e.session is not None else ""
            public = " — public" if e.public else ""
            lines.append(f"  {when}  {e.title}{extra}{public}")
            lines += [f"      {e.adjustment}"] if e.adjustment else []
            lines += [f"      ! {w}" for w in e.warnings]

    if p.skipped_months:
        lines += ["", "Mois sans séance"]
        lines += [f"  {m.label}  {m.reason}" for m in p.skipped_months]

    if p.checklist:
        lines += ["", "À préparer avant la première séance"]
        for d in p.checklist:
            owner = _name(d.owner, names)
            lines.append(f"  avant le {date_court(d.due)}  {d.title}" + (f" ({owner})" if owner else ""))

    if p.budgets:
        lines += ["", "Temps à prévoir par personne"]
        width = max(len(_name(b.role, names)) for b in p.budgets)
        for b in p.budgets:
            lines.append(
                f"  {_name(b.role, names):<{width}}  {_daysdate_court(b.days)}" + (f" — {b.detail}" if b.detail else "")
            )

    if p.elections:
        lines += ["", "Élections"]
        for el in p.elections:
            unconfirmed = " (date non confirmée)" if not el.confirmed else ""
            lines.append(
                f"  {el.name} : {date_court(el.date)}{unconfirmed}, réserve électorale dès le {date_court(el.reserve_start)}"
            )

    if p.warnings:
        lines += ["", "Avertissements"]
        lines += [f"  ! {w}" for w in p.warnings]
    if p.notes:
        lines += ["", "Remarques"]
        lines += [f"  - {n}" for n in p.notes]
    return "\n".join(lines) + "\n"


def _daysdate_court(days: float) -> str:
    text = f"{days:g}".replace(".", ",")
    return f"{text} jour" if days <= 1 else f"{text} jours"


# ---------------------------------------------------------------- JSON


def to_json(p: Programme, labels: Mapping[str, str] | None = None) -> str:
    """The documented JSON format (docs/calendrier-json.md): sorted keys, dates as ISO strings."""
    names = _names(p, labels)
    profile = p.profile
    c, settings = profile.collectivity, profile.program
    data = {
        "format": JSON_FORMAT,
        "collectivity": {
            "name": c.name,
            "slug": profile.slug,
            "kind": c.kind,
            "department": c.department,
            "school_zone": c.school_zone,
            "sites": list(c.sites),
            "network": list(c.network),
        },
        "program": {
            "start": settings.start.isoformat(),
            "months": settings.months,
            "session_days": settings.session_days,
            "weekdays": [WEEKDAYS[d] for d in settings.weekdays],
            "avoid_school_holidays": settings.avoid_school_holidays,
        },
        "team": {"residents": profile.team.residents, "ambassadors": profile.team.ambassadors},
        "cases": [{"number": i, "title": k.title, "service": k.service} for i, k in enumerate(profile.cases, 1)],
        "sessions": [_session_json(s, names) for s in p.sessions],
        "events": [_event_json(e, names) for e in p.events],
        "skipped_months": [{"month": m.label, "reason": m.reason} for m in p.skipped_months],
        "phases": [
            {
                "id": span.id,
                "name": span.name,
                "start": span.start.isoformat(),
                "end": span.end.isoformat(),
                "sessions": list(span.sessions),
            }
            for span in p.phases
        ],
        "checklist": [
            {"due": d.due.isoformat(), "title": d.title, "owner": d.owner, "detail": d.detail} for d in p.checklist
        ],
        "budgets": [{"role": b.role, "days": b.days, "detail": b.detail} for b in p.budgets],
        "elections": [
            {
                "id": el.id,
                "name": el.name,
                "date": el.date.isoformat(),
                "reserve_start": el.reserve_start.isoformat(),
                "source": el.source,
                "confirmed": el.confirmed,
            }
            for el in p.elections
        ],
        "warnings": list(p.warnings),
        "notes": list(p.notes),
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _session_json(s: Session, names: Mapping[str, str]) -> dict:
    return {
        "number": s.number,
        "start": s.start.isoformat(),
        "end": s.end.isoformat(),
        "days": [d.isoformat() for d in s.days],
        "phase": s.phase,
        "phase_name": _name(s.phase, names),
        "title": s.title,
        "focus": s.focus,
        "case": s.case,
        "stage": s.stage,
        "stage_name": _name(s.stage, names) or None,
        "lab_topic": s.lab_topic,
        "lab_topic_name": _name(s.lab_topic, names) or None,
        "site": s.site,
        "provisional": s.provisional,
        "warnings": list(s.warnings),
    }


def _event_json(e: Event, names: Mapping[str, str]) -> dict:
    return {
        "kind": e.kind,
        "kind_name": _name(e.kind, names),
        "start": e.start.isoformat(),
        "end": e.end.isoformat(),
        "title": e.title,
        "description": e.description,
        "session": e.session,
        "public": e.public,
        "warnings": list(e.warnings),
        "adjustment": e.adjustment,
    }


# ---------------------------------------------------------------- iCalendar


# Calendar continuity. A UID names what an event *is*, not where it sits: a session is "case 2, its
# test stage" (or "the launch", "the lab's governance topic"), not "session 7", because a blackout that
# removes a month renumbers every later session while each one keeps its meaning. Rituals are numbered
# within their kind ("steering committee 3"), as the kit itself numbers them. The programme part is the
# slug of the first generation, kept in X-WR-RELCALID so a renamed collectivity keeps its UIDs. Every UID
# starts with "transfogen.<programme>." so `publish` recognises its own events and no one else's.
UID_ROOT = "transfogen"
# The properties whose change makes an event "changed": SEQUENCE goes up, LAST-MODIFIED moves.
_CONTENT = ("SUMMARY", "DTSTART", "DTEND", "DESCRIPTION", "LOCATION", "CATEGORIES", "STATUS", "TRANSP")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


@record
class CalendarHistory:
    """What an update knows of the calendar it replaces: its bytes and the moment of the update."""

    previous: bytes
    moment: datetime  # UTC; the LAST-MODIFIED of whatever changes now


def programme_id(p: Programme) -> str:
    slug = p.profile.slug
    if slug and _SLUG.fullmatch(slug):
        return slug
    return uuid.uuid5(UID_NAMESPACE, slug or p.profile.collectivity.name).hex[:16]


def uid_prefix(programme: str) -> str:
    return f"{UID_ROOT}.{programme}."


def _numbered(keys: list[str]) -> list[str]:
    """Repeated identities get -2, -3… in order (two sessions on the same lab topic)."""
    seen: dict[str, int] = {}
    out = []
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
        out.append(key if seen[key] == 1 else f"{key}-{seen[key]}")
    return out


def session_keys(sessions) -> list[str]:
    """Stable identities of sessions given as mappings or `Session`s (phase, case, stage, lab_topic)."""

    def get(s, name):
        return s.get(name) if isinstance(s, Mapping) else getattr(s, name)

    keys = []
    for s in sessions:
        if get(s, "case") is not None and get(s, "stage"):
            keys.append(f"seance-cas-{get(s, 'case')}-{get(s, 'stage')}")
        elif get(s, "lab_topic"):
            keys.append(f"seance-{get(s, 'phase')}-{get(s, 'lab_topic')}")
        else:
            keys.append(f"seance-{get(s, 'phase')}")
    return _numbered(keys)


def event_keys(events) -> list[str]:
    """Stable identities of rituals: their kind and their rank within it ("comite-pilotage-3")."""
    kinds = [e["kind"] if isinstance(e, Mapping) else e.kind for e in events]
    counts: dict[str, int] = {}
    keys = []
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
        keys.append(f"{kind}-{counts[kind]}")
    return keys


def item_uid(p: Programme, key: str, programme: str | None = None) -> str:
    """The UID of the session or ritual whose identity is `key` (see `session_keys`, `event_keys`)."""
    return uid_prefix(programme or programme_id(p)) + key


def _parsed(name: str, prop) -> list[ics.Property]:
    """A property of a calendar read by icalendar, as the writer's (NAME, parameters, value)."""
    props = prop if isinstance(prop, list) else [prop]
    out = []
    for one in props:
        parameters = one.params.to_ical(sorted=True).decode() if getattr(one, "params", None) else ""
        out.append((name, f";{parameters}" if parameters else "", one.to_ical().decode()))
    return out


def _content(properties: list[ics.Property]) -> tuple[str, ...]:
    """What an event says (see `_CONTENT`), as written: equal for equal events, old or new."""
    return tuple(ics.line(p) for p in ics.ordered((p for p in properties if p[0] in _CONTENT), ics.EVENT_ORDER))


@record
class _Known:
    properties: list[ics.Property]  # its content properties, as the previous calendar wrote them
    sequence: int
    modified: datetime
    content: tuple[str, ...]
    cancelled: bool


def _previous_events(ics_bytes: bytes) -> tuple[str | None, dict[str, _Known]]:
    from icalendar import Calendar

    whole = Calendar.from_ical(ics_bytes)
    known = {}
    for event in whole.walk("VEVENT"):
        modified = event.decoded("LAST-MODIFIED") if "LAST-MODIFIED" in event else event.decoded("DTSTAMP")
        properties = [p for name in _CONTENT if name in event for p in _parsed(name, event[name])]
        known[str(event["UID"])] = _Known(
            properties,
            int(event.get("SEQUENCE", 0)),
            modified,
            _content(properties),
            str(event.get("STATUS", "")) == "CANCELLED",
        )
    relcalid = whole.get("X-WR-RELCALID")
    return (str(relcalid) if relcalid else None), known


def to_ics(p: Programme, labels: Mapping[str, str] | None = None, history: CalendarHistory | None = None) -> bytes:
    """RFC 5545 calendar: one all-day event per session and per ritual; identical bytes for identical input.

    With `history` (an update), an unchanged event keeps its SEQUENCE and LAST-MODIFIED, a changed one
    gets SEQUENCE + 1 and the update's moment, and an event gone since the previous calendar is written
    once more, STATUS:CANCELLED with SEQUENCE + 1, so a calendar that imported it removes or strikes it.
    Written by `ics` (icalendar's bytes without its import); icalendar reads the previous calendar only.
    """
    from transfogen import __version__

    names = _names(p, labels)
    name = p.profile.collectivity.name
    # The clock would make every run differ: a new kit is stamped with a date taken from the profile,
    # an update with its own moment (stored in the calendar it writes, so a re-render is identical).
    stamp = datetime.combine(p.profile.program.start, time(0, 0), tzinfo=UTC)
    owner, known = _previous_events(history.previous) if history else (None, {})
    owner = owner or programme_id(p)
    moment = history.moment if history else stamp
    sites = {s.number: s.site for s in p.sessions}

    calendar = [
        ics.text("PRODID", f"-//transfogen//transfogen {__version__}//FR"),
        ics.text("VERSION", "2.0"),
        ics.text("CALSCALE", "GREGORIAN"),
        ics.text("METHOD", "PUBLISH"),
        ics.verbatim("X-WR-CALNAME", f"Programme Transfo — {name}"),
        ics.verbatim("X-WR-CALDESC", f"Séances et rituels du programme de laboratoire d'innovation — {name}"),
        ics.verbatim("X-WR-RELCALID", owner),
    ]
    events: list[str] = []
    present: set[str] = set()

    def stamped(properties: list[ics.Property], uid: str) -> None:
        before = known.get(uid)
        content = _content(properties)
        if before is None:
            sequence, modified = 0, moment
        elif before.content == content and not before.cancelled:
            sequence, modified = before.sequence, before.modified
        else:
            # Never backwards: a kit stamped with its future start date may be updated before it.
            sequence, modified = before.sequence + 1, max(moment, before.modified + timedelta(seconds=1))
        properties += [
            ics.text("UID", uid),
            ics.utc("DTSTAMP", modified),
            ics.utc("LAST-MODIFIED", modified),
            ics.integer("SEQUENCE", sequence),
        ]
        present.add(uid)
        events.append(ics.component("VEVENT", properties, ics.EVENT_ORDER))

    for s, key in zip(p.sessions, session_keys(p.sessions), strict=True):
        ev = [
            ics.day("DTSTART", s.start),
            ics.day("DTEND", s.end + timedelta(days=1)),  # exclusive: the day after the last day
            ics.text("SUMMARY", s.title),
            ics.text("DESCRIPTION", _session_description(s, names)),
            ics.categories("CATEGORIES", [c for c in ("Séance", _name(s.phase, names)) if c]),
        ]
        if s.site:
            ev.append(ics.text("LOCATION", s.site))
        if s.provisional:
            ev.append(ics.text("STATUS", "TENTATIVE"))  # dates past the published school calendar
        stamped(ev, uid_prefix(owner) + key)

    for e, key in zip(p.events, event_keys(p.events), strict=True):
        ev = [
            ics.day("DTSTART", e.start),
            ics.day("DTEND", e.end + timedelta(days=1)),
            ics.text("SUMMARY", e.title),
            ics.text("DESCRIPTION", _event_description(e)),
            ics.categories("CATEGORIES", [c for c in ("Rituel", _name(e.kind, names)) if c]),
        ]
        site = sites.get(e.session) if e.session is not None else None
        if site:
            ev.append(ics.text("LOCATION", site))
        ev.append(ics.text("TRANSP", "TRANSPARENT"))  # a ritual inside a session must not show as a second conflict
        stamped(ev, uid_prefix(owner) + key)

    for uid in sorted(set(known) - present):
        before = known[uid]
        if before.cancelled:
            continue  # cancelled by the previous update already: said once, not repeated
        ev = [prop for prop in before.properties if prop[0] != "STATUS"] + [ics.text("STATUS", "CANCELLED")]
        stamped(ev, uid)
    return ics.component("VCALENDAR", calendar, ics.CALENDAR_ORDER, events).encode("utf-8")


def _session_description(s: Session, names: Mapping[str, str]) -> str:
    lines = [s.focus] if s.focus else []
    lines.append(f"Phase : {_name(s.phase, names)}")
    if s.stage:
        lines.append(f"Étape du cas : {_name(s.stage, names)}")
    if s.lab_topic:
        lines.append(f"Préfiguration du labo : {_name(s.lab_topic, names)}")
    lines.append("Jours : " + ", ".join(_fr_long(d) for d in s.days))
    lines += [f"Attention : {w}" for w in s.warnings]
    return "\n".join(lines)


def _event_description(e: Event) -> str:
    lines = [text for text in (e.description, e.adjustment) if text]
    if e.session is not None:
        lines.append(f"Pendant la séance {e.session}.")
    if e.public:
        lines.append("Temps public.")
    lines += [f"Attention : {w}" for w in e.warnings]
    return "\n".join(lines)


# ---------------------------------------------------------------- CSV


def to_csv(p: Programme, labels: Mapping[str, str] | None = None) -> bytes:
    """One row per session day, for LibreOffice and a French-locale Excel: UTF-8 BOM, `;`, CRLF."""
    names = _names(p, labels)
    out = io.StringIO(newline="")
    import csv  # the CSV format only

    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for s in p.sessions:
        for k, day in enumerate(s.days, 1):
            writer.writerow(
                [
                    date_court(day),
                    WEEKDAY_NAMES[day.weekday()],
                    s.number,
                    # not "1/3": Excel would read it as a date
                    f"jour {k} sur {len(s.days)}",
                    _cell(_name(s.phase, names)),
                    _cell(s.title),
                    _cell(s.focus),
                    _cell(s.site or ""),
                    _cell(" / ".join(s.warnings)),
                ]
            )
    return out.getvalue().encode("utf-8-sig")


def _cell(text: str) -> str:
    # A leading apostrophe makes a spreadsheet show a user's "=…" case title as text, not run it.
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
