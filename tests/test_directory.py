"""The built-in official list of collectivities and `transfogen profil`."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from transfogen.cli import main
from transfogen.network.directory import default_start, directory, suggested_team
from transfogen.planning.profile import load_profile, parse_profile


def test_the_list_holds_every_current_commune_and_epci():
    listing = directory()
    assert listing.source == "@etalab/decoupage-administratif 6.0.0"
    assert len(listing.communes_of("59")) == 647
    assert {e.name for e in listing.departments_of("32")} == {"Aisne", "Nord", "Oise", "Pas-de-Calais", "Somme"}
    lille = listing.find("200093201")[0]
    assert (lille.name, lille.kind, lille.department) == ("Métropole Européenne de Lille", "metropole", "59")
    assert "59350" in {commune.code for commune in listing.members("200093201")}


def test_a_shared_name_gives_every_homonym_and_a_bracket_picks_one():
    listing = directory()
    saint_denis = listing.find("saint denis")
    assert {e.department for e in saint_denis} >= {"93", "974"}
    assert [e.code for e in listing.find("Saint-Denis (974)")] == ["97411"]
    assert len(listing.find("Sainte-Colombe")) == 12


def test_corsican_codes_and_overseas_collectivities():
    listing = directory()
    ajaccio = listing.find("2A004")[0]
    assert (ajaccio.name, ajaccio.department, ajaccio.overseas_collectivity) == ("Ajaccio", "2A", False)
    assert listing.find("Papeete")[0].overseas_collectivity


def test_team_grows_with_population_and_start_leaves_three_months():
    assert suggested_team(300) < suggested_team(30_000) < suggested_team(2_000_000)
    assert suggested_team(150_000) == (3, 20)
    assert default_start(date(2026, 12, 1)) == date(2027, 3, 1)  # a Monday
    assert default_start(date(2026, 11, 30)).weekday() == 0


def test_profil_writes_a_profile_that_new_accepts(tmp_path):
    out = tmp_path / "profil.yaml"
    result = CliRunner().invoke(main, ["profil", "Saint-Denis (974)", "--debut", "2027-09-06", "-o", str(out)])
    assert result.exit_code == 0, result.output
    profile = load_profile(out)
    assert (profile.collectivity.name, profile.collectivity.kind) == ("Saint-Denis", "commune")
    assert profile.collectivity.department == "974"
    assert profile.collectivity.school_zone is None  # La Réunion has its own school calendar
    assert profile.program.start == date(2027, 9, 6)
    assert (profile.team.residents, profile.team.ambassadors) == (3, 20)


def test_profil_lists_the_choices_for_an_ambiguous_name():
    result = CliRunner().invoke(main, ["profil", "Saint-Denis"])
    assert result.exit_code == 1
    assert "93066" in result.stderr and "97411" in result.stderr
    assert "Seine-Saint-Denis" in result.stderr and "La Réunion" in result.stderr
    assert "Saint-Denis (" in result.stderr.splitlines()[-1]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("query", ["Saint-Barthélemy (977)", "988"])
def test_profil_refuses_territories_the_calendar_cannot_serve(query):
    result = CliRunner().invoke(main, ["profil", query])
    assert result.exit_code == 1
    assert "ne couvre pas encore" in result.stderr


def test_profil_of_an_epci_and_a_region_is_valid():
    listing = directory()
    for query in ("200093201", "Hauts-de-France", "Nord"):
        from transfogen.network.directory import starter_profile

        entry = listing.find(query)[0]
        profile = parse_profile(starter_profile(entry, date(2027, 9, 6), listing.source))
        assert profile.collectivity.kind == entry.kind
    assert listing.find("Hauts-de-France")[0].department == "59"  # the region's chef-lieu, Lille


def test_profil_unknown_name_is_one_line():
    result = CliRunner().invoke(main, ["profil", "Ville-qui-n-existe-pas"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "aucune collectivité" in result.stderr


def test_the_packaged_list_is_what_the_script_builds_from_the_pinned_package(repo_root):
    import importlib.util
    import json
    import lzma

    package = repo_root / "node_modules" / "@etalab" / "decoupage-administratif"
    if not (package / "data" / "communes.json").is_file():
        pytest.skip("npm ci n'a pas installé @etalab/decoupage-administratif")
    spec = importlib.util.spec_from_file_location("build_directory", repo_root / "scripts" / "build_directory.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    packaged = json.loads(lzma.decompress(script.OUTPUT.read_bytes()))
    assert packaged == script.build(package)
