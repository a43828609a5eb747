"""A small RFC 5545 writer: the bytes icalendar 7 writes for the properties a kit's calendar uses.

Importing icalendar costs a new kit 55–90 ms for one file; this writes the same bytes without it
(tests compare the two on hostile texts). icalendar still reads calendars (`update`, `publish`).
A property is `(NAME, parameters, value as written)`: parameters are "" or ";VALUE=DATE".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

Property = tuple[str, str, str]

# The order icalendar writes properties in: these first, the others alphabetically.
CALENDAR_ORDER = ("VERSION", "PRODID", "CALSCALE", "METHOD", "DESCRIPTION", "X-WR-CALDESC", "NAME", "X-WR-CALNAME")
EVENT_ORDER = (
    "SUMMARY",
    "DTSTART",
    "DTEND",
    "DURATION",
    "DTSTAMP",
    "UID",
    "RECURRENCE-ID",
    "SEQUENCE",
    "RRULE",
    "RDATE",
    "EXDATE",
)

_LIMIT = 75  # octets a line may not reach, its CRLF excluded (RFC 5545 §3.1)


def escape(value: str) -> str:
    """TEXT escaping (RFC 5545 §3.3.11), in icalendar's order: a written "\\N" is a line break too."""
    return (
        value.replace("\\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def text(name: str, value: str) -> Property:
    return (name, "", escape(value))


def verbatim(name: str, value: str) -> Property:
    """An X- property: icalendar writes a value of unknown type as it is, so a line break cannot be in it."""
    if "\n" in value:
        raise ValueError(f"{name} : saut de ligne dans une valeur écrite telle quelle")
    return (name, "", value)


def day(name: str, value: date) -> Property:
    return (name, ";VALUE=DATE", f"{value.year:04}{value.month:02}{value.day:02}")


def utc(name: str, moment: datetime) -> Property:
    """A DATE-TIME in UTC ("Z" form); a moment without a time zone is taken as UTC, as icalendar does."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return (name, "", f"{moment.year:04}{moment.month:02}{moment.day:02}T{moment:%H%M%S}Z")


def integer(name: str, value: int) -> Property:
    return (name, "", str(int(value)))


def categories(name: str, values: Iterable[str]) -> Property:
    return (name, "", ",".join(escape(v) for v in values))


def ordered(properties: Iterable[Property], order: tuple[str, ...]) -> list[Property]:
    rank = {name: i for i, name in enumerate(order)}
    return sorted(properties, key=lambda p: (rank.get(p[0], len(order)), p[0]))


def line(prop: Property) -> str:
    name, parameters, value = prop
    return f"{name}{parameters}:{value}"


def fold(unfolded: str) -> str:
    """Lines under 75 octets, cut between characters (never inside one's UTF-8 bytes), each following
    line starting with a space. Like icalendar, a backslash or caret ending a piece moves to the next
    one, so an escape sequence is never cut."""
    data = unfolded.encode("utf-8")
    if len(data) < _LIMIT:
        return unfolded
    pieces = []
    start = 0
    while len(data) - start >= _LIMIT:
        end = start + _LIMIT - 1
        while data[end] & 0xC0 == 0x80:  # inside a character: cut before it
            end -= 1
        if end - start > 1 and data[end - 1] in b"\\^":
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start = end
    pieces.append(data[start:].decode("utf-8"))
    return "\r\n ".join(pieces)


def component(name: str, properties: Iterable[Property], order: tuple[str, ...], inner: Iterable[str] = ()) -> str:
    """BEGIN…END of a component, its properties in icalendar's order, then its subcomponents (`inner`,
    already written), each line ending with CRLF."""
    lines = [f"BEGIN:{name}"] + [fold(line(p)) for p in ordered(properties, order)]
    return "\r\n".join(lines) + "\r\n" + "".join(inner) + f"END:{name}\r\n"
