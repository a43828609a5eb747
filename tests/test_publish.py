"""`transfogen publish` against two real CalDAV servers started on loopback: Radicale and Xandikos."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from transfogen.cli import main
from transfogen.kit.build import generate_kit
from transfogen.living.publish import kit_calendar
from transfogen.living.update import apply_update, plan_update

caldav = pytest.importorskip("caldav")
pytest.importorskip("radicale")
pytest.importorskip("xandikos")

pytestmark = pytest.mark.slow

USER, PASSWORD = "coordination", "bon-mot-de-passe"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A CalDAV server process on 127.0.0.1; `stop()` and `start()` keep its port and its data."""

    kind: str
    folder: Path
    port: int
    process: subprocess.Popen | None = None
    log: Path | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def calendar_url(self, name: str) -> str:
        home = "coordination/" if self.kind == "radicale" else "user/calendars/"
        return f"{self.base}{home}{name}/"

    @property
    def user(self) -> list[str]:
        return ["--user", USER] if self.kind == "radicale" else []

    def start(self) -> None:
        if self.kind == "radicale":
            users = self.folder / "htpasswd"
            users.write_text(f"{USER}:{PASSWORD}\n", encoding="utf-8")
            command = [
                sys.executable, "-m", "radicale",
                "--server-hosts", f"127.0.0.1:{self.port}",
                "--auth-type", "htpasswd",
                "--auth-htpasswd-filename", str(users),
                "--auth-htpasswd-encryption", "plain",
                "--storage-filesystem-folder", str(self.folder / "donnees"),
            ]  # fmt: skip
        else:
            xandikos = str(Path(sys.executable).with_name("xandikos"))
            command = [
                xandikos, "serve", "--defaults",
                "-d", str(self.folder / "donnees"),
                "-l", "127.0.0.1", "-p", str(self.port),
            ]  # fmt: skip
        # A log file, not a pipe: a pipe nobody reads fills up and the server blocks on its next log line.
        self.log = self.folder / f"{self.kind}.log"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(self.base, timeout=0.5)
                return
            except urllib.error.HTTPError:
                return  # any HTTP answer: it listens
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    error = self.log.read_text(encoding="utf-8", errors="replace")[-500:]
                    pytest.fail(f"{self.kind} n'a pas démarré : {error}")
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def client(self):
        if self.kind == "radicale":
            return caldav.DAVClient(url=self.base, username=USER, password=PASSWORD)
        return caldav.DAVClient(url=self.base)


def _server(kind: str, folder: Path) -> Server:
    server = Server(kind, folder, _free_port())
    server.start()
    return server


@pytest.fixture(scope="module", params=["radicale", "xandikos"])
def server(request, tmp_path_factory):
    running = _server(request.param, tmp_path_factory.mktemp(request.param))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def pristine(examples_dir, tmp_path_factory) -> Path:
    return generate_kit(examples_dir / "strasbourg.yaml", tmp_path_factory.mktemp("publier") / "kit")


@pytest.fixture
def kit(pristine, tmp_path) -> Path:
    folder = tmp_path / "kit"
    shutil.copytree(pristine, folder)
    return folder


@pytest.fixture(scope="module")
def shorter_profile(examples_dir, tmp_path_factory) -> Path:
    """A blackout that moves the second session, and 14 months instead of 18: the last sessions go."""
    text = (examples_dir / "strasbourg.yaml").read_text(encoding="utf-8")
    anchor = "  blackouts:                  # périodes sans séance, avec leur raison\n"
    text = text.replace(
        anchor, anchor + '    - from: 2027-02-01\n      to: 2027-02-05\n      reason: "Fermeture des salles"\n'
    ).replace("  months: 18 ", "  months: 14 ")
    path = tmp_path_factory.mktemp("profils") / "strasbourg-court.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def run(server: Server, kit: Path, url: str, *more: str, password: str = PASSWORD):
    return CliRunner().invoke(
        main,
        ["publish", str(kit), "--caldav", url, *server.user, *more],
        env={"TRANSFOGEN_CALDAV_PASSWORD": password},
    )


def stored(server: Server, url: str) -> dict[str, object]:
    client = server.client()
    try:
        return {str(o.icalendar_component["UID"]): o.icalendar_component for o in client.calendar(url=url).events()}
    finally:
        client.close()


def test_first_publish_creates_the_calendar_and_every_event(server, kit, request):
    url = server.calendar_url(request.node.name.split("[")[0].replace("_", "-")[:40])
    result = run(server, kit, url)
    assert result.exit_code == 0, result.output
    _, _, wanted = kit_calendar(kit)
    assert f"{len(wanted)} événement(s) créé(s), 0 mis à jour, 0 annulé(s), 0 inchangé(s)" in result.output
    events = stored(server, url)
    assert set(events) == set(wanted)
    launch = events["transfogen.eurometropole-de-strasbourg.seance-lancement"]
    assert launch.decoded("DTSTART") == date(2027, 1, 5)
    assert str(launch["SUMMARY"]) == "Séance 1 — Lancement"


def test_a_second_publish_changes_nothing(server, kit):
    url = server.calendar_url("deux-fois")
    first = run(server, kit, url)
    assert first.exit_code == 0, first.output
    before = stored(server, url)
    again = run(server, kit, url)
    assert again.exit_code == 0, again.output
    total = len(kit_calendar(kit)[2])
    assert f"0 événement(s) créé(s), 0 mis à jour, 0 annulé(s), {total} inchangé(s)" in again.output
    assert {uid: e.to_ical() for uid, e in stored(server, url).items()} == {
        uid: e.to_ical() for uid, e in before.items()
    }


def test_an_update_moves_adds_and_cancels_and_foreign_events_survive(server, kit, shorter_profile):
    url = server.calendar_url("apres-mise-a-jour")
    first = run(server, kit, url)
    assert first.exit_code == 0, first.output
    foreign = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Mairie//Agenda//FR\r\nBEGIN:VEVENT\r\n"
        "UID:conseil-municipal-2027-02@mairie.example\r\nDTSTAMP:20261101T000000Z\r\n"
        "DTSTART;VALUE=DATE:20270209\r\nDTEND;VALUE=DATE:20270210\r\nSUMMARY:Conseil municipal\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    client = server.client()
    client.calendar(url=url).add_event(foreign)
    client.close()
    # Another programme's event in the same calendar: its UID prefix is not this programme's.
    other = foreign.replace("conseil-municipal-2027-02@mairie.example", "transfogen.ville-de-metz.seance-lancement")
    client = server.client()
    client.calendar(url=url).add_event(other.replace("Conseil municipal", "Lancement à Metz"))
    client.close()
    before = stored(server, url)

    planned_before = kit_calendar(kit)[2]
    apply_update(plan_update(kit, shorter_profile))
    planned_after = {uid: e for uid, e in kit_calendar(kit)[2].items() if str(e.get("STATUS")) != "CANCELLED"}
    result = run(server, kit, url)
    assert result.exit_code == 0, result.output
    after = stored(server, url)

    assert (
        after["conseil-municipal-2027-02@mairie.example"].to_ical()
        == before["conseil-municipal-2027-02@mairie.example"].to_ical()
    )
    assert "transfogen.ville-de-metz.seance-lancement" in after
    assert set(before) <= set(after)  # nothing deleted
    moved = [
        u for u in planned_after if u in planned_before and planned_after[u]["DTSTART"] != planned_before[u]["DTSTART"]
    ]
    gone = set(planned_before) - set(planned_after)
    added = set(planned_after) - set(planned_before)
    assert moved and gone and added  # the profile change moves, removes and adds sessions
    for uid in moved:
        assert after[uid].decoded("DTSTART") == planned_after[uid].decoded("DTSTART")
        assert int(after[uid]["SEQUENCE"]) > int(before[uid]["SEQUENCE"])
    assert (
        after["transfogen.eurometropole-de-strasbourg.seance-lancement"].to_ical()
        == before["transfogen.eurometropole-de-strasbourg.seance-lancement"].to_ical()
    )
    assert all(str(after[uid]["STATUS"]) == "CANCELLED" for uid in gone)
    assert added <= set(after)
    second = next(u for u, e in planned_before.items() if e.decoded("DTSTART") == date(2027, 2, 2))
    assert after[second].decoded("DTSTART") == date(2027, 2, 9)  # out of the blackout
    assert "annulé" in result.output and "mis à jour" in result.output

    again = run(server, kit, url)
    assert again.exit_code == 0 and "0 événement(s) créé(s), 0 mis à jour, 0 annulé(s)" in again.output


def test_dry_run_writes_nothing(server, kit):
    url = server.calendar_url("simulation")
    result = run(server, kit, url, "--dry-run")
    assert result.exit_code == 0, result.output
    total = len(kit_calendar(kit)[2])
    assert "Calendrier à créer" in result.output and f"{total} événement(s) à créer" in result.output
    client = server.client()
    with pytest.raises(caldav.lib.error.NotFoundError):
        client.calendar(url=url).events()
    client.close()


def test_wrong_credentials_give_one_french_line_and_the_password_is_written_nowhere(kit, tmp_path):
    (tmp_path / "radicale-auth").mkdir()
    radicale = _server("radicale", tmp_path / "radicale-auth")
    try:
        result = run(radicale, kit, radicale.calendar_url("refus"), password="mauvais-secret-123")
    finally:
        radicale.stop()
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [
        f"Erreur : {radicale.calendar_url('refus')} : le serveur CalDAV refuse l'utilisateur « coordination » "
        "(identifiant, mot de passe ou droits)"
    ]
    leaked = [p for p in kit.rglob("*") if p.is_file() and b"mauvais-secret-123" in p.read_bytes()]
    assert not leaked


def test_a_server_stopped_half_way_then_a_second_publish_finishes(kit, tmp_path, monkeypatch):
    from transfogen.living import publish as publish_module

    for kind in ("radicale", "xandikos"):
        folder = tmp_path / kind
        folder.mkdir()
        running = _server(kind, folder)
        url = running.calendar_url("coupure")
        real_put, puts = publish_module._Server.put, 0

        def put_then_stop(self, *args, real_put=real_put, running=running, **kwargs):
            nonlocal puts
            puts += 1
            if puts == 6:
                running.stop()  # the server goes away in the middle of the publish
            return real_put(self, *args, **kwargs)

        monkeypatch.setattr(publish_module._Server, "put", put_then_stop)
        try:
            cut = run(running, kit, url)
            monkeypatch.undo()
            assert cut.exit_code == 1, cut.output
            assert "serveur CalDAV injoignable (connexion refusée)" in cut.output
            assert "5 événement(s) déjà écrit(s) : relancez la même commande pour terminer" in cut.output
            assert "Traceback" not in cut.output
            running.start()
            assert len(stored(running, url)) == 5
            again = run(running, kit, url)
            assert again.exit_code == 0, again.output
            rest = len(kit_calendar(kit)[2]) - 5
            assert f"{rest} événement(s) créé(s), 0 mis à jour, 0 annulé(s), 5 inchangé(s)" in again.output
            assert set(stored(running, url)) == set(kit_calendar(kit)[2])
        finally:
            running.stop()
            puts = 0


def test_events_gone_two_updates_ago_are_cancelled_on_the_server(server, kit, shorter_profile, tmp_path):
    url = server.calendar_url("deux-mises-a-jour")
    first = run(server, kit, url)
    assert first.exit_code == 0, first.output
    published = set(stored(server, url))
    apply_update(plan_update(kit, shorter_profile))
    # A second update without a publish in between: the cancellations are no longer in the kit's file.
    later = tmp_path / "encore.yaml"
    later.write_text(
        shorter_profile.read_text(encoding="utf-8").replace("Fermeture des salles", "Salles fermées"), "utf-8"
    )
    apply_update(plan_update(kit, later))
    planned = kit_calendar(kit)[2]
    assert not [e for e in planned.values() if str(e.get("STATUS")) == "CANCELLED"]
    result = run(server, kit, url)
    assert result.exit_code == 0, result.output
    after = stored(server, url)
    gone = published - set(planned)
    assert gone
    assert all(str(after[uid]["STATUS"]) == "CANCELLED" for uid in gone)
    assert all(int(after[uid]["SEQUENCE"]) >= 1 for uid in gone)
