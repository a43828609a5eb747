"""Speed and memory of `transfogen batch` over communes of the official list.

    .venv/bin/python benchmarks/bench_batch.py [--rows 200] [--site-rows 40] [--runs 3] [--quick]

Writes a list of the first ROWS communes of the Nord (59) and of the Pas-de-Calais (62), then times, as
fresh processes: `batch -j 2 --zip --no-site` over all of them, and `batch -j 2` (with the site) over
SITE_ROWS of them, RUNS times each, one after the other (interleaved, so a busy machine slows both alike).
Prints the time per kit amortised over the run (start-up included), as CPU time shared by the two workers
(median of the runs, with the lowest and highest) and as measured wall time, and the peak memory of the
largest process.

Targets (issue 13), on a 2-core machine: ≤ 30 ms a kit for `-j 2 --zip --no-site` (every French commune
in under 20 minutes), ≤ 100 ms a kit with the site, peak memory ≤ 200 MB whatever the number of rows.
`--quick` (what CI runs, tests/test_benchmarks.py) makes two short runs of each kind and takes the cost of
one more kit, the difference of their CPU times over the difference of their rows: a few rows cannot
amortise the start-up, the difference leaves it out. It exits 1 when a figure is more than twice its
target, so noise cannot fail it but a collapse does.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BASE = "program:\n  start: 2027-09-06\n  months: 18\n"


@dataclass(frozen=True)
class Figure:
    label: str
    unit: str
    target: float


def communes(count: int) -> list[tuple[str, str, str]]:
    sys.path.insert(0, str(REPO / "src"))
    from transfogen.network.directory import directory

    listing = directory()
    found = listing.communes_of("59") + listing.communes_of("62")
    return [(entry.name, "commune", entry.department) for entry in found[:count]]


def run_batch(rows: int, work: Path, *options: str) -> tuple[float, float, float]:
    """(wall seconds per kit, CPU seconds per kit, peak MiB of the largest process)."""
    import shutil

    listing = work / f"liste-{rows}.csv"
    with listing.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["collectivity.name", "collectivity.kind", "collectivity.department"])
        writer.writerows(communes(rows))
    base = work / "base.yaml"
    base.write_text(BASE, encoding="utf-8")
    out = work / f"kits-{rows}-{len(options)}"
    shutil.rmtree(out, ignore_errors=True)  # a run again makes every kit again
    argv = [str(BIN / "transfogen"), "batch", str(listing), "-o", str(out), "--profile", str(base), "-j", "2", *options]
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        assert process.stderr is not None
        raise SystemExit(f"échec de {' '.join(argv)} : {process.stderr.read().decode()[-2000:]}")
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, waited for by the batch process
    peak = max(usage.ru_maxrss, children.ru_maxrss) / 1024
    cpu = usage.ru_utime + usage.ru_stime
    return wall / rows, cpu / rows, peak


def _one_more(
    short: tuple[float, float, float], short_rows: int, long: tuple[float, float, float], long_rows: int
) -> tuple[float, float, float]:
    """(wall, CPU) seconds that one more kit adds, and the peak of both runs."""
    extra = long_rows - short_rows
    wall = (long[0] * long_rows - short[0] * short_rows) / extra
    cpu = (long[1] * long_rows - short[1] * short_rows) / extra
    return wall, cpu, max(short[2], long[2])


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--site-rows", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="peu de lignes ; échoue au-delà des plafonds de la CI")
    args = parser.parse_args()
    rows, site_rows, runs = (32, 8, 1) if args.quick else (args.rows, args.site_rows, args.runs)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "src" / "transfogen")], check=True)
    fast, site = [], []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for _ in range(runs):
            fast.append(run_batch(rows, work, "--zip", "--no-site"))
            site.append(run_batch(site_rows, work))
        if args.quick:  # the cost of one more kit: the longer run less a shorter one, over the rows between
            fast = [_one_more(run_batch(rows // 4, work, "--zip", "--no-site"), rows // 4, fast[0], rows)]
            site = [_one_more(run_batch(site_rows // 4, work), site_rows // 4, site[0], site_rows)]

    # On a shared machine the wall time says more about the neighbours than about transfogen: the
    # figure compared with the target is the CPU time per kit shared by the 2 workers (what an idle
    # 2-core machine takes); the wall time is printed beside it.
    def per_kit(measures: list[tuple[float, float, float]]) -> list[float]:
        return sorted(cpu * 1000 / 2 for _, cpu, _ in measures)

    counted = "un kit de plus" if args.quick else f"{rows} kits"
    figures = [
        Figure(f"-j 2 --zip --no-site, {counted} : temps par kit", "ms", 30),
        Figure(f"-j 2 avec le site, {counted if args.quick else f'{site_rows} kits'} : temps par kit", "ms", 100),
        Figure("mémoire maximale d'un processus", "Mio", 200),
    ]
    spreads = [per_kit(fast), per_kit(site), sorted(peak for _, _, peak in fast + site)]
    walls = [
        statistics.median(wall * 1000 for wall, _, _ in fast),
        statistics.median(wall * 1000 for wall, _, _ in site),
        None,
    ]
    failed = False
    for figure, values, wall in zip(figures, spreads, walls, strict=True):
        value = max(values) if figure.unit == "Mio" else statistics.median(values)
        spread = f"({values[0]:.0f}–{values[-1]:.0f})" if len(values) > 1 and figure.unit != "Mio" else ""
        seen = f"   [temps réel mesuré : {wall:.0f} ms]" if wall is not None else ""
        print(f"{figure.label:52} {value:8.0f} {spread:11} {figure.unit:4} (cible ≤ {figure.target:.0f}){seen}")
        failed |= value > 2 * figure.target  # what `--quick` refuses: a collapse, not noise
    print(f"({runs} passage(s) alternés par mesure ; temps par kit = temps CPU / 2 cœurs)")
    if args.quick and failed:
        print("Échec : une mesure dépasse son plafond.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
