"""The public library API: `transfogen.plan`, `generate` and `check`, imported lazily."""

from __future__ import annotations

import subprocess
import sys

import pytest

import transfogen


def test_importing_the_package_loads_no_heavy_library():
    code = (
        "import sys, transfogen; "
        "heavy = [m for m in ('cookiecutter', 'holidays', 'icalendar', 'jinja2', 'yaml', 'weasyprint') "
        "if m in sys.modules]; print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_plan_returns_the_dated_programme_of_a_profile(examples_dir):
    programme = transfogen.plan(examples_dir / "metz.yaml")
    assert programme.profile.collectivity.name
    assert programme.sessions and all(s.days for s in programme.sessions)


def test_plan_accepts_a_template_by_name(examples_dir):
    programme = transfogen.plan(examples_dir / "pays-de-mormal.yaml", "residence")
    assert programme.sessions[0].title.startswith("Immersion")


def test_generate_writes_a_kit_and_returns_its_folder(examples_dir, tmp_path):
    kit = transfogen.generate(examples_dir / "metz.yaml", tmp_path / "kit")
    assert kit == tmp_path / "kit"
    assert (kit / "programme.md").is_file() and (kit / "calendrier" / "calendrier.ics").is_file()


def test_check_finds_no_problem_in_the_bundled_template():
    assert transfogen.check("transfo") == []


def test_errors_are_the_package_error_class(tmp_path):
    with pytest.raises(transfogen.TransfogenError):
        transfogen.plan(tmp_path / "absent.yaml")


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError):
        transfogen.nothing_here  # noqa: B018
