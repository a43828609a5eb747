"""The programme's knowledge (phases, case stages, lab topics, rituals, checklist, time budgets),
parsed and validated from a template's `programme.yaml`, so that a contributor edits data, not Python.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from transfogen.errors import TemplateError
from transfogen.planning.model import WEEKDAYS
from transfogen.records import record
from transfogen.templating.parsed_yaml import load_yaml

# The planner places sessions by these phase ids; a template may rename them, not remove them.
PHASE_IDS = ("preparation", "lancement", "cas-pratiques", "prefiguration", "cloture")
RITUAL_KINDS = ("comite-pilotage", "restitution", "inter-collectivites", "cloture", "revue-mi-parcours")


@record
class PhaseRule:
    id: str
    name: str
    description: str
    session_title: str = ""  # for sessions that belong to the phase itself; "{topic}" = lab topic
    focus: str = ""


@record
class Named:
    """A case stage or a lab topic: an id shared with the sheets, and its French name."""

    id: str
    name: str
    covers: tuple[str, ...] = ()  # a case stage: the steps of the arc it covers (default: its own id)


@record
class RitualRule:
    kind: str
    name: str
    description: str
    public: bool = False
    every_months: int = 0  # comite-pilotage: held in a session about every N months
    months: tuple[int, ...] = ()  # inter-collectivites: calendar months it is held in
    from_day: int = 1  # inter-collectivites: earliest day of the month
    # inter-collectivites without a network in the profile: a learning visit instead.
    alone_name: str = ""
    alone_description: str = ""
    # False: held by the coordination around the session, without taking a block of the group's agenda.
    block: bool = True


@record
class ChecklistItem:
    id: str
    title: str
    owner: str  # role id
    weeks_before: int
    detail: str = ""


@record
class BudgetRule:
    role: str
    per_session_day: float
    per_session: float
    per_ritual: tuple[tuple[str, float], ...]
    fixed: float
    per_ambassador_day: float = 0.0  # days per session day the ambassadors attend


@record
class ProgrammeShape:
    """What a template fixes of the programme's shape, whatever the profile asks (None: the profile's).

    A residency, for instance, is always a few weeks on site over about four months.
    """

    months: int | None = None
    session_days: int | None = None
    weekdays: tuple[int, ...] | None = None  # date.weekday() numbers


@record
class Rhythm:
    """The programme's promises on its calendar."""

    summer_break: tuple[tuple[int, int], tuple[int, int]] | None = None  # ((month, day), (month, day))
    min_gap_days: int = 0  # between the starts of two sessions


@record
class ParallelCases:
    """When the named cases do not all fit: two cases share the same sessions, one per half-group."""

    min_group: int  # ambassadors in each half-group, at the least
    max_pairs: int = 1  # pairs of cases run in parallel in one programme


@record
class ProgrammeRules:
    phases: tuple[PhaseRule, ...]
    launch_sessions: int
    closing_sessions: int
    case_stages: tuple[Named, ...]
    case_plans: tuple[tuple[int, tuple[str, ...]], ...]  # sessions in a case -> stage ids
    preferred_case_sessions: int
    lab_topics: tuple[Named, ...]
    dedicated_share: float
    blocks_from: float
    rituals: tuple[RitualRule, ...]
    checklist: tuple[ChecklistItem, ...]
    budgets: tuple[BudgetRule, ...]
    mission_days: tuple[float, float]
    shape: ProgrammeShape = ProgrammeShape()
    # How sessions are named: "{number}" is the session's number; "{case}" the case's, "{stage}" its stage.
    session_title: str = "Séance {number}"
    case_session_title: str = "Cas n°{case} : {stage}"
    # A session where two half-groups work on two cases: "{other}" is the second case's number.
    parallel_session_title: str = "Cas n°{case} et n°{other} en parallèle : {stage}"
    rhythm: Rhythm = Rhythm()
    parallel: ParallelCases | None = None  # None: one case at a time, always
    arc: tuple[str, ...] = ()  # the steps every case goes through, in order
    min_dedicated: int = 0  # dedicated lab sessions kept even when cases compete for sessions
    dedicated_topics: tuple[str, ...] = ()  # lab topics that deserve a whole session, by priority
    means_topic: str = ""  # the lab topic whose decisions must precede the budget debate

    def phase(self, phase_id: str) -> PhaseRule:
        return next(p for p in self.phases if p.id == phase_id)

    def stage_name(self, stage_id: str) -> str:
        return next(s.name for s in self.case_stages if s.id == stage_id)

    def topic_name(self, topic_id: str) -> str:
        return next(t.name for t in self.lab_topics if t.id == topic_id)

    def ritual(self, kind: str) -> RitualRule | None:
        return next((r for r in self.rituals if r.kind == kind), None)

    def case_plan(self, sessions: int) -> tuple[str, ...]:
        return dict(self.case_plans)[sessions]

    def steps(self, stage_id: str) -> tuple[str, ...]:
        """The steps of the arc a case stage covers."""
        stage = next(s for s in self.case_stages if s.id == stage_id)
        return stage.covers or (stage.id,)

    @property
    def min_case_sessions(self) -> int:
        return self.case_plans[0][0]

    @property
    def max_case_sessions(self) -> int:
        return self.case_plans[-1][0]


class _Reader:
    """Typed access to the YAML mapping; every failure names the file and the key."""

    def __init__(self, path: str):
        self.path = path

    def fail(self, key: str, message: str) -> TemplateError:
        return TemplateError(message, path=self.path, key=key)

    def mapping(self, value: object, key: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(key, "dictionnaire attendu")
        return value

    def items(self, value: object, key: str) -> list:
        if not isinstance(value, list) or not value:
            raise self.fail(key, "liste non vide attendue")
        return value

    def text(self, data: dict, key: str, where: str, required: bool = True) -> str:
        value = data.get(key, None if required else "")
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(f"{where}.{key}" if where else key, "texte non vide attendu")
        return value

    def number(self, data: dict, key: str, where: str, low: float, high: float, default=None) -> float:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise self.fail(f"{where}.{key}" if where else key, f"nombre entre {low} et {high} attendu")
        return value

    def integer(self, data: dict, key: str, where: str, low: int, high: int, default=None) -> int:
        value = self.number(data, key, where, low, high, default)
        if not isinstance(value, int):
            raise self.fail(f"{where}.{key}" if where else key, "nombre entier attendu")
        return value


def _named(read: _Reader, data: dict, key: str, expected: tuple[str, ...] | None) -> tuple[Named, ...]:
    items = []
    for index, item in enumerate(read.items(data.get(key), key)):
        where = f"{key}[{index}]"
        item = read.mapping(item, where)
        covers = item.get("covers", [])
        if not isinstance(covers, list) or any(not isinstance(c, str) or not c for c in covers):
            raise read.fail(f"{where}.covers", "liste d'étapes attendue")
        items.append(Named(read.text(item, "id", where), read.text(item, "name", where), tuple(covers)))
    ids = [item.id for item in items]
    if len(set(ids)) != len(ids):
        raise read.fail(key, "identifiant en double")
    if expected is not None and sorted(ids) != sorted(expected):
        raise read.fail(key, f"identifiants attendus : {', '.join(expected)}")
    return tuple(items)


def _titles(read: _Reader, data: dict) -> dict[str, Any]:
    """The optional `titles:` section: how sessions are named (a residency has immersions)."""
    if data.get("titles") is None:
        return {}
    titles = read.mapping(data["titles"], "titles")
    unknown = sorted(set(map(str, titles)) - {"session", "case_session", "parallel_session"})
    if unknown:
        raise read.fail(f"titles.{unknown[0]}", "clé inconnue (connues : session, case_session, parallel_session)")
    found = {}
    if "session" in titles:
        found["session_title"] = read.text(titles, "session", "titles")
    if "case_session" in titles:
        found["case_session_title"] = read.text(titles, "case_session", "titles")
    if "parallel_session" in titles:
        found["parallel_session_title"] = read.text(titles, "parallel_session", "titles")
    return found


def _parallel(read: _Reader, data: dict) -> ParallelCases | None:
    """The optional `parallel_cases:` section: when and how often two cases run side by side."""
    if data.get("parallel_cases") is None:
        return None
    item = read.mapping(data["parallel_cases"], "parallel_cases")
    unknown = sorted(set(map(str, item)) - {"min_group", "max_pairs"})
    if unknown:
        raise read.fail(f"parallel_cases.{unknown[0]}", "clé inconnue (connues : min_group, max_pairs)")
    return ParallelCases(
        min_group=read.integer(item, "min_group", "parallel_cases", 2, 50),
        max_pairs=read.integer(item, "max_pairs", "parallel_cases", 0, 5, 1),
    )


def _shape(read: _Reader, data: dict) -> ProgrammeShape:
    """The optional `shape:` section; each key it omits leaves the profile's value."""
    if data.get("shape") is None:
        return ProgrammeShape()
    shape = read.mapping(data["shape"], "shape")
    unknown = sorted(set(map(str, shape)) - {"months", "session_days", "weekdays"})
    if unknown:
        raise read.fail(f"shape.{unknown[0]}", "clé inconnue (connues : months, session_days, weekdays)")
    weekdays = None
    if "weekdays" in shape:
        names = shape["weekdays"]
        if not isinstance(names, list) or not names or any(name not in WEEKDAYS for name in names):
            raise read.fail("shape.weekdays", f"liste de jours attendue parmi : {', '.join(WEEKDAYS)}")
        weekdays = tuple(sorted({WEEKDAYS.index(name) for name in names}))
    return ProgrammeShape(
        months=read.integer(shape, "months", "shape", 1, 36) if "months" in shape else None,
        session_days=read.integer(shape, "session_days", "shape", 1, 5) if "session_days" in shape else None,
        weekdays=weekdays,
    )


def _rhythm(read: _Reader, data: dict) -> Rhythm:
    """The optional `rhythm:` section: summer break and spacing of sessions."""
    if data.get("rhythm") is None:
        return Rhythm()
    rhythm = read.mapping(data["rhythm"], "rhythm")
    unknown = sorted(set(map(str, rhythm)) - {"summer_break", "min_gap_days"})
    if unknown:
        raise read.fail(f"rhythm.{unknown[0]}", "clé inconnue (connues : summer_break, min_gap_days)")
    summer = None
    if rhythm.get("summer_break") is not None:
        item = read.mapping(rhythm["summer_break"], "rhythm.summer_break")
        ends = []
        for key in ("from", "to"):
            value = item.get(key)
            try:
                day = date(2001, int(str(value)[:2]), int(str(value)[3:])) if len(str(value)) == 5 else None
            except ValueError:
                day = None
            if day is None or str(value)[2] != "-":
                raise read.fail(f"rhythm.summer_break.{key}", "jour au format MM-JJ attendu, par exemple « 07-15 »")
            ends.append((day.month, day.day))
        if ends[1] < ends[0]:
            raise read.fail("rhythm.summer_break", "« to » doit suivre « from » dans la même année")
        summer = (ends[0], ends[1])
    return Rhythm(summer, read.integer(rhythm, "min_gap_days", "rhythm", 0, 31, 0))


def _check_arc(read: _Reader, arc: tuple[str, ...], stages: tuple[Named, ...], plans) -> None:
    """Every case plan covers the whole arc, in its order: no case tests what it never built."""
    covers = {s.id: s.covers or (s.id,) for s in stages}
    for size, stage_list in plans:
        steps = [step for stage in stage_list for step in covers[stage]]
        if steps != list(arc):
            raise read.fail(
                f"case_plans.{size}",
                f"les étapes couvertes ({', '.join(steps)}) doivent être celles de « arc », dans l'ordre : "
                + ", ".join(arc),
            )


def parse_rules(data: dict, path: str) -> ProgrammeRules:
    """Validate a parsed programme.yaml; raises `TemplateError` naming the file and the key."""
    read = _Reader(path)
    data = read.mapping(data, "programme")
    # Read in the file's order, so that the first problem reported is the first one met.
    phases = _phases(read, data)
    stages = _named(read, data, "case_stages", None)
    plans = _case_plans(read, data, {s.id for s in stages})
    arc = _arc(read, data, stages, plans)
    lab_topics = _named(read, data, "lab_topics", None)
    prefiguration = read.mapping(data.get("prefiguration"), "prefiguration")
    rituals, checklist, budgets = _rituals(read, data), _checklist(read, data), _budgets(read, data)
    mission = _mission_days(read, data)
    return ProgrammeRules(
        phases=phases,
        launch_sessions=read.integer(data, "launch_sessions", "", 0, 1, 1),
        closing_sessions=read.integer(data, "closing_sessions", "", 0, 1, 1),
        case_stages=stages,
        case_plans=plans,
        preferred_case_sessions=read.integer(
            data, "preferred_case_sessions", "", plans[0][0], plans[-1][0], plans[0][0]
        ),
        lab_topics=lab_topics,
        dedicated_share=read.number(prefiguration, "dedicated_share", "prefiguration", 0, 1),
        blocks_from=read.number(prefiguration, "blocks_from", "prefiguration", 0, 1),
        rituals=rituals,
        checklist=checklist,
        budgets=budgets,
        mission_days=mission,
        shape=_shape(read, data),
        **_titles(read, data),
        rhythm=_rhythm(read, data),
        parallel=_parallel(read, data),
        arc=arc,
        **_prefiguration(read, prefiguration, lab_topics),
    )


def _phases(read: _Reader, data: dict) -> tuple[PhaseRule, ...]:
    """The five phases, in the planner's order; the phases with sessions of their own name them."""
    phases = []
    for index, item in enumerate(read.items(data.get("phases"), "phases")):
        where = f"phases[{index}]"
        item = read.mapping(item, where)
        phases.append(
            PhaseRule(
                id=read.text(item, "id", where),
                name=read.text(item, "name", where),
                description=read.text(item, "description", where),
                session_title=read.text(item, "session_title", where, required=False),
                focus=read.text(item, "focus", where, required=False),
            )
        )
    if tuple(p.id for p in phases) != PHASE_IDS:
        raise read.fail("phases", f"les phases doivent être, dans l'ordre : {', '.join(PHASE_IDS)}")
    for phase in phases:
        if phase.id in ("lancement", "prefiguration", "cloture") and not (phase.session_title and phase.focus):
            raise read.fail(f"phases[{phase.id}]", "session_title et focus sont requis pour cette phase")
    return tuple(phases)


def _case_plans(read: _Reader, data: dict, stage_ids: set[str]) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """Number of sessions of a case → its stages, for consecutive sizes (3, 4, 5, 6…)."""
    plans = []
    for size, stage_list in read.mapping(data.get("case_plans"), "case_plans").items():
        key = f"case_plans.{size}"
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise read.fail(key, "la clé doit être un nombre de séances")
        stage_list = read.items(stage_list, key)
        unknown = [s for s in stage_list if s not in stage_ids]
        if unknown:
            raise read.fail(key, f"étapes inconnues : {', '.join(map(str, unknown))}")
        if len(stage_list) != size:
            raise read.fail(key, f"{size} étapes attendues, {len(stage_list)} données")
        plans.append((size, tuple(stage_list)))
    plans.sort()
    if not plans or [size for size, _ in plans] != list(range(plans[0][0], plans[-1][0] + 1)):
        raise read.fail("case_plans", "les tailles de cas doivent se suivre (par exemple 3, 4, 5, 6)")
    return tuple(plans)


def _arc(
    read: _Reader, data: dict, stages: tuple[Named, ...], plans: tuple[tuple[int, tuple[str, ...]], ...]
) -> tuple[str, ...]:
    """The steps every case goes through, when the template names them."""
    if data.get("arc") is None:
        return ()
    arc = tuple(read.items(data["arc"], "arc"))
    if any(not isinstance(step, str) for step in arc) or len(set(arc)) != len(arc):
        raise read.fail("arc", "liste d'étapes distinctes attendue")
    _check_arc(read, arc, stages, list(plans))
    return arc


def _rituals(read: _Reader, data: dict) -> tuple[RitualRule, ...]:
    rituals = []
    for kind, item in read.mapping(data.get("rituals"), "rituals").items():
        where = f"rituals.{kind}"
        if kind not in RITUAL_KINDS:
            raise read.fail(where, f"rituel inconnu (connus : {', '.join(RITUAL_KINDS)})")
        item = read.mapping(item, where)
        months = item.get("months", [])
        if not isinstance(months, list) or any(
            isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12 for m in months
        ):
            raise read.fail(f"{where}.months", "liste de mois (1 à 12) attendue")
        if not isinstance(item.get("block", True), bool):
            raise read.fail(f"{where}.block", "true ou false attendu")
        rituals.append(
            RitualRule(
                kind=kind,
                name=read.text(item, "name", where),
                description=read.text(item, "description", where),
                public=bool(item.get("public", False)),
                every_months=read.integer(item, "every_months", where, 0, 36, 0),
                months=tuple(sorted(set(months))),
                from_day=read.integer(item, "from_day", where, 1, 28, 1),
                block=item.get("block", True),
                **_alone(read, item, where),
            )
        )
    return tuple(rituals)


def _checklist(read: _Reader, data: dict) -> tuple[ChecklistItem, ...]:
    checklist = []
    for index, item in enumerate(read.items(data.get("checklist"), "checklist")):
        where = f"checklist[{index}]"
        item = read.mapping(item, where)
        checklist.append(
            ChecklistItem(
                id=read.text(item, "id", where),
                title=read.text(item, "title", where),
                owner=read.text(item, "owner", where),
                weeks_before=read.integer(item, "weeks_before", where, 0, 104),
                detail=read.text(item, "detail", where, required=False),
            )
        )
    return tuple(checklist)


def _budgets(read: _Reader, data: dict) -> tuple[BudgetRule, ...]:
    """Each role's time: per session day, per session, per ritual, fixed."""
    budgets = []
    for role, item in read.mapping(data.get("budgets"), "budgets").items():
        where = f"budgets.{role}"
        item = read.mapping(item, where)
        per_ritual = read.mapping(item.get("per_ritual", {}), f"{where}.per_ritual")
        for kind in per_ritual:
            if kind not in RITUAL_KINDS:
                raise read.fail(f"{where}.per_ritual.{kind}", "rituel inconnu")
            read.number(per_ritual, kind, f"{where}.per_ritual", 0, 30)
        budgets.append(
            BudgetRule(
                role=str(role),
                per_session_day=read.number(item, "per_session_day", where, 0, 5, 0),
                per_session=read.number(item, "per_session", where, 0, 10, 0),
                per_ritual=tuple(sorted((str(k), float(v)) for k, v in per_ritual.items())),
                fixed=read.number(item, "fixed", where, 0, 365, 0),
                per_ambassador_day=read.number(item, "per_ambassador_day", where, 0, 5, 0),
            )
        )
    return tuple(budgets)


def _mission_days(read: _Reader, data: dict) -> tuple[float, float]:
    """The days a lettre de mission can promise: [minimum, maximum]."""
    mission = data.get("lettre_de_mission_days")
    if (
        not isinstance(mission, list)
        or len(mission) != 2
        or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in mission)
        or not 0 < mission[0] <= mission[1]
    ):
        raise read.fail("lettre_de_mission_days", "deux nombres [minimum, maximum] attendus")
    return float(mission[0]), float(mission[1])


def _alone(read: _Reader, item: dict, where: str) -> dict[str, str]:
    """The optional `without_network` of a ritual: its name and description when no network is named."""
    if item.get("without_network") is None:
        return {}
    alone = read.mapping(item["without_network"], f"{where}.without_network")
    return {
        "alone_name": read.text(alone, "name", f"{where}.without_network"),
        "alone_description": read.text(alone, "description", f"{where}.without_network"),
    }


def _prefiguration(read: _Reader, data: dict, topics: tuple[Named, ...]) -> dict[str, Any]:
    ids = {t.id for t in topics}
    dedicated = data.get("dedicated_topics", [])
    if not isinstance(dedicated, list) or any(t not in ids for t in dedicated):
        raise read.fail("prefiguration.dedicated_topics", f"thèmes du labo attendus parmi : {', '.join(sorted(ids))}")
    means = data.get("means_topic", "")
    if means and means not in ids:
        raise read.fail("prefiguration.means_topic", f"thème du labo attendu parmi : {', '.join(sorted(ids))}")
    return {
        "min_dedicated": read.integer(data, "min_dedicated", "prefiguration", 0, 12, 0),
        "dedicated_topics": tuple(dedicated),
        "means_topic": str(means),
    }


def load_rules(template_dir: str | Path) -> ProgrammeRules:
    """Read and validate `template_dir / "programme.yaml"`."""
    import yaml

    path = Path(template_dir) / "programme.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise TemplateError(f"fichier illisible : {error.strerror}", path=path) from None
    try:
        data = load_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise TemplateError(
            f"YAML invalide : {getattr(error, 'problem', error)}", path=path, line=mark.line + 1 if mark else None
        ) from None
    return parse_rules(data, str(path))
