"""`transfogen status`: the coordinator's week, read from a kit.

The facts come from the kit's data (`.transfogen/contexte.json`): sessions, rituals, the preparation
checklist and its deadlines, warnings, elections. What the coordinator ticked in the kit counts as done:
a checked item (`- [x]`) of the checklist in `programme.md`, or of the preparation list of the next
session's sheet. `week()` is pure; `read_week()` does the reading.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from transfogen.errors import TransfogenError
from transfogen.kit.files import CONTEXT_FILE, STATE_DIR
from transfogen.planning.fr import date_fr, jours_fr

HORIZON = 14  # days ahead for the tasks "due soon"
ELECTION_NOTICE = 60  # days before an electoral reserve starts, to announce it
PREPARATION_HEADING = "## Préparation"
_TASK = re.compile(r"^\s*[-*] \[( |x|X)\] (.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def _day(value: str) -> date:
    return date.fromisoformat(value)


def next_session(context: dict, today: date) -> dict | None:
    """The session under way, or else the first one still to come."""
    return next((s for s in context["sessions"] if _day(s["end"]) >= today), None)


def ticked_titles(programme_md: str) -> set[str]:
    """Titles of the checklist items the user checked in programme.md (`- [x] **date** — Title. …`)."""
    done = set()
    for line in programme_md.splitlines():
        match = _TASK.match(line)
        if match and match[1] in "xX":
            done.add(match[2])
    return done


def preparation(sheet_md: str) -> list[dict[str, Any]]:
    """The preparation list of a session sheet: each item's text and whether it is checked."""
    items, inside = [], False
    for line in sheet_md.splitlines():
        if line.startswith("## "):
            inside = line.startswith(PREPARATION_HEADING)
            continue
        match = _TASK.match(line) if inside else None
        if match:
            text = _LINK.sub(r"\1", _BOLD.sub(r"\1", match[2])).strip()
            items.append({"text": text, "done": match[1] in "xX"})
    return items


def _is_done(title: str, ticked: set[str]) -> bool:
    return any(f"— {title}." in line or line.endswith(f"— {title}") for line in ticked)


def _decisions(context: dict, committee: dict, previous: dict | None) -> list[str]:
    """What the committee decides: cases restituted since the last committee, lab topics worked on."""
    since = _day(previous["start"]) if previous else date.min
    until = _day(committee["start"])
    items = []
    for case in context["cases"]:
        restituted = _day(case["restitution"])
        if since < restituted <= until:
            items.append(
                f"Cas n°{case['number']} « {case['title']} », restitué le {case['restitution_fr']} : "
                "la décision du service sur les suites"
            )
    topics = []
    for s in context["sessions"]:
        if s["lab_topic"] and since < _day(s["end"]) <= until and s["lab_topic_name"] not in topics:
            topics.append(s["lab_topic_name"])
    if topics:
        items.append("Le futur laboratoire : valider les propositions sur " + ", ".join(t.lower() for t in topics))
    following = [
        case
        for case in context["cases"]
        if case["chosen"] and until < _day(_first_day(context, case)) <= until + timedelta(days=120)
    ]
    for case in following:
        items.append(f"Cas n°{case['number']} « {case['title']} » : confirmer le service porteur avant son lancement")
    return items


def _first_day(context: dict, case: dict) -> str:
    return next(s["start"] for s in context["sessions"] if s["number"] == case["first"])


def week(context: dict, today: date, ticked: set[str], prepare: list[dict[str, Any]]) -> dict[str, Any]:
    """The coordinator's week, as plain data (the `--format json` output)."""
    sessions = context["sessions"]
    start, end = _day(context["program"]["start"]), _day(context["program"]["end"])
    moment = "avant" if today < start else ("termine" if today > end else "en-cours")
    upcoming = next_session(context, today)

    tasks_soon, tasks_late = [], []
    for item in context["checklist"]:
        if _is_done(item["title"], ticked):
            continue
        due = _day(item["due"])
        entry = {"due": item["due"], "due_fr": item["due_fr"], "title": item["title"], "owner": item["owner_name"]}
        if due < today:
            if moment != "termine":  # once the programme is over, a missed preparation is history
                tasks_late.append(entry)
        elif due <= today + timedelta(days=HORIZON):
            tasks_soon.append(entry)

    committees = [e for e in context["events"] if e["kind"] == "comite-pilotage"]
    committee = next((e for e in committees if _day(e["start"]) >= today), None)
    previous = None
    if committee is not None:
        index = committees.index(committee)
        previous = committees[index - 1] if index else None

    open_warnings = list(context["warnings"]) if moment != "termine" else []
    for s in sessions:
        if _day(s["end"]) >= today:
            open_warnings += [f"{s['title']} : {w}" for w in s["warnings"]]
    for e in context["events"]:
        if _day(e["end"]) >= today:
            open_warnings += [f"{e['title']} : {w}" for w in e["warnings"]]
    for election in context["elections"]:
        reserve_start, reserve_end = _day(election["reserve_start"]), _day(election["reserve_end"])
        if reserve_start <= today <= reserve_end:
            open_warnings.append(
                f"Réserve électorale en cours ({election['name']}) jusqu'au {election['reserve_end_fr']} : "
                "pas de communication publique nouvelle sur le programme"
            )
        elif today < reserve_start <= today + timedelta(days=ELECTION_NOTICE):
            open_warnings.append(
                f"La réserve électorale ({election['name']}) commence le {election['reserve_start_fr']}"
            )

    next_entry = None
    if upcoming is not None:
        next_entry = {
            "number": upcoming["number"],
            "title": upcoming["title"],
            "days": upcoming["days"],
            "dates_fr": upcoming["dates_fr"],
            "place": upcoming["site"] or context["collectivity"]["name"],
            "in_progress": _day(upcoming["start"]) <= today,
            "days_until": (_day(upcoming["start"]) - today).days,
            "file": upcoming["file"],
            "prepare": [item["text"] for item in prepare if not item["done"]],
        }
    return {
        "date": today.isoformat(),
        "date_fr": date_fr(today),
        "collectivity": context["collectivity"]["name"],
        "moment": moment,
        "program": {"start": start.isoformat(), "end": end.isoformat(), "sessions": len(sessions)},
        "next_session": next_entry,
        "tasks_due": tasks_soon,
        "tasks_overdue": tasks_late,
        "next_committee": None
        if committee is None
        else {
            "title": committee["title"],
            "date": committee["start"],
            "date_fr": committee["date_fr"],
            "decisions": _decisions(context, committee, previous),
        },
        "warnings": open_warnings,
    }


def read_week(kit: Path, today: date) -> dict[str, Any]:
    """Read the kit and compute its week; a kit in the middle of a change is refused."""
    from transfogen.exports.export import check_kit

    check_kit(kit)
    path = kit / STATE_DIR / CONTEXT_FILE
    try:
        context = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise TransfogenError(f"{path} : données du kit illisibles (régénérez-le avec « transfogen new »)") from None
    programme = kit / "programme.md"
    ticked = ticked_titles(programme.read_text(encoding="utf-8")) if programme.is_file() else set()
    upcoming = next_session(context, today)
    prepare: list[dict[str, Any]] = []
    if upcoming is not None and (kit / upcoming["file"]).is_file():
        prepare = preparation((kit / upcoming["file"]).read_text(encoding="utf-8"))
    return week(context, today, ticked, prepare)


def to_text(status: dict[str, Any]) -> str:
    """The week in French, for the terminal."""
    lines = [f"Semaine du {status['date_fr']} — {status['collectivity']}"]
    program = status["program"]
    if status["moment"] == "avant":
        lines.append(f"Le programme commence le {date_fr(_day(program['start']))}.")
    elif status["moment"] == "termine":
        lines.append(f"Le programme est terminé depuis le {date_fr(_day(program['end']))}.")
    lines.append("")
    upcoming = status["next_session"]
    if upcoming is None:
        lines.append("Plus aucune séance à venir.")
    else:
        if upcoming["in_progress"]:
            when = "en cours"
        elif upcoming["days_until"] == 0:
            when = "aujourd'hui"
        else:
            when = f"dans {upcoming['days_until']} jour{'s' if upcoming['days_until'] > 1 else ''}"
        label = "Séance en cours" if upcoming["in_progress"] else "Prochaine séance"
        lines.append(f"{label} : {upcoming['title']}")
        lines.append(f"  les {jours_fr([_day(d) for d in upcoming['days']])} ({when}), {upcoming['place']}")
        lines.append(f"  fiche : {upcoming['file']}")
        if upcoming["prepare"]:
            lines.append("  À préparer :")
            lines += [f"    - {text}" for text in upcoming["prepare"]]
    for title, tasks in (
        (f"Tâches à échéance dans les {HORIZON} jours", status["tasks_due"]),
        ("Tâches en retard", status["tasks_overdue"]),
    ):
        if tasks:
            lines += ["", f"{title} :"]
            lines += [f"  - avant le {t['due_fr']} : {t['title']} — {t['owner']}" for t in tasks]
    if status["tasks_due"] or status["tasks_overdue"]:
        lines.append("  (une tâche faite se coche dans programme.md : - [x])")
    committee = status["next_committee"]
    if committee is not None:
        lines += ["", f"Prochain comité de pilotage : {committee['title']}, le {committee['date_fr']}"]
        if committee["decisions"]:
            lines.append("  Décisions attendues :")
            lines += [f"    - {d}" for d in committee["decisions"]]
    if status["warnings"]:
        lines += ["", "Points d'attention encore ouverts :"]
        lines += [f"  - {w}" for w in status["warnings"]]
    return "\n".join(lines) + "\n"


def to_json(status: dict[str, Any]) -> str:
    return json.dumps(status, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
