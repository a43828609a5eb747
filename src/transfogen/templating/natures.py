"""What the nature of a case changes in its session sheets (a template's `seances/natures.yaml`).

The file gives the words of each nature (where to observe, whom to meet, what to bring) and, per method,
the objective and material lines written with those words. `Natures.tailor` rewrites a session's
method texts for its case: `{objet}`, `{de:objet}`, `{à:objet}`… take the case's object (already
escaped Markdown) or the nature's own, with the article's contractions (planning/names.py). A case's
text is inserted once, never read again as a placeholder nor as a template.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from transfogen.errors import TemplateError
from transfogen.planning.model import NATURES
from transfogen.planning.names import phrase_forms
from transfogen.records import record

if TYPE_CHECKING:
    from transfogen.templating.template import SessionPattern

FILE = "natures.yaml"
# {mot}, {de:mot} or {à:mot}
_PLACEHOLDER = re.compile(r"\{(?:(de|à):)?([a-z_]+)\}")
_FORM = {None: "the", "de": "of", "à": "to"}
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@record
class Activity:
    """A method's texts in a session sheet, written with the case's words."""

    purpose: str = ""
    materials: Mapping[str, str] = field(default_factory=dict)  # the method sheet's line → its replacement
    steps: Mapping[str, str] = field(default_factory=dict)  # a step's title → its detail


@record
class Natures:
    """The words of each nature, and the method texts that use them. Empty: sheets stay as written."""

    neutral: Mapping[str, str] = field(default_factory=dict)
    natures: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    activities: Mapping[str, Activity] = field(default_factory=dict)

    def words(self, case: Mapping[str, Any] | None) -> dict[str, str]:
        """The words of a case's sheets: its nature's (or the neutral ones)."""
        if not self.neutral:
            return {}
        nature = str((case or {}).get("nature") or "")
        words = {**self.neutral, **self.natures.get(nature, {})}
        words["nature"] = nature
        return words

    def filler(self, case: Mapping[str, Any] | None) -> Callable[[str], str]:
        """`fill(text)`: the text with its `{mot}`, `{de:mot}`, `{à:mot}` replaced by the case's words."""
        words = self.words(case)
        forms = {name: phrase_forms(value) for name, value in words.items() if name != "nature"}
        if case and case.get("object"):  # the profile's object, escaped; its forms were made on the raw text
            forms["objet"] = {"the": case["object"], "of": case["object_of"], "to": case["object_to"]}

        def word(match: re.Match[str]) -> str:
            if match[2] not in forms:  # a template without natures.yaml: its text stays as written
                return match[0]
            text = forms[match[2]][_FORM[match[1]]]
            # A word that opens the text opens a sentence: « Les formulaires… », « De la carte… ».
            return text[:1].upper() + text[1:] if match.start() == 0 else text

        def fill(text: str) -> str:
            return _PLACEHOLDER.sub(word, text)

        return fill

    def tailor(self, methods: Mapping[str, dict], case: Mapping[str, Any] | None) -> Mapping[str, dict]:
        """The method texts of a case's session sheet; `case` is the kit context's entry (Markdown-escaped)."""
        if case is None or not self.activities:
            return methods
        fill = self.filler(case)
        tailored = dict(methods)
        for method_id, activity in self.activities.items():
            if method_id not in methods:
                continue
            sheet = dict(methods[method_id])
            if activity.purpose:
                sheet["purpose"] = fill(activity.purpose)
            sheet["materials"] = [
                fill(activity.materials[m]) if m in activity.materials else m for m in sheet["materials"]
            ]
            sheet["steps"] = [
                {**step, "detail": fill(activity.steps[step["title"]])} if step.get("title") in activity.steps else step
                for step in sheet["steps"]
            ]
            tailored[method_id] = sheet
        return tailored

    def tailor_pattern(self, pattern: SessionPattern, case: Mapping[str, Any] | None) -> SessionPattern:
        """A case stage's pattern with the case's words in its objectives, preparation, deliverables,
        documentation, committee and case labels (homework is read by the next sheet: it takes none)."""
        if case is None or not self.neutral:
            return pattern
        fill = self.filler(case)
        return replace(
            pattern,
            objectives=tuple(_fill_held(fill, text) for text in pattern.objectives),
            preparation=tuple({**item, "what": fill(str(item["what"]))} for item in pattern.preparation),
            deliverables=tuple(_fill_held(fill, text) for text in pattern.deliverables),
            documentation=tuple(fill(text) for text in pattern.documentation),
            committee=fill(pattern.committee),
            case_labels={key: fill(text) for key, text in pattern.case_labels.items()},
        )

    def check_pattern(self, path: Path, data: Any, case_stage: bool) -> None:
        """A session pattern's words: known ones, and only where a case's sheet fills them."""
        if not isinstance(data, dict):
            return
        texts: list[tuple[str, Any]] = []
        for part in (data, *(data.get("levels") or {}).values()):
            if not isinstance(part, dict):
                continue
            for key in ("objectives", "deliverables", "documentation", "homework", "preparation"):
                texts += [(key, item.get("what") if isinstance(item, dict) else item) for item in part.get(key) or []]
            texts.append(("committee", part.get("committee")))
            texts += [("case_labels", text) for text in (part.get("case_labels") or {}).values()]
        for key, text in texts:
            for match in _PLACEHOLDER.finditer(str(text or "")):
                if not case_stage or key == "homework":
                    where = (
                        "les séances hors cas"
                        if not case_stage
                        else "le travail intersession, lu par la fiche suivante"
                    )
                    message = f"« {match[0]} » : les mots du cas n'ont pas cours dans {where}"
                elif match[2] not in self.neutral:
                    message = f"mot inconnu « {match[0]} » ; mots de seances/{FILE} : {', '.join(sorted(self.neutral))}"
                else:
                    continue
                raise TemplateError(message, path=path, key=key, line=_line_of(path, match[0]))


def _line_of(path: Path, text: str) -> int | None:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next((number for number, line in enumerate(lines, start=1) if text in line), None)


def load_natures(path: Path, sheets: Mapping[str, Mapping[str, Any]]) -> Natures:
    """Read and check `seances/natures.yaml` against the template's method sheets (`sheets`: method id →
    its fields); a missing file gives empty natures. Errors name the file, key and line."""
    if not path.is_file():
        return Natures()
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise TemplateError(
            f"YAML illisible ({getattr(error, 'problem', error)})", path=path, line=mark.line + 1 if mark else None
        ) from None
    checker = _Checker(path)
    top = checker.mapping(root, "", ("neutral", "natures", "activities"))
    neutral = checker.words(top.get("neutral"), "neutral")
    natures: dict[str, dict[str, str]] = {}
    for key_node, node in checker.items(top.get("natures"), "natures"):
        if key_node.value not in NATURES:
            raise checker.fail(
                f"natures.{key_node.value}", f"nature inconnue ; valeurs possibles : {', '.join(NATURES)}", key_node
            )
        words = checker.words((key_node, node), f"natures.{key_node.value}")
        unknown = next((k for k in words if k not in neutral), None)
        if unknown:
            raise checker.fail(
                f"natures.{key_node.value}.{unknown}", "mot absent de « neutral », qui définit le vocabulaire", node
            )
        natures[key_node.value] = words
    activities: dict[str, Activity] = {}
    for key_node, node in checker.items(top.get("activities"), "activities"):
        method_id, where = key_node.value, f"activities.{key_node.value}"
        if method_id not in sheets:
            raise checker.fail(
                where, "méthode inconnue : aucune fiche methodes/<id>.md ne porte cet identifiant", key_node
            )
        materials = list(sheets[method_id].get("materials") or [])
        titles = [str(step.get("title")) for step in sheets[method_id].get("steps") or [] if isinstance(step, dict)]
        spec = checker.mapping(node, where, ("purpose", "materials", "steps"))
        purpose = checker.text(spec.get("purpose"), f"{where}.purpose", neutral)
        replaced: dict[str, str] = {}
        for line_node, text_node in checker.items(spec.get("materials"), f"{where}.materials"):
            if line_node.value not in materials:
                raise checker.fail(
                    f"{where}.materials",
                    f"cette ligne n'est pas dans le matériel de la fiche methodes/{method_id}.md : « {line_node.value[:60]}… »",
                    line_node,
                )
            replaced[line_node.value] = checker.text((line_node, text_node), f"{where}.materials", neutral)
        details: dict[str, str] = {}
        for title_node, text_node in checker.items(spec.get("steps"), f"{where}.steps"):
            if title_node.value not in titles:
                raise checker.fail(
                    f"{where}.steps",
                    f"pas d'étape « {title_node.value} » dans methodes/{method_id}.md ; étapes : {', '.join(titles)}",
                    title_node,
                )
            details[title_node.value] = checker.text((title_node, text_node), f"{where}.steps", neutral)
        activities[method_id] = Activity(purpose, replaced, details)
    return Natures(neutral, natures, activities)


class _Checker:
    def __init__(self, path: Path):
        self.path = path

    def fail(self, key: str, message: str, node: yaml.Node) -> TemplateError:
        return TemplateError(message, path=self.path, key=key, line=node.start_mark.line + 1)

    def items(self, entry: tuple[yaml.Node, yaml.Node] | None, key: str) -> list[tuple[yaml.Node, yaml.Node]]:
        if entry is None:
            return []
        node = entry[1]
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(key, "des clés sont attendues ici", node)
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key, "une clé doit être un texte", key_node)
        return list(node.value)

    def mapping(self, node: yaml.Node | None, key: str, allowed: tuple[str, ...]) -> dict:
        if node is None:
            raise TemplateError("le fichier est vide", path=self.path)
        found = {}
        for key_node, value in self.items((node, node), key or "(racine)"):
            if key_node.value not in allowed:
                where = f"{key}.{key_node.value}" if key else key_node.value
                raise self.fail(where, f"clé inconnue ; clés possibles : {', '.join(allowed)}", key_node)
            found[key_node.value] = (key_node, value)
        return found

    def words(self, entry: tuple[yaml.Node, yaml.Node] | None, key: str) -> dict[str, str]:
        words = {}
        for key_node, value in self.items(entry, key):
            if not re.fullmatch(r"[a-z_]+", key_node.value):
                raise self.fail(
                    f"{key}.{key_node.value}", "un mot s'écrit en minuscules sans accent (a-z, _)", key_node
                )
            words[key_node.value] = self.text((key_node, value), f"{key}.{key_node.value}", None)
        return words

    def text(self, entry: tuple[yaml.Node, yaml.Node] | None, key: str, vocabulary: Mapping[str, str] | None) -> str:
        if entry is None:
            return ""
        node = entry[1]
        if not isinstance(node, yaml.ScalarNode) or not node.value.strip():
            raise self.fail(key, "un texte est attendu", node)
        if vocabulary is not None:
            for match in _PLACEHOLDER.finditer(node.value):
                if match[2] not in vocabulary:
                    raise self.fail(
                        key,
                        f"mot inconnu « {match[0]} » ; mots de « neutral » : {', '.join(sorted(vocabulary))}",
                        node,
                    )
        return str(node.value)


def _fill_held(fill: Callable[[str], str], item: str | Mapping[str, Any]) -> str | Mapping[str, Any]:
    """A text, or a {what, needs} text the session keeps only if it holds the activity: words filled."""
    return fill(item) if isinstance(item, str) else {**item, "what": fill(str(item["what"]))}
