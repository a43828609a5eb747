"""`transfogen update`: plan a kit again and keep what its user wrote in it.

The kit keeps its previous render (`snapshot.py`). An update renders the new kit in a temporary folder,
then merges file by file, three ways, like copier's and cruft's updates: base = the previous render,
ours = the kit as the user left it, theirs = the new render.

- a file the user did not touch takes the new content (or goes, if the new kit has no such file);
- a file the user edited keeps the edits, with the new content merged in (`merge3`); a line changed on
  both sides is a conflict, written with the usual markers, and the user's lines are all there;
- a file the user deleted stays deleted; a file the user added is never read nor written.

Writing is journaled (`.transfogen/maj-en-cours/`): the new files are staged first, then each target is
moved aside and replaced; any failure puts every moved file back, and an update interrupted harder (the
process killed) is rolled back by the next `update`. Until the journal is committed, the kit can always
be brought back exactly as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from transfogen.errors import TransfogenError
from transfogen.kit.files import CONTEXT_FILE, STATE_DIR
from transfogen.kit.markup import escape_markdown
from transfogen.planning.fr import date_fr, jours_fr

CHANGELOG = "CHANGEMENTS.md"
JOURNAL_DIR = "maj-en-cours"
JOURNAL_FILE = "journal.json"
OURS, THEIRS = "vos modifications", "mise à jour transfogen"


# ---------------------------------------------------------------- the three-way merge of one file


@dataclass(frozen=True)
class FileResult:
    path: str
    action: str  # "ajouté" | "mis à jour" | "supprimé" | "fusionné" | "conflit" | "laissé supprimé" | "gardé"
    content: bytes | None = None  # what to write (None with "supprimé")


def merge_file(path: str, base: bytes | None, ours: bytes | None, theirs: bytes | None) -> FileResult | None:
    """What happens to one file; None when nothing is written and nothing needs saying."""
    if ours is None:
        if base is None:
            return FileResult(path, "ajouté", theirs) if theirs is not None else None
        # The user deleted a generated file: it stays deleted, and we say so if it had news.
        return FileResult(path, "laissé supprimé") if theirs not in (None, base) else None
    if ours == theirs:
        return None
    if ours == base:
        return FileResult(path, "mis à jour", theirs) if theirs is not None else FileResult(path, "supprimé")
    # From here on, the user changed the file.
    if theirs is None:
        return FileResult(path, "gardé")  # the new kit has no such file; the user's version stays
    if theirs == base:
        return None
    if b"\0" in ours or b"\0" in theirs:
        return FileResult(path, "conflit")  # not text: the user's version stays as it is
    merged, conflicted = merge_lines(base or b"", ours, theirs)
    return FileResult(path, "conflit" if conflicted else "fusionné", merged)


def merge_lines(base: bytes, ours: bytes, theirs: bytes) -> tuple[bytes, bool]:
    from merge3 import Merge3

    merge = Merge3(base.splitlines(True), ours.splitlines(True), theirs.splitlines(True))
    lines = list(merge.merge_lines(name_a=OURS.encode(), name_b=THEIRS.encode()))
    # A last line without its newline would glue a marker onto the user's text.
    fixed = [
        line + b"\n" if i + 1 < len(lines) and not line.endswith((b"\n", b"\r")) else line
        for i, line in enumerate(lines)
    ]
    conflicted = any(region[0] == "conflict" for region in merge.merge_regions())
    return b"".join(fixed), conflicted


# ---------------------------------------------------------------- what moved, and why


@dataclass(frozen=True)
class Move:
    title: str
    old: list[str]  # ISO days
    new: list[str]
    reason: str = ""


@dataclass
class ProgrammeChanges:
    moved: list[Move] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # "titre (dates)"
    removed: list[str] = field(default_factory=list)
    events_moved: list[Move] = field(default_factory=list)
    events_added: list[str] = field(default_factory=list)
    events_removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(vars(self).values())


def days_fr(days: list[str]) -> str:
    return jours_fr([date.fromisoformat(d) for d in days])


def moved_fr(move: Move) -> str:
    """« des 2, 3 et 4 février 2027 aux 9, 10 et 11 février 2027 » (« du … au … » for one day)."""
    one = len(move.old) == 1 and len(move.new) == 1
    return f"{'du' if one else 'des'} {days_fr(move.old)} {'au' if one else 'aux'} {days_fr(move.new)}"


def _closure_reason(days: list[str], old_closures: list[dict], new_closures: list[dict]) -> str:
    """The closure of the new plan that covers an old day of a session and was not there before."""
    before = {(c["kind"], c["name"], c["start"], c["end"]) for c in old_closures}
    for c in new_closures:
        if (c["kind"], c["name"], c["start"], c["end"]) in before:
            continue
        if any(c["start"] <= day <= c["end"] for day in days):
            return f"{c['kind_label'].lower()} « {c['name']} » ({_days_span(c['start'], c['end'])})"
    return ""


def _days_span(start: str, end: str) -> str:
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    return f"le {date_fr(first)}" if first == last else f"du {date_fr(first)} au {date_fr(last)}"


def compare_programmes(old: dict, new: dict) -> ProgrammeChanges:
    """Sessions and rituals of two kit contexts (`.transfogen/contexte.json`), matched by identity."""
    from transfogen.exports.calendar_formats import event_keys, session_keys

    changes = ProgrammeChanges()
    old_sessions = dict(zip(session_keys(old["sessions"]), old["sessions"], strict=True))
    new_sessions = dict(zip(session_keys(new["sessions"]), new["sessions"], strict=True))
    for key, s in new_sessions.items():
        before = old_sessions.get(key)
        if before is None:
            changes.added.append(f"{s['title']} ({days_fr(s['days'])})")
        elif before["days"] != s["days"]:
            reason = _closure_reason(before["days"], old.get("closures", []), new.get("closures", []))
            changes.moved.append(Move(s["title"], before["days"], s["days"], reason))
    changes.removed = [f"{s['title']} ({days_fr(s['days'])})" for k, s in old_sessions.items() if k not in new_sessions]

    def span(e: dict) -> list[str]:
        return [e["start"], e["end"]] if e["end"] != e["start"] else [e["start"]]

    old_events = dict(zip(event_keys(old["events"]), old["events"], strict=True))
    new_events = dict(zip(event_keys(new["events"]), new["events"], strict=True))
    for key, e in new_events.items():
        before = old_events.get(key)
        if before is None:
            changes.events_added.append(f"{e['title']} ({span_fr(span(e))})")
        elif span(before) != span(e):
            changes.events_moved.append(Move(e["title"], span(before), span(e)))
    changes.events_removed = [
        f"{e['title']} ({span_fr(span(e))})" for k, e in old_events.items() if k not in new_events
    ]
    return changes


def span_fr(days: list[str]) -> str:
    return _days_span(days[0], days[-1])


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Profile keys as paths (`program.start`, `collectivity.sites`); a list stays one value."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: value}


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key} : {_shown(item)}" for key, item in value.items())
    if isinstance(value, list):
        return "[" + " ; ".join(_shown(v) for v in value) + "]"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, date):
        return value.isoformat()
    # CHANGEMENTS.md is Markdown: a profile value is shown as written, never as a link or an image.
    return "(vide)" if value is None or value == "" else escape_markdown(str(value))


def _list_change(key: str, old: list, new: list) -> list[str]:
    """Items added to or removed from a list (a blackout, a case), rather than shifted positions."""
    lines = [f"`{key}` : ajouté « {_shown(item)} »" for item in new if item not in old]
    lines += [f"`{key}` : retiré « {_shown(item)} »" for item in old if item not in new]
    return lines or [f"`{key}` : ordre changé"]


def profile_changes(old_text: str, new_text: str) -> list[str]:
    """What differs between two profiles, key by key, in French."""
    import yaml

    try:
        old, new = _flatten(yaml.safe_load(old_text) or {}), _flatten(yaml.safe_load(new_text) or {})
    except yaml.YAMLError:
        return []
    lines = []
    for key in sorted(set(old) | set(new)):
        if key not in old:
            lines.append(f"`{key}` ajouté : {_shown(new[key])}")
        elif key not in new:
            lines.append(f"`{key}` retiré (c'était : {_shown(old[key])})")
        elif old[key] != new[key] and isinstance(old[key], list) and isinstance(new[key], list):
            lines += _list_change(key, old[key], new[key])
        elif old[key] != new[key]:
            lines.append(f"`{key}` : {_shown(old[key])} → {_shown(new[key])}")
    return lines


# ---------------------------------------------------------------- the update as a whole


@dataclass
class UpdatePlan:
    kit: Path
    moment: datetime
    files: list[FileResult]
    changes: ProgrammeChanges
    profile: list[str]  # profile changes, in French
    template: str  # "transfo 0.1.0 → 0.2.0" when the template changed, else ""
    state: dict[str, bytes]  # the new `.transfogen/` files
    changelog: bytes | None = None
    retired: list[str] = field(default_factory=list)  # `.transfogen/` files of an older format, replaced

    @property
    def conflicts(self) -> list[str]:
        return [f.path for f in self.files if f.action == "conflit"]

    @property
    def writes(self) -> dict[str, bytes]:
        out = {f.path: f.content for f in self.files if f.content is not None}
        out.update({f"{STATE_DIR}/{name}": data for name, data in self.state.items()})
        if self.changelog is not None:
            out[CHANGELOG] = self.changelog
        return out

    @property
    def deletions(self) -> list[str]:
        return [f.path for f in self.files if f.action == "supprimé"] + self.retired

    @property
    def empty(self) -> bool:
        return not self.files and not self.state


def _differs(path: Path, data: bytes) -> bool:
    return not path.is_file() or path.read_bytes() != data


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise TransfogenError(f"{path} : fichier illisible (régénérez le kit avec « transfogen new »)") from None


def plan_update(
    kit: Path,
    profile_path: str | Path | None = None,
    template: str | Path | None = None,
    *,
    moment: datetime | None = None,
    trust: bool = False,
) -> UpdatePlan:
    """Everything an update would do, computed without writing anything in the kit."""
    from transfogen.api import plan_template
    from transfogen.exports.calendar_formats import CalendarHistory
    from transfogen.exports.export import check_kit
    from transfogen.kit.build import make_kit_files
    from transfogen.kit.snapshot import LEGACY_RENDER_FILES, read_render
    from transfogen.planning.profile import parse_profile
    from transfogen.templating.template import load_template
    from transfogen.templating.template_source import open_template, resolve_template

    kit = Path(kit)
    check_kit(kit)
    state_dir = kit / STATE_DIR
    if (state_dir / JOURNAL_DIR).exists():
        raise TransfogenError(
            f"{kit} : une mise à jour précédente a été interrompue ; relancez « transfogen update » sans --dry-run "
            "pour remettre le kit dans son état d'avant"
        )
    base = read_render(kit)
    recorded = _read_json(state_dir / "gabarit.json")
    old_context = _read_json(state_dir / CONTEXT_FILE)
    old_profile_text = (state_dir / "profil.yaml").read_text(encoding="utf-8")
    if profile_path is not None:
        try:
            new_profile_text = Path(profile_path).read_text(encoding="utf-8")
        except OSError as error:
            raise TransfogenError(f"{profile_path} : lecture impossible ({error.strerror})") from None
        where = str(profile_path)
    else:
        new_profile_text, where = old_profile_text, str(state_dir / "profil.yaml")
    profile = parse_profile(new_profile_text, where)
    moment = (moment or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)

    template_dir = resolve_template(template if template is not None else recorded.get("template"))
    with open_template(template_dir, trust=trust) as root, tempfile.TemporaryDirectory(prefix="transfogen-maj-") as tmp:
        loaded = load_template(root)
        programme = plan_template(profile, loaded)
        history = CalendarHistory(base.get("calendrier/calendrier.ics", b""), moment) if base else None
        if history is not None and not history.previous:
            history = None
        # The new render is compared in memory: it never needs a copy on disk.
        made = make_kit_files(programme, loaded, new_profile_text, Path(tmp), None, trust=trust, history=history)
        theirs = made.generated()
        state = {
            name.split("/", 1)[1]: data for name, data in sorted(made.data.items()) if name.startswith(f"{STATE_DIR}/")
        }

    ours = {}
    for path in sorted(set(base) | set(theirs)):
        target = kit / path
        if target.is_file() and not target.is_symlink():
            ours[path] = target.read_bytes()
    files = [
        result
        for path in sorted(set(base) | set(theirs))
        if (result := merge_file(path, base.get(path), ours.get(path), theirs.get(path))) is not None
    ]
    new_context = json.loads(state[CONTEXT_FILE])
    before = f"{recorded.get('template')} {recorded.get('template_version')}"
    after = f"{loaded.name} {loaded.version}"
    plan = UpdatePlan(
        kit=kit,
        moment=moment,
        files=files,
        changes=compare_programmes(old_context, new_context),
        profile=profile_changes(old_profile_text, new_profile_text),
        template=f"{before} → {after}" if before != after else "",
        state={name: data for name, data in state.items() if _differs(state_dir / name, data)},
        retired=[f"{STATE_DIR}/{name}" for name in LEGACY_RENDER_FILES if (state_dir / name).is_file()],
    )
    if plan.files or plan.changes or plan.template:
        current = (kit / CHANGELOG).read_bytes() if (kit / CHANGELOG).is_file() else None
        plan.changelog = with_entry(current, changelog_entry(plan))
    return plan


def changelog_entry(plan: UpdatePlan) -> str:
    # Titles, reasons and names come from the profile (a case title, a blackout's reason): escaped.
    md = escape_markdown
    c = plan.changes
    lines = [f"## Mise à jour du {date_fr(plan.moment.date())}", ""]
    why = []
    if plan.profile:
        why += ["Changements du profil :", ""] + [f"- {line}" for line in plan.profile] + [""]
    if plan.template:
        why += [f"Gabarit : {md(plan.template)}.", ""]
    lines += why or ["Le profil n'a pas changé : le kit a été régénéré avec la version actuelle du gabarit.", ""]
    if c.moved:
        lines += ["Séances déplacées :", ""]
        for move in c.moved:
            because = f", à cause de la {md(move.reason)}" if move.reason else ""
            lines.append(f"- {md(move.title)} : {moved_fr(move)}{because}")
        lines.append("")
    for title, items in (("Séances ajoutées", c.added), ("Séances retirées", c.removed)):
        if items:
            lines += [f"{title} :", ""] + [f"- {md(item)}" for item in items] + [""]
    if c.events_moved:
        lines += ["Rituels déplacés :", ""]
        lines += [f"- {md(m.title)} : {span_fr(m.old)} → {span_fr(m.new)}" for m in c.events_moved] + [""]
    for title, items in (("Rituels ajoutés", c.events_added), ("Rituels retirés", c.events_removed)):
        if items:
            lines += [f"{title} :", ""] + [f"- {md(item)}" for item in items] + [""]
    merged = [f.path for f in plan.files if f.action == "fusionné"]
    if merged:
        lines += ["Fichiers que vous aviez modifiés, complétés par la mise à jour : " + ", ".join(merged) + ".", ""]
    if plan.conflicts:
        lines += [
            "Fichiers en conflit, à relire (vos lignes et les nouvelles sont entre les marques "
            "`<<<<<<<` et `>>>>>>>`) : " + ", ".join(plan.conflicts) + ".",
            "",
        ]
    return "\n".join(lines)


def with_entry(current: bytes | None, entry: str) -> bytes:
    """The newest entry first, under the title; whatever the user wrote in the file stays."""
    text = current.decode("utf-8", errors="replace") if current else "# Journal des changements du kit\n"
    if text.startswith("## "):
        at = 0
    else:
        at = text.find("\n## ")
        at = len(text) if at < 0 else at + 1
    head, tail = text[:at].rstrip("\n"), text[at:]
    out = (head + "\n\n" if head else "") + entry.rstrip("\n") + "\n" + ("\n" + tail if tail else "")
    return out.encode("utf-8")


# ---------------------------------------------------------------- writing, journaled


def apply_update(plan: UpdatePlan) -> None:
    """Write the plan into the kit, all or nothing."""
    kit = plan.kit
    journal = kit / STATE_DIR / JOURNAL_DIR
    writes, deletions = plan.writes, plan.deletions
    operations: list[dict[str, Any]] = [{"path": p, "write": True} for p in sorted(writes)]
    operations += [{"path": p, "write": False} for p in deletions]
    created = sorted(
        {
            parent.relative_to(kit).as_posix()
            for p in writes
            for parent in (kit / p).parents
            if parent != kit and kit in parent.parents and not parent.exists()
        },
        key=lambda p: -p.count("/"),
    )
    try:
        journal.mkdir()
    except OSError as error:
        raise TransfogenError(f"{journal} : écriture impossible ({error.strerror})") from None
    done: list[dict] = []
    try:
        for path, data in writes.items():
            staged = journal / "nouveau" / path
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_bytes(data)
        record = journal / (JOURNAL_FILE + ".tmp")
        record.write_text(
            json.dumps({"operations": operations, "created": created}, ensure_ascii=False), encoding="utf-8"
        )
        os.replace(record, journal / JOURNAL_FILE)
        for op in operations:
            target = kit / op["path"]
            done.append(op)
            if target.exists() or target.is_symlink():
                aside = journal / "ancien" / op["path"]
                aside.parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, aside)
            if op["write"]:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(journal / "nouveau" / op["path"], target)
    except BaseException as error:
        _roll_back(kit, journal, done, created)
        if isinstance(error, OSError):
            raise TransfogenError(
                f"{kit} : mise à jour impossible ({error.strerror or error}) ; le kit est resté tel qu'il était"
            ) from None
        raise
    # Committed: from here the journal only holds the old files.
    (journal / JOURNAL_FILE).unlink()
    shutil.rmtree(journal, ignore_errors=True)


def _roll_back(kit: Path, journal: Path, done: list[dict], created: list[str]) -> None:
    for op in reversed(done):
        target, aside = kit / op["path"], journal / "ancien" / op["path"]
        if aside.exists() or aside.is_symlink():
            os.replace(aside, target)
        elif (
            op["write"] and (target.exists() or target.is_symlink()) and not (journal / "nouveau" / op["path"]).exists()
        ):
            target.unlink()  # a new file moved in where there was none
    for folder in created:
        with contextlib.suppress(OSError):  # not empty: something else lives there now
            (kit / folder).rmdir()
    (journal / JOURNAL_FILE).unlink(missing_ok=True)
    shutil.rmtree(journal, ignore_errors=True)


def recover(kit: Path) -> bool:
    """Undo an update that was interrupted before its end (process killed); True if there was one."""
    journal = Path(kit) / STATE_DIR / JOURNAL_DIR
    if not journal.exists():
        return False
    record = journal / JOURNAL_FILE
    if record.is_file():
        data = json.loads(record.read_text(encoding="utf-8"))
        _roll_back(Path(kit), journal, data["operations"], data["created"])
    else:  # staging never finished, or the update was committed: only leftovers to clear
        shutil.rmtree(journal, ignore_errors=True)
    return True
