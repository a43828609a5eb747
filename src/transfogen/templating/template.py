"""Reading a kit template folder: its manifest, programme rules, method sheets, session patterns and day frame.

A template is a cookiecutter template (`cookiecutter.json` + `{{cookiecutter.slug}}/`, the kit's fixed
skeleton) plus what transfogen renders one item at a time: `methodes/*.md`, `roles/*.md`,
`seances/*.yaml` (session patterns) and `seances/seance.md` (the session sheet), described by
`transfogen.yaml`. The folder layout is documented in CONTRIBUTING.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from transfogen.errors import TemplateError
from transfogen.planning.rules import ProgrammeRules
from transfogen.records import record
from transfogen.templating.parsed_yaml import load_yaml

if TYPE_CHECKING:
    from transfogen.kit.sheets import Sheet
    from transfogen.templating.natures import Natures

MANIFEST = "transfogen.yaml"
BLOCK_MINUTES = 180
# Files of seances/ that frame the sessions rather than describe one stage or phase.
NOT_PATTERNS = ("journee", "progression", "natures")


@record
class SessionPattern:
    """How a session of one stage or phase is composed (see docs/seances.md)."""

    id: str
    title: str
    # Objectives and deliverables: a text, or {what, needs: method id(s)} kept only when the session
    # holds those activities (a short session that skips the immersion does not promise it).
    objectives: tuple[str | Mapping[str, Any], ...]
    blocks: tuple[tuple[str, ...], ...]
    preparation: tuple[dict, ...] = ()
    deliverables: tuple[str | Mapping[str, Any], ...] = ()
    homework: tuple[str, ...] = ()
    documentation: tuple[str, ...] = ()
    path: str = ""
    # Per progression level (see seances/progression.yaml): {level id: {blocks, objectives, lead…}}.
    levels: dict[str, dict] = field(default_factory=dict)
    # Blocks for the days the ambassadors do not attend (residents, agent pilote and service at work).
    team_blocks: tuple[tuple[str, ...], ...] = ()
    # What the steering committee gets to decide on when it meets during a session of this stage.
    committee: str = ""
    # How a session of this stage uses the case's data: {question|users|non_users|places|referent|known: label}.
    case_labels: dict[str, str] = field(default_factory=dict)
    # Methods a session of this stage never loses, however short it is and whatever its rituals take:
    # the lab block and the rituals that yield (journee.yaml) give way to them first.
    essentials: tuple[str, ...] = ()
    # Methods that may fill the time of an activity a block drops because the session already held it.
    alternatives: tuple[str, ...] = ()
    # How this stage runs a method, shown with its steps on the sheet: {method id: text}.
    notes: dict[str, str] = field(default_factory=dict)


@record
class DayFrame:
    """The fixed frame of every session day: opening, two blocks, lunch, closing."""

    slots: tuple[dict, ...]  # {start: "09:00", minutes, kind: ouverture|bloc|pause|cloture, method?, title?}
    rituals: dict[str, tuple[str, ...]]  # ritual kind → block of method ids
    # condition → {method that needs it: replacement of the same length}, e.g. "network" when the
    # profile names partner collectivities
    conditions: dict[str, dict[str, str]] = field(default_factory=dict)
    # Methods that may come back on every day of a session, once a day (e.g. tidying up a block's output).
    daily: tuple[str, ...] = ()
    # Methods held once in the whole programme: a later block that names one gives way to the next block.
    once: tuple[str, ...] = ()
    # Rituals whose block gives way to a stage's essential methods when the session is too short for
    # both (the sheet then says how the ritual is held outside the session).
    yields: tuple[str, ...] = ()
    # Activities any session may use, last, to fill the time of an activity it already held.
    fillers: tuple[str, ...] = ()


@record
class Template:
    """Everything transfogen reads from a template folder, read once.

    The manifest and the programme rules are read when the template is loaded; the method sheets and
    the session patterns only when a kit is rendered (the calendar needs the rules alone).
    """

    root: Path
    name: str
    version: str
    title: str
    description: str
    example: str
    role_names: dict[str, str]
    rules: ProgrammeRules

    @property
    def skeleton(self) -> Path:
        return self.root / "{{cookiecutter.slug}}"

    @cached_property
    def names(self) -> dict[str, str]:
        """French names of the ids the calendars show: phases, case stages, lab topics, rituals."""
        rules = self.rules
        names = {phase.id: phase.name for phase in rules.phases}
        names.update({item.id: item.name for item in (*rules.case_stages, *rules.lab_topics)})
        for ritual in rules.rituals:  # "cloture" is both a phase and a ritual: the phase keeps its name
            names.setdefault(ritual.kind, ritual.name)
        return names

    @cached_property
    def methods(self) -> dict[str, Sheet]:
        """Method sheets by id, validated against the sheet schema as they are read."""
        from transfogen.kit.sheets import load_sheet

        methods = {}
        for path in sorted((self.root / "methodes").glob("*.md")):
            sheet = load_sheet(path, lint=False)  # `templates check` lints the bodies
            methods[sheet.meta["id"]] = sheet
        return methods

    @cached_property
    def patterns(self) -> dict[str, SessionPattern]:
        """Session patterns by stage or phase id."""
        seances = self.root / "seances"
        return {p.stem: _pattern(p) for p in sorted(seances.glob("*.yaml")) if p.stem not in NOT_PATTERNS}

    @cached_property
    def lab_patterns(self) -> dict[str, SessionPattern]:
        """Session patterns by lab topic."""
        return {p.stem: _pattern(p) for p in sorted((self.root / "seances" / "labo").glob("*.yaml"))}

    @cached_property
    def day(self) -> DayFrame | None:
        path = self.root / "seances" / "journee.yaml"
        return _day_frame(path) if path.exists() else None

    @cached_property
    def progression(self) -> dict:
        """seances/progression.yaml: who leads what, by the rank of the case (empty without the file)."""
        path = self.root / "seances" / "progression.yaml"
        progression = _read_yaml(path) if path.exists() else {}
        if not isinstance(progression, dict):
            raise TemplateError("un dictionnaire YAML est attendu", path=path)
        return progression

    @cached_property
    def natures(self) -> Natures:
        """seances/natures.yaml: the words of each nature of case (empty without the file)."""
        from transfogen.templating.natures import load_natures

        natures = load_natures(self.root / "seances" / "natures.yaml", {i: s.meta for i, s in self.methods.items()})
        stages = {stage.id for stage in self.rules.case_stages}
        for path in sorted((self.root / "seances").glob("*.yaml")):  # case words only where a case fills them
            if path.stem not in NOT_PATTERNS:
                natures.check_pattern(path, _read_yaml(path), path.stem in stages)
        for path in sorted((self.root / "seances" / "labo").glob("*.yaml")):
            natures.check_pattern(path, _read_yaml(path), False)
        return natures

    @property
    def role_files(self) -> list[Path]:
        """The role sheets of the template (`roles/<id>.md`)."""
        return sorted((self.root / "roles").glob("*.md"))


def _read_yaml(path: Path) -> Any:
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TemplateError("fichier introuvable", path=path) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise TemplateError(
            f"YAML illisible ({getattr(error, 'problem', error)})", path=path, line=mark.line + 1 if mark else None
        ) from None


def _texts(value: Any, path: Path, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TemplateError("une liste de textes est attendue", path=path, key=key)
    return tuple(value)


def _held_texts(value: Any, path: Path, key: str) -> tuple:
    """Texts, or {what, needs: a method id or a list of them} shown only when the session holds them."""
    if value is None:
        return ()
    for index, item in enumerate(value if isinstance(value, list) else [None]):
        needs = item.get("needs") if isinstance(item, dict) else None
        if isinstance(item, str) or (
            isinstance(item, dict)
            and isinstance(item.get("what"), str)
            and (isinstance(needs, str) or (isinstance(needs, list) and all(isinstance(n, str) for n in needs)))
        ):
            continue
        raise TemplateError("un texte ou {what, needs: méthode(s)} est attendu", path=path, key=f"{key}[{index}]")
    return tuple(value)


def _homework(value: Any, path: Path) -> tuple:
    """Homework items: a text, or {what, needs: method id} shown only when the next session uses it."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(item, str) or (isinstance(item, dict) and isinstance(item.get("what"), str)) for item in value
    ):
        raise TemplateError("une liste de textes ou de {what, needs} est attendue", path=path, key="homework")
    return tuple(value)


def _pattern(path: Path) -> SessionPattern:
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise TemplateError("un dictionnaire YAML est attendu", path=path)
    blocks = data.get("blocks")
    if not isinstance(blocks, list) or not blocks:
        raise TemplateError("au moins un bloc est attendu", path=path, key="blocks")
    for index, block in enumerate(blocks):
        if not isinstance(block, list) or not all(isinstance(item, str) for item in block):
            raise TemplateError("une liste d'identifiants de méthodes est attendue", path=path, key=f"blocks[{index}]")
    preparation = data.get("preparation") or []
    if not isinstance(preparation, list) or not all(
        isinstance(item, dict) and {"who", "what"} <= set(item) for item in preparation
    ):
        raise TemplateError("une liste de {who, what} est attendue", path=path, key="preparation")
    levels = data.get("levels") or {}
    if not isinstance(levels, dict) or not all(isinstance(v, dict) for v in levels.values()):
        raise TemplateError("« niveau: {blocks, objectives…} » est attendu", path=path, key="levels")
    for level, variant in levels.items():
        for key in ("objectives", "deliverables"):
            _held_texts(variant.get(key), path, f"levels.{level}.{key}")
        for index, block in enumerate(variant.get("blocks") or []):
            if not isinstance(block, list) or not all(isinstance(item, str) for item in block):
                raise TemplateError(
                    "une liste d'identifiants de méthodes est attendue",
                    path=path,
                    key=f"levels.{level}.blocks[{index}]",
                )
    for index, block in enumerate(data.get("team_blocks") or []):
        if not isinstance(block, list) or not all(isinstance(item, str) for item in block):
            raise TemplateError(
                "une liste d'identifiants de méthodes est attendue", path=path, key=f"team_blocks[{index}]"
            )
    case_labels = data.get("case_labels") or {}
    if not isinstance(case_labels, dict) or not all(isinstance(v, str) for v in case_labels.values()):
        raise TemplateError("« donnée: libellé » est attendu", path=path, key="case_labels")
    notes = data.get("notes") or {}
    for key, value in [("notes", notes), *((f"levels.{k}.notes", v.get("notes") or {}) for k, v in levels.items())]:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise TemplateError("« méthode: texte » est attendu", path=path, key=key)
    return SessionPattern(
        id=str(data.get("id") or path.stem),
        title=str(data.get("title") or path.stem),
        objectives=_held_texts(data.get("objectives"), path, "objectives"),
        blocks=tuple(tuple(block) for block in blocks),
        preparation=tuple(preparation),
        deliverables=_held_texts(data.get("deliverables"), path, "deliverables"),
        homework=_homework(data.get("homework"), path),
        documentation=_texts(data.get("documentation"), path, "documentation"),
        path=str(path),
        levels={str(k): dict(v) for k, v in levels.items()},
        committee=str(data.get("committee") or ""),
        team_blocks=tuple(tuple(block) for block in data.get("team_blocks") or ()),
        case_labels={str(k): str(v) for k, v in case_labels.items()},
        essentials=_texts(data.get("essentials"), path, "essentials"),
        alternatives=_texts(data.get("alternatives"), path, "alternatives"),
        notes={str(k): str(v) for k, v in notes.items()},
    )


def _day_frame(path: Path) -> DayFrame:
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("day"), list):
        raise TemplateError("la liste des moments de la journée est attendue", path=path, key="day")
    rituals = data.get("rituals") or {}
    if not isinstance(rituals, dict):
        raise TemplateError("un dictionnaire est attendu", path=path, key="rituals")
    conditions = data.get("conditions") or {}
    if not isinstance(conditions, dict) or not all(
        isinstance(swaps, dict) and all(isinstance(a, str) and isinstance(b, str) for a, b in swaps.items())
        for swaps in conditions.values()
    ):
        raise TemplateError("« condition: {méthode: remplaçante} » est attendu", path=path, key="conditions")
    return DayFrame(
        slots=tuple(data["day"]),
        rituals={kind: tuple(block) for kind, block in rituals.items()},
        conditions={name: dict(swaps) for name, swaps in conditions.items()},
        daily=_texts(data.get("daily"), path, "daily"),
        once=_texts(data.get("once"), path, "once"),
        yields=_texts(data.get("yields"), path, "yields"),
        fillers=_texts(data.get("fillers"), path, "fillers"),
    )


def load_template(root: str | Path) -> Template:
    """Read a template folder's manifest and programme rules (sheets are read when first needed)."""
    from transfogen.kit.sheets import schema
    from transfogen.planning.rules import load_rules

    root = Path(root)
    manifest = _read_yaml(root / MANIFEST)
    if not isinstance(manifest, dict):
        raise TemplateError("un dictionnaire YAML est attendu", path=root / MANIFEST)
    for key in ("name", "version", "title"):
        if not manifest.get(key):
            raise TemplateError("champ obligatoire", path=root / MANIFEST, key=key)
    return Template(
        root=root,
        name=str(manifest["name"]),
        version=str(manifest["version"]),
        title=str(manifest["title"]),
        description=str(manifest.get("description", "")),
        example=str(manifest.get("example", "")),
        # The shared vocabulary names the roles; a template may rename some in its manifest.
        role_names={**schema()["roles"], **(manifest.get("roles") or {})},
        rules=load_rules(root),
    )
