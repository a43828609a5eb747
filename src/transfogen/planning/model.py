"""The programme's domain objects: plain frozen dataclasses, no I/O.

A `Profile` describes one collectivity (read from YAML by `profile.py`); the planner turns it into a
`Programme`, which every renderer (calendar formats, kit, site, exports) reads.
"""

from __future__ import annotations

import datetime
from dataclasses import field
from datetime import date

from transfogen.records import record

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = date.weekday()

KINDS = (
    "commune",
    "intercommunalite",
    "metropole",
    "departement",
    "region",
    "collectivite-outre-mer",
    "etat",
)

# What a case is about (`cases[].nature`): the session sheets choose their words, places to observe and
# material by it (templates' seances/natures.yaml).
NATURES = (
    "service",  # a service delivered to the public: a procedure, a counter, forms and letters
    "espace-public",  # streets, squares, green spaces: residents and passers-by
    "equipement",  # a facility open to the public: library, school, pool, local office
    "pratique-interne",  # how the administration works inside: its users are agents
    "politique-partenariale",  # a policy or scheme run with partners (associations, companies, the State)
)


@record
class Period:
    """An inclusive range of days, e.g. a blackout or a school-holiday period."""

    start: date
    end: date
    reason: str = ""
    kind: str = ""  # in Programme.closures: "ferie" | "vacances" | "blocage"

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


@record
class Case:
    """A real case ("cas pratique") the group works on."""

    title: str
    service: str = ""
    # What the service and the profile already know of the case; all optional (empty: the cadrage
    # session collects them).
    question: str = ""  # the question as the service puts it
    referent: str = ""  # the service's contact for the group
    users: tuple[str, ...] = ()  # users concerned
    non_users: tuple[str, ...] = ()  # people the case should reach and does not
    places: tuple[str, ...] = ()  # field places to observe
    known: tuple[str, ...] = ()  # figures, complaints, previous attempts
    nature: str = ""  # one of NATURES, or "" (the cadrage session says what the case is)
    object: str = ""  # what the group studies, with its article: "la carte citoyenne"


@record
class Collectivity:
    name: str
    kind: str
    department: str
    school_zone: str | None  # "A" | "B" | "C" | None (Corsica, overseas, or "none" in the profile)
    sites: tuple[str, ...] = ()
    network: tuple[str, ...] = ()


@record
class ProgramSettings:
    start: date
    months: int = 18
    session_days: int = 3
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)  # date.weekday() numbers
    avoid_school_holidays: bool = True
    blackouts: tuple[Period, ...] = ()
    school_holidays: tuple[Period, ...] = ()  # given by the user where zones do not apply
    summer_break: bool = True  # no session day during the template's summer break
    budget_vote_month: int | None = None  # month the assembly votes the budget primitif, if known
    # When the named cases do not all fit and the group is large enough, two of them run in parallel
    # (two half-groups, same sessions); False keeps one case at a time.
    parallel_cases: bool = True


@record
class Team:
    residents: int = 3
    ambassadors: int = 20


@record
class Budget:
    """What the collectivity pays for the programme, in euros excluding VAT; 0 means not given."""

    daily_rate: int = 0  # one résident's day
    travel: int = 0  # the résidents' travel and lodging, per session
    venues: int = 0  # renting rooms, per session day
    # The future lab's running costs, for its three means scenarios.
    lab_post_cost: int = 0  # loaded cost of one post, per year
    lab_rent_per_m2: int = 0  # rent and charges of a space, per square metre and per year
    lab_running_per_post: int = 0  # running costs (tools, events, training), per post and per year


@record
class Contact:
    """Someone the kit's documents name: a name or a function, and an e-mail address; "" means not given."""

    name: str = ""
    email: str = ""


@record
class Signatories:
    """Who signs the formal documents, as the profile words it (a function, never required)."""

    authority: str = ""  # for the collectivity: the convention (the maire or président, or a delegate)
    residents: str = ""  # the résidents' structure and who represents it
    missions: str = ""  # for the direction générale, on the lettres de mission


@record
class Profile:
    collectivity: Collectivity
    program: ProgramSettings
    team: Team = Team()
    cases: tuple[Case, ...] = ()
    language: str = "fr"
    slug: str = ""  # file-system name derived from the collectivity's name
    # Where the profile was read from, its exact text (kept in the kit: the profile is read once, so a
    # pipe works) and what the reader should know about it (a start date in the past), in French.
    source: str = field(default="", compare=False)
    text: str = field(default="", compare=False, repr=False)
    warnings: tuple[str, ...] = field(default=(), compare=False)
    budget: Budget = Budget()
    dpo: Contact = Contact()  # the data protection officer (contacts.dpo)
    signatories: Signatories = Signatories()


@record
class Session:
    """One monthly session of `session_days` consecutive days."""

    number: int
    days: tuple[date, ...]
    phase: str  # phase id from data/programme.yaml
    title: str
    focus: str  # what the session works on, in French (the case title, the lab topic…)
    case: int | None = None  # 1-based index into Profile.cases
    # The case the other half of the group works on in the same session (same stage), if any.
    parallel_case: int | None = None
    stage: str | None = None  # case stage id (cadrage, immersion, …) when the session works on a case
    lab_topic: str | None = None  # lab-prefiguration topic id when the session has a lab block
    site: str | None = None
    provisional: bool = False  # school holidays past the last published calendar
    warnings: tuple[str, ...] = ()
    # The steps of the case's arc this session covers (a short case packs several in one session).
    steps: tuple[str, ...] = ()
    # The days the ambassadors attend (all the session's days unless their time budget forbids it).
    ambassador_days: tuple[date, ...] = ()
    prepares_exchange: bool = False  # the next peer exchange comes before the next session
    debriefs_exchange: bool = False  # a peer exchange took place since the previous session
    lab_trial: bool = False  # the case doubles as a trial run of the future lab's way of working
    decides_lab_means: bool = False  # its steering committee decides the lab's team, place and budget

    @property
    def cases(self) -> tuple[int, ...]:
        """Every case worked in the session: its own, and the parallel group's."""
        return tuple(c for c in (self.case, self.parallel_case) if c is not None)

    @property
    def start(self) -> date:
        return self.days[0]

    @property
    def end(self) -> date:
        return self.days[-1]


@record
class Event:
    """A ritual or milestone outside the session grid (or held during a session, see `session`)."""

    kind: str  # comite-pilotage | restitution | inter-collectivites | cloture | …
    start: date
    end: date
    title: str
    description: str = ""
    session: int | None = None  # number of the session it is held in, if any
    public: bool = False  # a public event, subject to the electoral reserve
    warnings: tuple[str, ...] = ()
    adjustment: str = ""  # what the planner changed about it and why (e.g. made internal), in French


@record
class SkippedMonth:
    year: int
    month: int
    reason: str

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@record
class Deadline:
    """An item of the preparation checklist, due before the first session."""

    due: date
    title: str
    owner: str  # role id
    detail: str = ""
    id: str = ""  # the checklist item's id in the template (e.g. "appel-ambassadeurs")


@record
class PhaseSpan:
    id: str
    name: str
    start: date
    end: date
    sessions: tuple[int, ...] = ()


@record
class RoleBudget:
    role: str  # role id
    days: float  # per person, over the whole programme
    detail: str = ""  # how it was computed, in French


@record
class Election:
    id: str
    name: str
    date: datetime.date
    reserve_start: datetime.date  # first day of the sixth month before the election's month (art. L52-1)
    source: str
    confirmed: bool = True


@record
class BudgetCycle:
    """The budget that funds the future lab's first year, and when its decisions are due."""

    year: int
    debate_from: date  # earliest day of the budget debate (DOB): the lab's means are decided before
    vote_by: date  # the budget primitif is voted by this day
    debate_source: str
    vote_source: str
    means_session: int | None = None  # the session whose committee decides the lab's means
    debate_window: str = ""  # the law's window before the vote, in French: « deux mois »


@record
class Programme:
    profile: Profile
    sessions: tuple[Session, ...]
    events: tuple[Event, ...] = ()
    skipped_months: tuple[SkippedMonth, ...] = ()
    phases: tuple[PhaseSpan, ...] = ()
    checklist: tuple[Deadline, ...] = ()
    budgets: tuple[RoleBudget, ...] = ()
    elections: tuple[Election, ...] = ()
    # Public holidays, school holidays and the profile's blackouts met over the programme, by date.
    closures: tuple[Period, ...] = ()
    warnings: tuple[str, ...] = ()  # programme-wide, in French
    notes: tuple[str, ...] = field(default=())  # informational, e.g. "school holidays not checked"
    budget_cycle: BudgetCycle | None = None
    # Named cases (1-based) the programme could not hold: proposed to the future lab after it.
    unplanned_cases: tuple[int, ...] = ()
    # The yearly breaks with no session over the programme (the summer break, or the long school
    # holidays where the school year follows the austral summer), dated.
    summer_breaks: tuple[Period, ...] = ()
