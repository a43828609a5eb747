"""`transfogen publish`: keep a CalDAV calendar in step with the kit's programme.

The events come from the calendar the kit last generated (kept in `.transfogen/rendu.zip`, so a
hand-edited or deleted `calendrier/calendrier.ics` does not matter). Each event is one calendar object
stored under its UID. Publishing compares the server with the kit and only writes the difference:

- an event of the kit missing from the server is created; one that differs is rewritten in place;
- an event of this programme (its UID starts with the programme's prefix) that the kit no longer has
  is marked STATUS:CANCELLED, never deleted;
- any other object of the calendar is never read beyond its UID, never written, never deleted.

So a second publish changes nothing, and a publish that stopped half-way (network, server) finishes
when run again. The password is only ever held in memory.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transfogen.errors import TransfogenError

# What makes two copies of an event the same event, as far as the kit is concerned.
_COMPARED = ("SUMMARY", "DTSTART", "DTEND", "DESCRIPTION", "LOCATION", "CATEGORIES", "STATUS", "TRANSP", "SEQUENCE")


class PublishError(TransfogenError):
    """The CalDAV server could not be reached, refused the credentials or refused a request."""


@dataclass(frozen=True)
class Change:
    action: str  # "créé" | "mis à jour" | "annulé"
    uid: str
    summary: str
    start: str  # ISO date


@dataclass
class PublishReport:
    url: str
    created_calendar: bool = False
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)


def shown_url(url: str) -> str:
    """The URL without any user:password part, for messages."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


def kit_calendar(kit: Path) -> tuple[str, str, dict[str, Any]]:
    """The programme's UID prefix, its calendar's name and its events (UID → VEVENT), from the kit's last render."""
    from icalendar import Calendar

    from transfogen.exports.calendar_formats import uid_prefix
    from transfogen.exports.export import check_kit
    from transfogen.kit.snapshot import read_render

    check_kit(kit)
    ics = read_render(kit).get("calendrier/calendrier.ics")
    if not ics:
        raise TransfogenError(f"{kit} : le kit n'a pas de calendrier à publier (calendrier/calendrier.ics)")
    whole = Calendar.from_ical(ics)
    programme = whole.get("X-WR-RELCALID")
    if not programme:
        raise TransfogenError(
            f"{kit} : calendrier sans identifiant de programme ; mettez le kit à jour (« transfogen update »)"
        )
    name = str(whole.get("X-WR-CALNAME", "Programme Transfo"))
    return uid_prefix(str(programme)), name, {str(e["UID"]): e for e in whole.walk("VEVENT")}


def _signature(event) -> tuple:
    return tuple(
        (name, event[name].to_ical() if hasattr(event[name], "to_ical") else str(event[name]))
        for name in _COMPARED
        if name in event
    )


def _object(event) -> str:
    """One calendar object resource: one VEVENT in its VCALENDAR (RFC 4791, one UID per resource)."""
    from icalendar import Calendar

    from transfogen import __version__

    single = Calendar()
    single.add("prodid", f"-//transfogen//transfogen {__version__}//FR")
    single.add("version", "2.0")
    single.add_component(event)
    return single.to_ical().decode("utf-8")


def _cancelled(event):
    """The server's copy of an event, cancelled: same UID, SEQUENCE + 1."""
    from icalendar import Event as VEvent

    copy = VEvent()
    for name, value in event.property_items(recursive=False):
        if name not in ("BEGIN", "END", "STATUS", "SEQUENCE"):
            copy.add(name, value, encode=False)
    copy.add("sequence", int(event.get("SEQUENCE", 0)) + 1)
    copy.add("status", "CANCELLED")
    return copy


def _network_reason(error: BaseException) -> str:
    """The cause of a network failure, in French, from the chain of exceptions the HTTP library raised."""
    seen: BaseException | None = error
    text = ""
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return "connexion refusée"
        if isinstance(seen, TimeoutError):
            return "pas de réponse dans le délai"
        text += " " + str(seen)
        seen = seen.__cause__ or seen.__context__
    lowered = text.lower()
    for clue, reason in (
        ("refused", "connexion refusée"),
        ("timed out", "pas de réponse dans le délai"),
        ("name or service not known", "nom de serveur inconnu"),
        ("nodename nor servname", "nom de serveur inconnu"),
        ("name resolution", "nom de serveur inconnu"),
        ("getaddrinfo", "nom de serveur inconnu"),
        ("certificate", "certificat du serveur refusé"),
        ("reset by peer", "connexion coupée par le serveur"),
        ("remote end closed", "connexion coupée par le serveur"),
        ("remotedisconnected", "connexion coupée par le serveur"),
    ):
        if clue in lowered:
            return reason
    return "erreur réseau"


class _Server:
    """The few CalDAV operations a publish needs, each failure turned into one French line."""

    def __init__(self, url: str, user: str | None, password: str | None):
        from caldav.davclient import DAVClient

        self.url = url if url.endswith("/") else url + "/"
        self.where = shown_url(self.url)
        self.user = user
        self.written = 0
        self.client = DAVClient(url=self.url, username=user, password=password, timeout=30)

    def _fail(self, error: Exception, doing: str) -> PublishError:
        from caldav.lib import error as dav

        done = (
            f" ; {self.written} événement(s) déjà écrit(s) : relancez la même commande pour terminer"
            if self.written
            else ""
        )
        if isinstance(error, dav.AuthorizationError):
            if not self.user:
                return PublishError(f"{self.where} : le serveur CalDAV demande un identifiant : ajoutez --user{done}")
            return PublishError(
                f"{self.where} : le serveur CalDAV refuse l'utilisateur « {self.user} » (identifiant, mot de passe ou droits){done}"
            )
        if isinstance(error, dav.NotFoundError):
            return PublishError(f"{self.where} : {doing} : adresse introuvable sur le serveur (HTTP 404){done}")
        if isinstance(error, dav.DAVError):
            reason = getattr(error, "reason", "") or str(error).splitlines()[0][:160]
            return PublishError(f"{self.where} : le serveur CalDAV a refusé de {doing} ({reason}){done}")
        return PublishError(f"{self.where} : serveur CalDAV injoignable ({_network_reason(error)}){done}")

    def _call(self, doing: str, action: Callable):
        from caldav.lib import error as dav

        try:
            return action()
        except PublishError:
            raise
        except (dav.DAVError, OSError) as error:
            raise self._fail(error, doing) from None

    def _check(self, response, doing: str, accepted: tuple[int, ...]) -> None:
        from caldav.lib import error as dav

        status = getattr(response, "status", 0)
        if status in (401, 403):
            raise self._fail(dav.AuthorizationError(reason=f"HTTP {status}"), doing)
        if status not in accepted:
            raise PublishError(
                f"{self.where} : le serveur CalDAV a refusé de {doing} (HTTP {status} {getattr(response, 'reason', '')})".rstrip()
                + (
                    f" ; {self.written} événement(s) déjà écrit(s) : relancez la même commande pour terminer"
                    if self.written
                    else ""
                )
            )

    def calendar_exists(self) -> bool:
        from caldav.elements import dav
        from caldav.lib import error as dav_error

        calendar = self.client.calendar(url=self.url)

        def probe():
            try:
                calendar.get_properties([dav.ResourceType()])
            except dav_error.NotFoundError:
                return False
            return True

        return self._call("lire le calendrier", probe)

    def create_calendar(self, name: str) -> None:
        from xml.sax.saxutils import escape

        body = (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
            f"<D:set><D:prop><D:displayname>{escape(name)}</D:displayname></D:prop></D:set></C:mkcalendar>"
        )
        response = self._call("créer le calendrier", lambda: self.client.mkcalendar(self.url, body))
        if getattr(response, "status", 0) == 409:
            # The parent folder is missing. Radicale makes a user's home on its first PROPFIND: ask, retry once.
            parent = self.url.rstrip("/").rsplit("/", 1)[0] + "/"
            self._call("lire le dossier du calendrier", lambda: self.client.propfind(parent, depth=0))
            response = self._call("créer le calendrier", lambda: self.client.mkcalendar(self.url, body))
        self._check(response, "créer le calendrier", (200, 201))

    def events(self) -> dict[str, tuple[str, Any]]:
        """UID → (object URL, VEVENT) for every event object of the calendar."""
        calendar = self.client.calendar(url=self.url)
        found = {}
        for obj in self._call("lire les événements du calendrier", calendar.events):
            try:
                event = obj.icalendar_component
            except (ValueError, KeyError, AttributeError):
                continue  # an object this publish cannot read is someone else's: leave it alone
            if event is not None and "UID" in event:
                found[str(event["UID"])] = (str(obj.url), event)
        return found

    def put(self, url: str, text: str, *, new: bool) -> None:
        headers = {"Content-Type": "text/calendar; charset=utf-8"}
        if new:
            headers["If-None-Match"] = "*"  # never overwrite an object that appeared meanwhile
        response = self._call("enregistrer un événement", lambda: self.client.put(url, text, headers))
        self._check(response, "enregistrer un événement", (200, 201, 204))
        self.written += 1

    def close(self) -> None:
        self.client.close()


def publish(
    kit: Path, url: str, user: str | None = None, password: str | None = None, *, dry_run: bool = False
) -> PublishReport:
    """Bring the calendar collection at `url` in step with the kit; see the module's docstring."""
    prefix, name, wanted = kit_calendar(Path(kit))
    server = _Server(url, user, password)
    report = PublishReport(server.where)
    try:
        if not server.calendar_exists():
            report.created_calendar = True
            if dry_run:
                present: dict[str, tuple[str, Any]] = {}
            else:
                server.create_calendar(name)
                present = server.events()
        else:
            present = server.events()
        ours = {uid: found for uid, found in present.items() if uid.startswith(prefix)}

        def describe(action: str, uid: str, event) -> Change:
            start = event.decoded("DTSTART") if "DTSTART" in event else None
            return Change(action, uid, str(event.get("SUMMARY", uid)), start.isoformat() if start else "")

        for uid, event in wanted.items():
            cancelled = str(event.get("STATUS", "")) == "CANCELLED"
            if uid not in ours:
                if cancelled:
                    continue  # never published, nothing to cancel
                report.changes.append(describe("créé", uid, event))
                if not dry_run:
                    server.put(server.url + urllib.parse.quote(uid) + ".ics", _object(event), new=True)
            elif _signature(ours[uid][1]) == _signature(event):
                report.unchanged += 1
            else:
                report.changes.append(describe("annulé" if cancelled else "mis à jour", uid, event))
                if not dry_run:
                    server.put(ours[uid][0], _object(event), new=False)
        for uid in sorted(set(ours) - set(wanted)):
            href, event = ours[uid]
            if str(event.get("STATUS", "")) == "CANCELLED":
                continue
            report.changes.append(describe("annulé", uid, event))
            if not dry_run:
                server.put(href, _object(_cancelled(event)), new=False)
    finally:
        server.close()
    return report
