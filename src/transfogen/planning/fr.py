"""French wording of dates and durations, independent of the machine's locale, and the month arithmetic
the wording needs."""

from __future__ import annotations

from datetime import date, timedelta

WEEKDAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTH_NAMES = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _day(d: date) -> str:
    return "1er" if d.day == 1 else str(d.day)


def month_end(d: date) -> date:
    """The last day of the month of `d` (the day before the next month's first: the `calendar` module
    would import `locale` on every start-up for this)."""
    following = date(d.year + 1, 1, 1) if d.month == 12 else date(d.year, d.month + 1, 1)
    return following - timedelta(days=1)


def date_fr(d: date) -> str:
    """2027-01-12 → « mardi 12 janvier 2027 »."""
    return f"{WEEKDAY_NAMES[d.weekday()]} {_day(d)} {MONTH_NAMES[d.month - 1]} {d.year}"


def date_court(d: date) -> str:
    """2027-01-12 → « 12/01/2027 »."""
    return d.strftime("%d/%m/%Y")


def mois_fr(d: date) -> str:
    """2027-01-12 → « janvier 2027 »."""
    return f"{MONTH_NAMES[d.month - 1]} {d.year}"


def enumeration(items: list[str]) -> str:
    """["a", "b", "c"] → « a, b et c »."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def jours_fr(days: list[date] | tuple[date, ...]) -> str:
    """Days of one session → « 12, 13 et 14 janvier 2027 »; a month and a year are said once when
    shared (« 31 mars et 1er avril 2027 », « 30, 31 décembre 2027 et 3 janvier 2028 »)."""
    parts = []
    for index, day in enumerate(days):
        following = days[index + 1] if index + 1 < len(days) else None
        text = _day(day)
        if following is None or (following.month, following.year) != (day.month, day.year):
            text += f" {MONTH_NAMES[day.month - 1]}"
        if following is None or following.year != day.year:
            text += f" {day.year}"
        parts.append(text)
    return enumeration(parts) if len(parts) > 1 else "".join(parts)


def nombre_fr(value: float) -> str:
    """2.5 → « 2,5 », 0.25 → « 0,25 », 38.0 → « 38 »."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


_WORDS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze")


def en_lettres(value: int) -> str:
    """Small counts in words, as a text of law writes them: « deux mois », « dix semaines »."""
    return _WORDS[value] if 0 <= value < len(_WORDS) else str(value)


def jours(value: float) -> str:
    """2.5 → « 2,5 jours », 1 → « 1 jour »."""
    return f"{nombre_fr(value)} jour" + ("s" if value >= 2 else "")


def heure(minutes: int) -> str:
    """570 → « 09:30 »."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def duree(minutes: int) -> str:
    """90 → « 1 h 30 », 45 → « 45 min », 120 → « 2 h »."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"
