"""After `pip install transfogen`: the wheel, installed in a fresh virtual environment, runs the
README's commands exactly as written there, from a folder outside the checkout, and speaks French.

Offline: the wheel is built without build isolation (hatchling is a test dependency) and installed
with --no-index --no-deps; the fresh environment borrows the test environment's installed
dependencies through a .pth line, which adds them after its own site-packages (so the wheel's
transfogen, not the checkout's, is the one imported).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from paths import REPO_ROOT
from test_cli_french import english_words

pytestmark = pytest.mark.slow

# The README commands run here, in the README's order; the others need files of the user's
# (communes.csv, mon-gabarit.zip), answers typed in, or minutes (the full booklet, a full check).
RUN = (
    "transfogen examples ",
    "transfogen new paris -o kit-paris ",
    "transfogen examples paris > mon-profil.yaml",
    "transfogen calendar lille ",
    "transfogen calendar lille --format ics -o lille.ics",
    "transfogen render kit-paris/methodes/entretiens-usagers.md",
    "transfogen export kit-paris --format pdf --sheet seances/seance-03.md",
    "transfogen templates list",
    "transfogen --help",
)


def readme_commands() -> list[str]:
    """The README's command lines, comments removed, in the order of the README."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```(?:bash|sh)?\n(.*?)^```", readme, re.M | re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def _run(command: str | list[str], cwd: Path, env: dict, shell: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, shell=shell, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """Environment variables for a shell whose `transfogen` is the wheel's, in a fresh venv."""
    root = tmp_path_factory.mktemp("wheel")
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(root), "."],
        cwd=REPO_ROOT,
        env=os.environ.copy(),
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = root.glob("transfogen-*.whl")
    venv = root / "venv"
    assert (
        _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=root, env=os.environ.copy()).returncode
        == 0
    )
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)]
    installed = _run(pip, cwd=root, env=os.environ.copy())
    assert installed.returncode == 0, installed.stderr
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], root, {})
    (Path(site.stdout.strip()) / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    where = _run([str(python), "-c", "import transfogen; print(transfogen.__file__)"], root, env)
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr  # the wheel, not the checkout
    return env


@pytest.fixture
def outside(tmp_path) -> Path:
    folder = tmp_path / "ailleurs"
    folder.mkdir()
    assert not folder.resolve().is_relative_to(REPO_ROOT)
    return folder


def test_the_readme_commands_work_from_an_installed_wheel(installed, outside):
    lines = readme_commands()
    chosen = [line.split("  #")[0].rstrip() for line in lines if any(line.startswith(start) for start in RUN)]
    assert len(chosen) == len(RUN), f"README commands not found: {RUN}"
    for command in chosen:
        result = _run(command, outside, installed, shell=True)
        assert result.returncode == 0, f"{command}: {result.stderr}"
        assert not english_words(result.stdout + result.stderr), (command, result.stdout, result.stderr)
    assert (outside / "kit-paris" / "index.html").is_file()
    assert "Ville de Paris" in (outside / "mon-profil.yaml").read_text(encoding="utf-8")
    assert (outside / "lille.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert (outside / "kit-paris" / "export" / "seance-03.pdf").read_bytes().startswith(b"%PDF")


def test_the_issue_commands_and_the_usual_mistakes_speak_french(installed, outside):
    for command in ("transfogen examples", "transfogen new paris -o kit", "transfogen calendar metz --format json"):
        result = _run(command, outside, installed, shell=True)
        assert result.returncode == 0, f"{command}: {result.stderr}"
    helps = ["transfogen --help"] + [
        f"transfogen {name} --help" for name in ("new", "examples", "calendar", "render", "export", "templates")
    ]
    mistakes = [
        "transfogen frobnicate",
        "transfogen calendar",
        "transfogen calendar metz --format xml",
        "transfogen calendar absent.yaml",
        "transfogen templates check templates/transfo",
    ]
    for command in helps + mistakes:
        result = _run(command, outside, installed, shell=True)
        assert (result.returncode == 0) == (command in helps), f"{command}: {result.stderr}"
        assert not english_words(result.stdout + result.stderr), (command, result.stdout, result.stderr)
        if command in mistakes:
            assert result.stderr.startswith("Erreur : ") and len(result.stderr.splitlines()) == 1, result.stderr
