"""`transfogen calendar` through Click's test runner: each format, -o/--force, help and errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from paths import EXAMPLES_DIR
from transfogen.cli import main

EXAMPLE = EXAMPLES_DIR / "strasbourg.yaml"

PROFILE = """\
collectivity:
  name: "Ville d'Annecy-Été"
  kind: commune
  department: "74"
  sites: [Hôtel de ville, Maison des associations]
program:
  start: 2027-01-04
  months: 12
  session_days: 2
  weekdays: [tue, wed, thu]
cases:
  - title: "Accueil des familles au guichet petite enfance"
    service: "Direction de l'éducation"
  - title: "Réemploi des mobiliers de bureau"
"""


@pytest.fixture
def profile(tmp_path) -> Path:
    path = tmp_path / "annecy.yaml"
    path.write_text(PROFILE, encoding="utf-8")
    return path


def run(*args: str):
    return CliRunner().invoke(main, ["calendar", *args], catch_exceptions=False)


def test_text_is_the_default_and_lists_the_sessions(profile):
    result = run(str(profile))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Calendrier du programme — Ville d'Annecy-Été\n")
    assert "Séances" in result.stdout
    assert result.stderr == ""


def test_json_output_parses_and_has_the_documented_shape(profile):
    result = run(str(profile), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["format"] == "transfogen.calendar/1"
    assert data["collectivity"]["name"] == "Ville d'Annecy-Été"
    assert data["sessions"], "no session planned"
    for session in data["sessions"]:
        assert session["days"][0] == session["start"] and session["days"][-1] == session["end"]
        assert len(session["days"]) == 2
        assert session["phase_name"] and session["phase_name"] != session["phase"]  # labels from the rules


def test_ics_output_is_a_calendar_with_one_event_per_session_and_ritual(profile):
    from icalendar import Calendar

    result = run(str(profile), "--format", "ics")
    assert result.exit_code == 0, result.stderr
    sessions = json.loads(run(str(profile), "--format", "json").stdout)
    cal = Calendar.from_ical(result.stdout_bytes)
    assert len(cal.walk("VEVENT")) == len(sessions["sessions"]) + len(sessions["events"])
    assert result.stdout_bytes == run(str(profile), "--format", "ics").stdout_bytes


def test_csv_output_has_one_row_per_session_day(profile):
    result = run(str(profile), "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"), newline=""), delimiter=";"))
    sessions = json.loads(run(str(profile), "--format", "json").stdout)["sessions"]
    assert len(rows) == 1 + sum(len(s["days"]) for s in sessions)


def test_output_file_is_written_and_not_overwritten_without_force(profile, tmp_path):
    target = tmp_path / "calendrier.ics"
    first = run(str(profile), "--format", "ics", "-o", str(target))
    assert first.exit_code == 0, first.stderr
    assert first.stdout == ""
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")

    target.write_bytes(b"mon agenda")
    refused = run(str(profile), "--format", "ics", "-o", str(target))
    assert refused.exit_code == 1
    assert "--force" in refused.stderr and len(refused.stderr.splitlines()) == 1
    assert target.read_bytes() == b"mon agenda"

    forced = run(str(profile), "--format", "ics", "-o", str(target), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_output_into_a_missing_folder_is_one_line_error(profile, tmp_path):
    result = run(str(profile), "-o", str(tmp_path / "absent" / "calendrier.txt"))
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert "n'existe pas" in result.stderr


def test_help_ends_with_an_example():
    result = run("--help")
    assert result.exit_code == 0
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    assert lines[-2] == "Exemple :"
    assert lines[-1].startswith("transfogen calendar ")
    assert "--format" in result.stdout and "--output" in result.stdout and "--force" in result.stdout


@pytest.mark.parametrize(
    "text, expected",
    [
        ("collectivity:\n  name: X\n  kind: commune\n  department: '74'\nprogram:\n  start: 2027-02-30\n", ":6"),
        ("collectivity:\n  name: X\n  kind: commune\n  department: '74'\nprogram:\n  mounths: 3\n", "mounths"),
        ("collectivity: [\n", "annecy.yaml"),
    ],
)
def test_bad_profile_gives_one_line_on_stderr_and_no_traceback(tmp_path, text, expected):
    path = tmp_path / "annecy.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["calendar", str(path)])
    assert result.exit_code != 0
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "annecy.yaml" in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr
    assert isinstance(result.exception, SystemExit)  # mapped by the CLI group, not an uncaught error


def test_missing_profile_is_one_line_error(tmp_path):
    result = CliRunner().invoke(main, ["calendar", str(tmp_path / "absent.yaml")])
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "absent.yaml" in result.stderr


@pytest.mark.parametrize("fmt", ["texte", "json", "ics", "csv"])
def test_strasbourg_example_renders_in_every_format(fmt):
    result = run(str(EXAMPLE), "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes
    if fmt == "json":
        assert json.loads(result.stdout)["collectivity"]["department"] == "67"


def test_text_output_file_matches_what_is_printed(profile, tmp_path):
    target = tmp_path / "calendrier.txt"
    assert run(str(profile), "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8") == run(str(profile)).stdout


def test_calendar_plans_with_another_template(tmp_path):
    result = CliRunner().invoke(
        main, ["calendar", str(EXAMPLE.with_name("pays-de-mormal.yaml")), "--template", "residence", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["title"].split(" — ")[0] for s in data["sessions"]] == [
        "Immersion 1",
        "Immersion 2",
        "Immersion 3",
        "Immersion 4",
    ]
    unknown = CliRunner().invoke(main, ["calendar", str(EXAMPLE.with_name("metz.yaml")), "--template", "inexistant"])
    assert unknown.exit_code == 1 and "inexistant" in unknown.stderr
