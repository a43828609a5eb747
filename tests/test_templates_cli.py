"""`transfogen templates list | check | new-sheet` and `new --template`, through the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from transfogen.cli import main
from transfogen.kit.markup import split_front_matter
from transfogen.kit.sheets import METHOD_FIELDS, check_sheet, schema

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "templates" / "transfo"
PROFILE = REPO / "examples" / "metz.yaml"
SKELETON = "{{cookiecutter.slug}}"
BUNDLED = sorted(path for path in (REPO / "templates").iterdir() if (path / "transfogen.yaml").is_file())


def _invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, [str(arg) for arg in args], env=env)


def _copy(tmp_path: Path, name: str = "gabarit") -> Path:
    target = tmp_path / name
    shutil.copytree(TEMPLATE, target)
    return target


def _set_line(path: Path, number: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[number - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _append(path: Path, text: str) -> int:
    """Add a line at the end of a file; return its line number."""
    lines = path.read_text(encoding="utf-8").splitlines() + [text]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


# --- templates check ----------------------------------------------------------------------------


@pytest.mark.parametrize("template", BUNDLED, ids=[path.name for path in BUNDLED])
def test_every_bundled_template_passes_the_check_with_every_example(template):
    result = _invoke("templates", "check", template)
    assert result.exit_code == 0, result.output
    assert "aucun problème" in result.output


def test_the_check_reports_each_static_error_with_its_file_and_line(tmp_path):
    broken = _copy(tmp_path)
    config = broken / "cookiecutter.json"
    _set_line(config, 2, '  "slug": "eurometropole-de-strasbourg",,')
    manifest = broken / "transfogen.yaml"
    manifest.write_text(
        "".join(
            line
            for line in manifest.read_text(encoding="utf-8").splitlines(keepends=True)
            if not line.startswith("version:")
        ),
        encoding="utf-8",
    )
    sheet = broken / "methodes" / "et-si.md"
    _set_line(sheet, 5, "family: ideattion")
    steps_line = sheet.read_text(encoding="utf-8").splitlines().index("steps:") + 1
    sheet.write_text(
        sheet.read_text(encoding="utf-8").replace("{minutes: 10, title:", "{minutes: 25, title:"), encoding="utf-8"
    )
    residents = broken / "roles" / "residents.md"
    jinja_line = _append(residents, "{% if %}Texte{% endif %}")
    glossary = broken / SKELETON / "glossaire.md"
    _set_line(glossary, 9, "<div>Encadré</div>")
    relais = broken / "roles" / "relais.md"
    _set_line(relais, 5, "## Mission TODO")
    pattern = broken / "seances" / "immersion.yaml"
    _set_line(pattern, 13, "  - [immersion-flash, ouverture-journee]")
    day = broken / "seances" / "journee.yaml"
    _set_line(day, 8, '  - {start: "12:40", minutes: 75, kind: pause, title: "Déjeuner"}')

    result = _invoke("templates", "check", broken, "--example", PROFILE)

    assert result.exit_code == 1
    expected = [
        f"{config}:2: JSON illisible",
        f"{manifest}:1: version : champ obligatoire manquant",
        f"{sheet}:5: family: ",
        f"{sheet}:{steps_line}: steps: les minutes du déroulé font 135 au total, mais duration vaut 120",
        f"{residents}:{jinja_line}: Jinja :",
        f"{glossary}:9: HTML brut interdit (« <div>Encadré</div> »)",
        f"{relais}:5: texte provisoire « TODO » à remplacer",
        f"{pattern}:13: blocks[2] : le bloc dure 210 min au lieu de 180",
        f"{day}:8: day[3] : commence à 12:40, mais le moment précédent finit à 12:45",
        f"{day}:9: day[4] : commence à 13:45, mais le moment précédent finit à 13:55",
    ]
    lines = result.output.splitlines()
    for start in expected:
        assert any(line.startswith(start) for line in lines), f"{start!r} manque dans :\n{result.output}"
    assert "ideattion" in next(line for line in lines if line.startswith(f"{sheet}:5:"))
    assert "Traceback" not in result.output


def test_an_undefined_variable_is_reported_at_its_line_in_a_role_and_in_the_skeleton(tmp_path):
    broken = _copy(tmp_path)
    role = broken / "roles" / "elus.md"
    _set_line(role, 3, "Fiche rôle pour {{ kit.nope }}.")
    result = _invoke("templates", "check", broken, "--example", PROFILE)
    assert result.exit_code == 1
    assert f"{role}:3: 'dict object' has no attribute 'nope' (exemple metz.yaml)" in result.output

    _set_line(role, 3, "Fiche rôle.")
    glossary = broken / SKELETON / "glossaire.md"
    _set_line(glossary, 5, "Les mots de {{ kit.collectivity.surnom }}.")
    result = _invoke("templates", "check", broken, "--example", PROFILE)
    assert result.exit_code == 1
    assert f"{glossary}:5: " in result.output and "surnom" in result.output


def test_a_broken_internal_link_is_reported_at_its_line(tmp_path):
    broken = _copy(tmp_path)
    role = broken / "roles" / "usagers.md"
    line = _append(role, "Voir aussi [la charte](../documents/charte-inexistante.md).")
    result = _invoke("templates", "check", broken, "--example", PROFILE)
    assert result.exit_code == 1
    assert f"{role}:{line}: lien cassé vers « ../documents/charte-inexistante.md »" in result.output


def test_a_session_pattern_with_too_few_blocks_is_reported(tmp_path):
    broken = _copy(tmp_path)
    pattern = broken / "seances" / "test.yaml"
    data = yaml.safe_load(pattern.read_text(encoding="utf-8"))
    data["blocks"] = data["blocks"][:4]
    pattern.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    blocks_line = pattern.read_text(encoding="utf-8").splitlines().index("blocks:") + 1
    result = _invoke("templates", "check", broken, "--example", PROFILE)
    assert result.exit_code == 1
    assert f"{pattern}:{blocks_line}: blocks : 4 blocs, il en faut au moins 10" in result.output


def test_a_template_with_a_hook_is_not_rendered_by_the_check_without_trust(tmp_path):
    template = _copy(tmp_path)
    marker = tmp_path / "hook-ran"
    (template / "hooks").mkdir()
    (template / "hooks" / "pre_gen_project.py").write_text(
        f"open({str(marker)!r}, 'w').write('ran')\n", encoding="utf-8"
    )
    result = _invoke("templates", "check", template, "--example", PROFILE)
    assert result.exit_code == 1
    hook = template / "hooks" / "pre_gen_project.py"
    assert f"{hook}:1: hook hooks/pre_gen_project.py : ce gabarit exécuterait du code" in result.output
    assert not marker.exists()


# --- templates list and new --template NAME -----------------------------------------------------


def _user_template(tmp_path: Path) -> tuple[Path, dict]:
    folder = tmp_path / "mes-gabarits"
    template = _copy(folder, "transfo-rural")
    manifest = template / "transfogen.yaml"
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    data.update(
        name="transfo-rural", version="0.3.0", description="La Transfo adaptée à une communauté de communes rurale."
    )
    manifest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    env = {"TRANSFOGEN_TEMPLATES": str(folder), "XDG_DATA_HOME": str(tmp_path / "data")}
    return template, env


def test_list_shows_the_bundled_template_and_the_users_own(tmp_path):
    template, env = _user_template(tmp_path)
    result = _invoke("templates", "list", env=env)
    assert result.exit_code == 0, result.output
    bundled = yaml.safe_load((TEMPLATE / "transfogen.yaml").read_text(encoding="utf-8"))
    assert f"transfo {bundled['version']} — {bundled['title']}" in result.output
    assert " ".join(bundled["description"].split()) in result.output
    assert "transfo-rural 0.3.0" in result.output
    assert "La Transfo adaptée à une communauté de communes rurale." in result.output
    assert str(template) in result.output


def test_new_uses_a_listed_template_by_its_name(tmp_path):
    _, env = _user_template(tmp_path)
    result = _invoke("new", PROFILE, "-o", tmp_path / "kit", "--template", "transfo-rural", env=env)
    assert result.exit_code == 0, result.output
    recorded = json.loads((tmp_path / "kit" / ".transfogen" / "gabarit.json").read_text(encoding="utf-8"))
    assert (recorded["template"], recorded["template_version"]) == ("transfo-rural", "0.3.0")


def test_new_with_an_unknown_template_name_says_where_to_look(tmp_path):
    result = _invoke(
        "new",
        PROFILE,
        "-o",
        tmp_path / "kit",
        "--template",
        "inconnu",
        env={"TRANSFOGEN_TEMPLATES": "", "XDG_DATA_HOME": str(tmp_path)},
    )
    assert result.exit_code == 1
    assert "inconnu : gabarit introuvable" in result.output and "transfogen templates list" in result.output
    assert not (tmp_path / "kit").exists()


# --- templates new-sheet ------------------------------------------------------------------------


def _scaffold(tmp_path: Path, *extra: str) -> tuple[Path, object]:
    target = tmp_path / "methodes" / "balade-urbaine.md"
    return target, _invoke("templates", "new-sheet", "balade-urbaine", "-o", target, *extra)


def test_new_sheet_writes_every_field_of_the_schema(tmp_path):
    target, result = _scaffold(tmp_path, "--title", "Balade urbaine", "--family", "immersion")
    assert result.exit_code == 0, result.output
    front, body, _ = split_front_matter(target.read_text(encoding="utf-8"))
    meta = yaml.safe_load(front)
    assert list(meta) == list(METHOD_FIELDS)
    assert set(meta["variants"]) == set(schema()["variants"])
    assert (meta["id"], meta["kind"], meta["title"], meta["family"]) == (
        "balade-urbaine",
        "methode",
        "Balade urbaine",
        "immersion",
    )
    for section in schema()["method_sections"]:
        assert f"## {section}" in body


def test_new_sheet_keeps_a_title_with_quotes_and_backslashes_and_refuses_an_unknown_family(tmp_path):
    title = 'Le « mur » des "idées" \\ version 2'
    target, result = _scaffold(tmp_path, "--title", title)
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(split_front_matter(target.read_text(encoding="utf-8"))[0])["title"] == title
    _, result = _scaffold(tmp_path, "--force", "--family", "balade")
    assert result.exit_code == 1
    assert "--family : famille inconnue « balade »" in result.output


def test_the_scaffold_is_refused_until_filled_in_and_passes_once_filled(tmp_path):
    target, _ = _scaffold(tmp_path, "--title", "Balade urbaine", "--family", "immersion")
    text = target.read_text(encoding="utf-8")
    empty = {error.field for error in check_sheet(text, str(target))}
    assert {
        "phases",
        "purpose",
        "output",
        "roles",
        "materials",
        "place",
        "steps[1].title",
        "vigilance",
        "next",
        "source",
    } <= empty

    front, body, _ = split_front_matter(text)
    meta = yaml.safe_load(front)
    meta.update(
        phases=["cas-pratiques"],
        stages=["immersion"],
        purpose="Faire découvrir au groupe un quartier du point de vue de ses habitants.",
        output="Une carte annotée des lieux traversés et des remarques entendues.",
        duration=90,
        roles=["ambassadeurs", "residents", "usagers"],
        prerequisites=["Choisir le quartier avec le service."],
        materials=["Plans du quartier imprimés", "Carnets"],
        place="Un quartier desservi par le service, au départ de sa mairie annexe.",
        steps=[
            {"minutes": 60, "title": "Marcher", "detail": "Par trois, suivre l'itinéraire et noter ce que l'on voit."},
            {"minutes": 30, "title": "Mettre en commun", "detail": "Reporter les remarques sur la carte du quartier."},
        ],
        variants={
            "distance": "Une visite filmée commentée en direct.",
            "petit-groupe": "Un seul itinéraire, parcouru ensemble.",
            "bi-site": "Un quartier par site, puis échange des cartes.",
        },
        vigilance=["Prévenir les habitants et le service de quartier.", "Prévoir un itinéraire accessible à tous."],
        documentation=["Photographier la carte annotée."],
        next="Les lieux repérés servent à l'immersion suivante.",
        source="Pratique d'immersion des ambassadeurs sur le terrain.",
    )
    filled = body.replace(
        "## Pourquoi cette méthode\n", "## Pourquoi cette méthode\n\nVoir le service depuis la rue.\n"
    )
    filled = filled.replace(
        "## Conseils d'animation\n", "## Conseils d'animation\n\nGarder des trinômes mêlant les services.\n"
    )
    text = f"---\n{yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)}---\n{filled}"
    assert check_sheet(text, str(target)) == []


def test_new_sheet_refuses_an_existing_file_without_force(tmp_path):
    target, _ = _scaffold(tmp_path)
    target.write_text("Ma fiche en cours.\n", encoding="utf-8")
    _, result = _scaffold(tmp_path)
    assert result.exit_code == 1
    assert "existe déjà" in result.output and "--force" in result.output
    assert target.read_text(encoding="utf-8") == "Ma fiche en cours.\n"
    _, result = _scaffold(tmp_path, "--force")
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("---\n")


@pytest.mark.parametrize("bad_id", ["Balade Urbaine", "balade_urbaine", "../balade", "-balade"])
def test_new_sheet_refuses_a_bad_id(tmp_path, bad_id, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _invoke("templates", "new-sheet", "--", bad_id)
    assert result.exit_code == 1
    assert "minuscules, chiffres et tirets" in result.output
    assert list(tmp_path.iterdir()) == []
