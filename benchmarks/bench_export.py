"""Speed of `transfogen export`: the PDF booklet of a full kit and its Word files.

    .venv/bin/python benchmarks/bench_export.py [--runs 3] [--example strasbourg] [--reference SRC]

Generates the example's kit once, then runs, as fresh processes, `transfogen export KIT --format pdf` and
`--format docx`, `runs` times each, and prints the median CPU time (user + system) and wall time with
their spread, and the booklet's pages. With `--reference SRC` (the `src` folder of another checkout,
for instance the landing branch before a change), each command also runs from that source right after
ours (interleaved pairs, so a busy machine slows both alike), and the ratio ours / reference is printed
pair by pair, with the check that both wrote the same bytes.

Not part of CI's short mode: the booklet alone takes more than 30 s of CPU.
"""

from __future__ import annotations

import argparse
import hashlib
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


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    digest: str  # of what the export wrote, to tell that ours and the reference agree


def export(kit: Path, fmt: str, out: Path, source: Path | None) -> Run:
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)  # before the editable install on sys.path
    argv = [str(BIN / "transfogen"), "export", str(kit), "--format", fmt, "-o", str(out), "--force"]
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        assert process.stderr is not None
        raise SystemExit(f"échec de {' '.join(argv)} : {process.stderr.read().decode()}")
    digest = hashlib.sha256()
    for path in sorted(out.rglob("*")) if out.is_dir() else [out]:
        if path.is_file():
            digest.update(path.relative_to(out).as_posix().encode() if out.is_dir() else b"")
            digest.update(path.read_bytes())
    return Run(elapsed, usage.ru_utime + usage.ru_stime, digest.hexdigest())


def spread(values: list[float]) -> str:
    ordered = sorted(values)
    return f"{statistics.median(ordered):.2f} ({ordered[0]:.2f}–{ordered[-1]:.2f})"


def pages(pdf: Path) -> int | None:
    """The booklet's pages, read with pikepdf (the test extra) when it is installed."""
    try:
        import pikepdf
    except ImportError:
        return None
    with pikepdf.open(pdf) as document:
        return len(document.pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--example", default="strasbourg")
    parser.add_argument("--reference", type=Path, help="dossier src d'une autre copie de transfogen, à comparer")
    parser.add_argument("--formats", default="pdf,docx")
    args = parser.parse_args()
    sources = [REPO / "src"] + ([args.reference.resolve()] if args.reference else [])
    for source in sources:  # an installed package has its bytecode; do not measure the compiler
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(source / "transfogen")], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        kit = work / "kit"
        subprocess.run(
            [str(BIN / "transfogen"), "new", str(REPO / "examples" / f"{args.example}.yaml"), "-o", str(kit)],
            check=True,
            capture_output=True,
        )
        print(f"{'export':8} {'CPU s (écart)':>20} {'temps réel s (écart)':>22}   rapport CPU à la référence")
        for fmt in args.formats.split(","):
            ours: list[Run] = []
            theirs: list[Run] = []
            for _ in range(args.runs):
                ours.append(export(kit, fmt, work / f"ours.{fmt}", None))
                if args.reference:
                    theirs.append(export(kit, fmt, work / f"theirs.{fmt}", args.reference.resolve()))
            line = f"{fmt:8} {spread([r.cpu for r in ours]):>20} {spread([r.wall for r in ours]):>22}"
            if theirs:
                ratios = [a.cpu / b.cpu for a, b in zip(ours, theirs, strict=True)]
                same = "mêmes octets" if {r.digest for r in ours + theirs} == {ours[0].digest} else "OCTETS DIFFÉRENTS"
                line += f"   {spread(ratios)} contre {spread([r.cpu for r in theirs])} s CPU, {same}"
            count = pages(work / "ours.pdf") if fmt == "pdf" else None
            if count:
                per_page = statistics.median(r.cpu for r in ours) / count * 1000
                line += f"   [{count} pages, {per_page:.0f} ms CPU par page]"
            print(line)
    print(f"({args.runs} exécutions par commande, exemple {args.example})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
