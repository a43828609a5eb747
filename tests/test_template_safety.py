"""A contributed template is someone else's work: it renders in a sandbox, runs no code unless the
user passes --trust, and cannot write or read outside its own folders. Each test uses a real payload."""

from __future__ import annotations

import json
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from transfogen.cli import main
from transfogen.errors import UnsafeTemplateError
from transfogen.kit import generate_kit

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "templates" / "transfo"
PROFILE = REPO / "examples" / "metz.yaml"
SKELETON = "{{cookiecutter.slug}}"


def _copy(tmp_path: Path) -> Path:
    hostile = tmp_path / "gabarit"
    shutil.copytree(TEMPLATE, hostile)
    return hostile


def _new(tmp_path: Path, template: Path, *extra: str):
    return CliRunner().invoke(
        main, ["new", str(PROFILE), "-o", str(tmp_path / "kit"), "--template", str(template), *extra]
    )


def test_a_role_sheet_cannot_reach_python_globals(tmp_path):
    hostile = _copy(tmp_path)
    marker = tmp_path / "pwned"
    (hostile / "roles" / "elus.md").write_text(
        "# Les élus\n\n{{ cycler.__init__.__globals__.os.system('touch " + str(marker) + "') }}\n", encoding="utf-8"
    )
    with pytest.raises(UnsafeTemplateError) as error:
        generate_kit(PROFILE, tmp_path / "kit", template_dir=hostile)
    assert str(hostile / "roles" / "elus.md") in str(error.value)
    assert not marker.exists()
    assert not (tmp_path / "kit").exists()


def test_the_session_sheet_cannot_climb_to_object_subclasses(tmp_path):
    hostile = _copy(tmp_path)
    sheet = hostile / "seances" / "seance.md"
    sheet.write_text(
        "{{ ''.__class__.__mro__[1].__subclasses__() }}\n" + sheet.read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = _new(tmp_path, hostile)
    assert result.exit_code == 3
    assert str(sheet) in result.output
    assert "bac à sable" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "kit").exists()


def _with_hook(tmp_path: Path) -> tuple[Path, Path]:
    hostile = _copy(tmp_path)
    marker = tmp_path / "hook-ran"
    (hostile / "hooks").mkdir()
    (hostile / "hooks" / "pre_gen_project.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n", encoding="utf-8"
    )
    return hostile, marker


def test_a_hook_does_not_run_without_trust_and_the_user_is_told_what_would_run(tmp_path):
    hostile, marker = _with_hook(tmp_path)
    result = _new(tmp_path, hostile)
    assert result.exit_code == 3
    assert "hook hooks/pre_gen_project.py" in result.output
    assert "--trust" in result.output
    assert not marker.exists()
    assert not (tmp_path / "kit").exists()


def test_a_hook_runs_with_trust(tmp_path):
    hostile, marker = _with_hook(tmp_path)
    result = _new(tmp_path, hostile, "--trust")
    assert result.exit_code == 0, result.output
    assert marker.read_text() == "ran"
    assert (tmp_path / "kit" / "LISEZMOI.md").is_file()


def _with_extensions(template: Path, *names: str) -> None:
    config = template / "cookiecutter.json"
    data = json.loads(config.read_text(encoding="utf-8"))
    data["_extensions"] = list(names)
    config.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_a_jinja_extension_is_refused_without_trust(tmp_path):
    hostile = _copy(tmp_path)
    _with_extensions(hostile, "jinja2_time.TimeExtension")
    result = _new(tmp_path, hostile)
    assert result.exit_code == 3
    assert "extension Jinja jinja2_time.TimeExtension" in result.output
    assert not (tmp_path / "kit").exists()


def test_a_local_extension_module_is_never_imported_without_trust(tmp_path, monkeypatch):
    hostile = _copy(tmp_path)
    marker = tmp_path / "imported"
    (hostile / "local_extensions.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('imported')\n"
        "from jinja2.ext import Extension\nclass Evil(Extension):\n    pass\n",
        encoding="utf-8",
    )
    _with_extensions(hostile, "local_extensions.Evil")
    monkeypatch.chdir(hostile)  # where cookiecutter would import the module from
    result = _new(tmp_path, hostile)
    assert result.exit_code == 3
    assert "extension Jinja local_extensions.Evil" in result.output
    assert not marker.exists()


def _name(path: str) -> str:
    """A file name that renders to `path`: a name cannot hold "/", so the template builds it (chr 47)."""
    return '{{ "' + path.replace("/", "|") + '" | replace("|", "%c" | format(47)) }}'


@pytest.mark.parametrize("target", ["../evil.md", "../../evil.md", "ABSOLUTE/evil.md"])
def test_a_skeleton_file_name_cannot_leave_the_kit(tmp_path, target):
    hostile = _copy(tmp_path)
    outside = tmp_path / "absolu"
    (hostile / SKELETON / _name(target.replace("ABSOLUTE", str(outside)))).write_text(
        "Sortie du kit.\n", encoding="utf-8"
    )
    result = _new(tmp_path, hostile)
    assert result.exit_code == 3, result.output
    assert "sortirait du dossier du kit" in result.output
    assert not (tmp_path / "evil.md").exists() and not outside.exists()
    assert not list(tmp_path.parent.glob("evil.md"))
    assert not (tmp_path / "kit").exists()


def test_a_skeleton_folder_rendering_to_an_absolute_path_is_refused(tmp_path):
    hostile = _copy(tmp_path)
    outside = tmp_path / "ailleurs"
    folder = hostile / SKELETON / _name(str(outside))
    folder.mkdir()
    (folder / "note.md").write_text("Écrit hors du kit.\n", encoding="utf-8")
    result = _new(tmp_path, hostile)
    assert result.exit_code == 3, result.output
    assert "sortirait du dossier du kit" in result.output
    assert not outside.exists()
    assert not (tmp_path / "kit").exists()


def _zip(tmp_path: Path, extra: zipfile.ZipInfo, content: bytes) -> Path:
    archive = tmp_path / "gabarit.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(TEMPLATE.rglob("*")):
            if path.is_file():
                zipped.write(path, "transfo/" + path.relative_to(TEMPLATE).as_posix())
        zipped.writestr(extra, content)
    return archive


def test_a_zipped_template_generates_a_kit(tmp_path):
    archive = tmp_path / "gabarit.zip"
    shutil.make_archive(str(archive.with_suffix("")), "zip", TEMPLATE.parent, TEMPLATE.name)
    result = _new(tmp_path, archive)
    assert result.exit_code == 0, result.output
    assert "Metz" in (tmp_path / "kit" / "LISEZMOI.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("member", ["transfo/../../evil.md", "/tmp/transfogen-evil.md", "..\\evil.md"])
def test_a_zip_member_outside_the_archive_is_refused(tmp_path, member):
    archive = _zip(tmp_path, zipfile.ZipInfo(member), b"hors de l'archive\n")
    result = _new(tmp_path, archive)
    assert result.exit_code == 3, result.output
    assert "chemin hors de l'archive" in result.output
    assert not (tmp_path / "evil.md").exists() and not Path("/tmp/transfogen-evil.md").exists()
    assert not (tmp_path / "kit").exists()


def test_a_symlink_inside_a_zip_is_refused(tmp_path):
    link = zipfile.ZipInfo("transfo/roles/x.md")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = _zip(tmp_path, link, b"/etc/passwd")
    result = _new(tmp_path, archive)
    assert result.exit_code == 3, result.output
    assert "lien symbolique" in result.output
    assert not (tmp_path / "kit").exists()


def test_a_link_to_a_file_outside_the_template_is_refused_and_never_read(tmp_path):
    hostile = _copy(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("mot-de-passe-du-directeur-1234\n", encoding="utf-8")
    (hostile / "roles" / "x.md").symlink_to(secret)
    result = _new(tmp_path, hostile)
    assert result.exit_code == 3, result.output
    assert "lien vers l'extérieur du gabarit" in result.output
    assert "mot-de-passe" not in result.output
    assert not (tmp_path / "kit").exists()
    checked = CliRunner().invoke(main, ["templates", "check", str(hostile), "--example", str(PROFILE)])
    assert checked.exit_code == 1
    assert "lien vers l'extérieur du gabarit" in checked.output
    assert "mot-de-passe" not in checked.output
