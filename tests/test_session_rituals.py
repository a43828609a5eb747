"""The days of a session hold together: no activity twice, breaks in every block, rituals in order,
promises kept, meetings prepared only on their eve, and the kit tailored to the collectivity."""

from __future__ import annotations

from pathlib import Path

import pytest

from transfogen.api import plan_profile
from transfogen.errors import ProfileError
from transfogen.kit.composer import compose_programme
from transfogen.planning.profile import parse_profile
from transfogen.templating.template import load_template

ROOT = Path(__file__).resolve().parents[1]
TRANSFO = load_template(ROOT / "templates" / "transfo")
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def composed() -> dict[str, list]:
    """Every example's sessions as the transfo template composes them."""
    return {path.stem: compose_programme(plan_profile(path), TRANSFO) for path in EXAMPLES}


def _methods_by_day(session) -> list[list[str]]:
    """Each day's activities, a method cut by a break counted once."""
    return [[i.method for i in day.items if i.method and i.part != "suite"] for day in session.days]


def test_no_activity_runs_twice_in_a_session_except_daily_rituals(composed):
    frame = {slot["method"] for slot in TRANSFO.day.slots if slot.get("method")}
    daily = set(TRANSFO.day.daily) | frame
    for name, sessions in composed.items():
        for session in sessions:
            days = _methods_by_day(session)
            for number, day in enumerate(days, start=1):
                repeated = {m for m in day if day.count(m) > 1}
                assert not repeated, f"{name} séance {session.session.number}, jour {number} : {repeated}"
            seen: dict[str, int] = {}
            for number, day in enumerate(days, start=1):
                for method in set(day) - daily:
                    assert method not in seen, (
                        f"{name} séance {session.session.number} : {method} les jours {seen[method]} et {number}"
                    )
                    seen[method] = number


def test_every_three_hour_block_has_a_break(composed):
    for name, sessions in composed.items():
        for session in sessions:
            for day in session.days:
                run = 0
                for item in day.items:
                    run = 0 if item.kind == "pause" else run + item.minutes
                    # Before: 09:00 to 12:30 without a stop (210 minutes); the opening promises a break.
                    assert run < 180, f"{name} séance {session.session.number} : {run} min sans pause"


def test_the_restitution_comes_before_the_committee_that_decides_on_it(composed):
    checked = 0
    for name, sessions in composed.items():
        for session in sessions:
            if {"restitution", "comite-pilotage"} <= set(session.rituals):
                order = [i.method for day in session.days for i in day.items if i.method]
                restitution = order.index("restitution-express")
                committee = order.index("preparer-comite-pilotage")
                assert restitution < committee, f"{name} séance {session.session.number}"
                checked += 1
    assert checked, "aucune séance ne tient à la fois une restitution et un comité"


def test_every_sealed_dream_letter_is_reopened_at_its_case_restitution(composed):
    for name, sessions in composed.items():
        cases = {s.session.case for s in sessions if s.session.case is not None}
        for case in cases:
            arc = [s for s in sessions if s.session.case == case]
            sealed = [s.session.number for s in arc if "lettre-du-reve" in s.methods]
            reopened = [s.session.number for s in arc if "relecture-des-lettres" in s.methods]
            if sealed:
                assert reopened and reopened[0] > sealed[0], (
                    f"{name} cas {case} : scellées {sealed}, rouvertes {reopened}"
                )


def test_a_meeting_is_prepared_only_on_its_eve(composed):
    for name, sessions in composed.items():
        programme = plan_profile(ROOT / "examples" / f"{name}.yaml")
        numbers = [s.number for s in programme.sessions]
        for composed_session in sessions:
            if "inter-collectivites" not in composed_session.methods:
                continue
            session = composed_session.session
            index = numbers.index(session.number)
            following = programme.sessions[index + 1].start if index + 1 < len(numbers) else None
            meetings = [
                e
                for e in programme.events
                if e.kind == "inter-collectivites"
                and session.end < e.start
                and (following is None or e.start < following)
            ]
            assert meetings, f"{name} séance {session.number} prépare une rencontre qui n'a pas lieu avant la suivante"


def test_the_lab_metaphors_are_not_repeated_all_programme_long(composed):
    for name, sessions in composed.items():
        held = [s.session.number for s in sessions if "si-le-labo-etait" in s.methods]
        assert len(held) <= 2, f"{name} : « si le labo était… » en séances {held}"


def test_leads_shift_from_residents_to_ambassadors(composed):
    sessions = composed["paris"]
    levels = [s.level for s in sessions if s.session.case is not None]
    assert levels[0] == "demonstration" and levels[-1] in ("autonomie", "labo")
    assert all(s.level == "labo" for s in sessions if s.session.lab_trial)
    first = next(s for s in sessions if s.session.case == 1)
    last = [s for s in sessions if s.session.case is not None][-1]
    assert all(i.lead for day in first.days for i in day.items if i.method)
    assert any("ambassadeurs" in i.lead.lower() for day in last.days for i in day.items if i.method)
    assert {i.lead for d in first.days for i in d.items} != {i.lead for d in last.days for i in d.items}


# ------------------------------------------------------------------------------------------ the kit


def test_a_cadrage_sheet_says_what_to_collect_when_the_profile_does_not(kits):
    sheet = (kits["strasbourg"] / "seances").glob("seance-*.md")
    texts = [p.read_text(encoding="utf-8") for p in sorted(sheet)]
    cadrages = [t for t in texts if "stage: cadrage" in t]
    with_data = [t for t in cadrages if "Comment les familles peuvent-elles savoir" in t]
    without = [t for t in cadrages if "À recueillir pendant ce cadrage" in t]
    assert with_data and without
    assert "les lieux où le cas se vit" in without[0]


def test_sheets_use_the_case_data_of_the_profile(kits):
    text = (kits["mulhouse"] / "seances" / "seance-02.md").read_text(encoding="utf-8")
    assert "Le point information jeunesse" in text  # a place to observe
    assert "Lycéens et apprentis" in text  # non-users to meet
    assert "Lieux de l'immersion" in text


def test_the_committee_of_a_cadrage_session_is_not_asked_for_prototypes():
    committee = TRANSFO.patterns["cadrage"].committee
    assert committee and "prototype" not in committee.lower()
    assert "prototype" in TRANSFO.patterns["test"].committee.lower()


# ------------------------------------------------------------------------------------------ profiles


CASE = """
collectivity: {name: Ville de Test, kind: commune, department: "35"}
program: {start: 2027-01-04}
cases:
  - title: "Un cas"
    service: "Un service"
"""


def test_case_data_is_optional_and_validated_on_its_line():
    profile = parse_profile(CASE)
    assert profile.cases[0].question == "" and profile.cases[0].places == ()
    full = parse_profile(CASE + '    question: "Pourquoi ?"\n    places: ["Le guichet"]\n')
    assert full.cases[0].question == "Pourquoi ?" and full.cases[0].places == ("Le guichet",)
    with pytest.raises(ProfileError) as error:
        parse_profile(CASE + '    users: "les familles"\n', "profil.yaml")
    assert str(error.value).startswith("profil.yaml:7: cases[0].users:")
    with pytest.raises(ProfileError) as error:
        parse_profile(CASE + "    non_user: [a]\n", "profil.yaml")
    assert "non_users" in str(error.value)


SMALL = """
collectivity:
  name: Communauté de communes du Val Test
  kind: intercommunalite
  department: "59"
  sites: ["Siège, Le Quesnoy", "Mairie, Bavay"]
program: {start: 2027-01-04, months: 12, session_days: 2}
team: {residents: 2, ambassadors: 10}
"""


def test_a_small_multi_site_intercommunality_gets_its_own_words(tmp_path):
    from transfogen.kit.build import generate_kit

    profile = tmp_path / "val.yaml"
    profile.write_text(SMALL, encoding="utf-8")
    kit = generate_kit(profile, tmp_path / "kit")
    sheets = "\n".join(p.read_text(encoding="utf-8") for p in sorted((kit / "seances").glob("*.md")))
    assert "*Petit groupe :*" in sheets
    assert "## Logistique entre les sites" in sheets and "ordres de mission" in sheets
    assert "le petit groupe des 10 ambassadeurs" in sheets
    if "## Le comité de pilotage de cette séance" in sheets:
        assert "au conseil communautaire" in sheets
