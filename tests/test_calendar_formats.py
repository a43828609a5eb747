"""The calendar formats (text, JSON, iCalendar, CSV) read a hand-built Programme."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile
from dataclasses import replace
from datetime import date, timedelta

import pytest

from checkers import require_or_skip
from paths import REPO_ROOT
from transfogen.exports import calendar_formats as cf
from transfogen.planning.model import (
    Case,
    Collectivity,
    Deadline,
    Election,
    Event,
    PhaseSpan,
    Profile,
    Programme,
    ProgramSettings,
    RoleBudget,
    Session,
    SkippedMonth,
)

LABELS = {"immersion": "Immersion sur le terrain", "cadrage": "Cadrage", "comite-pilotage": "Comité de pilotage"}


def sample_programme(name: str = "Eurométropole de Strasbourg", slug: str = "eurometropole-de-strasbourg") -> Programme:
    """Four sessions over five months, one skipped month, rituals with and without a session."""
    profile = Profile(
        collectivity=Collectivity(
            name=name,
            kind="metropole",
            department="67",
            school_zone="B",
            sites=("Centre administratif", "Maison de l'Été"),
        ),
        program=ProgramSettings(start=date(2027, 1, 4), months=18, session_days=3, weekdays=(0, 1, 2)),
        cases=(Case("Accueil des familles au guichet petite enfance", "Direction de l'éducation"),),
        slug=slug,
    )
    sessions = (
        Session(
            1,
            (date(2027, 1, 11), date(2027, 1, 12), date(2027, 1, 13)),
            "lancement",
            "Séance 1 — Lancement",
            "Faire groupe et cadrer la démarche",
            site="Centre administratif",
        ),
        Session(
            2,
            (date(2027, 2, 1), date(2027, 2, 2), date(2027, 2, 3)),
            "cas-pratiques",
            "Séance 2 — Cas n°1 : cadrage",
            "Accueil des familles au guichet petite enfance",
            case=1,
            stage="cadrage",
            site="Maison de l'Été",
        ),
        Session(
            3,
            (date(2027, 4, 5), date(2027, 4, 6), date(2027, 4, 7)),
            "cas-pratiques",
            "Séance 3 — Cas n°1 : immersion",
            "Accueil des familles au guichet petite enfance",
            case=1,
            stage="immersion",
            site="Centre administratif",
            warnings=("Séance pendant la réserve électorale (art. L52-1) : pas de valorisation publique.",),
        ),
        Session(
            4,
            (date(2028, 9, 4), date(2028, 9, 5), date(2028, 9, 6)),
            "prefiguration",
            "Séance 4 — Préfiguration : gouvernance",
            "Qui décide de quoi dans le futur labo",
            lab_topic="gouvernance",
            site="Maison de l'Été",
            provisional=True,
            warnings=("Dates provisoires : calendrier scolaire non publié.",),
        ),
    )
    events = (
        Event(
            "comite-pilotage",
            date(2027, 2, 3),
            date(2027, 2, 3),
            "Comité de pilotage n°1",
            "Choisir les cas suivants",
            session=2,
        ),
        Event(
            "restitution",
            date(2027, 4, 7),
            date(2027, 4, 7),
            "Restitution du cas n°1",
            session=3,
            public=True,
            warnings=("Temps public pendant la réserve électorale : sans élus ni valorisation.",),
        ),
        Event("inter-collectivites", date(2027, 5, 20), date(2027, 5, 21), "Rencontre entre collectivités"),
        Event("comite-pilotage", date(2027, 5, 10), date(2027, 5, 10), "Comité de pilotage n°2"),
    )
    return Programme(
        profile=profile,
        sessions=sessions,
        events=events,
        skipped_months=(SkippedMonth(2027, 3, "vacances d'hiver et de printemps : pas de 3 jours ouvrés libres"),),
        phases=(
            PhaseSpan("lancement", "Lancement", date(2027, 1, 11), date(2027, 1, 13), (1,)),
            PhaseSpan("cas-pratiques", "Cas pratiques", date(2027, 2, 1), date(2027, 4, 7), (2, 3)),
            PhaseSpan("prefiguration", "Préfiguration du labo", date(2028, 9, 4), date(2028, 9, 6), (4,)),
        ),
        checklist=(Deadline(date(2026, 11, 23), "Signer la convention d'expérimentation", "commanditaire"),),
        budgets=(RoleBudget("ambassadeurs", 37.5, "12 jours de séance et le travail entre les séances"),),
        elections=(
            Election("municipales-2026", "Élections municipales", date(2026, 3, 15), date(2025, 9, 1), "[101]"),
        ),
        warnings=("Le budget-temps des ambassadeurs est proche du haut de la fourchette.",),
        notes=("Vacances scolaires vérifiées pour la zone B.",),
    )


# ---------------------------------------------------------------- iCalendar


def _vevents(ics: bytes):
    from icalendar import Calendar

    return Calendar.from_ical(ics).walk("VEVENT")


def test_ics_is_byte_identical_across_calls():
    assert cf.to_ics(sample_programme(), LABELS) == cf.to_ics(sample_programme(), LABELS)


def test_ics_has_one_all_day_event_per_session_and_ritual_with_exclusive_end():
    p = sample_programme()
    events = _vevents(cf.to_ics(p, LABELS))
    assert len(events) == len(p.sessions) + len(p.events)
    by_summary = {str(e["SUMMARY"]): e for e in events}
    first = by_summary["Séance 1 — Lancement"]
    assert first.decoded("DTSTART") == date(2027, 1, 11)
    assert first.decoded("DTEND") == date(2027, 1, 14)  # the day after the last session day
    meeting = by_summary["Rencontre entre collectivités"]
    assert (meeting.decoded("DTSTART"), meeting.decoded("DTEND")) == (date(2027, 5, 20), date(2027, 5, 22))


def test_ics_dates_are_written_as_value_date():
    text = cf.to_ics(sample_programme()).decode()
    assert "DTSTART;VALUE=DATE:20270111\r\n" in text
    assert "DTEND;VALUE=DATE:20270114\r\n" in text
    assert "T" not in text.split("DTSTART;VALUE=DATE:")[1][:9]


def test_ics_uids_are_unique_and_survive_replanning():
    p = sample_programme()
    uids = [str(e["UID"]) for e in _vevents(cf.to_ics(p))]
    assert len(set(uids)) == len(uids)
    # The same profile planned again with a different title and date keeps the same UIDs.
    moved = replace(
        p, sessions=(replace(p.sessions[0], title="Séance 1 — Campus", days=(date(2027, 1, 18),)),) + p.sessions[1:]
    )
    assert [str(e["UID"]) for e in _vevents(cf.to_ics(moved))] == uids


def test_ics_uids_differ_between_collectivities():
    uids_a = {str(e["UID"]) for e in _vevents(cf.to_ics(sample_programme()))}
    other = sample_programme(name="Ville de Mulhouse", slug="ville-de-mulhouse")
    uids_b = {str(e["UID"]) for e in _vevents(cf.to_ics(other))}
    assert not uids_a & uids_b


def test_ics_stamp_comes_from_the_profile_not_the_clock():
    events = _vevents(cf.to_ics(sample_programme()))
    assert {e.decoded("DTSTAMP").date() for e in events} == {date(2027, 1, 4)}


def test_ics_carries_name_location_categories_and_french_description():
    ics = cf.to_ics(sample_programme(), LABELS)
    from icalendar import Calendar

    cal = Calendar.from_ical(ics)
    assert str(cal["X-WR-CALNAME"]) == "Programme Transfo — Eurométropole de Strasbourg"
    third = next(e for e in cal.walk("VEVENT") if str(e["SUMMARY"]).startswith("Séance 3"))
    assert str(third["LOCATION"]) == "Centre administratif"
    assert "Cas pratiques" in [str(c) for c in third["CATEGORIES"].cats]
    description = str(third["DESCRIPTION"])
    assert "Accueil des familles au guichet petite enfance" in description
    assert "Étape du cas : Immersion sur le terrain" in description
    assert "Attention : Séance pendant la réserve électorale" in description
    restitution = next(e for e in cal.walk("VEVENT") if str(e["SUMMARY"]) == "Restitution du cas n°1")
    assert str(restitution["LOCATION"]) == "Centre administratif"  # held during session 3
    assert "Temps public." in str(restitution["DESCRIPTION"])


def test_ics_lines_are_folded_and_end_with_crlf():
    ics = cf.to_ics(sample_programme())
    assert ics.endswith(b"\r\n")
    assert all(len(line) <= 75 for line in ics.split(b"\r\n"))


# ---------------------------------------------------------------- JSON


def test_json_shape_matches_the_documented_format():
    data = json.loads(cf.to_json(sample_programme(), LABELS))
    assert data["format"] == "transfogen.calendar/1"
    assert data["collectivity"]["name"] == "Eurométropole de Strasbourg"
    assert data["collectivity"]["department"] == "67"
    third = data["sessions"][2]
    assert third == {
        "number": 3,
        "start": "2027-04-05",
        "end": "2027-04-07",
        "days": ["2027-04-05", "2027-04-06", "2027-04-07"],
        "phase": "cas-pratiques",
        "phase_name": "Cas pratiques",
        "title": "Séance 3 — Cas n°1 : immersion",
        "focus": "Accueil des familles au guichet petite enfance",
        "case": 1,
        "stage": "immersion",
        "stage_name": "Immersion sur le terrain",
        "lab_topic": None,
        "lab_topic_name": None,
        "site": "Centre administratif",
        "provisional": False,
        "warnings": ["Séance pendant la réserve électorale (art. L52-1) : pas de valorisation publique."],
    }
    assert data["skipped_months"] == [
        {"month": "2027-03", "reason": "vacances d'hiver et de printemps : pas de 3 jours ouvrés libres"}
    ]
    assert data["events"][1] == {
        "kind": "restitution",
        "kind_name": "restitution",
        "start": "2027-04-07",
        "end": "2027-04-07",
        "title": "Restitution du cas n°1",
        "description": "",
        "session": 3,
        "public": True,
        "warnings": ["Temps public pendant la réserve électorale : sans élus ni valorisation."],
        "adjustment": "",
    }
    assert data["phases"][0] == {
        "id": "lancement",
        "name": "Lancement",
        "start": "2027-01-11",
        "end": "2027-01-13",
        "sessions": [1],
    }
    assert data["budgets"] == [
        {"role": "ambassadeurs", "days": 37.5, "detail": "12 jours de séance et le travail entre les séances"}
    ]
    assert data["elections"][0]["reserve_start"] == "2025-09-01"
    assert data["checklist"][0]["due"] == "2026-11-23"
    assert data["program"]["weekdays"] == ["mon", "tue", "wed"]
    assert set(data) == {
        "format",
        "collectivity",
        "program",
        "team",
        "cases",
        "sessions",
        "events",
        "skipped_months",
        "phases",
        "checklist",
        "budgets",
        "elections",
        "warnings",
        "notes",
    }


def test_json_is_sorted_unescaped_and_ends_with_newline():
    text = cf.to_json(sample_programme())
    assert text.endswith("}\n")
    assert "Eurométropole" in text  # ensure_ascii=False
    assert text == cf.to_json(sample_programme())
    assert list(json.loads(text)) == sorted(json.loads(text))


def test_json_falls_back_to_the_id_without_a_label():
    data = json.loads(cf.to_json(sample_programme()))
    assert data["sessions"][1]["stage_name"] == "cadrage"
    assert data["sessions"][0]["phase_name"] == "Lancement"  # from Programme.phases


# ---------------------------------------------------------------- CSV


def _rows(raw: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_csv_is_utf8_with_bom_semicolons_and_crlf():
    raw = cf.to_csv(sample_programme())
    assert raw.startswith(b"\xef\xbb\xbfDate;Jour;S\xc3\xa9ance;")
    assert raw.count(b"\r\n") == raw.count(b"\n")


def test_csv_has_one_row_per_session_day_with_french_dates_and_weekdays():
    p = sample_programme()
    rows = _rows(cf.to_csv(p, LABELS))
    assert rows[0] == list(cf.CSV_HEADER)
    body = rows[1:]
    assert len(body) == sum(len(s.days) for s in p.sessions)
    assert body[0] == [
        "11/01/2027",
        "lundi",
        "1",
        "jour 1 sur 3",
        "Lancement",
        "Séance 1 — Lancement",
        "Faire groupe et cadrer la démarche",
        "Centre administratif",
        "",
    ]
    assert body[5][:4] == ["03/02/2027", "mercredi", "2", "jour 3 sur 3"]
    assert body[6][8] == "Séance pendant la réserve électorale (art. L52-1) : pas de valorisation publique."


def test_csv_accents_and_apostrophes_survive_the_round_trip():
    rows = _rows(cf.to_csv(sample_programme()))
    assert rows[4][7] == "Maison de l'Été"
    assert rows[4][5] == "Séance 2 — Cas n°1 : cadrage"


def test_csv_neutralises_a_case_title_that_looks_like_a_formula():
    p = sample_programme()
    evil = replace(p, sessions=(replace(p.sessions[0], focus='=HYPERLINK("http://example.org";"clic")'),))
    rows = _rows(cf.to_csv(evil))
    assert rows[1][6] == '\'=HYPERLINK("http://example.org";"clic")'


@pytest.mark.office
def test_csv_opens_in_libreoffice_with_one_row_per_session_day(tmp_path):
    require_or_skip("soffice")
    soffice = shutil.which("soffice")
    p = sample_programme()
    source = tmp_path / "calendrier.csv"
    source.write_bytes(cf.to_csv(p))
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            # ";", '"', UTF-8, from line 1, default column types, French locale (1036) as a French user
            # has it: with the default en-US locale LibreOffice reads 11/01/2027 as 1 November.
            "--infilter=CSV:59,34,76,1,,1036",
            "--convert-to",
            "ods",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with zipfile.ZipFile(tmp_path / "calendrier.ods") as ods:
        content = ods.read("content.xml").decode("utf-8")
    assert content.count("<table:table-row") == 1 + sum(len(s.days) for s in p.sessions)
    assert "Maison de l&apos;Été" in content or "Maison de l'Été" in content
    assert 'office:date-value="2027-01-11"' in content  # JJ/MM/AAAA read as a date, day first
    assert 'office:date-value="2028-09-06"' in content
    assert "<text:p>jour 1 sur 3</text:p>" in content  # stays text, not a fraction or a date


# ---------------------------------------------------------------- text


def test_text_lists_sessions_skipped_months_rituals_and_warnings():
    text = cf.to_text(sample_programme(), LABELS)
    assert text.startswith("Calendrier du programme — Eurométropole de Strasbourg\n")
    assert "4 séances, du lundi 11/01/2027 au mercredi 06/09/2028" in text
    for title in ("Séance 1 — Lancement", "Séance 4 — Préfiguration : gouvernance", "Restitution du cas n°1"):
        assert title in text
    assert "11/01/2027 → 13/01/2027" in text
    assert "2027-03  vacances d'hiver et de printemps" in text
    assert "! Séance pendant la réserve électorale" in text
    assert "04/09/2028 → 06/09/2028 (provisoire)" in text
    assert "ambassadeurs  37,5 jours" in text
    assert "! Le budget-temps des ambassadeurs" in text


def test_text_says_when_no_session_could_be_planned():
    p = replace(sample_programme(), sessions=(), events=(), phases=())
    text = cf.to_text(p)
    assert "Aucune séance n'a pu être planifiée" in text
    assert "Mois sans séance" in text


def test_multi_day_event_is_shown_as_a_range():
    p = sample_programme()
    assert "20/05/2027 → 21/05/2027  Rencontre entre collectivités" in cf.to_text(p)
    assert p.events[2].end - p.events[2].start == timedelta(days=1)


def test_ics_marks_provisional_sessions_tentative():
    events = {str(e["SUMMARY"]): e for e in _vevents(cf.to_ics(sample_programme()))}
    assert str(events["Séance 4 — Préfiguration : gouvernance"]["STATUS"]) == "TENTATIVE"
    assert "STATUS" not in events["Séance 1 — Lancement"]


def test_every_json_field_is_documented():

    doc = (REPO_ROOT / "docs" / "calendrier-json.md").read_text(encoding="utf-8")
    data = json.loads(cf.to_json(sample_programme()))
    keys = set(data)
    for value in data.values():
        items = value if isinstance(value, list) else [value]
        keys |= {k for item in items if isinstance(item, dict) for k in item}
    missing = sorted(k for k in keys if f"`{k}`" not in doc)
    assert missing == []


def test_template_names_every_id_and_keeps_the_phase_name_on_a_clash(tmp_path):
    from types import SimpleNamespace as Rule

    from transfogen.templating.template import Template

    rules = Rule(
        phases=(Rule(id="cloture", name="Clôture et passage de relais"),),
        case_stages=(Rule(id="immersion", name="Immersion"),),
        lab_topics=(Rule(id="gouvernance", name="Gouvernance"),),
        rituals=(
            Rule(kind="cloture", name="Événement de clôture"),
            Rule(kind="comite-pilotage", name="Comité de pilotage"),
        ),
    )
    template = Template(tmp_path, "t", "1", "T", "", "", {}, rules)
    assert template.names == {
        "cloture": "Clôture et passage de relais",
        "immersion": "Immersion",
        "gouvernance": "Gouvernance",
        "comite-pilotage": "Comité de pilotage",
    }
