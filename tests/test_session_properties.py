"""The session sheets of every bundled example and of random realistic profiles keep the programme's
promises, for both bundled templates (the checks are in sheet_invariants.py).

The random profiles are drawn by hypothesis with a fixed seed (`derandomize`), so CI reads the same
profiles every run; TRANSFOGEN_PROPERTY_EXAMPLES=200 draws more of them locally. Each profile that once
broke a promise is kept below (REGRESSIONS).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paths import EXAMPLES_DIR, TEMPLATES_DIR
from sheet_invariants import arc_methods, reachable_methods, session_sheets, sheet_problems
from transfogen.api import plan_template
from transfogen.planning.french_calendar import load_calendar_facts
from transfogen.planning.model import KINDS, Case, Collectivity, Period, Profile, Programme, ProgramSettings, Team
from transfogen.planning.profile import load_profile
from transfogen.templating.template import Template, load_template

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))
EXAMPLE_COUNT = int(os.environ.get("TRANSFOGEN_PROPERTY_EXAMPLES", "20"))

# Measured on the bundled examples and on 300 random profiles of this file (December 2026, after the
# composer's essentials): the closest pair of same-stage sessions of two different cases is at most 80 %
# alike in the examples (Occitanie, test and restitution, sessions 7 and 12) and 87 % on random profiles
# with fewer than five named cases, where the cases carry no data of their own and only the progression
# sets them apart. Sheets that differ only by names and dates (same level, same agenda) score 94 to 99 %
# (five cases before the levels' second rounds; 83 % with them), and the clones the issue found were at 97 %. 90 % sits in the gap: it fails
# any return to clones and leaves room for wording changes.
SIMILARITY_CEILING = 0.90


@cache
def template(name: str) -> Template:
    return load_template(TEMPLATES_DIR / name)


@cache
def facts():
    return load_calendar_facts()


def problems_of(profile: Profile, name: str, settled: bool = False) -> list[tuple[str, str]]:
    """The promises the profile's session sheets break; `settled`: except those still pending for it."""
    programme = plan_template(profile, template(name), facts())
    found = sheet_problems(programme, template(name), session_sheets(programme, template(name)), SIMILARITY_CEILING)
    if settled:
        found = [(key, what) for key, what in found if not (key in PENDING and PENDING[key](programme))]
    return found


# ------------------------------------------------------------------------------- random profiles

# (department, school zone): mainland zones, Alsace-Moselle, Corsica and overseas.
PLACES = [("75", "C"), ("59", "B"), ("67", "B"), ("57", "B"), ("69", "A"), ("31", "C"), ("35", "B"), ("2A", None)]
PLACES += [("974", None), ("33", "A")]
# Weekdays a collectivity actually opens to a programme (date.weekday() numbers).
WEEKDAYS = [(0, 1, 2, 3, 4), (1, 2, 3), (0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4)]
CASES = [
    Case(
        "Simplifier l'inscription à la cantine",
        "Direction de l'éducation",
        question="Pourquoi tant de familles inscrivent-elles leurs enfants en retard ?",
        users=("Parents d'élèves", "Agents des guichets"),
        non_users=("Familles qui paient au ticket",),
        places=("Le guichet unique", "La sortie d'une école"),
        known=("Un tiers des inscriptions arrive après la rentrée",),
    ),
    Case("Accueillir les nouveaux habitants", "Mission citoyenneté"),
    Case(
        "Réduire les dépôts sauvages",
        "Direction de la propreté",
        question="Comment faire reculer les dépôts au pied des conteneurs ?",
        referent="Le chef du service de la collecte",
        places=("Les points d'apport volontaire", "La déchetterie"),
    ),
    Case("Faire connaître l'aide au permis de conduire", "Service jeunesse", non_users=("Apprentis",)),
    Case("Rendre les courriers lisibles", "Direction des finances"),
    Case(
        "Ouvrir les bibliothèques le dimanche",
        "Réseau des médiathèques",
        users=("Lecteurs", "Familles du quartier"),
        non_users=("Habitants qui n'y sont jamais entrés",),
    ),
]


@st.composite
def realistic_profiles(draw, months=(12, 24)):
    """A profile a collectivity could write: 2- or 3-day sessions on working days, 12 to 24 months,
    up to five cases (with or without their data), some sites, sometimes a network."""
    department, zone = draw(st.sampled_from(PLACES))
    start = draw(st.dates(date(2026, 9, 1), date(2031, 6, 30)))
    session_days = draw(st.sampled_from([2, 3]))
    weekdays = draw(st.sampled_from([w for w in WEEKDAYS if len(w) >= session_days]))
    blackouts = ()
    if draw(st.booleans()):
        first = start + timedelta(days=draw(st.integers(60, 400)))
        blackouts = (Period(first, first + timedelta(days=draw(st.integers(5, 30))), "Budget"),)
    program = ProgramSettings(
        start=start,
        months=draw(st.integers(*months)),
        session_days=session_days,
        weekdays=weekdays,
        avoid_school_holidays=draw(st.booleans()),
        blackouts=blackouts,
        summer_break=draw(st.sampled_from([True, True, True, False])),
        budget_vote_month=draw(st.sampled_from([None, None, 12, 3])),
    )
    cases = tuple(draw(st.lists(st.sampled_from(CASES), max_size=5, unique=True)))
    sites = tuple(
        draw(st.lists(st.sampled_from(["Hôtel de ville", "Médiathèque", "Tiers-lieu"]), max_size=3, unique=True))
    )
    collectivity = Collectivity(
        "Ville d'Essai",
        draw(st.sampled_from(KINDS)),
        department,
        zone,
        sites,
        tuple(draw(st.lists(st.just("Réseau des labos"), max_size=1))),
    )
    team = Team(residents=draw(st.integers(2, 4)), ambassadors=draw(st.integers(8, 30)))
    return Profile(collectivity, program, team=team, cases=cases, slug="essai")


# Promises some profiles still break, with the work that fixes them. Each one is checked everywhere else;
# the profiles that break it are kept in REGRESSIONS once fixed. None at the moment: the similarity
# promise with five cases or more was kept by the second rounds of progression.yaml (« again »).
PENDING: dict[str, Callable[[Programme], bool]] = {}


def _profile(kind, department, zone, start, months, days, weekdays, cases, *, blackout=None, vote=None, **more):
    """A profile as the strategy above draws it (cases: indexes in CASES; more: sites, network, team)."""
    program = ProgramSettings(
        start=start,
        months=months,
        session_days=days,
        weekdays=weekdays,
        blackouts=(Period(blackout, blackout + timedelta(days=20), "Budget"),) if blackout else (),
        budget_vote_month=vote,
    )
    collectivity = Collectivity("Ville d'Essai", kind, department, zone, more.get("sites", ()), more.get("network", ()))
    cases = tuple(CASES[i] for i in cases)
    return Profile(collectivity, program, team=more.get("team", Team()), cases=cases, slug="essai")


_NETWORK = ("Réseau des labos",)
_SITES = ("Médiathèque", "Hôtel de ville", "Tiers-lieu")

# Profiles the random draws found breaking a promise, kept as they were drawn.
REGRESSIONS = [
    # 2-day sessions holding a lab block and a ritual lost their test (fixed by the composer's essentials).
    pytest.param(
        _profile(
            "region",
            "33",
            "A",
            date(2026, 12, 25),
            12,
            2,
            (0, 1, 2, 3),
            [3, 5],
            blackout=date(2027, 2, 23),
            vote=12,
            network=_NETWORK,
            team=Team(2, 11),
        ),
        id="region-2-jours-cas-1-sans-test",
    ),
    pytest.param(
        _profile(
            "metropole",
            "35",
            "B",
            date(2031, 6, 19),
            13,
            2,
            (0, 1, 2, 3, 4),
            [],
            vote=12,
            sites=("Tiers-lieu",),
            network=_NETWORK,
            team=Team(4, 30),
        ),
        id="metropole-2-jours-cas-2-sans-test",
    ),
    # Five cases without data: two consecutive cases shared a progression level and their same-stage
    # sheets were clones (95 to 99 %); fixed by the level's second round (« again » in progression.yaml).
    pytest.param(
        _profile(
            "collectivite-outre-mer",
            "31",
            "C",
            date(2028, 11, 11),
            23,
            2,
            (0, 1, 2, 3),
            [2, 5, 1, 4, 0],
            blackout=date(2029, 5, 30),
            sites=_SITES,
            team=Team(3, 12),
        ),
        id="cinq-cas-2-jours",
    ),
    pytest.param(
        _profile(
            "commune", "35", "B", date(2030, 10, 30), 24, 3, (1, 2, 3), [0, 3, 4, 5, 2], sites=_SITES, team=Team(4, 22)
        ),
        id="cinq-cas-3-jours",
    ),
]


@pytest.mark.parametrize("profile", REGRESSIONS)
def test_profiles_that_once_broke_a_promise(profile):
    assert problems_of(profile, "transfo") == []


@pytest.mark.parametrize("name", ["transfo", "residence"])
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_keeps_the_promises_of_its_sheets(path, name):
    profile = load_profile(path)
    assert problems_of(profile, name, settled=True) == []


def _settings(count: int):
    return settings(
        max_examples=count,
        derandomize=True,  # the same profiles every run: CI stays deterministic
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@_settings(EXAMPLE_COUNT)
@given(realistic_profiles())
def test_random_profiles_keep_the_promises_of_their_transfo_sheets(profile):
    assert problems_of(profile, "transfo", settled=True) == []


@_settings(max(5, EXAMPLE_COUNT // 2))
@given(realistic_profiles(months=(4, 8)))
def test_random_profiles_keep_the_promises_of_their_residence_sheets(profile):
    assert problems_of(profile, "residence") == []


# ---------------------------------------------------------------------------------- the library


def _variants(profile: Profile) -> list[Profile]:
    """A bundled example as other collectivities would write it: without a network, or with one;
    a small group; 2-day sessions; 24 months."""
    program, collectivity = profile.program, profile.collectivity
    return [
        profile,
        replace(profile, collectivity=replace(collectivity, network=() if collectivity.network else ("Réseau",))),
        replace(profile, team=Team(residents=2, ambassadors=10)),
        replace(
            profile,
            program=replace(program, session_days=2 if program.session_days == 3 else 3, weekdays=(0, 1, 2, 3, 4)),
        ),
        replace(profile, program=replace(program, months=24)),
    ]


@pytest.mark.parametrize("name", ["transfo", "residence"])
def test_every_library_method_is_scheduled_or_offered_by_some_realistic_profile(name):
    reached: set[str] = set()
    for path in EXAMPLES:
        for profile in _variants(load_profile(path)):
            programme = plan_template(profile, template(name), facts())
            reached |= reachable_methods(session_sheets(programme, template(name)))
    assert sorted(set(template(name).methods) - reached) == []


@pytest.mark.parametrize("name", ["transfo", "residence"])
def test_each_template_has_field_prototyping_and_test_methods(name):
    kinds = arc_methods(template(name))
    assert all(kinds.values()), kinds


def test_a_residence_rendez_vous_held_internally_expects_no_elus():
    # A département's residence in autumn 2027 falls in the reserve of the March 2028 elections.
    example = load_profile(EXAMPLES_DIR / "pays-de-mormal.yaml")
    profile = replace(example, collectivity=replace(example.collectivity, kind="departement"))
    programme = plan_template(profile, template("residence"), facts())
    sheets = session_sheets(programme, template("residence"))
    internal = [e for e in programme.events if e.session and e.adjustment]
    assert internal and not any(e.public for e in internal)
    for event in internal:
        text = sheets[f"seances/seance-{event.session:02d}.md"]
        expected = next(line for line in text.splitlines() if line.startswith("- **Sur place :**"))
        assert "élus" not in expected, expected
        assert event.adjustment in text
