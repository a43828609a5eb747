"""French calendar facts (public holidays, school holidays, elections) for one collectivity.

The facts live in `data/calendar.yaml`; the day-by-day answers come from the `holidays` library,
through a table precomputed from it (`HolidayTable`), because importing it is heavy for CLI start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import cache
from typing import Any

from transfogen.errors import TemplateError
from transfogen.planning.fr import en_lettres, month_end
from transfogen.planning.model import KINDS, Election, Period
from transfogen.records import record
from transfogen.templating.parsed_yaml import load_yaml
from transfogen.templating.resources import package_file


@record
class ElectionFact:
    id: str
    name: str
    date: date  # first round
    kinds: tuple[str, ...]  # collectivity kinds under the L52-1 reserve for this election
    source: str
    confirmed: bool


@record
class BudgetDebate:
    """How long before the budget vote a kind of collectivity may hold its budget debate (DOB): the
    law sets a window ("dans un délai de deux mois précédant l'examen du budget"); its first day is
    the earliest the debate can take place."""

    kind: str
    source: str
    weeks_before: int = 0
    months_before: int = 0
    articles: tuple[str, ...] = ()  # the CGCT articles that set the window
    checked: date | None = None  # the day the window was read in the law

    def earliest(self, vote: date) -> date:
        """The first day of the window before a vote on `vote`."""
        if self.months_before:
            index = vote.year * 12 + vote.month - 1 - self.months_before
            year, month = index // 12, index % 12 + 1
            return date(year, month, min(vote.day, month_end(date(year, month, 1)).day))
        return vote - timedelta(weeks=self.weeks_before)

    @property
    def window_fr(self) -> str:
        """« deux mois », « dix semaines »."""
        if self.months_before:
            return f"{en_lettres(self.months_before)} mois"
        return f"{en_lettres(self.weeks_before)} semaine{'s' if self.weeks_before > 1 else ''}"


@record
class BudgetCalendar:
    vote_deadline: tuple[int, int]  # (month, day): latest vote of the budget primitif
    renewal_vote_deadline: tuple[int, int]  # the same in the year the assembly is renewed
    vote_source: str
    debates: tuple[BudgetDebate, ...]

    def debate(self, kind: str) -> BudgetDebate | None:
        return next((d for d in self.debates if d.kind == kind), None)


@record
class LongHolidays:
    """Where the school year follows the austral summer: the yearly break that replaces the
    template's summer break, or only what is known of it (`start` None: dates unknown)."""

    department: str
    holidays: str  # in French, for the plan's note
    source: str
    name: str = ""  # the break's name: « pause de l'été austral »
    start: tuple[int, int] | None = None  # (month, day); after `end` when the break spans 1 January
    end: tuple[int, int] | None = None


@record
class CalendarFacts:
    holiday_subdivisions: tuple[tuple[str, str], ...]  # department -> `holidays` subdivision
    school_published_until: date
    school_source: str
    reserve_source: str
    elections: tuple[ElectionFact, ...]
    budget: BudgetCalendar | None = None
    long_holidays: tuple[LongHolidays, ...] = ()

    def long_holidays_of(self, department: str) -> LongHolidays | None:
        return next((h for h in self.long_holidays if h.department == department), None)

    def subdivision(self, department: str) -> str | None:
        return dict(self.holiday_subdivisions).get(department)

    def renewal_year(self, kind: str, year: int) -> bool:
        """True when an election renewing this kind of collectivity's assembly falls in `year`."""
        return any(kind in e.kinds and e.date.year == year for e in self.elections)


def reserve_start(day: date) -> date:
    """First day of the sixth month before the election's month (Code électoral, art. L52-1)."""
    index = day.year * 12 + day.month - 1 - 6
    return date(index // 12, index % 12 + 1, 1)


def parse_calendar_facts(data: object, path: str) -> CalendarFacts:
    def fail(key: str, message: str) -> TemplateError:
        return TemplateError(message, path=path, key=key)

    if not isinstance(data, dict):
        raise TemplateError("le fichier doit contenir un dictionnaire YAML", path=path)
    subdivisions = data.get("holiday_subdivisions")
    if not isinstance(subdivisions, dict):
        raise fail("holiday_subdivisions", "dictionnaire département → subdivision attendu")
    school = data.get("school_calendar")
    if not isinstance(school, dict) or not isinstance(school.get("published_until"), date):
        raise fail("school_calendar.published_until", "date AAAA-MM-JJ attendue")
    elections = []
    for index, item in enumerate(data.get("elections") or ()):
        key = f"elections[{index}]"
        if not isinstance(item, dict):
            raise fail(key, "dictionnaire attendu")
        for name in ("id", "name", "source"):
            if not isinstance(item.get(name), str) or not item[name]:
                raise fail(f"{key}.{name}", "texte attendu")
        if not isinstance(item.get("date"), date):
            raise fail(f"{key}.date", "date AAAA-MM-JJ attendue")
        kinds = item.get("kinds", [])
        unknown = [kind for kind in kinds if kind not in KINDS] if isinstance(kinds, list) else None
        if unknown is None or unknown:
            raise fail(f"{key}.kinds", f"types de collectivité inconnus : {unknown}")
        elections.append(
            ElectionFact(
                id=item["id"],
                name=item["name"],
                date=item["date"],
                kinds=tuple(kinds),
                source=item["source"],
                confirmed=bool(item.get("confirmed", True)),
            )
        )
    return CalendarFacts(
        holiday_subdivisions=tuple(sorted((str(k), str(v)) for k, v in subdivisions.items())),
        school_published_until=school["published_until"],
        school_source=str(school.get("source", "")),
        reserve_source=str(data.get("reserve_rule_source", "")),
        elections=tuple(sorted(elections, key=lambda e: e.date)),
        budget=_budget_calendar(data.get("budget_calendar"), fail),
        long_holidays=_long_holidays(data, fail),
    )


def _long_holidays(data: dict, fail) -> tuple[LongHolidays, ...]:
    found = []
    for section, dated in (("long_holidays", True), ("school_year_differs", False)):
        entries = data.get(section) or {}
        if not isinstance(entries, dict):
            raise fail(section, "dictionnaire département → vacances attendu")
        for department, item in entries.items():
            key = f"{section}.{department}"
            if not isinstance(item, dict):
                raise fail(key, "dictionnaire attendu")
            for name in ("holidays", "source") + (("name",) if dated else ()):
                if not isinstance(item.get(name), str) or not item[name].strip():
                    raise fail(f"{key}.{name}", "texte attendu")
            start = end = None
            if dated:
                start, end = _month_day(item.get("from")), _month_day(item.get("to"))
                if start is None or end is None:
                    raise fail(key, "« from » et « to » au format MM-JJ attendus, par exemple « 12-17 »")
            found.append(
                LongHolidays(str(department), item["holidays"], item["source"], item.get("name", ""), start, end)
            )
    return tuple(sorted(found, key=lambda h: h.department))


def _month_day(value: object) -> tuple[int, int] | None:
    """ "04-15" -> (4, 15); None when the text is not a valid MM-JJ day of a (leap) year."""
    if not isinstance(value, str) or len(value) != 5 or value[2] != "-":
        return None
    try:
        day = date(2000, int(value[:2]), int(value[3:]))
    except ValueError:
        return None
    return day.month, day.day


def _budget_calendar(data: object, fail) -> BudgetCalendar | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise fail("budget_calendar", "dictionnaire attendu")
    deadlines: dict[str, tuple[int, int]] = {}
    for key in ("vote_deadline", "renewal_vote_deadline"):
        found = _month_day(data.get(key))
        if found is None:
            raise fail(f"budget_calendar.{key}", "jour au format MM-JJ attendu, par exemple « 04-15 »")
        deadlines[key] = found
    debates = []
    for kind, item in (data.get("debate") or {}).items():
        key = f"budget_calendar.debate.{kind}"
        if kind not in KINDS:
            raise fail(key, f"type de collectivité inconnu (connus : {', '.join(KINDS)})")
        if not isinstance(item, dict):
            raise fail(key, "dictionnaire attendu")
        weeks, months = item.get("weeks_before"), item.get("months_before")
        if (weeks is None) == (months is None):
            raise fail(key, "un délai attendu : « weeks_before » ou « months_before », pas les deux")
        if weeks is not None and (isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= 26):
            raise fail(f"{key}.weeks_before", "nombre de semaines entre 1 et 26 attendu")
        if months is not None and (isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 6):
            raise fail(f"{key}.months_before", "nombre de mois entre 1 et 6 attendu")
        if not isinstance(item.get("source"), str) or not item["source"].strip():
            raise fail(f"{key}.source", "texte attendu")
        articles = item.get("articles", [])
        if not isinstance(articles, list) or not all(isinstance(a, str) and a for a in articles):
            raise fail(f"{key}.articles", "liste d'articles attendue, par exemple [L2312-1]")
        checked = item.get("checked")
        if checked is not None and not isinstance(checked, date):
            raise fail(f"{key}.checked", "date AAAA-MM-JJ attendue")
        debates.append(BudgetDebate(str(kind), item["source"], weeks or 0, months or 0, tuple(articles), checked))
    if not isinstance(data.get("vote_source"), str) or not data["vote_source"].strip():
        raise fail("budget_calendar.vote_source", "texte attendu")
    return BudgetCalendar(
        vote_deadline=deadlines["vote_deadline"],
        renewal_vote_deadline=deadlines["renewal_vote_deadline"],
        vote_source=data["vote_source"],
        debates=tuple(sorted(debates, key=lambda d: d.kind)),
    )


def load_calendar_facts() -> CalendarFacts:
    """The bundled `transfogen/data/calendar.yaml`."""
    import yaml

    resource = package_file("data/calendar.yaml")
    try:
        data = load_yaml(resource.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise TemplateError(f"YAML illisible : {error}", path=str(resource)) from None
    return parse_calendar_facts(data, str(resource))


class HolidayTable:
    """The holidays of one subdivision or school zone, answering like a `holidays` object (`get`,
    iteration): from the table precomputed from that library (data/jours-feries.tsv, rebuilt by
    scripts/build_holiday_tables.py) for the years it covers, from the library itself for the others.
    The library imports every country (65–80 ms), so a usual run never imports it."""

    def __init__(self, days: dict[date, str], years: tuple[int, int], make_library: Callable[[], Any]):
        self.days, self.years, self._make_library = days, years, make_library
        self._library: Any = None

    def _covers(self, day: date) -> bool:
        return self.years[0] <= day.year <= self.years[1]

    def library(self) -> Any:
        if self._library is None:
            self._library = self._make_library()
        return self._library

    def get(self, day: date) -> str | None:
        return self.days.get(day) if self._covers(day) else self.library().get(day)

    def __iter__(self) -> Iterator[date]:
        yield from self.days
        if self._library is not None:  # the days the library filled for years outside the table
            yield from (day for day in self._library if not self._covers(day))


@cache
def _holiday_data() -> dict:
    """The table's first line (source, years) and its other lines by (part, key), not decoded: a plan
    asks for one subdivision's public holidays and one zone's school holidays."""
    import json

    first, *lines = package_file("data/jours-feries.tsv").read_text(encoding="utf-8").splitlines()
    rows = {}
    for line in lines:
        part, key, text = line.split("\t", 2)
        rows[part, key] = text
    return {**json.loads(first), "rows": rows}


def _rows(part: str, key: str) -> list | None:
    import json

    text = _holiday_data()["rows"].get((part, key))
    return None if text is None else json.loads(text)


# Shared per subdivision and zone: a planner run, or a test suite, asks the same years again and again.
@cache
def _public_holidays(subdivision: str | None) -> HolidayTable:
    def library() -> Any:
        import holidays

        return holidays.country_holidays("FR", subdiv=subdivision, language="fr")

    rows = _rows("public", subdivision or "")
    if rows is None:  # a subdivision the table was not built for
        return HolidayTable({}, (1, 0), library)
    days = {date.fromisoformat(day): name for day, name in rows}
    return HolidayTable(days, tuple(_holiday_data()["years"]), library)


@cache
def _school_holidays(zone: str) -> HolidayTable:
    def library() -> Any:
        import holidays

        return holidays.country_holidays("FR", subdiv=f"Zone {zone}", categories=("school",), language="fr")

    runs = _rows("school", zone)
    days: dict[date, str] = {}
    for first, last, name in runs or ():
        for ordinal in range(date.fromisoformat(first).toordinal(), date.fromisoformat(last).toordinal() + 1):
            days[date.fromordinal(ordinal)] = name
    years = tuple(_holiday_data()["years"]) if runs is not None else (1, 0)
    return HolidayTable(days, years, library)


@cache
def _school_year_known(zone: str, first_year: int) -> bool:
    """Whether the library lists any school holiday from September `first_year` to August after."""
    school = _school_holidays(zone)
    first, last = date(first_year, 9, 1), date(first_year + 1, 8, 31)
    for year in (first_year, first_year + 1):
        school.get(date(year, 1, 1))  # fills the year's days
    return any(first <= day <= last for day in school)


class FrenchCalendar:
    """Answers "what stops a session on this day?" for one department and school zone."""

    def __init__(
        self,
        department: str,
        school_zone: str | None,
        facts: CalendarFacts,
        extra_school_holidays: tuple[Period, ...] = (),
    ):
        self.facts = facts
        self.school_zone = school_zone
        self.extra_school_holidays = tuple(extra_school_holidays)
        self._public = _public_holidays(facts.subdivision(department))
        self._school = _school_holidays(school_zone) if school_zone else None

    @property
    def checks_school_holidays(self) -> bool:
        return self._school is not None or bool(self.extra_school_holidays)

    def public_holiday(self, day: date) -> str | None:
        """French name of the public holiday on `day` in this department, if any."""
        return self._public.get(day)

    def school_holiday(self, day: date) -> str | None:
        """French name of the school holidays covering `day` (zone data or the profile's periods)."""
        for period in self.extra_school_holidays:
            if day in period:
                return period.reason or "Vacances scolaires"
        if self._school is not None:
            return self._school.get(day)
        return None

    def school_data_covers(self, day: date) -> bool:
        """True when the zone's school holidays are known for the school year of `day`.

        The `holidays` library has no school calendar before the 2017-2018 school year: for earlier
        years it answers "no holidays", which must not be read as "no holidays to avoid".
        """
        if self._school is None:
            return True
        return _school_year_known(self.school_zone, day.year if day.month >= 9 else day.year - 1)

    def provisional(self, day: date) -> bool:
        """True when the zone's school holidays for `day` are extrapolated, not yet published."""
        return self._school is not None and day > self.facts.school_published_until

    def elections_for(self, kind: str) -> tuple[Election, ...]:
        """General elections whose L52-1 reserve concerns this kind of collectivity, by date."""
        return tuple(
            Election(
                id=fact.id,
                name=fact.name,
                date=fact.date,
                reserve_start=reserve_start(fact.date),
                source=fact.source,
                confirmed=fact.confirmed,
            )
            for fact in self.facts.elections
            if kind in fact.kinds
        )
