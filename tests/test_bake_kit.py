"""The `bake_kit` fixture, used as a template author uses it in the tests of their own template."""

from __future__ import annotations

import shutil

import pytest

from paths import EXAMPLES_DIR, TEMPLATES_DIR
from transfogen.errors import UnsafeTemplateError

TEMPLATE = TEMPLATES_DIR / "transfo"


def test_the_bundled_template_bakes_its_own_example(bake_kit):
    result = bake_kit()
    assert result.error is None
    assert "Eurométropole de Strasbourg" in result.read("LISEZMOI.md")  # the manifest's example: strasbourg
    files = result.files()
    assert "seances/seance-01.md" in files and "calendrier/calendrier.ics" in files and "index.html" in files


def test_an_authors_change_to_a_role_sheet_shows_in_the_kit(bake_kit, tmp_path):
    mine = tmp_path / "mon-gabarit"
    shutil.copytree(TEMPLATE, mine)
    role = mine / "roles" / "usagers.md"
    role.write_text(
        role.read_text(encoding="utf-8") + "\nLes usagers de {{ kit.collectivity.name }} sont invités à chaque test.\n",
        encoding="utf-8",
    )
    result = bake_kit(template=mine, profile=EXAMPLES_DIR / "metz.yaml")
    assert result.error is None, result.error
    assert "Les usagers de Metz Métropole sont invités à chaque test." in result.read("roles/usagers.md")


def test_a_failed_bake_is_captured_not_raised(bake_kit, tmp_path):
    mine = tmp_path / "mon-gabarit"
    shutil.copytree(TEMPLATE, mine)
    (mine / "hooks").mkdir()
    (mine / "hooks" / "post_gen_project.py").write_text("print('bonjour')\n", encoding="utf-8")
    result = bake_kit(template=mine)
    assert isinstance(result.error, UnsafeTemplateError)
    assert "hook hooks/post_gen_project.py" in str(result.error)
    assert result.kit is None and result.files() == []
    with pytest.raises(AssertionError, match="la génération a échoué"):
        result.read("LISEZMOI.md")
    trusted = bake_kit(template=mine, trust=True)
    assert trusted.error is None and "LISEZMOI.md" in trusted.files()
