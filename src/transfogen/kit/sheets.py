"""Read and validate workshop sheets (Markdown + YAML front matter) against the sheet schema.

The schema is documented in docs/schema-fiches.md; its allowed values live in
data/sheet-schema.yaml so that a contributor can extend them without Python.
Every problem is a `SheetError` naming the file, the field path (`steps[2].minutes`, items
numbered from 1) and the 1-based line in the file.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from transfogen.errors import SheetError
from transfogen.records import record
from transfogen.templating.parsed_yaml import load_yaml, valid_sheet_meta
from transfogen.templating.resources import package_file

KINDS = ("methode", "seance")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FRONT_MATTER_OFFSET = 2  # the front matter's first line is line 2 of the file
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@record
class Sheet:
    """A valid sheet: its front matter (`meta`) and its Markdown body."""

    path: str
    kind: str  # "methode" | "seance"
    id: str
    title: str
    duration: int  # minutes
    meta: dict = field(hash=False)
    body: str = ""
    body_line: int = 1  # line of the body's first line in the file

    def labels(self, category: str) -> list[str]:
        """French labels of the ids listed in a front-matter field (`phases`, `roles`…)."""
        names = schema()[category]
        return [names[value] for value in self.meta.get(category, ())]


@cache
def schema() -> dict:
    """The allowed values of data/sheet-schema.yaml (phases, roles, families… id -> label)."""
    return load_yaml(package_file("data/sheet-schema.yaml").read_text(encoding="utf-8"))


def load_sheet(path: str | Path, *, lint: bool = True) -> Sheet:
    """Read a sheet file; raise `SheetError` on the first problem (see `parse_sheet` for `lint`)."""
    path = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # tolerate a BOM left by Windows editors
    except FileNotFoundError:
        raise SheetError(path, None, "fichier introuvable") from None
    except UnicodeDecodeError:
        raise SheetError(path, None, "le fichier n'est pas encodé en UTF-8") from None
    except OSError as error:
        raise SheetError(path, None, f"lecture impossible ({error.strerror})") from None
    return parse_sheet(text, path, lint=lint)


def parse_sheet(text: str, path: str, *, lint: bool = True) -> Sheet:
    """Validate a sheet's text; raise the first `SheetError` (in file order).

    With `lint=False`, only the front matter is checked (fields, types, values, times that add up):
    the body's checks (sections, raw HTML, placeholder text) each parse the Markdown again, and kit
    generation, which reads a hundred sheets that `templates check` has already linted, skips them.
    The body cannot do harm either way: raw HTML is escaped when the kit renders Markdown.
    """
    sheet, errors = _validate(text, path, lint)
    if errors:
        raise errors[0]
    assert sheet is not None
    return sheet


def check_sheet(text: str, path: str) -> list[SheetError]:
    """Every problem of a sheet, in file order (empty when the sheet is valid)."""
    return _validate(text, path)[1]


# --- validation -------------------------------------------------------------------------------


class _Checker:
    """Collects errors, finding each field's line in the front matter."""

    def __init__(self, path: str, lines: dict[str, int]):
        self.path, self.lines = path, lines
        self.errors: list[SheetError] = []

    def error(self, field_path: str | None, message: str, line: int | None = None) -> None:
        self.errors.append(SheetError(self.path, field_path, message, line or self.line(field_path)))

    def line(self, field_path: str | None) -> int:
        # A missing field is reported on its parent's line, a missing top-level field on line 1.
        while field_path:
            if field_path in self.lines:
                return self.lines[field_path]
            field_path = re.sub(r"(\[\d+\]|\.[^.\[]+|^[^.\[]+)$", "", field_path)
        return 1


def _validate(text: str, path: str, lint: bool = True) -> tuple[Sheet | None, list[SheetError]]:
    from transfogen.kit.markup import split_front_matter  # here: `calendar` reads the schema, not sheets

    meta_text, body, body_line = split_front_matter(text)
    known = None if lint else valid_sheet_meta(text, schema())
    if known is not None and known["id"] == Path(path).stem:  # a bundled sheet, checked when it was stored
        return Sheet(path, known["kind"], known["id"], known["title"], known["duration"], known, body, body_line), []
    if meta_text is None:
        return None, [
            SheetError(path, None, "la fiche doit commencer par un en-tête YAML entre deux lignes « --- »", 1)
        ]
    try:
        node = yaml.compose(meta_text, Loader=_Loader)
        # The values from the same nodes (what yaml.load does), without parsing the text a second time.
        meta = _Loader("").construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + _FRONT_MATTER_OFFSET if mark else 1
        problem = getattr(error, "problem", None) or str(error)
        return None, [SheetError(path, None, f"en-tête YAML illisible : {problem}", line)]
    if not isinstance(meta, dict):
        return None, [SheetError(path, None, "l'en-tête YAML doit être une suite de champs « nom: valeur »", 2)]

    lines: dict[str, int] = {}
    duplicates: list[str] = []
    if node is not None:  # a dict was loaded, so the document has a node
        _map_lines(node, "", lines, duplicates)
    checker = _Checker(path, lines)
    for name in duplicates:
        checker.error(name, "champ présent deux fois")

    kind = meta.get("kind")
    if kind not in KINDS:
        checker.error("kind", _not_allowed(kind, KINDS) if "kind" in meta else "champ obligatoire manquant")
        return None, _sorted(checker.errors)

    fields = METHOD_FIELDS if kind == "methode" else SESSION_FIELDS
    _check_fields(checker, "", meta, fields)
    expected_id = Path(path).stem
    if isinstance(meta.get("id"), str) and meta["id"] != expected_id:
        checker.error(
            "id", f"« {meta['id']} » doit être identique au nom du fichier sans extension (« {expected_id} »)"
        )
    if kind == "methode":
        _check_method(checker, meta, body, body_line, lint)
    if lint:
        _check_body(checker, body, body_line)
        _check_placeholders(checker, text, body_line)

    if checker.errors:
        return None, _sorted(checker.errors)
    sheet = Sheet(path, kind, meta["id"], meta["title"], meta["duration"], meta, body, body_line)
    return sheet, []


def _sorted(errors: list[SheetError]) -> list[SheetError]:
    return sorted(errors, key=lambda error: error.line or 0)


def _map_lines(node: yaml.Node, prefix: str, lines: dict[str, int], duplicates: list[str]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            name = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            if name in lines:
                duplicates.append(name)
            lines[name] = key_node.start_mark.line + _FRONT_MATTER_OFFSET
            _map_lines(value_node, name, lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value, start=1):
            name = f"{prefix}[{index}]"
            lines[name] = item.start_mark.line + _FRONT_MATTER_OFFSET
            _map_lines(item, name, lines, duplicates)


def _not_allowed(value: Any, allowed) -> str:
    import difflib  # only when a sheet is wrong: not on every start-up

    allowed = list(allowed)
    message = f"valeur inconnue « {value} » ; valeurs possibles : {', '.join(allowed)}"
    close = difflib.get_close_matches(str(value), allowed, n=1)
    return message + (f" (vouliez-vous dire « {close[0]} » ?)" if close else "")


def _check_fields(checker: _Checker, prefix: str, data: dict, fields: dict[str, tuple[bool, Callable]]) -> None:
    for name, value in data.items():
        where = f"{prefix}{name}"
        if name not in fields:
            import difflib

            close = difflib.get_close_matches(str(name), list(fields), n=1)
            hint = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
            checker.error(where, f"champ inconnu{hint}")
        else:
            fields[name][1](checker, where, value)
    for name, (required, _) in fields.items():
        if required and name not in data:
            checker.error(
                f"{prefix}{name}", "champ obligatoire manquant", checker.line(prefix.rstrip(".")) if prefix else 1
            )


# Field checkers: each takes (checker, field path, value) and reports what is wrong.


def _text(checker: _Checker, where: str, value: Any) -> bool:
    if not isinstance(value, str) or not value.strip():
        checker.error(where, "doit être un texte non vide")
        return False
    return True


def _integer(low: int, high: int | None = None, step: int = 1, unit: str = "") -> Callable:
    def check(checker: _Checker, where: str, value: Any) -> bool:
        if not isinstance(value, int) or isinstance(value, bool):
            checker.error(where, f"doit être un nombre entier{unit}, pas « {value} »")
            return False
        if value < low or (high is not None and value > high) or value % step:
            bounds = f"au moins {low}" if high is None else f"entre {low} et {high}"
            multiple = f", multiple de {step}" if step > 1 else ""
            checker.error(where, f"{value} : doit être {bounds}{multiple}")
            return False
        return True

    return check


def _choice(category: str) -> Callable:
    def check(checker: _Checker, where: str, value: Any) -> None:
        if not isinstance(value, str) or value not in schema()[category]:
            checker.error(where, _not_allowed(value, schema()[category]))

    return check


def _list_of(item_check: Callable, minimum: int = 0, what: str = "élément") -> Callable:
    """A YAML list whose items pass `item_check`; `what` names the items (for "il faut au moins…")."""

    def check(checker: _Checker, where: str, value: Any) -> None:
        if not isinstance(value, list):
            checker.error(where, "doit être une liste (lignes commençant par « - »)")
            return
        if len(value) < minimum:
            checker.error(where, f"il faut au moins {minimum} {what}, la liste en compte {len(value)}")
        for index, item in enumerate(value, start=1):
            item_check(checker, f"{where}[{index}]", item)

    return check


def _identifier(checker: _Checker, where: str, value: Any) -> None:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        checker.error(where, f"« {value} » : identifiant attendu (minuscules, chiffres et tirets)")


def _kind(checker: _Checker, where: str, value: Any) -> None:
    """Already checked before the other fields."""


def _group(checker: _Checker, where: str, value: Any) -> None:
    if not isinstance(value, dict):
        checker.error(where, "doit avoir la forme {min: entier, max: entier}")
        return
    size = _integer(1, unit=" (personnes)")
    _check_fields(checker, f"{where}.", value, {"min": (True, size), "max": (True, size)})
    low, high = value.get("min"), value.get("max")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        checker.error(where, f"min ({low}) dépasse max ({high})")


_STEP_FIELDS = {"minutes": (True, _integer(1, unit=" (minutes)")), "title": (True, _text), "detail": (True, _text)}


def _step(checker: _Checker, where: str, value: Any) -> None:
    if not isinstance(value, dict):
        checker.error(where, "une étape du déroulé a la forme {minutes, title, detail}")
        return
    _check_fields(checker, f"{where}.", value, _STEP_FIELDS)


def _variants(checker: _Checker, where: str, value: Any) -> None:
    if not isinstance(value, dict):
        checker.error(where, f"doit donner les variantes {', '.join(schema()['variants'])}")
        return
    _check_fields(checker, f"{where}.", value, dict.fromkeys(schema()["variants"], (True, _text)))


@cache
def _method_duration() -> Callable:
    bounds = schema()["method_duration"]
    return _integer(bounds["min"], bounds["max"], bounds["step"], unit=" (minutes)")


def _date(checker: _Checker, where: str, value: Any) -> None:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        checker.error(where, f"« {value} » : date attendue au format AAAA-MM-JJ")


def _dates(checker: _Checker, where: str, value: Any) -> None:
    _list_of(_date, 1, "date")(checker, where, value)
    dates = isinstance(value, list) and all(isinstance(day, datetime.date) for day in value)
    if dates and value != sorted(set(value)):
        checker.error(where, "les dates doivent être différentes et dans l'ordre")


METHOD_FIELDS: dict[str, tuple[bool, Callable]] = {
    "id": (True, _identifier),
    "kind": (True, _kind),
    "title": (True, _text),
    "family": (True, _choice("families")),
    "phases": (True, _list_of(_choice("phases"), 1, "phase")),
    "stages": (False, _list_of(_choice("stages"))),
    "lab_topics": (False, _list_of(_choice("lab_topics"))),
    "purpose": (True, _text),
    "output": (True, _text),
    "duration": (True, lambda checker, where, value: _method_duration()(checker, where, value)),
    "group": (True, _group),
    "roles": (True, _list_of(_choice("roles"), 1, "rôle")),
    "prerequisites": (True, _list_of(_text)),
    "materials": (True, _list_of(_text, 1, "élément")),
    "place": (True, _text),
    "steps": (True, _list_of(_step, 1, "étape")),
    "variants": (True, _variants),
    "vigilance": (True, _list_of(_text, 2, "points de vigilance")),
    "documentation": (True, _list_of(_text, 1, "élément")),
    "next": (True, _text),
    "source": (True, _text),
}

SESSION_FIELDS: dict[str, tuple[bool, Callable]] = {
    "id": (True, _identifier),
    "kind": (True, _kind),
    "title": (True, _text),
    "number": (True, _integer(0)),
    "phase": (True, _choice("phases")),
    "dates": (True, _dates),
    "place": (True, _text),
    "duration": (True, _integer(1, unit=" (minutes)")),
    "case": (False, _integer(1)),
    "stage": (False, _choice("stages")),
    "lab_topic": (False, _choice("lab_topics")),
    "methods": (False, _list_of(_identifier)),
}


def _check_method(checker: _Checker, meta: dict, body: str, body_line: int, lint: bool) -> None:
    steps, duration = meta.get("steps"), meta.get("duration")
    if isinstance(steps, list) and isinstance(duration, int):
        found = [step.get("minutes") for step in steps if isinstance(step, dict)]
        minutes = [m for m in found if isinstance(m, int) and not isinstance(m, bool)]
        if len(minutes) == len(steps) and sum(minutes) != duration:
            checker.error(
                "steps", f"les minutes du déroulé font {sum(minutes)} au total, mais duration vaut {duration}"
            )
    if not lint:
        return
    from transfogen.kit.markup import headings

    present = {title for level, title, _ in headings(body) if level == 2}
    for section in schema()["method_sections"]:
        if section not in present:
            checker.error("corps", f"section « ## {section} » manquante", body_line)


def _check_body(checker: _Checker, body: str, body_line: int) -> None:
    from transfogen.kit.markup import find_raw_html

    for line, snippet in find_raw_html(body, body_line):
        if snippet.startswith("</"):  # the opening tag is already reported
            continue
        checker.error("corps", f"HTML brut interdit (« {snippet[:40]} ») : écrivez en Markdown", line)


@cache
def placeholder_pattern() -> re.Pattern:
    words = "|".join(re.escape(word) for word in schema()["placeholders"])
    return re.compile(rf"(?<!\w)({words})(?!\w)", re.IGNORECASE)


def _check_placeholders(checker: _Checker, text: str, body_line: int) -> None:
    by_line = sorted((line, name) for name, line in checker.lines.items())
    for number, content in enumerate(text.splitlines(), start=1):
        for match in placeholder_pattern().finditer(content):
            where: str | None = "corps"
            if number < body_line:  # in the front matter: name the field declared on or above it
                where = next((name for line, name in reversed(by_line) if line <= number), None)
            checker.error(where, f"texte provisoire « {match.group(1)} » à remplacer", number)
