"""The calendar's own RFC 5545 writer writes icalendar's bytes, and a new kit never imports icalendar."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event

from test_calendar_formats import LABELS, sample_programme
from transfogen.exports import calendar_formats as cf
from transfogen.exports import ics

# "SUMMARY:" takes 8 octets: the padding puts the character after it across the 75-octet fold.
HOSTILE = [
    "",
    "Séance 1 — Lancement, cadrage; et \\ retour",
    "x" * 66 + "é" + "y" * 200,
    "x" * 65 + "€" * 40,
    "x" * 64 + "🙂" * 30 + "👩‍👩‍👧",
    "x" * 66 + "\\" + "z" * 80,
    "x" * 65 + "," * 20 + ";" * 20 + "\\" * 20,
    "x" * 66 + "^^" + "y" * 80,
    "ligne 1\nligne 2\r\nligne 3\rligne 4\n\n",
    "un \\N écrit, un \\n écrit, un \\, écrit",
    "tabulation\tet espace insécable\u00a0et fine\u202f: fin",
    "é" * 300,
    '=HYPERLINK("http://x");DROP TABLE',
]


def _ours(text: str) -> bytes:
    properties = [
        ics.text("SUMMARY", text),
        ics.text("DESCRIPTION", text + "\n" + text),
        ics.text("LOCATION", text),
        ics.categories("CATEGORIES", [text, "Séance", text]),
        ics.day("DTSTART", date(2027, 1, 11)),
        ics.day("DTEND", date(2027, 1, 14)),
        ics.text("UID", "transfogen.x." + text),
        ics.utc("DTSTAMP", datetime(2027, 1, 4, 9, 5, 7, tzinfo=UTC)),
        ics.utc("LAST-MODIFIED", datetime(2027, 1, 4, 9, 5, 7)),
        ics.integer("SEQUENCE", 12),
        ics.text("STATUS", "TENTATIVE"),
        ics.text("TRANSP", "TRANSPARENT"),
    ]
    calendar = [ics.text("PRODID", "-//transfogen//" + text), ics.text("VERSION", "2.0")]
    calendar.append(ics.verbatim("X-WR-CALNAME", "Programme — " + text.replace("\n", " ")))
    return ics.component(
        "VCALENDAR", calendar, ics.CALENDAR_ORDER, [ics.component("VEVENT", properties, ics.EVENT_ORDER)]
    ).encode()


def _theirs(text: str) -> bytes:
    event = Event()
    event.add("summary", text)
    event.add("description", text + "\n" + text)
    event.add("location", text)
    event.add("categories", [text, "Séance", text])
    event.add("dtstart", date(2027, 1, 11))
    event.add("dtend", date(2027, 1, 14))
    event.add("uid", "transfogen.x." + text)
    event.add("dtstamp", datetime(2027, 1, 4, 9, 5, 7, tzinfo=UTC))
    event.add("last-modified", datetime(2027, 1, 4, 9, 5, 7))
    event.add("sequence", 12)
    event.add("status", "TENTATIVE")
    event.add("transp", "TRANSPARENT")
    calendar = Calendar()
    calendar.add("prodid", "-//transfogen//" + text)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Programme — " + text.replace("\n", " "))
    calendar.add_component(event)
    return calendar.to_ical()


@pytest.mark.parametrize("text", HOSTILE)
def test_the_writer_writes_the_bytes_icalendar_writes(text):
    assert _ours(text) == _theirs(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_the_writer_writes_the_bytes_icalendar_writes_for_any_text(text):
    assert _ours(text) == _theirs(text)


# Escapes, carets and multi-byte characters in every position around the folds.
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(["\\", "^", ",", ";", "\n", "\r", "N", "é", "€", "🙂", "a", " "]), max_size=400).map(
        "".join
    )
)
def test_the_writer_folds_escapes_and_wide_characters_as_icalendar_does(text):
    assert _ours(text) == _theirs(text)


@pytest.mark.parametrize("text", [t for t in HOSTILE if "\\N" not in t and "\r" not in t])
def test_what_is_written_reads_back_as_it_was(text):
    calendar = Calendar.from_ical(_ours(text))
    event = calendar.walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == text
    assert str(event["DESCRIPTION"]) == text + "\n" + text
    assert [str(c) for c in event["CATEGORIES"].cats] == [text, "Séance", text]
    assert str(event["UID"]) == "transfogen.x." + text
    assert event.decoded("DTSTAMP") == datetime(2027, 1, 4, 9, 5, 7, tzinfo=UTC)
    assert event.decoded("DTSTART") == date(2027, 1, 11)
    assert event["SEQUENCE"] == 12


def test_lines_are_cut_under_75_octets_between_characters():
    written = _ours("x" * 64 + "🙂é€" * 40)
    lines = written.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert all(line.decode("utf-8") for line in lines if line)  # no character cut in two
    assert any(line.startswith(b" ") for line in lines)


def test_a_programme_with_hostile_texts_is_written_as_icalendar_writes_it_back():
    p = sample_programme(name="Ville d'Ä, de B; et \\ C 🙂 " + "é" * 40)
    hostile = iter(HOSTILE[1:] * 3)
    p = replace(
        p,
        sessions=tuple(replace(s, title=next(hostile), focus=next(hostile), site=next(hostile)) for s in p.sessions),
        events=tuple(replace(e, title=next(hostile), description=next(hostile)) for e in p.events),
    )
    written = cf.to_ics(p, LABELS)
    assert Calendar.from_ical(written).to_ical() == written
    moment = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
    fewer = replace(p, sessions=p.sessions[:-1])
    updated = cf.to_ics(fewer, LABELS, cf.CalendarHistory(written, moment))
    assert Calendar.from_ical(updated).to_ical() == updated
    assert updated.count(b"STATUS:CANCELLED\r\n") == 1 and b"SEQUENCE:1\r\n" in updated
    # Nothing changed since: every event is read back as unchanged (SEQUENCE 0), the cancelled one forgotten.
    settled = cf.to_ics(fewer, LABELS, cf.CalendarHistory(updated, moment))
    assert settled.count(b"SEQUENCE:0\r\n") == len(fewer.sessions) + len(fewer.events)
    assert b"CANCELLED" not in settled and b"SEQUENCE:1" not in settled


def _imported(command: list[str], cwd) -> set[str]:
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "transfogen", *command], capture_output=True, text=True, cwd=cwd
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return {line.split("|")[-1].strip().split(".")[0] for line in run.stderr.splitlines() if "|" in line}


def test_a_new_kit_and_a_batch_never_import_icalendar(tmp_path):
    imported = _imported(["new", "strasbourg", "-o", "kit"], tmp_path)
    assert "transfogen" in imported and "icalendar" not in imported
    assert (tmp_path / "kit" / "calendrier" / "calendrier.ics").read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    (tmp_path / "liste.csv").write_text(
        "collectivity.name,collectivity.kind,collectivity.department\nVille de Metz,commune,57\n"
    )
    imported = _imported(["batch", "liste.csv", "-o", "lot", "-j", "1", "--no-site"], tmp_path)
    assert "transfogen" in imported and "icalendar" not in imported
    assert list((tmp_path / "lot").glob("*/calendrier/calendrier.ics"))
