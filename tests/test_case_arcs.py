"""Every case runs its whole arc with the group, in 2-day sessions as in 3-day ones: interviews with
users and non-users, prototypes, a test with users in the field; and a block that would repeat an
activity loses only that activity."""

from __future__ import annotations

from pathlib import Path

import pytest

from session_invariants import check_blocks_kept, check_case_arcs
from transfogen.api import plan_profile
from transfogen.kit.composer import compose_programme
from transfogen.templating.template import load_template

ROOT = Path(__file__).resolve().parents[1]
TRANSFO = load_template(ROOT / "templates" / "transfo")
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def composed() -> dict[str, list]:
    """Every example's sessions as the transfo template composes them."""
    return {path.stem: compose_programme(plan_profile(path), TRANSFO) for path in EXAMPLES}


@pytest.mark.parametrize("name", [path.stem for path in EXAMPLES])
def test_every_case_interviews_prototypes_and_tests_in_the_field(composed, name):
    # Before: Mulhouse's first case (2-day sessions) never held an interview, its second case tested
    # with a morning exposition only, and its third case's test session had no test at all.
    check_case_arcs(composed[name], TRANSFO)


@pytest.mark.parametrize("name", [path.stem for path in EXAMPLES])
def test_a_repeated_activity_leaves_the_rest_of_its_block(composed, name):
    # Before: Paris session 5 lost the collective analysis with the stakeholder map held on day 1.
    check_blocks_kept(composed[name], TRANSFO)


def test_the_first_case_of_a_two_day_kit_shows_then_runs_interviews(composed):
    first = next(s for s in composed["mulhouse"] if s.session.case == 1)
    assert len(first.days) == 2 and "entretiens-usagers" in first.methods
    assert "entretiens-usagers" in first.pattern.notes  # how the residents demonstrate it
    fields = [i for day in first.days for i in day.items if i.method == "entretiens-usagers"]
    assert sum(i.minutes for i in fields) == 180


def test_paris_session_5_keeps_its_collective_analysis(composed):
    session = composed["paris"][4]
    assert session.session.number == 5
    assert {"analyse-collective", "carte-des-enjeux"} <= set(session.methods)


def test_what_gives_way_to_the_test_is_said_on_the_sheet(composed, kits):
    """The lab block and the meeting preparation yield to the field test; the sheet says how they are
    held outside the session."""
    sessions = composed["mulhouse"]
    dropped = [s for s in sessions if not s.lab_held]
    yielded = [s for s in sessions if s.session.prepares_exchange and "inter-collectivites" not in s.methods]
    assert dropped and yielded
    for s in dropped:
        text = (kits["mulhouse"] / f"seances/seance-{s.session.number:02d}.md").read_text(encoding="utf-8")
        assert "pas de bloc dans cette séance" in text
    for s in yielded:
        text = (kits["mulhouse"] / f"seances/seance-{s.session.number:02d}.md").read_text(encoding="utf-8")
        assert "L'agent pilote la prépare avec les ambassadeurs volontaires" in text
        assert "rencontre-a-venir" not in s.rituals


def test_the_session_before_the_test_asks_for_its_protocol(kits):
    text = (kits["mulhouse"] / "seances" / "seance-03.md").read_text(encoding="utf-8")
    homework = text.split("## Travail d'ici la séance suivante", 1)[1].split("## ", 1)[0]
    assert "protocole d'une page du test en grandeur réelle" in homework


# Words of the objectives and deliverables that promise an activity, and that activity.
PROMISES = {
    "immersion flash": "immersion-flash",
    "parcours usager": "parcours-usager",
    "parcours vécu": "parcours-usager",
    "carte des enjeux": "carte-des-enjeux",
    "vidéocagette": "videocagette",
}


@pytest.mark.parametrize("name", [path.stem for path in EXAMPLES])
def test_objectives_and_deliverables_promise_only_what_the_session_holds(composed, name):
    # Before: 44 sheets of the eight examples promised an immersion flash, a user journey or a
    # vidéocagette that their shorter agenda had dropped (Mulhouse session 5: « puis par une immersion
    # flash », with no immersion in its two days).
    broken = [
        f"séance {s.session.number} : « {text} »"
        for s in composed[name]
        for text in (*s.pattern.objectives, *s.pattern.deliverables)
        for words, method in PROMISES.items()
        if words in text.lower() and method not in s.methods
    ]
    assert not broken, broken


def test_a_promise_comes_back_when_the_session_holds_its_activity(composed):
    held = [s for kit in composed.values() for s in kit if "immersion-flash" in s.methods and s.session.case]
    assert any("immersion flash" in " ".join(s.pattern.objectives).lower() for s in held)


def test_a_conditional_objective_names_its_activity(tmp_path):
    import shutil

    from transfogen.errors import TemplateError

    copy = tmp_path / "transfo"
    shutil.copytree(ROOT / "templates" / "transfo", copy)
    pattern = copy / "seances" / "immersion.yaml"
    text = pattern.read_text(encoding="utf-8")
    pattern.write_text(text.replace("needs: parcours-usager}", "needs: 3}", 1), encoding="utf-8")
    with pytest.raises(TemplateError) as error:
        _ = load_template(copy).patterns
    assert error.value.path.endswith("immersion.yaml") and error.value.key.startswith("objectives[")
