"""Reading a kit template folder: its manifest, method sheets, session patterns and day frame.

A template is a cookiecutter template (`cookiecutter.json` + `{{cookiecutter.slug}}/`, the kit's fixed
skeleton) plus what transfogen renders one item at a time: `methodes/*.md`, `roles/*.md`,
`seances/*.yaml` (session patterns) and `seances/seance.md` (the session sheet), described by
`transfogen.yaml`. The folder layout is documented in CONTRIBUTING.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from transfogen.errors import TemplateError

MANIFEST = "transfogen.yaml"
BLOCK_MINUTES = 180


@dataclass(frozen=True)
class SessionPattern:
    """How a session of one stage or phase is composed (see docs/seances.md)."""

    id: str
    title: str
    objectives: tuple[str, ...]
    blocks: tuple[tuple[str, ...], ...]
    preparation: tuple[dict, ...] = ()
    deliverables: tuple[str, ...] = ()
    homework: tuple[str, ...] = ()
    documentation: tuple[str, ...] = ()
    path: str = ""


@dataclass(frozen=True)
class DayFrame:
    """The fixed frame of every session day: opening, two blocks, lunch, closing."""

    slots: tuple[dict, ...]  # {start: "09:00", minutes, kind: ouverture|bloc|pause|cloture, method?, title?}
    rituals: dict[str, tuple[str, ...]]  # ritual kind → block of method ids
    # condition → {method that needs it: replacement of the same length}, e.g. "network" when the
    # profile names partner collectivities
    conditions: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Template:
    root: Path
    name: str
    version: str
    title: str
    description: str
    example: str
    role_names: dict[str, str]
    methods: dict[str, Any] = field(default_factory=dict)  # id → transfogen.sheets.Sheet
    patterns: dict[str, SessionPattern] = field(default_factory=dict)  # stage/phase id → pattern
    lab_patterns: dict[str, SessionPattern] = field(default_factory=dict)  # lab topic → pattern
    day: DayFrame | None = None

    @property
    def skeleton(self) -> Path:
        return self.root / "{{cookiecutter.slug}}"


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
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
    return SessionPattern(
        id=str(data.get("id") or path.stem),
        title=str(data.get("title") or path.stem),
        objectives=_texts(data.get("objectives"), path, "objectives"),
        blocks=tuple(tuple(block) for block in blocks),
        preparation=tuple(preparation),
        deliverables=_texts(data.get("deliverables"), path, "deliverables"),
        homework=_texts(data.get("homework"), path, "homework"),
        documentation=_texts(data.get("documentation"), path, "documentation"),
        path=str(path),
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
    )


def load_template(root: Path) -> Template:
    """Read a template folder; sheets are validated against the sheet schema as they are read."""
    from transfogen.sheets import load_sheet, schema

    root = Path(root)
    manifest = _read_yaml(root / MANIFEST)
    if not isinstance(manifest, dict):
        raise TemplateError("un dictionnaire YAML est attendu", path=root / MANIFEST)
    for key in ("name", "version", "title"):
        if not manifest.get(key):
            raise TemplateError("champ obligatoire", path=root / MANIFEST, key=key)
    methods = {}
    for path in sorted((root / "methodes").glob("*.md")):
        sheet = load_sheet(path, lint=False)  # `templates check` lints the bodies
        methods[sheet.meta["id"]] = sheet
    seances = root / "seances"
    patterns = {p.stem: _pattern(p) for p in sorted(seances.glob("*.yaml")) if p.stem != "journee"}
    lab_patterns = {p.stem: _pattern(p) for p in sorted((seances / "labo").glob("*.yaml"))}
    day = _day_frame(seances / "journee.yaml") if (seances / "journee.yaml").exists() else None
    return Template(
        root=root,
        name=str(manifest["name"]),
        version=str(manifest["version"]),
        title=str(manifest["title"]),
        description=str(manifest.get("description", "")),
        example=str(manifest.get("example", "")),
        # The shared vocabulary names the roles; a template may rename some in its manifest.
        role_names={**schema()["roles"], **(manifest.get("roles") or {})},
        methods=methods,
        patterns=patterns,
        lab_patterns=lab_patterns,
        day=day,
    )
