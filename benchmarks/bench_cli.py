"""Speed of transfogen's commands, each side by side with what it is measured against.

    .venv/bin/python benchmarks/bench_cli.py [--runs 7] [--example strasbourg] [--quick]

Every command runs as a fresh process, like a user runs it. The two commands of a pair run one after the
other, `runs` times (interleaved pairs), so a busy machine slows both alike; the ratio is taken pair by pair
and printed as its median with its spread (lowest and highest pair). CPU time (user + system, children
included) is the steadier figure on a shared machine; wall time is printed too.

Targets (issue 13): `transfogen new` ≤ 1.0 × plain `cookiecutter --no-input` on the same template (the
full kit, with its site); `transfogen --help` ≤ 1.3 × `python -c "import click"`; `transfogen calendar
--format json` ≤ 3 × `python -c "import click"`. `--quick` runs 3 pairs and exits 1 when a median ratio
is more than twice its target: noise cannot fail it, a collapse does (tests/test_benchmarks.py).
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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    cpu: float  # seconds, user + system
    peak: float  # MiB, the largest resident set of the process or of one of its children


def measure(argv: list[str], cwd: Path, before: Callable[[], None] | None = None) -> Run:
    if before:
        before()
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        assert process.stderr is not None
        raise SystemExit(f"échec de {' '.join(argv)} : {process.stderr.read().decode()}")
    return Run(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


@dataclass(frozen=True)
class Pair:
    label: str
    ours: list[str]
    reference: list[str]
    target: float
    before: Callable[[], None] | None = None


def compare(pair: Pair, runs: int, cwd: Path) -> dict:
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(measure(pair.ours, cwd, pair.before))
        theirs.append(measure(pair.reference, cwd, pair.before))
    cpu = sorted(a.cpu / b.cpu for a, b in zip(ours, theirs, strict=True))
    wall = sorted(a.wall / b.wall for a, b in zip(ours, theirs, strict=True))
    return {
        "pair": pair,
        "cpu": (statistics.median(cpu), cpu[0], cpu[-1]),
        "wall": (statistics.median(wall), wall[0], wall[-1]),
        "ours": statistics.median(r.cpu for r in ours),
        "theirs": statistics.median(r.cpu for r in theirs),
        "peak": max(r.peak for r in ours),
    }


def pairs(work: Path, example: Path) -> list[Pair]:
    def clean() -> None:
        for name in ("kit", "cc"):
            shutil.rmtree(work / name, ignore_errors=True)

    click = [sys.executable, "-c", "import click"]
    transfogen = str(BIN / "transfogen")
    return [
        Pair(
            "transfogen new / cookiecutter --no-input",
            [transfogen, "new", str(example), "-o", str(work / "kit")],
            [str(BIN / "cookiecutter"), "--no-input", str(REPO / "templates" / "transfo"), "-o", str(work / "cc")],
            1.0,
            before=clean,
        ),
        Pair("transfogen --help / import click", [transfogen, "--help"], click, 1.3),
        Pair(
            "transfogen calendar --format json / import click",
            [transfogen, "calendar", str(example), "--format", "json"],
            click,
            3.0,
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--example", default="strasbourg")
    parser.add_argument(
        "--quick", action="store_true", help="3 paires ; échoue si un rapport dépasse deux fois sa cible"
    )
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs
    # An installed package has its bytecode (pip compiles it); a checkout run with PYTHONDONTWRITEBYTECODE
    # would compile every module on every run and measure the compiler.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "src" / "transfogen")], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "home").mkdir()
        os.environ["HOME"] = str(work / "home")  # cookiecutter's replay file must not land in the real home
        results = [compare(pair, runs, work) for pair in pairs(work, REPO / "examples" / f"{args.example}.yaml")]
    failed = False
    print(f"{'rapport':52} {'CPU (écart)':>22} {'temps réel (écart)':>24} {'cible':>6}")
    for result in results:
        pair = result["pair"]
        cpu, wall = result["cpu"], result["wall"]
        print(
            f"{pair.label:52} {cpu[0]:6.2f} ({cpu[1]:.2f}–{cpu[2]:.2f})   {wall[0]:6.2f} ({wall[1]:.2f}–{wall[2]:.2f})"
            f"   ≤ {pair.target:.1f}"
            f"   [{result['ours'] * 1000:.0f} ms contre {result['theirs'] * 1000:.0f} ms CPU, {result['peak']:.0f} Mio]"
        )
        failed |= cpu[0] > 2 * pair.target  # what `--quick` refuses: a collapse, not noise
    print(f"({runs} paires alternées par rapport, exemple {args.example} ; rapport = transfogen / référence)")
    if args.quick and failed:
        print("Échec : un rapport dépasse deux fois sa cible.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
