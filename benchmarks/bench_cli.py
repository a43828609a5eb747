"""Speed and memory of transfogen, side by side with what it is measured against.

    .venv/bin/python benchmarks/bench_cli.py [--runs 7] [--example strasbourg]

Prints the median wall time and peak memory of each command, and the ratios the project targets:
a full kit within 1.25 × plain `cookiecutter --no-input` on the same template, and `transfogen --help`
within 1.5 × `python -c "import click"`. Every command runs as a fresh process, like a user runs it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def measure(argv: list[str], runs: int, cwd: Path, before=None) -> tuple[float, float, float]:
    """Median wall seconds, median CPU seconds (user + system) and median peak RSS (MiB) of `argv`
    over `runs` fresh processes. CPU time is the steadier figure on a busy machine."""
    times, cpus, peaks = [], [], []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"échec de {' '.join(argv)} : {process.stderr.read().decode()}")
        times.append(elapsed)
        cpus.append(usage.ru_utime + usage.ru_stime)
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(times), statistics.median(cpus), statistics.median(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--example", default="strasbourg")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        home = work / "home"
        home.mkdir()
        os.environ["HOME"] = str(home)  # cookiecutter's replay file must not land in the real home

        def clean() -> None:
            for name in ("kit", "cc"):
                shutil.rmtree(work / name, ignore_errors=True)

        example = REPO / "examples" / f"{args.example}.yaml"
        rows = {
            "transfogen new": measure(
                [str(BIN / "transfogen"), "new", str(example), "-o", str(work / "kit")], args.runs, work, clean
            ),
            "cookiecutter --no-input": measure(
                [str(BIN / "cookiecutter"), "--no-input", str(REPO / "templates" / "transfo"), "-o", str(work / "cc")],
                args.runs,
                work,
                clean,
            ),
            "transfogen --help": measure([str(BIN / "transfogen"), "--help"], args.runs, work),
            'python -c "import click"': measure([sys.executable, "-c", "import click"], args.runs, work),
        }
    print(f"{'commande':32} {'temps réel':>11} {'temps CPU':>11} {'mémoire max':>12}")
    for name, (seconds, cpu, mib) in rows.items():
        print(f"{name:32} {seconds * 1000:8.0f} ms {cpu * 1000:8.0f} ms {mib:9.1f} Mio")
    for label, (a, b), target in (
        ("kit complet / cookiecutter seul", ("transfogen new", "cookiecutter --no-input"), "1,25"),
        ("transfogen --help / import click", ("transfogen --help", 'python -c "import click"'), "1,5"),
    ):
        wall, cpu = rows[a][0] / rows[b][0], rows[a][1] / rows[b][1]
        print(f"\n{label} : {wall:.2f} en temps réel, {cpu:.2f} en temps CPU (cible ≤ {target})", end="")
    print()
    print(f"({args.runs} exécutions par commande, exemple {args.example})")


if __name__ == "__main__":
    main()
