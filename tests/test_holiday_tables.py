"""The precomputed holiday tables answer exactly as the `holidays` library, without importing it."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

import holidays
import pytest

from transfogen.planning.french_calendar import _public_holidays, _school_holidays, load_calendar_facts
from transfogen.planning.profile import departments

TEN_YEARS = (2026, 2035)


def _days(first: int, last: int):
    day = date(first, 1, 1)
    while day.year <= last:
        yield day
        day += timedelta(days=1)


@pytest.mark.parametrize("department", sorted(departments()))
def test_public_holidays_agree_with_the_library_for_every_department_over_ten_years(department):
    subdivision = load_calendar_facts().subdivision(department)
    table = _public_holidays(subdivision)
    library = holidays.country_holidays("FR", subdiv=subdivision, language="fr")
    assert [(day, table.get(day)) for day in _days(*TEN_YEARS)] == [
        (day, library.get(day)) for day in _days(*TEN_YEARS)
    ]


@pytest.mark.parametrize("zone", ["A", "B", "C"])
def test_school_holidays_agree_with_the_library_over_ten_years(zone):
    table = _school_holidays(zone)
    library = holidays.country_holidays("FR", subdiv=f"Zone {zone}", categories=("school",), language="fr")
    assert [(day, table.get(day)) for day in _days(*TEN_YEARS)] == [
        (day, library.get(day)) for day in _days(*TEN_YEARS)
    ]


def test_years_outside_the_table_ask_the_library():
    table = _public_holidays(None)
    assert table.get(date(2080, 7, 14)) == holidays.country_holidays("FR", language="fr").get(date(2080, 7, 14))
    assert date(2080, 7, 14) in set(table)


def test_planning_a_programme_does_not_import_the_library(repo_root):
    code = (
        "import sys; from transfogen.api import plan_profile; "
        f"plan_profile({str(repo_root / 'examples' / 'strasbourg.yaml')!r}); "
        "print('holidays' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
