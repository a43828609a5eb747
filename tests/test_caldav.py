"""The ICS file loads into a real CalDAV server (Radicale on loopback) and a re-import updates in place."""

from __future__ import annotations

import base64
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import replace
from datetime import date, timedelta

import caldav
import pytest

from test_calendar_formats import sample_programme
from transfogen.exports import calendar_formats as cf

pytestmark = pytest.mark.slow

USER, PASSWORD = "coordination", "sans-mot-de-passe"  # auth type none accepts any pair


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def radicale(tmp_path_factory):
    """A Radicale server on 127.0.0.1 with a throw-away storage folder; yields its base URL."""
    port = _free_port()
    folder = tmp_path_factory.mktemp("radicale")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--auth-type",
            "none",
            "--storage-filesystem-folder",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                urllib.request.urlopen(url, timeout=0.5)
                break
            except urllib.error.HTTPError:
                break  # any HTTP answer means it is listening
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("Radicale n'a pas démarré : " + proc.stderr.read().decode(errors="replace")[-500:])
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stderr.close()


@pytest.fixture
def calendar(radicale, request):
    """A fresh calendar collection (MKCALENDAR) per test."""
    client = caldav.DAVClient(url=radicale, username=USER, password=PASSWORD)
    cal = client.principal().make_calendar(name="Programme Transfo", cal_id=request.node.name.replace("_", "-"))
    yield cal
    client.close()


def _basic_auth() -> str:
    return "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


def _split(ics: bytes) -> list[str]:
    """One calendar object per event: a CalDAV resource holds one UID."""
    from icalendar import Calendar

    whole = Calendar.from_ical(ics)
    objects = []
    for event in whole.walk("VEVENT"):
        single = Calendar()
        for key in ("PRODID", "VERSION", "CALSCALE"):
            single.add(key, whole[key])
        single.add_component(event)
        objects.append(single.to_ical().decode())
    return objects


def _stored(cal) -> dict[str, tuple]:
    stored = {}
    for obj in cal.events():
        event = obj.icalendar_component
        stored[str(event["UID"])] = (event.decoded("DTSTART"), event.decoded("DTEND"), str(event["SUMMARY"]))
    return stored


def _expected(p) -> dict[str, tuple]:
    expected = {}
    for s, key in zip(p.sessions, cf.session_keys(p.sessions), strict=True):
        expected[cf.item_uid(p, key)] = (s.start, s.end + timedelta(days=1), s.title)
    for e, key in zip(p.events, cf.event_keys(p.events), strict=True):
        expected[cf.item_uid(p, key)] = (e.start, e.end + timedelta(days=1), e.title)
    return expected


def test_whole_ics_file_uploads_and_reads_back_unchanged(calendar):
    p = sample_programme()
    ics = cf.to_ics(p)
    # A whole calendar PUT on the collection replaces its content; Radicale splits it by UID.
    request = urllib.request.Request(
        str(calendar.url),
        data=ics,
        method="PUT",
        headers={"Content-Type": "text/calendar; charset=utf-8", "Authorization": _basic_auth()},
    )
    with urllib.request.urlopen(request) as answer:
        assert answer.status in (200, 201, 204)
    assert _stored(calendar) == _expected(p)


def test_reimport_updates_events_instead_of_duplicating_them(calendar):
    p = sample_programme()
    for _ in range(2):  # the same file imported twice
        for obj in _split(cf.to_ics(p)):
            calendar.add_event(obj)
        assert _stored(calendar) == _expected(p)
    assert len(calendar.events()) == len(p.sessions) + len(p.events)
    first_session = cf.item_uid(p, cf.session_keys(p.sessions)[0])
    assert _stored(calendar)[first_session][:2] == (date(2027, 1, 11), date(2027, 1, 14))

    # Planned again after a change in the profile: same UIDs, so the server updates each event.
    moved = replace(
        p,
        sessions=(
            replace(
                p.sessions[0], title="Séance 1 — Campus", days=(date(2027, 1, 18), date(2027, 1, 19), date(2027, 1, 20))
            ),
        )
        + p.sessions[1:],
    )
    for obj in _split(cf.to_ics(moved)):
        calendar.add_event(obj)
    stored = _stored(calendar)
    assert len(stored) == len(p.sessions) + len(p.events)
    assert stored == _expected(moved)
    assert stored[first_session] == (date(2027, 1, 18), date(2027, 1, 21), "Séance 1 — Campus")
