"""The second bundled template, `templates/residence` (Territoires en résidences), and the optional
`shape:` section of programme.yaml that lets a template fix its own programme shape."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import yaml
from click.testing import CliRunner

from paths import EXAMPLES_DIR, TEMPLATES_DIR
from transfogen.cli import main
from transfogen.errors import TemplateError
from transfogen.kit.build import cookiecutter_defaults, generate_kit
from transfogen.kit.composer import compose
from transfogen.planning.fr import date_fr
from transfogen.planning.french_calendar import load_calendar_facts
from transfogen.planning.planner import plan
from transfogen.planning.profile import load_profile
from transfogen.planning.rules import load_rules, parse_rules
from transfogen.templating.template import load_template
from transfogen.templating.template_check import check_template

RESIDENCE = TEMPLATES_DIR / "residence"
TRANSFO = TEMPLATES_DIR / "transfo"
EXAMPLE = EXAMPLES_DIR / "pays-de-mormal.yaml"
TRANSFO_EXAMPLE = EXAMPLES_DIR / "strasbourg.yaml"  # weekdays tue–thu, three-day sessions, 18 months


@pytest.fixture(scope="module")
def facts():
    return load_calendar_facts()


@pytest.fixture(scope="module")
def residence(facts):
    return plan(load_profile(EXAMPLE), load_rules(RESIDENCE), facts)


# ------------------------------------------------------------------------------------------ shape


def test_residence_rules_fix_four_immersions_of_four_days_on_any_working_day():
    shape = load_rules(RESIDENCE).shape
    assert (shape.months, shape.session_days, shape.weekdays) == (4, 4, (0, 1, 2, 3, 4))


def test_transfo_rules_leave_the_shape_to_the_profile(facts):
    profile = load_profile(TRANSFO_EXAMPLE)
    programme = plan(profile, load_rules(TRANSFO), facts)
    assert programme.profile is profile
    assert not any("Le gabarit fixe" in note for note in programme.notes)


@pytest.mark.parametrize(
    ("shape", "key"),
    [
        ({"months": 0}, "shape.months"),
        ({"months": 40}, "shape.months"),
        ({"session_days": 6}, "shape.session_days"),
        ({"weekdays": ["lundi"]}, "shape.weekdays"),
        ({"weekdays": []}, "shape.weekdays"),
        ({"sessions": 3}, "shape.sessions"),
        ([4], "shape"),
    ],
)
def test_a_bad_shape_is_refused_naming_the_file_and_the_key(shape, key):
    data = yaml.safe_load((RESIDENCE / "programme.yaml").read_text(encoding="utf-8"))
    data["shape"] = shape
    with pytest.raises(TemplateError) as raised:
        parse_rules(data, "gabarit/programme.yaml")
    assert str(raised.value).startswith(f"gabarit/programme.yaml: {key}: ")


# ----------------------------------------------------------------------------- residence programme


def test_the_residence_is_four_immersions_of_four_days_one_a_month(residence):
    assert [len(s.days) for s in residence.sessions] == [4, 4, 4, 4]
    assert [s.start.month for s in residence.sessions] == [9, 10, 11, 12]
    for session in residence.sessions:
        assert [d - session.start for d in session.days] == [timedelta(days=i) for i in range(4)]
    # About three weeks on site: 16 days.
    assert sum(len(s.days) for s in residence.sessions) == 16


def test_immersions_are_separated_by_periods_away(residence):
    sessions = residence.sessions
    gaps = [(b.start - a.end).days - 1 for a, b in zip(sessions, sessions[1:], strict=False)]
    assert len(gaps) == 3 and all(gap >= 14 for gap in gaps), gaps


def test_the_residence_goes_explore_project_programme_restitution(residence):
    assert [s.phase for s in residence.sessions] == ["lancement", "cas-pratiques", "prefiguration", "cloture"]
    assert residence.sessions[1].focus == "Un accueil itinérant des services publics dans les villages"
    assert [s.lab_topic for s in residence.sessions] == [None, None, "saisine", "equipe-lieu-budget"]
    assert [(e.kind, e.session) for e in residence.events] == [
        ("restitution", 2),
        ("revue-mi-parcours", 2),
        ("cloture", 4),
    ]
    assert residence.warnings == ()


def test_the_profile_values_the_shape_overrides_are_replaced_and_noted(residence):
    assert residence.profile.program.months == 4
    assert "Le gabarit fixe la forme du programme : 4 mois (le profil en demande 6)." in residence.notes


def test_a_transfo_profile_gets_the_residence_shape_with_a_note(facts):
    programme = plan(load_profile(TRANSFO_EXAMPLE), load_rules(RESIDENCE), facts)
    assert 1 <= len(programme.sessions) <= 4
    assert all(len(s.days) == 4 for s in programme.sessions)
    note = next(n for n in programme.notes if n.startswith("Le gabarit fixe"))
    assert "4 mois (le profil en demande 18)" in note
    assert "des séances de 4 jours (le profil en demande 3 jours)" in note
    assert "(le profil en demande : mardi, mercredi et jeudi)" in note


def test_session_agendas_add_up(residence):
    template = load_template(RESIDENCE)
    for session in residence.sessions:
        held = tuple(sorted({e.kind for e in residence.events if e.session == session.number}))
        composed = compose(session, held, template)
        for day in composed.days:
            for before, after in zip(day.items, day.items[1:], strict=False):
                assert before.end == after.start
            assert day.minutes == 420  # 30 + 180 + 180 + 30
        assert composed.minutes == 4 * 420
        if "cloture" in held:
            assert composed.days[-1].items[-2].method == "restitution-publique"


# ------------------------------------------------------------------------------------------- kits


@pytest.mark.parametrize("profile", [EXAMPLE, TRANSFO_EXAMPLE], ids=["pays-de-mormal", "strasbourg"])
def test_the_residence_kit_generates(profile, tmp_path, facts):
    kit = generate_kit(profile, tmp_path / "kit", template_dir=RESIDENCE)
    programme = plan(load_profile(profile), load_rules(RESIDENCE), facts)
    for name in (
        "LISEZMOI.md",
        "programme.md",
        "calendrier/calendrier.md",
        "calendrier/calendrier.ics",
        "documents/convention-de-residence.md",
        "documents/appel-a-participants.md",
        "documents/invitation-restitution-finale.md",
        "index.html",
    ):
        assert (kit / name).is_file(), name
    sheets = sorted((kit / "seances").glob("seance-*.md"))
    assert len(sheets) == len(programme.sessions)
    for sheet in sheets:
        meta = yaml.safe_load(sheet.read_text(encoding="utf-8").split("---\n")[1])
        assert meta["duration"] == 420 * len(meta["dates"])
    text = (kit / "programme.md").read_text(encoding="utf-8")
    assert text.count("| Émersion |") == len(programme.sessions) - 1
    invitation = (kit / "documents" / "invitation-restitution-finale.md").read_text(encoding="utf-8")
    finale = next((e for e in programme.events if e.kind == "cloture"), None)
    assert finale is not None and f"**Date :** {date_fr(finale.start)}" in invitation
    for page in kit.rglob("*.md"):
        assert "{{" not in page.read_text(encoding="utf-8"), page


def test_check_template_finds_no_problem_in_the_residence():
    assert check_template(RESIDENCE, [EXAMPLE]) == []


def test_cookiecutter_json_matches_the_example():
    stored = json.loads((RESIDENCE / "cookiecutter.json").read_text(encoding="utf-8"))
    fresh = json.loads(json.dumps(cookiecutter_defaults(RESIDENCE, EXAMPLE)))
    assert stored == fresh, "lancez : python scripts/refresh_cookiecutter_json.py templates/residence"


def test_templates_list_shows_both_bundled_templates():
    result = CliRunner().invoke(main, ["templates", "list"])
    assert result.exit_code == 0, result.output
    names = [line.split()[0] for line in result.output.splitlines() if line and not line.startswith(" ")]
    assert {"residence", "transfo"} <= set(names)
