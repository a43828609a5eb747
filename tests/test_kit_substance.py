"""The kit's substance: every session sheet can be run on its own, and sessions differ by stage."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from transfogen.api import plan_profile
from transfogen.kit.sheets import load_sheet, placeholder_pattern
from transfogen.planning.fr import jours_fr

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

_ROW = re.compile(r"^\| (\d\d:\d\d)–(\d\d:\d\d) \| (\d+) min \| (.+?) \| (.*?) ?\|$")
_BREAKS = ("Déjeuner", "Pause")


def _agenda(text: str) -> list[tuple[str, str, int, str]]:
    """(start, end, minutes, activity) rows of a session sheet's agenda tables."""
    return [(m[1], m[2], int(m[3]), m[4]) for m in map(_ROW.match, text.splitlines()) if m]


@pytest.mark.parametrize("name", ["strasbourg", "paris"])
def test_each_session_sheet_names_its_dates_case_and_methods(kits, examples_dir, name):
    programme = plan_profile(examples_dir / f"{name}.yaml")
    kit = kits[name]
    for session in programme.sessions:
        path = kit / f"seances/seance-{session.number:02d}.md"
        sheet = load_sheet(path)  # the session sheet passes the sheet schema
        text = path.read_text(encoding="utf-8")
        assert jours_fr(session.days) in text
        if session.case is not None and session.case <= len(programme.profile.cases):
            assert programme.profile.cases[session.case - 1].title in text
        for method_id in sheet.meta["methods"]:
            assert (kit / f"methodes/{method_id}.md").is_file()
            method = load_sheet(TEMPLATES / f"transfo/methodes/{method_id}.md")
            assert f"../methodes/{method_id}.md" in text, f"séance {session.number}: lien vers {method_id}"
            assert method.title in text
        for heading in (
            "## Objectifs",
            "## Déroulé",
            "## Matériel",
            "## Préparation",
            "## Livrables",
            "## Travail d'ici la séance suivante",
            "## À documenter",
            "## Points de vigilance",
        ):
            assert heading in text, f"séance {session.number}: {heading}"


@pytest.mark.parametrize("name", ["strasbourg", "paris"])
def test_agenda_times_follow_each_other_and_add_up(kits, examples_dir, name):
    programme = plan_profile(examples_dir / f"{name}.yaml")
    for session in programme.sessions:
        path = kits[name] / f"seances/seance-{session.number:02d}.md"
        rows = _agenda(path.read_text(encoding="utf-8"))
        assert rows, f"séance {session.number}: pas de déroulé"
        days, day = [], []
        for row in rows:
            if day and row[0] < day[-1][1]:  # a new day starts again in the morning
                days.append(day)
                day = []
            day.append(row)
        days.append(day)
        assert len(days) == len(session.days)
        worked = 0
        for day in days:
            for previous, current in zip(day, day[1:], strict=False):
                assert previous[1] == current[0], f"séance {session.number}: {previous} puis {current}"
            for start, end, minutes, _ in day:
                h1, m1 = map(int, start.split(":"))
                h2, m2 = map(int, end.split(":"))
                assert (h2 * 60 + m2) - (h1 * 60 + m1) == minutes
            worked += sum(minutes for _, _, minutes, activity in day if activity not in _BREAKS)
        assert worked == load_sheet(path).meta["duration"]


@pytest.mark.parametrize("name", ["strasbourg", "paris"])
def test_sessions_of_different_stages_never_share_an_agenda(kits, examples_dir, name):
    programme = plan_profile(examples_dir / f"{name}.yaml")
    agendas: dict[tuple, tuple[str, int]] = {}
    for session in programme.sessions:
        kind = (session.phase, session.stage, session.lab_topic)
        meta = load_sheet(kits[name] / f"seances/seance-{session.number:02d}.md").meta
        agenda = tuple(meta["methods"])
        if agenda in agendas:
            other_kind, other = agendas[agenda]
            assert other_kind == kind, f"séances {other} et {session.number} ont le même déroulé"
        agendas[agenda] = (kind, session.number)
    phases = {s.phase for s in programme.sessions}
    assert {"lancement", "cas-pratiques", "cloture"} <= phases


def test_no_placeholder_text_anywhere_in_a_kit(kits):
    pattern = placeholder_pattern()
    for name, kit in kits.items():
        for path in kit.rglob("*"):
            if path.suffix in (".md", ".html", ".csv", ".ics"):
                match = pattern.search(path.read_text(encoding="utf-8"))
                assert not match, f"{name}: {path.relative_to(kit)} : « {match.group(0)} »"


def _masked_lines(text: str, names: list[str]) -> list[str]:
    """A sheet's lines with what only names a case or a date set aside: titles, services, referents,
    sites, numbers, days and months."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "X")
    text = re.sub(r"\d+", "N", text)
    text = re.sub(r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b", "J", text)
    months = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
    text = re.sub(rf"\b({months})\b", "M", text)
    return [line for line in text.splitlines() if line.strip()]


# Measured on the bundled examples: before the progression, two same-stage sessions of different cases
# were 97 % identical once names and dates were set aside (Paris, seance-02 and seance-05); now the most
# similar pair is about 81 % (the same 2-day agenda frame, opening and closing rituals, and the method
# steps both sessions share remain). 85 % leaves room for wording changes while failing any return to
# clones: a sheet that only swaps the case's names scores above 95 %.
SIMILARITY_CEILING = 0.85


def test_same_stage_sessions_of_different_cases_read_differently(kits, examples_dir):
    import difflib
    import itertools

    worst = (0.0, "")
    for name, kit in kits.items():
        programme = plan_profile(examples_dir / f"{name}.yaml")
        profile = programme.profile
        names = [profile.collectivity.name, *profile.collectivity.sites]
        names += [text for case in profile.cases for text in (case.title, case.service, case.referent) if text]
        by_stage: dict[str, list] = {}
        for session in programme.sessions:
            if session.case is not None and session.stage:
                by_stage.setdefault(session.stage, []).append(session)
        for stage, sessions in by_stage.items():
            for one, other in itertools.combinations(sessions, 2):
                if one.case == other.case:
                    continue
                texts = [
                    _masked_lines((kit / f"seances/seance-{s.number:02d}.md").read_text(encoding="utf-8"), names)
                    for s in (one, other)
                ]
                ratio = difflib.SequenceMatcher(None, *texts, autojunk=False).ratio()
                worst = max(worst, (ratio, f"{name} {stage} : séances {one.number} et {other.number}"))
    assert worst[0] < SIMILARITY_CEILING, f"{worst[1]} identiques à {worst[0]:.0%}"
