"""The programme's frise (inline SVG) and its month-by-month text twin, drawn from the kit context."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import escape
from pathlib import Path

import pytest
import yaml

from paths import EXAMPLES_DIR, TEMPLATES_DIR
from transfogen.kit.timeline import timeline_html, timeline_svg, timeline_table

SVG = "{http://www.w3.org/2000/svg}"


def _context(tmp_path: Path, example: str = "strasbourg", **changes) -> dict:
    """The `kit` context of an example profile, with dotted-key changes applied to the profile."""
    from transfogen.api import plan_template
    from transfogen.kit.build import kit_context, load_template
    from transfogen.planning.profile import load_profile

    data = yaml.safe_load((EXAMPLES_DIR / f"{example}.yaml").read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        node = data
        *parents, last = dotted.split(".")
        for key in parents:
            node = node[key]
        node[last] = value
    path = tmp_path / f"{example}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    root = TEMPLATES_DIR / "transfo"
    template = load_template(root)
    return kit_context(plan_template(load_profile(path), template), template)


@pytest.fixture(scope="module")
def strasbourg(tmp_path_factory) -> dict:
    return _context(tmp_path_factory.mktemp("frise"))


@pytest.fixture(scope="module")
def occitanie(tmp_path_factory) -> dict:
    """Région Occitanie, whose programme crosses the reserve before the March 2028 regional elections."""
    return _context(tmp_path_factory.mktemp("frise"), "occitanie")


def _svg(kit: dict) -> ET.Element:
    # Parsing as XML also proves the inline SVG is well formed.
    return ET.fromstring(timeline_svg(kit))


def _texts(group: ET.Element) -> list[str]:
    return [t.text for t in group.iter(f"{SVG}text")]


def _groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter() if g.get("class") == cls]


def test_every_session_has_a_numbered_mark_in_date_order(strasbourg):
    marks = _groups(_svg(strasbourg), "seance")
    assert [_texts(g) for g in marks] == [[str(s["number"])] for s in strasbourg["sessions"]]
    lefts = [float(g.find(f"{SVG}rect").get("x")) for g in marks]
    assert lefts == sorted(lefts) and len(set(lefts)) == len(lefts)


def test_every_phase_is_a_band_and_named_in_the_legend(strasbourg):
    root = _svg(strasbourg)
    assert len(_groups(root, "phase")) == len(strasbourg["phases"])
    every_text = _texts(root)
    for number, phase in enumerate(strasbourg["phases"], 1):
        assert f"{number}. {phase['name']}" in every_text


def test_every_ritual_has_a_symbol_and_every_kind_a_legend_entry(strasbourg):
    root = _svg(strasbourg)
    assert len(_groups(root, "rituel")) == len(strasbourg["events"])
    every_text = _texts(root)
    for event in strasbourg["events"]:
        assert event["kind_label"] in every_text


def test_closures_are_drawn_in_labelled_rows(strasbourg):
    root = _svg(strasbourg)
    every_text = _texts(root)
    for kind, label in (
        ("ferie", "Jours fériés"),
        ("vacances", "Vacances scolaires"),
        ("blocage", "Périodes bloquées"),
    ):
        expected = [c for c in strasbourg["closures"] if c["kind"] == kind]
        assert expected, f"the Strasbourg example should have {kind} periods"
        assert len([e for e in root.iter() if e.get("class") == kind]) == len(expected)
        assert label in every_text
    # School holidays and blackouts carry a pattern, not only a colour.
    fills = {e.get("fill") for e in root.iter() if e.get("class") in ("vacances", "blocage")}
    assert fills == {"url(#frise-points)", "url(#frise-croisillons)"}


def test_the_electoral_reserve_is_hatched_when_the_programme_meets_one(occitanie):
    assert occitanie["elections"], "the Occitanie example crosses the reserve of the 2028 regional elections"
    root = _svg(occitanie)
    reserves = _groups(root, "reserve")
    assert len(reserves) == len(occitanie["elections"])
    assert reserves[0].find(f"{SVG}rect").get("fill") == "url(#frise-hachures)"
    assert "Réserve électorale" in _texts(root)
    table = timeline_table(occitanie)
    assert "Réserve électorale (art. L52-1) avant : Élections régionales de mars 2028" in table


def test_no_reserve_is_drawn_when_the_programme_meets_none(strasbourg):
    assert not strasbourg["elections"]
    root = _svg(strasbourg)
    assert not _groups(root, "reserve")
    assert "Réserve électorale" not in _texts(root)
    assert "Réserve électorale" not in timeline_table(strasbourg)


def test_the_table_says_everything_the_frise_shows(strasbourg):
    table = timeline_table(strasbourg)
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>', table)
    assert rows[0] == "octobre 2026" and rows[-1] == "juin 2028"  # from the preparation to the last session
    assert len(rows) == 21
    for session in strasbourg["sessions"]:
        assert f'<a href="{session["file"]}">Séance {session["number"]}</a> ({session["dates_fr"]})' in table
    for phase in strasbourg["phases"]:
        assert phase["name"] in table
    for event in strasbourg["events"]:
        assert escape(f"{event['title']} ({event['date_fr']})") in table
    for closure in strasbourg["closures"]:
        assert escape(closure["name"]) in table


def test_provisional_sessions_are_drawn_hollow_and_said_in_the_table(tmp_path):
    kit = _context(tmp_path, "lille")
    provisional = [s for s in kit["sessions"] if s["provisional"]]
    assert provisional, "the Lille example runs past the last published school calendar"
    marks = {int(_texts(g)[0]): g.find(f"{SVG}rect") for g in _groups(_svg(kit), "seance")}
    for session in kit["sessions"]:
        assert (marks[session["number"]].get("fill") == "#fff") == session["provisional"]
    assert "séance aux dates provisoires" in _texts(_svg(kit))
    assert timeline_table(kit).count(", dates provisoires)") == len(provisional)


def test_the_svg_names_itself_for_screen_readers(strasbourg):
    root = _svg(strasbourg)
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby").split()
    named = {e.get("id"): e for e in root.iter() if e.get("id") in ids}
    assert set(named) == set(ids) and {e.tag for e in named.values()} == {f"{SVG}title", f"{SVG}desc"}
    assert "15 séances" in named["frise-desc"].text
    assert root.get("viewBox").startswith("0 0 840 ")  # scales with its container


def test_profile_text_is_escaped_in_the_frise(tmp_path):
    kit = _context(tmp_path, **{"collectivity.name": "Ville <b>& Cie</b>"})
    html = timeline_html(kit)
    assert "<b>" not in html and "Ville &lt;b&gt;&amp; Cie&lt;/b&gt;" in html
    ET.fromstring(timeline_svg(kit))


def test_the_frise_is_deterministic(tmp_path, strasbourg):
    assert timeline_html(_context(tmp_path)) == timeline_html(strasbourg)


def test_the_frise_loads_nothing_from_outside(strasbourg):
    html = timeline_html(strasbourg).replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert not re.search(r"\b(src|xlink:href)=|https?://|@import", html)


def test_a_ritual_kind_keeps_its_shape_whatever_the_other_kinds(strasbourg):
    from transfogen.kit.timeline import _shapes

    fewer = dict(strasbourg, events=[e for e in strasbourg["events"] if e["kind"] != "inter-collectivites"])
    assert _shapes(fewer)["restitution"] == _shapes(strasbourg)["restitution"]
    other = dict(strasbourg, events=[*strasbourg["events"], dict(strasbourg["events"][0], kind="visite")])
    shapes = _shapes(other)
    assert len(set(shapes.values())) == len(shapes)  # a new kind gets a shape of its own


def test_the_caption_names_only_the_patterns_drawn(strasbourg, occitanie):
    assert "réserve électorale des hachures" not in timeline_html(strasbourg)
    assert "réserve électorale des hachures" in timeline_html(occitanie)


def test_school_holidays_are_drawn_only_when_the_profile_avoids_them(tmp_path):
    kit = _context(tmp_path, **{"program.avoid_school_holidays": False})
    assert kit["closures"] and not [c for c in kit["closures"] if c["kind"] == "vacances"]
    root = _svg(kit)
    assert "Vacances scolaires" not in _texts(root)
    assert not [e for e in root.iter() if e.get("class") == "vacances"]
    assert "des points" not in timeline_html(kit)
