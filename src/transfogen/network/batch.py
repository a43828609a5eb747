"""Many kits in one run: one per row of a list (a CSV file, or collectivities of the official list).

Each row overrides keys of a base profile (`collectivity.name`, `team.ambassadors`…). The template, its
rules and the calendar facts are loaded once (`PreparedTemplate`); with several workers, the process
forks after loading, so they share them. Every kit is built in a hidden folder of the output folder and
moved into place (or packed into one zip) at the end: a kit that is there is complete, which makes a run
resumable. A bad row becomes an error row of the report and the others go on.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from transfogen.errors import ProfileError, TransfogenError
from transfogen.planning.profile import SECTIONS, slugify

REPORT = "rapport.csv"
REPORT_HEADER = ("ligne", "dossier", "statut", "seances", "alertes", "erreur")
DONE, SKIPPED, FAILED = "genere", "deja-fait", "erreur"
_TAG = "tag:yaml.org,2002:"
_INT_KEYS = {
    "program.months",
    "program.session_days",
    "program.budget_vote_month",
    "team.residents",
    "team.ambassadors",
}
_BOOL_KEYS = {"program.avoid_school_holidays", "program.summer_break"}
_LIST_KEYS = {"collectivity.sites", "collectivity.network", "program.weekdays"}
_PERIOD_KEYS = {"program.blackouts", "program.school_holidays"}
_TRUE = {"true", "oui", "vrai", "yes", "1"}
_FALSE = {"false", "non", "faux", "no", "0"}
_CASE_KEY = re.compile(r"^cases(?:\.(\d+)|\[(\d+)\])\.(title|service)$")


@dataclass(frozen=True)
class Row:
    """One kit to make: its line in the list (1 is the header) and the profile keys it sets."""

    number: int
    values: dict[str, str]
    error: str = ""  # known before any kit is made: the row gets an error line in the report


@dataclass(frozen=True)
class Outcome:
    """One line of the report."""

    number: int
    folder: str
    status: str  # genere | deja-fait | erreur
    sessions: int | None = None
    warnings: int | None = None
    error: str = ""


# ------------------------------------------------------------------------------------- the list


def read_rows(path: Path) -> list[Row]:
    """The rows of a CSV list: comma or semicolon separated, UTF-8 with or without BOM (LibreOffice, Excel).

    The header names profile keys in dotted form; an unknown one stops everything before any kit is made.
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise TransfogenError(f"{path} : lecture impossible ({error.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise TransfogenError(f"{path}:{line}: le fichier n'est pas encodé en UTF-8") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise TransfogenError(f"{path} : le fichier est vide ; la première ligne nomme les clés du profil") from None
    keys = [cell.strip() for cell in header]
    for index, key in enumerate(keys):
        problem = column_problem(key)
        if problem:
            raise TransfogenError(f"{path}:1: colonne {index + 1} « {key} » : {problem}")
        if key in keys[:index]:
            raise TransfogenError(f"{path}:1: colonne {index + 1} « {key} » : déjà donnée")
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        number = reader.line_num
        if len(cells) > len(keys):
            rows.append(Row(number, {}, f"{len(cells)} cellules pour {len(keys)} colonnes"))
            continue
        rows.append(Row(number, {key: cell.strip() for key, cell in zip(keys, cells, strict=False) if cell.strip()}))
    return rows


def column_problem(key: str) -> str | None:
    """Why a column name is not a profile key it can set, or None."""
    case = _CASE_KEY.match(key)
    if case and case[1] is not None and int(case[1]) == 0:
        return "les cas pratiques se numérotent à partir de 1 (cases.1.title)"
    if case or key == "language":
        return None
    section, _, name = key.partition(".")
    if key in _PERIOD_KEYS:
        return "les périodes se donnent dans le profil de base (--profile), pas dans la liste"
    if section in ("collectivity", "program", "team") and name in SECTIONS[section]:
        return None
    known = [f"{s}.{k}" for s in ("collectivity", "program", "team") for k in SECTIONS[s]]
    import difflib

    near = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f" (vouliez-vous dire « {near[0]} » ?)" if near else ""
    return f"clé de profil inconnue{hint} ; clés possibles : {', '.join(known)}, cases.1.title, cases.1.service"


def rows_from_collectivities(entries: Iterable[Any]) -> list[Row]:
    """One row per collectivity of the official list (`transfogen.network.directory.Collectivity`)."""
    from transfogen.network.directory import starter_values

    rows = []
    for number, entry in enumerate(entries, 2):
        try:
            rows.append(Row(number, {key: str(value) for key, value in starter_values(entry).items()}))
        except TransfogenError as error:  # an overseas collectivity: its own error row
            values = {"collectivity.name": entry.name, "collectivity.department": entry.department}
            rows.append(Row(number, values, str(error)))
    return rows


# --------------------------------------------------------------------------------- the profiles


def base_profile(text: str, path: str) -> Node:
    """The base profile's node tree (validated as a whole by each row's profile)."""
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        raise TransfogenError(f"{path} : YAML illisible ({error})") from None
    if root is None:
        return MappingNode(_TAG + "map", [])
    if not isinstance(root, MappingNode):
        raise TransfogenError(f"{path} : le profil de base doit être un ensemble de clés")
    return root


def profile_text(base: Node, row: Row) -> str:
    """The YAML profile of a row: the base with the row's keys set. Values stay data: a cell is written
    as a YAML scalar of the type its key takes, never parsed as YAML itself."""
    import copy

    root = copy.deepcopy(base)
    for key, cell in row.values.items():
        case = _CASE_KEY.match(key)
        if case:
            # `cases.1.title` counts from 1 like a spreadsheet; `cases[0].title` from 0 like the profile's messages.
            index = int(case[1]) - 1 if case[1] else int(case[2])
            cases = _child(root, "cases", SequenceNode(_TAG + "seq", []))
            if not isinstance(cases, SequenceNode):
                continue  # the profile reports a malformed `cases`
            while len(cases.value) <= index:
                cases.value.append(MappingNode(_TAG + "map", []))
            _set(cases.value[index], case[3], _scalar(cell))
            continue
        *path, name = key.split(".")
        node = root
        for part in path:
            node = _child(node, part, MappingNode(_TAG + "map", []))
        _set(node, name, _value(key, cell))
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.serialize(root, Dumper=dumper, allow_unicode=True, width=1000)


def _scalar(text: str, tag: str = "str") -> ScalarNode:
    return ScalarNode(_TAG + tag, text)


def _value(key: str, cell: str) -> Node:
    if key in _INT_KEYS and re.fullmatch(r"[+-]?\d+", cell):
        return _scalar(cell, "int")
    if key in _BOOL_KEYS and cell.lower() in _TRUE | _FALSE:
        return _scalar("true" if cell.lower() in _TRUE else "false", "bool")
    if key in _LIST_KEYS:
        separators = r"[|,;\s]+" if key == "program.weekdays" else r"\s*\|\s*"
        items = [part for part in re.split(separators, cell) if part]
        return SequenceNode(_TAG + "seq", [_scalar(item) for item in items], flow_style=True)
    return _scalar(cell)


def _child(node: Node, key: str, default: Node) -> Node:
    if not isinstance(node, MappingNode):
        return default  # the profile reports the malformed section
    for key_node, value in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            if isinstance(value, ScalarNode) and value.tag == _TAG + "null":
                break
            return value
    _set(node, key, default)
    return default


def _set(node: Node, key: str, value: Node) -> None:
    if not isinstance(node, MappingNode):
        return
    for index, (key_node, _) in enumerate(node.value):
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            node.value[index] = (key_node, value)
            return
    node.value.append((_scalar(key), value))


def _lookup(base: Node, row: Row, key: str) -> str:
    if key in row.values:
        return row.values[key]
    node: Node | None = base
    for part in key.split("."):
        if not isinstance(node, MappingNode):
            return ""
        node = next((v for k, v in node.value if isinstance(k, ScalarNode) and k.value == part), None)
    return node.value.strip() if isinstance(node, ScalarNode) and node.tag != _TAG + "null" else ""


def folder_names(base: Node, rows: list[Row]) -> list[str]:
    """A folder per row, from the collectivity's name; homonyms add their department, then a number."""
    names = [slugify(_lookup(base, row, "collectivity.name")) for row in rows]
    departments = [slugify(_lookup(base, row, "collectivity.department")) for row in rows]
    shared = Counter(names)
    names = [
        f"{name}-{dep}" if shared[name] > 1 and dep else name for name, dep in zip(names, departments, strict=True)
    ]
    seen: Counter[str] = Counter()
    total = Counter(names)
    result = []
    for name in names:
        seen[name] += 1
        result.append(f"{name}-{seen[name]}" if total[name] > 1 else name)
    return result


# ------------------------------------------------------------------------------------- the kits


class PreparedTemplate:
    """A template with its rules and the calendar facts, loaded once for every kit of a run."""

    def __init__(self, root: Path, trust: bool = False):
        from transfogen.planning.french_calendar import load_calendar_facts
        from transfogen.templating.template import load_template

        self.root, self.trust = root, trust
        self.template = load_template(root)
        self.facts = load_calendar_facts()

    def build(self, text: str, label: str, work: Path, *, site: bool, on_disk: bool = True) -> tuple[Any, Any]:
        """Build the kit of a profile text inside `work` (`work/kit`, or only in memory unless `on_disk`);
        return its files (`kit.files.KitFiles`) and the programme."""
        from transfogen.api import plan_template
        from transfogen.kit.build import make_kit_files
        from transfogen.network.directory import check_department_served
        from transfogen.planning.profile import parse_profile

        profile = parse_profile(text, label)
        check_department_served(profile.collectivity.department)
        programme = plan_template(profile, self.template, self.facts)
        folder = work / "kit" if on_disk else None
        files = make_kit_files(programme, self.template, text, work, folder, trust=self.trust, site=site)
        return files, programme


@dataclass(frozen=True)
class Job:
    number: int
    folder: str
    text: str  # the profile, or "" when the row is already known to be wrong
    error: str = ""


@dataclass(frozen=True)
class Settings:
    out: Path
    zip: bool
    site: bool
    force: bool
    source: str  # the list's name, for error messages


_PREPARED: PreparedTemplate | None = None  # set before the workers fork, so they inherit it
_SETTINGS: Settings | None = None


def target(settings: Settings, folder: str) -> Path:
    return settings.out / (folder + ".zip" if settings.zip else folder)


def make_kit(job: Job) -> Outcome:
    """Build one kit and put it in place; any error becomes the row's outcome."""
    assert _PREPARED is not None and _SETTINGS is not None
    settings = _SETTINGS
    if job.error:
        return Outcome(job.number, job.folder, FAILED, error=job.error)
    destination = target(settings, job.folder)
    if destination.exists() and not _generated(destination, job.folder):
        # --force regenerates a kit; a folder or a file of the user's with the same name is never replaced.
        error = "existe déjà et n'est pas un kit transfogen : rien n'a été remplacé"
        return Outcome(job.number, job.folder, FAILED, error=f"{destination.name} {error}")
    try:
        with tempfile.TemporaryDirectory(prefix=".transfogen-", dir=settings.out) as tmp:
            work = Path(tmp)
            # A zipped kit is made in memory: its files never touch the disk one by one.
            label = f"{settings.source}:{job.number}"
            files, programme = _PREPARED.build(job.text, label, work, site=settings.site, on_disk=not settings.zip)
            if settings.zip:
                packed = work / "kit.zip"
                write_zip(files.data, packed, job.folder)
                packed.replace(destination)
            else:
                if destination.exists():  # --force: the old kit goes away with the temporary folder
                    destination.rename(work / "ancien")
                files.folder.rename(destination)
    except ProfileError as error:
        return Outcome(job.number, job.folder, FAILED, error=f"{error.key or 'profil'} : {error.message}")
    except TransfogenError as error:
        return Outcome(job.number, job.folder, FAILED, error=str(error))
    except OSError as error:
        return Outcome(job.number, job.folder, FAILED, error=f"écriture impossible ({error.strerror or error})")
    warnings = len(programme.warnings) + sum(len(session.warnings) for session in programme.sessions)
    return Outcome(job.number, job.folder, DONE, len(programme.sessions), warnings)


def _generated(path: Path, folder: str) -> bool:
    """A kit folder, or a zip holding one under `folder`: what a batch made and may make again."""
    from transfogen.kit.files import STATE_DIR, is_kit

    if path.is_dir() and not path.is_symlink():
        return is_kit(path)
    try:
        with zipfile.ZipFile(path) as zipped:
            return any(name.startswith(f"{folder}/{STATE_DIR}/") for name in zipped.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def write_zip(files: dict[str, bytes], path: Path, folder: str) -> None:
    """The kit as one zip whose only top folder is `folder`; the same kit always gives the same bytes.

    Each file is deflated (level 1) once: the kit's previous render (`.transfogen/rendu.zip`) holds the same
    deflated bytes, made already, and is itself stored as it is.
    """
    from transfogen.kit.archive import zip_files

    path.write_bytes(zip_files(files, folder))


def plan_jobs(base: Node, rows: list[Row], settings: Settings) -> tuple[list[Job], list[Outcome]]:
    """The kits to make, and the rows already done in an earlier run (skipped unless --force)."""
    from transfogen.network.directory import unserved_department

    jobs, skipped = [], []
    previous = read_report(settings.out / REPORT)
    for row, folder in zip(rows, folder_names(base, rows), strict=True):
        if target(settings, folder).exists() and not settings.force:
            before = previous.get(folder)
            skipped.append(
                Outcome(
                    row.number,
                    folder,
                    SKIPPED,
                    before.sessions if before else None,
                    before.warnings if before else None,
                )
            )
            continue
        if row.error:
            jobs.append(Job(row.number, folder, "", row.error))
            continue
        department = _lookup(base, row, "collectivity.department").upper()
        refusal = unserved_department(department)
        if refusal:
            jobs.append(Job(row.number, folder, "", f"collectivity.department : {refusal}"))
            continue
        jobs.append(Job(row.number, folder, profile_text(base, row)))
    return jobs, skipped


def run(prepared: PreparedTemplate, jobs: list[Job], settings: Settings, workers: int = 1) -> Iterator[Outcome]:
    """Make the kits, `workers` at a time, yielding each outcome as it comes (not in row order)."""
    global _PREPARED, _SETTINGS
    _PREPARED, _SETTINGS = prepared, settings
    settings.out.mkdir(parents=True, exist_ok=True)
    import gc
    import multiprocessing

    # The first kit loads what every kit uses (method sheets, session patterns, compiled templates): it is
    # made here, before the workers fork, so that they share it instead of each loading it again.
    todo = iter(jobs)
    for job in todo:
        outcome = make_kit(job)
        yield outcome
        if outcome.status == DONE:
            break
    # What is loaded now lives as long as the run: the garbage collector no longer goes through it after
    # each kit (8 % of a kit's time), nor makes the forked workers copy the memory it would touch.
    gc.freeze()
    try:
        rest = list(todo)
        if workers <= 1 or len(rest) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            yield from map(make_kit, rest)
            return
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap_unordered(make_kit, rest, chunksize=2)
    finally:
        gc.unfreeze()  # the process may go on (a test, a program calling this one)


def read_report(path: Path) -> dict[str, Outcome]:
    """The previous run's report, by folder: a skipped kit keeps its figures."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    found = {}
    for cells in csv.DictReader(io.StringIO(text, newline=""), delimiter=";"):
        try:
            found[cells["dossier"]] = Outcome(
                int(cells["ligne"]),
                cells["dossier"],
                cells["statut"],
                int(cells["seances"]) if cells.get("seances") else None,
                int(cells["alertes"]) if cells.get("alertes") else None,
            )
        except (KeyError, ValueError, TypeError):
            continue
    return found


def report_bytes(outcomes: Iterable[Outcome]) -> bytes:
    """The report: one row per input row, in the list's order (UTF-8 BOM, `;`, CRLF, like calendrier.csv)."""
    from transfogen.exports.calendar_formats import _cell

    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(REPORT_HEADER)
    for o in sorted(outcomes, key=lambda o: o.number):
        sessions = "" if o.sessions is None else o.sessions
        warnings = "" if o.warnings is None else o.warnings
        writer.writerow([o.number, o.folder, o.status, sessions, warnings, _cell(o.error)])
    return out.getvalue().encode("utf-8-sig")


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
