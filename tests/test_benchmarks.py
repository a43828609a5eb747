"""The benchmarks' short mode: fails only on a collapse (a ratio more than twice its target)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("script", ["bench_cli.py", "bench_batch.py"])
def test_the_short_benchmark_stays_within_its_ceilings(repo_root, script):
    result = subprocess.run(
        [sys.executable, str(repo_root / "benchmarks" / script), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "cible" in result.stdout
