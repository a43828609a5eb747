"""French date wording and its month arithmetic."""

from __future__ import annotations

import calendar
from datetime import date

from transfogen.planning.fr import month_end


def test_month_end_agrees_with_the_calendar_module():
    for year in range(2000, 2101):
        for month in range(1, 13):
            last = calendar.monthrange(year, month)[1]
            for day in (1, 15, last):
                assert month_end(date(year, month, day)) == date(year, month, last)
