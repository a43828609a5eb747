"""Composing a session's agenda from its phase, its case stage, its lab topic and the method sheets.

Pure: takes the planned `Session`, the rituals held during it and the template's patterns, and returns
the day-by-day agenda whose times add up. The wording lives in the template (`seances/seance.md`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from transfogen.errors import TemplateError
from transfogen.fr import heure
from transfogen.model import Session
from transfogen.template import SessionPattern, Template

# When several things claim the end of a session, the most important keeps the last block.
_RITUAL_PRIORITY = ("cloture", "restitution", "comite-pilotage")


@dataclass(frozen=True)
class AgendaItem:
    start: str  # "09:30"
    end: str
    minutes: int
    title: str
    kind: str  # ouverture | bloc | pause | cloture
    method: str | None = None


@dataclass(frozen=True)
class AgendaDay:
    day: date
    items: tuple[AgendaItem, ...]

    @property
    def minutes(self) -> int:
        """Working minutes of the day (breaks excluded)."""
        return sum(item.minutes for item in self.items if item.kind != "pause")


@dataclass(frozen=True)
class ComposedSession:
    session: Session
    pattern: SessionPattern
    days: tuple[AgendaDay, ...]
    methods: tuple[str, ...]  # every method used, in order of first use
    rituals: tuple[str, ...]  # ritual kinds held during the session

    @property
    def minutes(self) -> int:
        return sum(day.minutes for day in self.days)


def _minutes(clock: str) -> int:
    hours, minutes = str(clock).split(":")
    return int(hours) * 60 + int(minutes)


def pattern_for(session: Session, template: Template) -> SessionPattern:
    """The pattern a session follows: its phase's, or its case stage's during the case phase."""
    key = session.stage if session.phase == "cas-pratiques" and session.stage else session.phase
    try:
        return template.patterns[key]
    except KeyError:
        raise TemplateError(
            f"{template.root}/seances/{key}.yaml: modèle de séance manquant (séance {session.number})"
        ) from None


def _lab_blocks(session: Session, template: Template) -> tuple[tuple[str, ...], ...]:
    if not session.lab_topic:
        return ()
    try:
        return template.lab_patterns[session.lab_topic].blocks
    except KeyError:
        raise TemplateError(
            f"{template.root}/seances/labo/{session.lab_topic}.yaml: modèle de thème manquant (séance {session.number})"
        ) from None


def _blocks(session: Session, template: Template, rituals: tuple[str, ...], per_day: int) -> list[tuple[str, ...]]:
    pattern = pattern_for(session, template)
    lab = _lab_blocks(session, template)
    needed = per_day * len(session.days)
    source = list(lab + pattern.blocks) if session.phase == "prefiguration" else list(pattern.blocks)
    if len(source) < needed:
        raise TemplateError(
            f"{pattern.path}: blocks: {len(source)} blocs pour une séance de {len(session.days)} jours "
            f"qui en demande {needed}"
        )
    blocks = source[:needed]
    overrides: list[tuple[str, ...]] = []
    for kind in _RITUAL_PRIORITY:
        if kind in rituals:
            block = template.day.rituals.get(kind) if template.day else None
            if not block:
                raise TemplateError(
                    "bloc manquant", path=template.root / "seances" / "journee.yaml", key=f"rituals.{kind}"
                )
            overrides.append(block)
    if lab and session.phase != "prefiguration":
        overrides.append(lab[0])
    for offset, block in enumerate(overrides[: len(blocks)]):
        blocks[len(blocks) - 1 - offset] = block
    return blocks


def compose(
    session: Session, rituals: tuple[str, ...], template: Template, situation: frozenset[str] = frozenset()
) -> ComposedSession:
    """Lay out the session day by day: opening, two blocks of methods around lunch, closing.

    `situation` names the conditions the collectivity meets (e.g. "network"); a method that needs a
    condition it does not meet gives way to its replacement (`conditions` in seances/journee.yaml).
    """
    if template.day is None:
        raise TemplateError("cadre de la journée manquant", path=template.root / "seances" / "journee.yaml")
    swaps = {
        method: replacement
        for condition, pairs in template.day.conditions.items()
        if condition not in situation
        for method, replacement in pairs.items()
    }
    methods: Mapping[str, Any] = template.methods
    slots = template.day.slots
    per_day = sum(1 for slot in slots if slot.get("kind") == "bloc")
    blocks = iter(_blocks(session, template, rituals, per_day))
    used: dict[str, None] = {}

    def method_item(method_id: str, start: int) -> AgendaItem:
        method_id = swaps.get(method_id, method_id)
        try:
            sheet = methods[method_id]
        except KeyError:
            raise TemplateError(
                f"{template.root}/methodes/{method_id}.md: fiche méthode manquante (séance {session.number})"
            ) from None
        used.setdefault(method_id, None)
        minutes = int(sheet.meta["duration"])
        return AgendaItem(heure(start), heure(start + minutes), minutes, str(sheet.meta["title"]), "bloc", method_id)

    days = []
    for day in session.days:
        items: list[AgendaItem] = []
        for slot in slots:
            start, length, kind = _minutes(slot["start"]), int(slot["minutes"]), slot["kind"]
            if kind == "bloc":
                clock = start
                for method_id in next(blocks):
                    item = method_item(method_id, clock)
                    items.append(item)
                    clock += item.minutes
                if clock != start + length:
                    raise TemplateError(
                        f"{template.root}/seances: un bloc de la séance {session.number} dure "
                        f"{clock - start} min au lieu de {length}"
                    )
            elif slot.get("method"):
                item = method_item(slot["method"], start)
                items.append(AgendaItem(item.start, heure(start + length), length, item.title, kind, item.method))
            else:
                items.append(AgendaItem(heure(start), heure(start + length), length, str(slot.get("title", "")), kind))
        days.append(AgendaDay(day, tuple(items)))
    return ComposedSession(
        session=session,
        pattern=pattern_for(session, template),
        days=tuple(days),
        methods=tuple(used),
        rituals=tuple(kind for kind in _RITUAL_PRIORITY if kind in rituals),
    )
