"""Composing a session's agenda from its phase, its case stage, its lab topic and the method sheets.

Pure: takes the planned sessions, the rituals held during them and the template's patterns, and returns
the day-by-day agenda whose times add up, who leads each activity and what the group already practised.
The wording lives in the template (`seances/seance.md`, `seances/progression.yaml`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import field, replace
from datetime import date
from itertools import combinations
from typing import Any

from transfogen.errors import TemplateError
from transfogen.planning.fr import heure
from transfogen.planning.model import Programme, Session
from transfogen.records import record
from transfogen.templating.template import SessionPattern, Template

# Without an order in journee.yaml: the restitution comes first, then the committee decides on it, and
# the programme's closing event keeps the very last block.
_RITUAL_ORDER = ("restitution", "comite-pilotage", "cloture")


@record
class AgendaItem:
    start: str  # "09:30"
    end: str
    minutes: int
    title: str
    kind: str  # ouverture | bloc | pause | cloture
    method: str | None = None
    lead: str = ""  # who leads it, in French
    part: str = ""  # "" | "debut" | "suite": a method the block's break cuts in two


@record
class AgendaDay:
    day: date
    items: tuple[AgendaItem, ...]

    @property
    def minutes(self) -> int:
        """Working minutes of the day (breaks excluded)."""
        return sum(item.minutes for item in self.items if item.kind != "pause")


@record
class ComposedSession:
    session: Session
    pattern: SessionPattern  # the stage's pattern as this progression level runs it
    days: tuple[AgendaDay, ...]
    methods: tuple[str, ...]  # every method used, in order of first use
    rituals: tuple[str, ...]  # ritual kinds held during the session, in the order they are held
    level: str = ""  # progression level id (seances/progression.yaml)
    # method → number of the earlier session where the group first ran it
    practised: Mapping[str, int] = field(default_factory=dict)
    # methods run only on the days the ambassadors do not attend (residents, agent pilote, service)
    team_only: frozenset[str] = frozenset()
    # whether the session's lab topic got its block (it gives way to the case's essentials)
    lab_held: bool = True

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


def level_of(session: Session, cases: int, template: Template) -> str:
    """The progression level of a session: by the rank of its case, or by its phase.

    The first case is level 0; the last case reaches 1; a level applies from its `from` share on.
    A case at the same level as the case before it runs the level's second round (`again`), so that
    two consecutive cases do not run the same sessions.
    """
    progression = template.progression or {}
    levels = [lvl for lvl in progression.get("levels") or [] if isinstance(lvl, dict) and lvl.get("id")]
    if not levels:
        return ""
    if session.case is None:
        return str((progression.get("phases") or {}).get(session.phase, levels[0]["id"]))
    if session.lab_trial and progression.get("trial"):  # the last case runs as the future lab would
        return str(progression["trial"])

    def by_rank(case: int) -> str:
        share = (case - 1) / (cases - 1) if cases > 1 else 0.0
        chosen = levels[0]["id"]
        for lvl in sorted(levels, key=lambda lvl: float(lvl.get("from", 0))):
            if float(lvl.get("from", 0)) <= share + 1e-9:
                chosen = lvl["id"]
        return str(chosen)

    level = by_rank(session.case)
    again = progression.get("again") or {}
    if level in again:  # a case at the same level as the one before runs that level's second round
        run = 0
        while session.case - run > 1 and by_rank(session.case - run - 1) == level:
            run += 1
        if run % 2:
            return str(again[level])
    return level


def _for_level(pattern: SessionPattern, level: str, template: Template) -> SessionPattern:
    variant = pattern.levels.get(level) or {}
    if not variant:  # a level the pattern does not vary for runs as the level it is like
        spec: dict = next(
            (lvl for lvl in (template.progression or {}).get("levels") or [] if lvl.get("id") == level), {}
        )
        variant = pattern.levels.get(str(spec.get("like", ""))) or {}
    if not variant:
        return pattern
    return replace(
        pattern,
        blocks=tuple(tuple(block) for block in variant.get("blocks") or pattern.blocks),
        objectives=tuple(variant.get("objectives") or pattern.objectives),
        deliverables=tuple(variant.get("deliverables") or pattern.deliverables),
        homework=tuple(variant.get("homework") or pattern.homework),
        preparation=pattern.preparation + tuple(variant.get("preparation") or ()),
        essentials=tuple(variant.get("essentials") or pattern.essentials),
        alternatives=tuple(variant.get("alternatives") or pattern.alternatives),
        notes={str(k): str(v) for k, v in (variant.get("notes") or {}).items()},  # a level's own way
    )


# A block that loses activities the session already held keeps the rest when at least this much remains.
_KEEP_MINUTES = 60
_MAX_SUBSTITUTES = 3


class _Picker:
    """Fills a session's blocks so that no activity runs twice from scratch in it.

    A method runs once per session, except the `daily` ones (once a day at most); a method the template
    holds `once` in the programme is not run again after the session that first held it. A block that
    would repeat an activity drops it and keeps the rest, its time refilled with other activities.
    """

    def __init__(self, per_day: int, needed: int, daily: set[str], once: set[str], done: Mapping[str, int]):
        self.per_day, self.needed, self.daily = per_day, needed, daily
        self.spent = {m for m in once if m in done}
        self.slots: list[tuple[str, ...] | None] = [None] * needed
        self.used: set[str] = set()

    def _same_day(self, position: int) -> set[str]:
        day = position // self.per_day
        return {m for index, placed in enumerate(self.slots) if placed and index // self.per_day == day for m in placed}

    def repeated(self, block: Sequence[str], position: int, strict: bool = True) -> list[int]:
        """Indexes of the block's activities that this position cannot hold (already held, or twice)."""
        same_day, seen, bad = self._same_day(position), set(), []
        for index, method in enumerate(block):
            if method in seen:
                bad.append(index)
            elif method in self.daily:
                if method in same_day:
                    bad.append(index)
            elif method in self.used or (strict and method in self.spent):
                bad.append(index)
            seen.add(method)
        return bad

    def fits(self, block: tuple[str, ...], position: int, strict: bool = True, session: bool = True) -> bool:
        if session:
            return not self.repeated(block, position, strict)
        same_day = self._same_day(position)  # a second round on another day: only the day matters
        return not any(block.count(m) > 1 or m in same_day for m in block)

    def refill(
        self,
        block: Sequence[str],
        position: int,
        minutes: Callable[[str], int],
        tiers: Sequence[Sequence[str]],
        keep: Callable[[str], bool] = lambda method: True,
    ) -> tuple[str, ...] | None:
        """The block without its repeated activities (and those `keep` refuses), their time given to
        candidates that fill it exactly, taken from the first tiers first; None when too little
        remains or nothing fits."""
        bad = set(self.repeated(block, position))
        kept = [m for i, m in enumerate(block) if i not in bad and keep(m)]
        if sum(minutes(m) for m in kept) < _KEEP_MINUTES or all(m in self.daily for m in kept):
            return None
        gap = sum(minutes(m) for m in block) - sum(minutes(m) for m in kept)
        pool: list[str] = []
        for tier in tiers:  # the first tier that can fill the gap exactly, fewest activities first
            pool += [m for m in tier if m not in pool and m not in kept and minutes(m) <= gap]
            pool = [m for m in pool if not self.repeated((m,), position)]
            for size in range(1, _MAX_SUBSTITUTES + 1):
                for combo in combinations(pool, size):
                    if sum(minutes(m) for m in combo) == gap:
                        cut = next(i for i, m in enumerate(block) if m not in kept)  # where the first one was
                        before = [m for m in block[:cut] if m in kept]
                        after = [m for m in kept if m not in before]
                        # a daily ritual tidies up what the block produced: it goes last
                        work = [m for m in combo if m not in self.daily]
                        return (*before, *work, *after, *(m for m in combo if m in self.daily))
        return None

    def squeeze(
        self, block: Sequence[str], position: int, method: str, minutes: Callable[[str], int], fillers: Sequence[str]
    ) -> tuple[str, ...] | None:
        """`method` first, then as much of the placed block as fits, the time left given to fillers."""
        total = sum(minutes(m) for m in block)
        placed, self.slots[position] = self.slots[position], None
        try:
            for cut in range(len(block) - 1, 0, -1):
                kept = (method, *block[:cut])
                gap = total - sum(minutes(m) for m in kept)
                pool = [m for m in fillers if m not in kept and not self.repeated((m,), position)]
                for size in range(0 if gap == 0 else 1, _MAX_SUBSTITUTES + 1) if gap >= 0 else ():
                    for combo in combinations([m for m in pool if minutes(m) <= gap], size):
                        if sum(minutes(m) for m in combo) == gap:
                            return (*kept, *combo)
            return None
        finally:
            self.slots[position] = placed

    def place(self, block: tuple[str, ...], position: int) -> None:
        self.slots[position] = block
        self.used.update(m for m in block if m not in self.daily)


def _swap(block: Sequence[str], swaps: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(swaps.get(method, method) for method in block)


def _first_holders(source: Sequence[tuple[str, ...]], methods: Sequence[str]) -> list[int]:
    """Indexes of the first blocks that hold each method, in the order the methods are listed (the
    order a stage runs its essentials: the test before its review)."""
    holders = (next((i for i, block in enumerate(source) if m in block), None) for m in methods)
    return list(dict.fromkeys(i for i in holders if i is not None))


@record
class _Layout:
    blocks: list[tuple[str, ...]]
    rituals: tuple[str, ...]  # the rituals that kept their block
    lab_held: bool


def _blocks(
    session: Session,
    pattern: SessionPattern,
    template: Template,
    rituals: tuple[str, ...],
    per_day: int,
    swaps: Mapping[str, str],
    done: Mapping[str, int],
    lab_turn: int,
    minutes: Callable[[str], int],
) -> _Layout:
    day = template.day
    assert day is not None
    needed = per_day * len(session.days)
    lab: list[tuple[str, ...]] = []
    if session.lab_topic:
        try:
            lab = [_swap(b, swaps) for b in template.lab_patterns[session.lab_topic].blocks]
        except KeyError:
            raise TemplateError(
                f"{template.root}/seances/labo/{session.lab_topic}.yaml: modèle de thème manquant "
                f"(séance {session.number})"
            ) from None
        # A topic worked over several sessions takes its blocks in turn.
        turn = lab_turn % len(lab) if lab else 0
        lab = lab[turn:] + lab[:turn]
    picker = _Picker(per_day, needed, set(day.daily), set(day.once), done)
    source = [_swap(b, swaps) for b in pattern.blocks]
    if session.phase == "prefiguration":  # a session given to the lab starts with its topic's blocks
        source = lab + source
    essentials = [m for m in dict.fromkeys(_swap(pattern.essentials, swaps)) if any(m in b for b in source)]
    # The days without the ambassadors come first: the residents prepare with the service.
    team_days = len(session.days) - len(session.ambassador_days) if session.ambassador_days else 0
    team_slots = min(team_days * per_day, needed)
    # The stage's essentials come before a case session's lab block, then before the rituals that yield.
    room = len(_first_holders(source, essentials))
    held = list(rituals)
    lab_block = bool(lab) and session.phase != "prefiguration"
    on_team_day = False  # the lab block taken by the team on a day without the ambassadors

    def free() -> int:
        return needed - team_slots - len(held) - (1 if lab_block and not on_team_day else 0)

    if lab_block and free() < room:
        if team_slots:
            on_team_day = True
        elif not session.decides_lab_means:  # the committee deciding the lab's means keeps its block
            lab_block = False
    for kind in reversed(rituals):
        if free() >= room:
            break
        if kind in day.yields:
            held.remove(kind)
    # The end of the session: its lab block (a case session's), then the rituals in the order they are held.
    tail: list[tuple[str, ...]] = []
    for kind in held:
        block = day.rituals.get(kind)
        if not block:
            raise TemplateError("bloc manquant", path=template.root / "seances" / "journee.yaml", key=f"rituals.{kind}")
        tail.append(_swap(block, swaps))
    tail = tail[-needed:]
    for offset, block in enumerate(reversed(tail)):
        picker.place(block, needed - 1 - offset)
    head = needed - len(tail)
    lab_held = False
    where = team_slots - 1 if on_team_day else head - 1
    if lab_block and 0 <= where < head:
        choice = next((b for b in lab if picker.fits(b, where)), None)
        if choice:
            picker.place(choice, where)
            lab_held = True
    team = [_swap(b, swaps) for b in pattern.team_blocks]
    substitutes = [*_swap(pattern.alternatives, swaps)]
    positions = [p for p in range(head) if picker.slots[p] is None]
    for rank, position in enumerate(positions):
        remaining = len(positions) - rank
        missing = [m for m in essentials if m not in picker.used]
        spared: list[int] = list(range(len(source)))
        if position < team_slots:  # the essentials wait for the ambassadors
            choice = next((b for b in team if picker.fits(b, position) and not set(b) & set(missing)), None)
            if choice is not None:
                team.remove(choice)
                picker.place(choice, position)
                continue
            spared = [i for i in spared if not set(source[i]) & set(missing)]
        # Only the blocks that hold a missing essential, when the session has no room left for others.
        holders = _first_holders(source, missing)
        with_group = sum(1 for p in positions[rank:] if p >= team_slots)
        order = holders if position >= team_slots and len(holders) >= with_group else spared
        # Substitutes: the stage's alternatives, then the activities of blocks the session will not
        # reach, then those of the blocks still to come (a block is not emptied to fill another).
        coming = list(dict.fromkeys(m for block in source[:remaining] for m in block))
        spare = [m for block in source[remaining:] for m in block if m not in essentials]
        candidates = (
            [m for m in [*day.daily, *substitutes] if m not in coming],
            spare,
            [m for m in coming if m not in essentials],
            [m for m in day.fillers if m not in essentials],
        )
        index, choice = None, None
        for i in order:
            block = source[i]
            choice = block if picker.fits(block, position) else picker.refill(block, position, minutes, candidates)
            if choice is None and set(block) & set(missing):  # the essential alone, its block refilled
                choice = picker.refill(block, position, minutes, candidates, keep=set(missing).__contains__)
            if choice is not None:
                index = i
                break
        if choice is None:  # a short pattern: an activity already held in the programme comes back
            index = next((i for i, b in enumerate(source) if picker.fits(b, position, strict=False)), None)
        if index is None:  # a pattern too short for a long session: a second round on another day
            index = next(
                (i for i, b in enumerate(source) if picker.fits(b, position, strict=False, session=False)), None
            )
        if index is None:
            raise TemplateError(
                f"pas assez de blocs sans activité répétée dans la journée pour remplir les {needed} blocs "
                f"de la séance {session.number}",
                path=pattern.path,
                key="blocks",
            )
        picker.place(choice or source[index], position)
        del source[index]
    # A lab block kept for the committee deciding the lab's means makes room for a missing essential
    # (the test's review): the essential comes first, the topic keeps its first activity.
    missing = [m for m in essentials if m not in picker.used]
    if lab_held and missing and not on_team_day:
        block = picker.slots[where] or ()
        squeezed = picker.squeeze(block, where, missing[0], minutes, [*substitutes, *day.fillers])
        if squeezed:
            picker.place(squeezed, where)
    return _Layout([block for block in picker.slots if block], tuple(held), lab_held)


def _split(steps: Sequence[Mapping[str, Any]], minutes: int) -> int:
    """Where a break best cuts a method: the step boundary nearest its middle, else its middle (a long
    step such as a round of interviews pauses between two interviews)."""
    middle, bounds, clock = minutes // 2, [], 0
    for step in steps[:-1]:
        clock += int(step.get("minutes", 0))
        bounds.append(clock)
    inside = [b for b in bounds if abs(b - middle) <= 30]
    if inside:
        return min(inside, key=lambda b: (abs(b - middle), b))
    return middle - middle % 15


def compose(
    session: Session,
    rituals: tuple[str, ...],
    template: Template,
    situation: frozenset[str] = frozenset(),
    *,
    level: str | None = None,
    done: Mapping[str, int] | None = None,
    lab_turn: int = 0,
) -> ComposedSession:
    """Lay out the session day by day: opening, two blocks of methods around lunch, closing.

    `situation` names the conditions the collectivity meets (e.g. "network"); a method that needs a
    condition it does not meet gives way to its replacement (`conditions` in seances/journee.yaml).
    `done` maps the methods earlier sessions ran to the session that first ran them.
    """
    if template.day is None:
        raise TemplateError("cadre de la journée manquant", path=template.root / "seances" / "journee.yaml")
    done = done or {}
    if level is None:
        level = level_of(session, session.case or 1, template)
    pattern = _for_level(pattern_for(session, template), level, template)
    swaps = {
        method: replacement
        for condition, pairs in template.day.conditions.items()
        if condition not in situation
        for method, replacement in pairs.items()
    }
    order = [kind for kind in template.day.rituals if kind in _RITUAL_ORDER or kind in rituals]
    order += [kind for kind in _RITUAL_ORDER if kind not in order]
    held = tuple(kind for kind in order if kind in rituals)
    methods: Mapping[str, Any] = template.methods
    slots = template.day.slots
    per_day = sum(1 for slot in slots if slot.get("kind") == "bloc")

    def sheet_of(method_id: str) -> Any:
        try:
            return methods[method_id]
        except KeyError:
            raise TemplateError(
                f"{template.root}/methodes/{method_id}.md: fiche méthode manquante (séance {session.number})"
            ) from None

    def minutes(method_id: str) -> int:
        return int(sheet_of(method_id).meta["duration"])

    layout = _blocks(session, pattern, template, held, per_day, swaps, done, lab_turn, minutes)
    blocks = iter(layout.blocks)
    leads = _leads(template, level)
    used: dict[str, None] = {}

    without = str((template.progression or {}).get("without_ambassadors") or "")
    present = True  # whether the ambassadors attend the day being laid out

    def item(method_id: str, start: int, minutes: int, kind: str = "bloc", part: str = "") -> AgendaItem:
        sheet = sheet_of(method_id)
        used.setdefault(method_id, None)
        lead = leads(method_id, method_id in done) if present or not without else without
        title = str(sheet.meta["title"])
        return AgendaItem(heure(start), heure(start + minutes), minutes, title, kind, method_id, lead, part)

    days = []
    for day in session.days:
        present = not session.ambassador_days or day in session.ambassador_days
        items: list[AgendaItem] = []
        for slot in slots:
            start, length, kind = _minutes(slot["start"]), int(slot["minutes"]), slot["kind"]
            if kind == "bloc":
                pause = int(slot.get("pause") or 0)
                block = list(next(blocks))
                durations = [int(sheet_of(m).meta["duration"]) for m in block]
                if sum(durations) + pause != length:
                    raise TemplateError(
                        f"{template.root}/seances: un bloc de la séance {session.number} dure "
                        f"{sum(durations)} min au lieu de {length - pause}"
                    )
                items += _block_items(block, durations, start, pause, item, sheet_of, slot)
            elif slot.get("method"):
                made = item(slot["method"], start, length, kind)
                items.append(made)
            else:
                items.append(AgendaItem(heure(start), heure(start + length), length, str(slot.get("title", "")), kind))
        days.append(AgendaDay(day, tuple(items)))
    return ComposedSession(
        session=session,
        pattern=_held(pattern, set(used)),
        days=tuple(days),
        methods=tuple(used),
        rituals=layout.rituals,
        level=level,
        practised={m: done[m] for m in used if m in done},
        team_only=_team_only(session, days),
        lab_held=layout.lab_held or not session.lab_topic or session.phase == "prefiguration",
    )


def _held(pattern: SessionPattern, used: set[str]) -> SessionPattern:
    """The pattern's objectives and deliverables that the session's agenda keeps: one that needs an
    activity the session does not hold (a short session skips it) is not promised."""

    def keep(items: Sequence[str | Mapping[str, Any]]) -> tuple[str, ...]:
        kept = []
        for item in items:
            if isinstance(item, str):
                kept.append(item)
                continue
            needs = item["needs"]
            if set([needs] if isinstance(needs, str) else needs) <= used:
                kept.append(str(item["what"]))
        return tuple(kept)

    return replace(pattern, objectives=keep(pattern.objectives), deliverables=keep(pattern.deliverables))


def _team_only(session: Session, days: list[AgendaDay]) -> frozenset[str]:
    if not session.ambassador_days:
        return frozenset()
    with_group = {i.method for d in days if d.day in session.ambassador_days for i in d.items if i.method}
    return frozenset(i.method for d in days for i in d.items if i.method and i.method not in with_group)


def _block_items(block, durations, start, pause, item, sheet_of, slot) -> list[AgendaItem]:
    """A block's methods in a row, with its break where it cuts the work least, near the middle."""
    if not pause:
        items, clock = [], start
        for method_id, minutes in zip(block, durations, strict=True):
            items.append(item(method_id, clock, minutes))
            clock += minutes
        return items
    work = sum(durations)
    bounds = [sum(durations[: i + 1]) for i in range(len(durations) - 1)]
    near = [b for b in bounds if work // 3 <= b <= work - work // 3]
    items, clock = [], start
    title = str(slot.get("pause_title") or "Pause")
    if near:
        cut = min(near, key=lambda b: (abs(b - work // 2), b))
        done_minutes = 0
        for method_id, minutes in zip(block, durations, strict=True):
            if done_minutes == cut:
                items.append(AgendaItem(heure(clock), heure(clock + pause), pause, title, "pause"))
                clock += pause
            items.append(item(method_id, clock, minutes))
            clock += minutes
            done_minutes += minutes
        return items
    # No boundary near the middle: the break cuts the longest method between two of its steps.
    longest = max(range(len(block)), key=lambda i: durations[i])
    for index, (method_id, minutes) in enumerate(zip(block, durations, strict=True)):
        if index != longest:
            items.append(item(method_id, clock, minutes))
            clock += minutes
            continue
        first = _split(sheet_of(method_id).meta.get("steps") or [], minutes)
        items.append(item(method_id, clock, first, part="debut"))
        clock += first
        items.append(AgendaItem(heure(clock), heure(clock + pause), pause, title, "pause"))
        clock += pause
        items.append(item(method_id, clock, minutes - first, part="suite"))
        clock += minutes - first
    return items


def _leads(template: Template, level: str):
    """`lead(method, practised)`: who leads an activity at this level, in French."""
    progression = template.progression or {}
    fixed = progression.get("leads") or {}
    spec: dict = next((lvl for lvl in progression.get("levels") or [] if lvl.get("id") == level), {})

    def lead(method_id: str, practised: bool) -> str:
        if method_id in fixed:
            return str(fixed[method_id])
        if practised:
            return str(spec.get("lead_practised") or spec.get("lead") or "")
        return str(spec.get("lead") or "")

    return lead


def _takes_block(kind: str, template: Template) -> bool:
    """A ritual the coordination holds around the session (`block: false`) leaves the agenda alone."""
    rule = template.rules.ritual(kind)
    return rule is None or rule.block


# The sessions composed for the last template, by all that their composition depends on: in a batch, the
# kits of one department share their dates, so most of their sessions were composed for an earlier kit.
_COMPOSED: dict[str, Any] = {"template": None, "sessions": {}}


def compose_programme(programme: Programme, template: Template) -> list[ComposedSession]:
    """Every session of the programme in order, each knowing what the group already practised."""
    if _COMPOSED["template"] is not template or len(_COMPOSED["sessions"]) > 1024:
        _COMPOSED.update(template=template, sessions={})
    composed_before: dict[tuple, ComposedSession] = _COMPOSED["sessions"]
    cases = len({case for s in programme.sessions for case in s.cases})
    network = bool(programme.profile.collectivity.network)
    done: dict[str, int] = {}
    turns: dict[str, int] = {}
    composed = []
    for session in programme.sessions:
        held = tuple(
            sorted({e.kind for e in programme.events if e.session == session.number and _takes_block(e.kind, template)})
        )
        situation = {"network"} if network else set()
        if session.prepares_exchange and network:  # the network's meeting falls before the next session
            situation.add("rencontre-a-venir")
            if template.day and "rencontre-a-venir" in template.day.rituals:
                held = (*held, "rencontre-a-venir")
        turn = turns.get(session.lab_topic or "", 0)
        level = level_of(session, cases, template)
        key = (session, held, frozenset(situation), level, tuple(done.items()), turn)
        result = composed_before.get(key)
        if result is None:
            result = compose(session, held, template, frozenset(situation), level=level, done=done, lab_turn=turn)
            composed_before[key] = result
        if session.lab_topic:
            turns[session.lab_topic] = turn + 1
        for method in result.methods:
            done.setdefault(method, session.number)
        composed.append(result)
    return composed
