"""Precompute French public and school holidays from the `holidays` library into transfogen's data.

    .venv/bin/python scripts/build_holiday_tables.py

Writes `src/transfogen/data/jours-feries.tsv`: for each `holidays` subdivision named in
`data/calendar.yaml` (and the nation-wide days), the public holidays of the years FIRST to LAST; for
each school zone (A, B, C), its school holidays as runs of days. transfogen then answers from this table
without importing `holidays` (65–80 ms at start-up); years outside it still ask the library.
`tests/test_holiday_tables.py` checks that the table agrees with the installed library: rerun this
script after upgrading `holidays`.
"""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
OUTPUT = REPO / "src" / "transfogen" / "data" / "jours-feries.tsv"
FIRST, LAST = 2015, 2045


def _days(first: int, last: int):
    day = date(first, 1, 1)
    while day.year <= last:
        yield day
        day += timedelta(days=1)


def build(first: int = FIRST, last: int = LAST) -> dict:
    import holidays

    from transfogen.planning.french_calendar import load_calendar_facts

    facts = load_calendar_facts()
    subdivisions = sorted({subdivision for _, subdivision in facts.holiday_subdivisions})
    public = {}
    for subdivision in ["", *subdivisions]:
        table = holidays.country_holidays("FR", subdiv=subdivision or None, language="fr")
        public[subdivision] = [[day.isoformat(), table.get(day)] for day in _days(first, last) if table.get(day)]
    school = {}
    for zone in ("A", "B", "C"):
        table = holidays.country_holidays("FR", subdiv=f"Zone {zone}", categories=("school",), language="fr")
        runs: list[list[str]] = []  # [first day, last day, name]
        for day in _days(first, last):
            name = table.get(day)
            if not name:
                continue
            if runs and runs[-1][2] == name and date.fromisoformat(runs[-1][1]) == day - timedelta(days=1):
                runs[-1][1] = day.isoformat()
            else:
                runs.append([day.isoformat(), day.isoformat(), name])
        school[zone] = runs
    return {"source": f"holidays {version('holidays')}", "years": [first, last], "public": public, "school": school}


def main() -> int:
    data = build()
    # One line per table, « public|school <tab> subdivision or zone <tab> JSON rows », after a first line
    # (source, years): a run decodes the two tables it needs, not the fifteen (3 ms of every start-up).
    lines = [json.dumps({"source": data["source"], "years": data["years"]})]
    for part in ("public", "school"):
        for key, rows in data[part].items():
            lines.append(f"{part}\t{key}\t{json.dumps(rows, ensure_ascii=False, separators=(',', ':'))}")
    OUTPUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUTPUT.relative_to(REPO)} : {data['source']}, {FIRST}–{LAST}, {OUTPUT.stat().st_size} octets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
