"""Bundled examples by name: listed, printed, and accepted wherever a profile is asked, from any folder."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from transfogen.cli import main
from transfogen.templating.resources import examples, profile_path


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """A working folder with no examples/ in sight, as after `pip install`."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_examples_lists_each_name_with_one_line(elsewhere, examples_dir):
    result = invoke("examples")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == sorted(p.stem for p in examples_dir.glob("*.yaml"))
    paris = next(line for line in lines if line.startswith("paris "))
    assert "Ville de Paris" in paris and "novembre 2016" in paris


def test_examples_name_prints_the_profile_to_start_from(elsewhere, examples_dir):
    result = invoke("examples", "paris")
    assert result.exit_code == 0, result.output
    assert result.stdout == (examples_dir / "paris.yaml").read_text(encoding="utf-8")
    (elsewhere / "mon-profil.yaml").write_text(result.stdout, encoding="utf-8")
    assert invoke("calendar", "mon-profil.yaml", "--format", "json").exit_code == 0


def test_an_unknown_example_names_the_known_ones(elsewhere):
    result = invoke("examples", "atlantide")
    assert result.exit_code == 1
    assert result.stderr.startswith("Erreur : atlantide : exemple inconnu ; exemples fournis : dunkerque, lille")


def test_calendar_and_new_take_an_example_by_name(elsewhere):
    result = invoke("calendar", "metz", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["collectivity"]["name"] == "Metz Métropole"
    made = invoke("new", "paris", "-o", "kit")
    assert made.exit_code == 0, made.output
    assert "Ville de Paris" in (elsewhere / "kit" / "LISEZMOI.md").read_text(encoding="utf-8")


def test_a_real_file_of_that_name_wins(elsewhere, examples_dir):
    own = (examples_dir / "lille.yaml").read_text(encoding="utf-8")
    (elsewhere / "metz").write_text(own, encoding="utf-8")
    result = invoke("calendar", "metz", "--format", "json")
    assert json.loads(result.stdout)["collectivity"]["name"] == "Métropole Européenne de Lille"
    assert profile_path("metz") == (elsewhere / "metz").relative_to(elsewhere)


def test_a_path_is_never_taken_for_an_example_name(elsewhere):
    result = invoke("calendar", "profils/paris.yaml")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Erreur : profils/paris.yaml : fichier introuvable"


def test_every_example_has_a_description():
    assert all(example.description and "\n" not in example.description for example in examples())
