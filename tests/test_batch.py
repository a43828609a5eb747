"""`transfogen batch`: one kit per row, homonyms, territories the calendar cannot serve, resuming, zips."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from transfogen.cli import main
from transfogen.network.batch import Row, base_profile, column_problem, folder_names, profile_text
from transfogen.planning.profile import parse_profile

pytestmark = pytest.mark.slow

# Semicolon-separated with a BOM, as a French-locale Excel writes it. Two Sainte-Colombe in different
# departments, two "Ville Test" in the same one, Corsica, La Réunion, Saint-Pierre-et-Miquelon and New
# Caledonia (not served), and a department that does not exist.
LIST = (
    "\ufeffcollectivity.name;collectivity.kind;collectivity.department;team.ambassadors;cases.1.title\n"
    "Sainte-Colombe;commune;05;8;Accueil en mairie\n"
    "Sainte-Colombe;commune;33;;\n"
    "Ajaccio;commune;2A;25;\n"
    "Saint-Denis;commune;974;;\n"
    "Ville Test;commune;59;;\n"
    "Ville Test;commune;59;;\n"
    "Saint-Pierre;commune;975;;\n"
    "Nouméa;commune;988;;\n"
    "Ville Fautive;commune;99;;\n"
)
BASE = """\
program:
  start: 2027-09-06
  months: 6
  session_days: 2
team:
  residents: 3
"""


def _write_inputs(tmp_path: Path) -> tuple[Path, Path]:
    listing, base = tmp_path / "liste.csv", tmp_path / "base.yaml"
    listing.write_text(LIST, encoding="utf-8")
    base.write_text(BASE, encoding="utf-8")
    return listing, base


def _batch(*args: str):
    return CliRunner().invoke(main, ["batch", *args])


def _report(folder: Path) -> list[dict]:
    text = (folder / "rapport.csv").read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _zipped(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def folder_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("batch")
    listing, base = _write_inputs(tmp)
    out = tmp / "kits"
    result = _batch(str(listing), "-o", str(out), "--profile", str(base), "--no-site")
    return listing, base, out, result


def test_one_kit_per_row_and_a_report_row_for_each(folder_run):
    _, _, out, result = folder_run
    rows = _report(out)
    assert [row["ligne"] for row in rows] == [str(n) for n in range(2, 11)]
    folders = [row["dossier"] for row in rows]
    assert folders[:6] == [
        "sainte-colombe-05",
        "sainte-colombe-33",
        "ajaccio",
        "saint-denis",
        "ville-test-59-1",
        "ville-test-59-2",
    ]
    done = [row for row in rows if row["statut"] == "genere"]
    assert len(done) == 6
    for row in done:
        assert (out / row["dossier"] / "programme.md").is_file()
        assert int(row["seances"]) > 0
    assert not (out / "sainte-colombe-05" / "site").exists()  # --no-site


def test_each_row_overrides_the_base_profile(folder_run):
    _, _, out, _ = folder_run
    profile = parse_profile((out / "sainte-colombe-05" / ".transfogen" / "profil.yaml").read_text(encoding="utf-8"))
    assert (profile.collectivity.department, profile.team.ambassadors, profile.team.residents) == ("05", 8, 3)
    assert profile.program.months == 6
    assert profile.cases[0].title == "Accueil en mairie"
    corsica = parse_profile((out / "ajaccio" / ".transfogen" / "profil.yaml").read_text(encoding="utf-8"))
    assert (corsica.collectivity.department, corsica.team.ambassadors) == ("2A", 25)


def test_bad_rows_and_unserved_territories_are_error_rows_that_stop_nothing(folder_run):
    _, _, out, result = folder_run
    assert result.exit_code == 1
    rows = {row["ligne"]: row for row in _report(out)}
    assert rows["8"]["statut"] == rows["9"]["statut"] == rows["10"]["statut"] == "erreur"
    assert "Saint-Pierre-et-Miquelon" in rows["8"]["erreur"] and "ne couvre pas encore" in rows["8"]["erreur"]
    assert "Nouvelle-Calédonie" in rows["9"]["erreur"]
    assert rows["10"]["erreur"].startswith("collectivity.department : département inconnu « 99 »")
    assert not (out / "ville-fautive").exists()
    assert "liste.csv:10: collectivity.department" in result.stderr
    assert "6 kit(s) générés" in result.stderr
    assert "Traceback" not in result.output


def test_a_second_run_skips_complete_kits_and_keeps_their_figures(folder_run, tmp_path):
    listing, base, out, _ = folder_run
    stamp = (out / "ajaccio" / "programme.md").stat().st_mtime_ns
    first = {row["dossier"]: row for row in _report(out)}
    again = _batch(str(listing), "-o", str(out), "--profile", str(base), "--no-site")
    rows = {row["dossier"]: row for row in _report(out)}
    assert rows["ajaccio"]["statut"] == "deja-fait"
    assert rows["ajaccio"]["seances"] == first["ajaccio"]["seances"]
    assert (out / "ajaccio" / "programme.md").stat().st_mtime_ns == stamp
    assert "0 kit(s) générés, 6 déjà présents, 3 en erreur" in again.stderr


def test_zip_holds_exactly_the_folder_form_and_workers_change_nothing(folder_run, tmp_path):
    listing, base, out, _ = folder_run
    one, two = tmp_path / "j1", tmp_path / "j2"
    _batch(str(listing), "-o", str(one), "--profile", str(base), "--no-site", "--zip", "-j", "1")
    _batch(str(listing), "-o", str(two), "--profile", str(base), "--no-site", "--zip", "-j", "2")
    for folder in ("sainte-colombe-05", "ajaccio", "saint-denis", "ville-test-59-2"):
        packed = _zipped(one / f"{folder}.zip")
        assert packed == {f"{folder}/{name}": data for name, data in _tree(out / folder).items()}
        assert (one / f"{folder}.zip").read_bytes() == (two / f"{folder}.zip").read_bytes()
    assert (one / "rapport.csv").read_bytes() == (two / "rapport.csv").read_bytes()


def test_a_territory_without_a_list(tmp_path):
    out = tmp_path / "camargue"
    result = _batch("--epci", "243000650", "-o", str(out), "--no-site", "--zip")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.zip")) == [
        "aigues-mortes.zip",
        "le-grau-du-roi.zip",
        "saint-laurent-d-aigouze.zip",
    ]


def test_an_unknown_column_stops_before_any_kit(tmp_path):
    listing = tmp_path / "liste.csv"
    listing.write_text("collectivity.nom,collectivity.kind\nLille,commune\n", encoding="utf-8")
    result = _batch(str(listing), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "liste.csv:1 : colonne 1 « collectivity.nom »" in result.stderr
    assert "collectivity.name" in result.stderr
    assert not (tmp_path / "out").exists()


def test_cells_stay_data_and_take_their_key_type():
    base = base_profile("program:\n  start: 2027-09-06\n", "base")
    row = Row(2, {"collectivity.name": "Yes", "collectivity.kind": "commune", "collectivity.department": "01",
                  "collectivity.sites": "Mairie, salle A | Salle B", "program.weekdays": "mon, tue, wed",
                  "program.avoid_school_holidays": "non", "team.residents": "4", "cases.1.title": "{{ 7*7 }}"})  # fmt: skip
    profile = parse_profile(profile_text(base, row))
    assert profile.collectivity.name == "Yes" and profile.collectivity.department == "01"
    assert profile.collectivity.sites == ("Mairie, salle A", "Salle B")
    assert profile.program.weekdays == (0, 1, 2) and profile.program.avoid_school_holidays is False
    assert profile.team.residents == 4 and profile.cases[0].title == "{{ 7*7 }}"
    assert column_problem("cases.0.title") and column_problem("program.blackouts")
    assert column_problem("collectivity.name") is None


def test_folder_names_of_homonyms_never_collide():
    base = base_profile("", "base")
    rows = [Row(n, {"collectivity.name": name, "collectivity.department": dep}) for n, (name, dep) in
            enumerate([("Sainte-Colombe", "05"), ("Lille", "59"), ("Sainte-Colombe", "05"), ("Sainte-Colombe", "33")], 2)]  # fmt: skip
    assert folder_names(base, rows) == ["sainte-colombe-05-1", "lille", "sainte-colombe-05-2", "sainte-colombe-33"]


def test_force_regenerates_kits_but_never_replaces_a_folder_of_the_users(tmp_path):
    listing, base = tmp_path / "liste.csv", tmp_path / "base.yaml"
    listing.write_text("collectivity.name;collectivity.kind;collectivity.department\nAjaccio;commune;2A\n", "utf-8")
    base.write_text(BASE, encoding="utf-8")
    out = tmp_path / "kits"
    mine = out / "ajaccio" / "Documents" / "these.odt"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"mes notes")
    result = _batch(str(listing), "-o", str(out), "--profile", str(base), "--no-site", "--force")
    assert mine.read_bytes() == b"mes notes"
    [row] = _report(out)
    assert row["statut"] == "erreur" and "n'est pas un kit" in row["erreur"], row
    mine.parent.parent.joinpath("Documents", "these.odt").unlink()
    mine.parent.rmdir()
    (out / "ajaccio").rmdir()
    assert _batch(str(listing), "-o", str(out), "--profile", str(base), "--no-site").exit_code == 0
    stamp = (out / "ajaccio" / "programme.md").stat().st_mtime_ns
    again = _batch(str(listing), "-o", str(out), "--profile", str(base), "--no-site", "--force")
    assert again.exit_code == 0 and (out / "ajaccio" / "programme.md").stat().st_mtime_ns != stamp
    assert result.exit_code != 0 or "en erreur" in result.stderr
