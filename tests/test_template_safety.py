"""A contributed template is someone else's work: it renders in a sandbox, runs no code unless the
user passes --trust, cannot write, read or delete outside its own folders, and its work is bounded.

Each test uses a real payload, built inline (tests/trees.py), and checks that nothing ran (a marker
file the payload would create), that nothing was written or deleted outside the kit, and that
`templates check` reports the attack at its file and line.
"""

from __future__ import annotations

import json
import shutil
import stat
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from paths import EXAMPLES_DIR
from transfogen.cli import main
from transfogen.errors import RenderLimitError, TemplateError, UnsafeTemplateError
from transfogen.kit.build import generate_kit
from transfogen.templating import precompiled, sandbox
from transfogen.templating.skeleton import render_skeleton
from trees import SKELETON, TEMPLATE, build_file_tree, key_line, kit_template, skeleton_tree

PROFILE = EXAMPLES_DIR / "metz.yaml"
DATA = {"slug": "metz", "_kit": {"collectivity": {"name": "Metz Métropole"}}}


def _new(tmp_path: Path, template: Path, *extra: str):
    return CliRunner().invoke(
        main, ["new", str(PROFILE), "-o", str(tmp_path / "kit"), "--template", str(template), *extra]
    )


def _check(template: Path, *extra: str):
    return CliRunner().invoke(main, ["templates", "check", str(template), "--example", str(PROFILE), *extra])


def _slash(path: str) -> str:
    """Jinja that renders to `path`: a file name cannot hold "/", so the template builds it (chr 47)."""
    return '{{ "' + path.replace("/", "|") + '" | replace("|", "%c" | format(47)) }}'


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _assert_refused(result, code: int, *texts: str) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    for text in texts:
        assert text in result.output, result.output


# --- The sandbox: no way back to Python --------------------------------------------------------------


def test_a_role_sheet_cannot_reach_python_globals(tmp_path):
    marker = tmp_path / "pwned"
    escape = "{{ cycler.__init__.__globals__.os.system('touch " + str(marker) + "') }}"
    hostile = kit_template(tmp_path / "gabarit", files={"roles/elus.md": f"# Les élus\n\n{escape}\n"})
    with pytest.raises(UnsafeTemplateError) as error:
        generate_kit(PROFILE, tmp_path / "kit", template_dir=hostile)
    assert (error.value.path, error.value.line) == (str(hostile / "roles" / "elus.md"), 3)
    assert not marker.exists()
    assert not (tmp_path / "kit").exists()


def test_the_skeleton_cannot_climb_to_object_subclasses_with_or_without_trust(tmp_path):
    hostile = kit_template(tmp_path / "gabarit", {"glossaire.md": "{{ ''.__class__.__mro__[1].__subclasses__() }}\n"})
    for extra in ((), ("--trust",)):
        result = _new(tmp_path, hostile, *extra)
        _assert_refused(result, 3, f"{hostile / SKELETON / 'glossaire.md'}:1 :", "bac à sable")
        assert not (tmp_path / "kit").exists()


def test_the_skeleton_cannot_include_a_file_outside_the_template(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("mot-de-passe-1234\n", encoding="utf-8")
    hostile = kit_template(tmp_path / "gabarit", {"glossaire.md": "{% include '../../secret.txt' %}\n"})
    result = _new(tmp_path, hostile)
    _assert_refused(result, 1, f"{hostile / SKELETON / 'glossaire.md'}:1 :")
    assert "mot-de-passe" not in result.output
    assert not (tmp_path / "kit").exists()


def test_profile_values_reach_the_skeleton_as_data_never_as_code(tmp_path):
    template = skeleton_tree(tmp_path / "t", {"a.md": "{{ cookiecutter._kit.name }} {{ cookiecutter.slug }}\n"})
    kit = render_skeleton(template, {"slug": "{{ 7*7 }}", "_kit": {"name": "{{ 6*7 }}"}}, tmp_path / "kit")
    assert (kit / "a.md").read_text(encoding="utf-8") == "{{ 6*7 }} {{ 7*7 }}\n"


@pytest.mark.parametrize(
    ("file", "payload", "line"),
    [
        ("roles/elus.md", "{{ cycler.__init__.__globals__.os.getpid() }}", 3),
        ("seances/seance.md", "{{ ''.__class__.__mro__ }}", 3),
        (f"{SKELETON}/glossaire.md", "{% include '../../../secret.txt' %}", 3),
    ],
)
def test_templates_check_reports_each_escape_at_its_file_and_line(tmp_path, file, payload, line):
    (tmp_path / "secret.txt").write_text("mot-de-passe-1234\n", encoding="utf-8")
    hostile = kit_template(tmp_path / "gabarit")
    (hostile / file).write_text(f"# Titre\n\n{payload}\n", encoding="utf-8")
    checked = _check(hostile)
    assert checked.exit_code == 1
    assert f"{hostile / file}:{line}: " in checked.output
    assert "mot-de-passe" not in checked.output


# --- Code only with --trust -------------------------------------------------------------------------


def _hook(tmp_path: Path, where: str = "hooks") -> tuple[Path, Path]:
    marker = tmp_path / "hook-ran"
    hook = f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n"
    return kit_template(tmp_path / "gabarit", files={f"{where}/pre_gen_project.py": hook}), marker


def test_a_hook_does_not_run_without_trust_and_the_user_is_told_what_would_run(tmp_path):
    hostile, marker = _hook(tmp_path)
    result = _new(tmp_path, hostile)
    _assert_refused(result, 3, f"{hostile / 'hooks' / 'pre_gen_project.py'}:1 :", "hook hooks/pre_gen_project.py")
    assert "--trust" in result.output
    assert not marker.exists()
    assert not (tmp_path / "kit").exists()


def test_a_hook_runs_with_trust(tmp_path):
    hostile, marker = _hook(tmp_path)
    result = _new(tmp_path, hostile, "--trust")
    assert result.exit_code == 0, result.output
    assert marker.read_text() == "ran"
    assert (tmp_path / "kit" / "LISEZMOI.md").is_file()


def test_a_git_clone_of_a_template_is_not_refused_for_gits_own_hooks(tmp_path):
    template = kit_template(tmp_path / "gabarit", files={".git/hooks/pre-commit.sample": "#!/bin/sh\n"})
    assert _new(tmp_path, template).exit_code == 0


def test_calendar_reads_a_template_with_a_hook_without_asking_for_trust_and_runs_nothing(tmp_path):
    hostile, marker = _hook(tmp_path)
    result = CliRunner().invoke(main, ["calendar", str(PROFILE), "--template", str(hostile), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "--trust" not in result.output and not marker.exists()


def test_a_hooks_folder_anywhere_is_refused_and_reported(tmp_path):
    hostile, marker = _hook(tmp_path, "inner/hooks")
    result = _new(tmp_path, hostile)
    _assert_refused(result, 3, "hook inner/hooks/pre_gen_project.py")
    checked = _check(hostile)
    assert checked.exit_code == 1
    assert f"{hostile / 'inner' / 'hooks' / 'pre_gen_project.py'}:1: hook inner/hooks" in checked.output
    assert not marker.exists()


def _evil_module(template: Path, marker: Path, name: str = "evil") -> None:
    (template / f"{name}.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('imported')\n"
        "from jinja2.ext import Extension\nclass Ext(Extension):\n    pass\n",
        encoding="utf-8",
    )


def test_a_jinja_extension_is_refused_without_trust_and_never_imported(tmp_path, monkeypatch):
    marker = tmp_path / "imported"
    hostile = kit_template(tmp_path / "gabarit", variables={"_extensions": ["evil.Ext"]})
    _evil_module(hostile, marker)
    monkeypatch.chdir(hostile)  # where cookiecutter would import the module from
    monkeypatch.syspath_prepend(str(hostile))
    config = hostile / "cookiecutter.json"
    line = key_line(config.read_text(encoding="utf-8"), "_extensions")
    result = _new(tmp_path, hostile)
    _assert_refused(result, 3, f"{config}:{line} :", "extension Jinja evil.Ext")
    checked = _check(hostile)
    assert checked.exit_code == 1 and f"{config}:{line}: extension Jinja evil.Ext" in checked.output
    assert not marker.exists() and "evil" not in sys.modules


def test_a_nested_template_with_an_extension_runs_nothing(tmp_path, monkeypatch):
    """Issue 9, item 1: cookiecutter followed `templates` into a template whose `_extensions` it imported."""
    marker = tmp_path / "imported"
    hostile = kit_template(
        tmp_path / "gabarit",
        variables={"templates": {"x": {"path": "./inner", "title": "x"}}},
        files={
            "inner/cookiecutter.json": json.dumps({"slug": "x", "_extensions": ["evil.Ext"]}),
            "inner/{{cookiecutter.slug}}/a.md": "a\n",
        },
    )
    _evil_module(hostile, marker)
    monkeypatch.chdir(hostile)
    config = hostile / "cookiecutter.json"
    line = key_line(config.read_text(encoding="utf-8"), "templates")
    result = _new(tmp_path, hostile)
    _assert_refused(result, 3, f"{config}:{line} :", "gabarits imbriqués (templates)", "inner/cookiecutter.json")
    checked = _check(hostile)
    assert checked.exit_code == 1
    assert f"{config}:{line}: gabarits imbriqués (templates)" in checked.output
    assert f"{hostile / 'inner' / 'cookiecutter.json'}:1: gabarit imbriqué" in checked.output
    assert not marker.exists() and "evil" not in sys.modules
    assert not (tmp_path / "kit").exists()


def test_the_nested_template_payload_is_real_it_runs_with_trust(tmp_path, monkeypatch):
    marker = tmp_path / "imported"
    hostile = kit_template(
        tmp_path / "gabarit",
        variables={"templates": {"x": {"path": "./inner", "title": "x", "description": "x"}}},
        files={
            "inner/cookiecutter.json": json.dumps({"slug": "x", "_extensions": ["evil_trusted.Ext"]}),
            "inner/{{cookiecutter.slug}}/a.md": "a\n",
        },
    )
    _evil_module(hostile, marker, "evil_trusted")
    monkeypatch.chdir(hostile)
    _new(tmp_path, hostile, "--trust")
    sys.modules.pop("evil_trusted", None)
    assert marker.read_text() == "imported"  # what --trust means: the template's code runs


def test_jinja_options_beyond_layout_are_refused_at_their_line(tmp_path):
    options = {"_jinja2_env_vars": {"trim_blocks": True, "extensions": ["evil.Ext"]}}
    hostile = kit_template(tmp_path / "gabarit", variables=options)
    text = (hostile / "cookiecutter.json").read_text(encoding="utf-8")
    line = key_line("\n".join(text.splitlines()[key_line(text, "_jinja2_env_vars") :]), "extensions")
    line += key_line(text, "_jinja2_env_vars")
    checked = _check(hostile)
    assert checked.exit_code == 1
    assert f"{hostile / 'cookiecutter.json'}:{line}: option Jinja _jinja2_env_vars.extensions" in checked.output
    assert "trim_blocks" not in checked.output


def test_layout_options_apply_to_the_skeleton(tmp_path):
    template = skeleton_tree(
        tmp_path / "t", {"a.md": "{% if true %}\n  oui\n{% endif %}\n"}, {"_jinja2_env_vars": {"trim_blocks": True}}
    )
    kit = render_skeleton(template, DATA, tmp_path / "kit")
    assert (kit / "a.md").read_text(encoding="utf-8") == "  oui\n"


# --- Paths: on the exact value written, before anything is written -----------------------------------


@pytest.mark.parametrize("target", ["../evil.md", "../../evil.md", "ABSOLUTE/evil.md"])
def test_a_skeleton_file_name_cannot_leave_the_kit(tmp_path, target):
    outside = tmp_path / "absolu"
    name = _slash(target.replace("ABSOLUTE", str(outside)))
    hostile = kit_template(tmp_path / "gabarit", {name: "Sortie du kit.\n"})
    for extra in ((), ("--trust",)):
        result = _new(tmp_path, hostile, *extra)
        _assert_refused(result, 3, "sortirait du dossier du kit", str(hostile / SKELETON / name))
        assert not (tmp_path / "evil.md").exists() and not outside.exists()
        assert not list(tmp_path.parent.glob("evil.md"))
        assert not (tmp_path / "kit").exists()


def test_a_public_variable_rendering_to_a_path_outside_is_caught_on_its_rendered_value(tmp_path):
    """Issue 9, item 2: the name check used the raw cookiecutter.json values, cookiecutter the rendered ones."""
    outside = tmp_path / "dehors"
    up = "{{ ('..' ~ '\\x2f') * 30 }}" + str(outside).lstrip("/").replace("/", "{{ '\\x2f' }}")
    hostile = kit_template(tmp_path / "gabarit", {"{{cookiecutter.up}}.md": "écrit hors du kit\n"}, {"up": up})
    for extra in ((), ("--trust",)):
        result = _new(tmp_path, hostile, *extra)
        _assert_refused(result, 3, "sortirait du dossier du kit")
    assert not list(tmp_path.glob("dehors*")) and not (tmp_path / "kit").exists()
    checked = _check(hostile)
    assert checked.exit_code == 1
    assert f"{hostile / SKELETON / '{{cookiecutter.up}}.md'}:1: le nom de fichier devient" in checked.output


def test_copy_without_render_pointing_outside_deletes_nothing(tmp_path):
    """Issue 9, item 2: cookiecutter rmtree'd the outside folder a copied-as-is folder rendered to."""
    victim = tmp_path / "mes-documents"
    build_file_tree(victim, {"these.odt": "ma thèse", ".ssh/id_rsa": "clé"})
    before = _tree(victim)
    down = "{{ '\\x2f' }}" + str(victim).lstrip("/").replace("/", "{{ '\\x2f' }}")
    hostile = kit_template(
        tmp_path / "gabarit",
        {"{{cookiecutter.down}}/note.md": "copié tel quel\n"},
        {"down": down, "_copy_without_render": ["{{cookiecutter.down}}"]},
    )
    for extra in ((), ("--trust",)):
        result = _new(tmp_path, hostile, *extra)
        _assert_refused(result, 3, "sortirait du dossier du kit")
        assert _tree(victim) == before
    checked = _check(hostile)
    folder = hostile / SKELETON / "{{cookiecutter.down}}"
    assert checked.exit_code == 1 and f"{folder}:1: le nom de fichier devient" in checked.output
    assert _tree(victim) == before


def test_a_folder_rendering_to_an_absolute_path_is_refused(tmp_path):
    outside = tmp_path / "ailleurs"
    hostile = kit_template(tmp_path / "gabarit", {f"{_slash(str(outside))}/note.md": "Écrit hors du kit.\n"})
    result = _new(tmp_path, hostile)
    _assert_refused(result, 3, "sortirait du dossier du kit")
    assert not outside.exists() and not (tmp_path / "kit").exists()


def test_conditional_files_and_copy_without_render_work_as_in_cookiecutter(tmp_path):
    template = skeleton_tree(
        tmp_path / "t",
        {
            "{% if cookiecutter.with_notes == 'oui' %}notes.md{% endif %}": "{{ cookiecutter.project }}\n",
            "{% if cookiecutter.with_notes == 'non' %}jamais.md{% endif %}": "x\n",
            "bruts/{{cookiecutter.slug}}.md": "{{ pas rendu }}\r\nsuite\r\n",
            "modeles/garder.md": "{{ pas rendu non plus }}\n",
            "image.png": b"\x89PNG\r\n\x1a\n\0\0{{",
        },
        {
            "project": "Kit de {{ cookiecutter.slug|upper }}",
            "with_notes": ["oui", "non"],
            "_copy_without_render": ["bruts/*", "modeles"],
        },
    )
    kit = render_skeleton(template, DATA, tmp_path / "kit")
    assert _tree(kit) == {
        "notes.md": b"Kit de METZ\n",
        "bruts/metz.md": b"{{ pas rendu }}\r\nsuite\r\n",
        "modeles/garder.md": b"{{ pas rendu non plus }}\n",
        "image.png": b"\x89PNG\r\n\x1a\n\0\0{{",
    }


def test_a_variable_that_fails_to_render_is_reported_at_its_key(tmp_path):
    template = skeleton_tree(tmp_path / "t", {"a.md": "a\n"}, {"projet": "Kit {{ cookiecutter.inconnu }}"})
    line = key_line((template / "cookiecutter.json").read_text(encoding="utf-8"), "projet")
    with pytest.raises(TemplateError) as error:
        render_skeleton(template, DATA, tmp_path / "kit")
    assert (error.value.path, error.value.line) == (str(template / "cookiecutter.json"), line)
    assert "inconnu" in error.value.message and not (tmp_path / "kit").exists()


def test_a_layout_option_with_a_wrong_value_is_reported_at_its_key(tmp_path):
    options = {"_jinja2_env_vars": {"newline_sequence": "x"}}
    template = skeleton_tree(tmp_path / "t", {"a.md": "a\n"}, options)
    line = key_line((template / "cookiecutter.json").read_text(encoding="utf-8"), "_jinja2_env_vars")
    with pytest.raises(TemplateError, match="_jinja2_env_vars") as error:
        render_skeleton(template, DATA, tmp_path / "kit")
    assert (error.value.path, error.value.line) == (str(template / "cookiecutter.json"), line)


def test_a_name_too_long_for_the_disk_names_its_template_file(tmp_path):
    template = skeleton_tree(tmp_path / "t", {"{{ 'n' * 300 }}.md": "a\n"})
    with pytest.raises(TemplateError, match="nom trop long") as error:
        render_skeleton(template, DATA, tmp_path / "kit")
    assert error.value.path == str(template / SKELETON / "{{ 'n' * 300 }}.md")


def test_two_skeleton_files_rendering_to_one_path_are_refused_before_writing(tmp_path):
    template = skeleton_tree(tmp_path / "t", {"a.md": "1\n", "{{ 'a' }}.md": "2\n"})
    with pytest.raises(TemplateError, match="donnent le même fichier « a.md »"):
        render_skeleton(template, DATA, tmp_path / "kit")
    assert not (tmp_path / "kit").exists()


def test_the_non_trusted_path_never_imports_cookiecutter(tmp_path):
    template = kit_template(tmp_path / "gabarit")
    code = (
        "import sys\nfrom transfogen.kit.build import generate_kit\n"
        f"generate_kit({str(PROFILE)!r}, {str(tmp_path / 'kit')!r}, template_dir={str(template)!r})\n"
        "assert not [m for m in sys.modules if m.startswith('cookiecutter')], 'cookiecutter importé'\n"
    )
    import subprocess

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --- Links and archives -------------------------------------------------------------------------------


def _zip(tmp_path: Path, extra: zipfile.ZipInfo | None = None, content: bytes = b"") -> Path:
    archive = tmp_path / "gabarit.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(TEMPLATE.rglob("*")):
            if path.is_file():
                zipped.write(path, "transfo/" + path.relative_to(TEMPLATE).as_posix())
        if extra is not None:
            zipped.writestr(extra, content)
    return archive


def test_a_zipped_template_generates_a_kit(tmp_path):
    result = _new(tmp_path, _zip(tmp_path))
    assert result.exit_code == 0, result.output
    assert "Metz" in (tmp_path / "kit" / "LISEZMOI.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("member", ["transfo/../../evil.md", "/tmp/transfogen-evil.md", "..\\evil.md"])
def test_a_zip_member_outside_the_archive_is_refused(tmp_path, member):
    result = _new(tmp_path, _zip(tmp_path, zipfile.ZipInfo(member), b"hors de l'archive\n"))
    _assert_refused(result, 3, "chemin hors de l'archive")
    assert not (tmp_path / "evil.md").exists() and not Path("/tmp/transfogen-evil.md").exists()
    assert not (tmp_path / "kit").exists()


def test_a_symlink_inside_a_zip_is_refused(tmp_path):
    link = zipfile.ZipInfo("transfo/roles/x.md")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    result = _new(tmp_path, _zip(tmp_path, link, b"/etc/passwd"))
    _assert_refused(result, 3, "lien symbolique")
    assert not (tmp_path / "kit").exists()


def test_a_zip_bomb_is_refused_from_its_headers(tmp_path):
    """Issue 9, item 3: 1 GiB of zeros in a 1 MiB archive was unpacked in full."""
    bomb = zipfile.ZipInfo("transfo/zeros.md")
    bomb.compress_type = zipfile.ZIP_DEFLATED
    result = _new(tmp_path, _zip(tmp_path, bomb, bytes(8 * 1024 * 1024)))
    _assert_refused(result, 1, "limite dépassée : taux de compression de transfo/zeros.md (plus de 100)")
    assert not (tmp_path / "kit").exists()


def test_archive_size_and_file_count_limits_name_the_limit(tmp_path, monkeypatch):
    from transfogen.templating import template_source

    archive = _zip(tmp_path)
    monkeypatch.setattr(template_source, "ZIP_LIMITS", template_source.ZipLimits(unpacked_bytes=100_000))
    _assert_refused(_new(tmp_path, archive), 1, "limite dépassée : taille une fois décompressée")
    monkeypatch.setattr(template_source, "ZIP_LIMITS", template_source.ZipLimits(files=20))
    _assert_refused(_new(tmp_path, archive), 1, "limite dépassée : nombre de fichiers")
    assert not (tmp_path / "kit").exists()


def test_an_archive_whose_headers_lie_about_sizes_is_not_unpacked_past_them(tmp_path):
    archive = _zip(tmp_path, zipfile.ZipInfo("transfo/gros.md"), b"a" * 3_000_000)
    data = bytearray(archive.read_bytes())
    central = data.rfind(b"PK\x01\x02")  # the last member, gros.md: 10 bytes declared instead of 3,000,000
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    archive.write_bytes(bytes(data))
    result = _new(tmp_path, archive)
    _assert_refused(result, 1, str(archive))
    assert not (tmp_path / "kit").exists()


def test_an_encrypted_or_truncated_archive_is_one_line(tmp_path):
    archive = _zip(tmp_path, zipfile.ZipInfo("transfo/secret.md"), b"chiffre")
    data = bytearray(archive.read_bytes())
    central = data.rfind(b"PK\x01\x02")  # the last member: mark it encrypted (zipfile wants a password)
    local = int.from_bytes(data[central + 42 : central + 46], "little")
    data[central + 8] |= 0x1
    data[local + 6] |= 0x1
    archive.write_bytes(bytes(data))
    _assert_refused(_new(tmp_path, archive), 1, "archive zip illisible")
    archive.write_bytes(archive.read_bytes()[:5000])
    _assert_refused(_new(tmp_path, archive), 1, "archive zip illisible")
    assert not (tmp_path / "kit").exists()


def test_a_link_to_a_file_outside_the_template_is_refused_and_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("mot-de-passe-du-directeur-1234\n", encoding="utf-8")
    hostile = kit_template(tmp_path / "gabarit")
    (hostile / "roles" / "x.md").symlink_to(secret)
    result = _new(tmp_path, hostile)
    _assert_refused(result, 3, "lien vers l'extérieur du gabarit")
    assert "mot-de-passe" not in result.output
    assert not (tmp_path / "kit").exists()
    checked = _check(hostile)
    assert checked.exit_code == 1
    assert f"{hostile / 'roles' / 'x.md'}:1: lien vers l'extérieur du gabarit" in checked.output
    assert "mot-de-passe" not in checked.output


def test_a_pipe_in_a_template_folder_is_refused_instead_of_hanging(tmp_path):
    import os

    hostile = kit_template(tmp_path / "gabarit")
    os.mkfifo(hostile / SKELETON / "tube.md")
    result = _new(tmp_path, hostile)
    _assert_refused(result, 3, f"{hostile / SKELETON / 'tube.md'} : fichier spécial")
    checked = _check(hostile)
    assert checked.exit_code == 1 and f"{hostile / SKELETON / 'tube.md'}:1: fichier spécial" in checked.output


# --- Bounded work ------------------------------------------------------------------------------------

PAYLOADS = {
    "range(10**9)": ("{% for i in range(10**9) %}x{% endfor %}", "taille d'un range()"),
    "two nested loops": (
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "nombre de tours de boucle",
    ),
    "'x' * 10**10": ("{{ 'x' * 10**10 }}", "taille d'un texte ou d'une liste"),
    "[0] * 10**9": ("{{ [0] * 10**9 }}", "taille d'un texte ou d'une liste"),
    "doubling with ~": (
        "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
        "taille d'un texte ou d'une liste",
    ),
    "doubling a list": (
        "{% set l = [1] %}{% for i in range(64) %}{% set _ = l.extend(l) %}{% endfor %}",
        "taille d'un texte ou d'une liste",
    ),
    "2**10**7": ("{{ 2 ** 10000000 }}", "taille d'un nombre"),
    "squaring": (
        "{% set ns = namespace(n=3) %}{% for i in range(40) %}{% set ns.n = ns.n * ns.n %}{% endfor %}",
        "taille d'un nombre",
    ),
    "% width": ("{{ '%0999999999d' % 1 }}", "largeur demandée à un format"),
    "format width": ("{{ '{:>999999999}'.format(1) }}", "largeur demandée à un format"),
    "center filter": ("{{ 'x'|center(10**10) }}", "largeur demandée au filtre center"),
    "replace": ("{{ ('x' * 1000000).replace('x', 'x' * 1000) }}", "taille d'un texte ou d'une liste"),
    "doubling with a set block": (
        "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s %}{{ ns.s }}{{ ns.s }}{% endset %}"
        "{% endfor %}",
        "taille d'un texte ou d'une liste",
    ),
    "join with a huge separator": ("{{ range(100000)|join('y' * 1000000) }}", "taille d'un texte ou d'une liste"),
    "tojson indent": ("{{ [1, 2]|tojson(indent=10**9) }}", "largeur demandée au filtre tojson"),
    "lipsum": ("{{ lipsum(10**9) }}", "taille demandée à lipsum()"),
    "self include": ("{% include 'a.md' %}", "profondeur d'inclusion, de macro ou d'expression"),
    "recursive macro": (
        "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
        "profondeur d'inclusion, de macro ou d'expression",
    ),
}


@pytest.mark.parametrize("payload", PAYLOADS, ids=list(PAYLOADS))
def test_a_template_that_works_forever_stops_at_a_named_limit(tmp_path, payload):
    text, limit = PAYLOADS[payload]
    template = skeleton_tree(tmp_path / "t", {"a.md": f"Titre\n{text}\n"})
    with pytest.raises(TemplateError) as error:
        render_skeleton(template, DATA, tmp_path / "kit")
    assert f"limite dépassée : {limit}" in error.value.message
    assert (error.value.path, error.value.line) == (str(template / SKELETON / "a.md"), 2)
    assert not (tmp_path / "kit" / "a.md").exists()


@pytest.mark.parametrize(
    ("file", "deep"),
    [
        ("roles/x.md", "# X\n\n{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}\n"),
        ("seances/immersion.yaml", "x: " + "[" * 5000 + "]" * 5000 + "\n"),
        ("transfogen.yaml", "x: " + "[" * 5000 + "]" * 5000 + "\n"),
    ],
    ids=["expression", "session pattern", "manifest"],
)
def test_a_file_nested_too_deep_is_one_problem_for_check_and_one_line_for_new(tmp_path, file, deep):
    hostile = kit_template(tmp_path / "gabarit")
    path = hostile / file
    path.write_text(deep if file.endswith(".md") else path.read_text(encoding="utf-8") + deep, encoding="utf-8")
    checked = _check(hostile)
    assert checked.exit_code == 1 and "Traceback" not in checked.output, checked.output
    assert f"{path}:" in checked.output
    result = _new(tmp_path, hostile)
    assert result.exit_code == 1 and f"{path}:" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "kit").exists()


def test_the_time_budget_is_shared_by_the_whole_kit(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "LIMITS", sandbox.Limits(seconds=0.3))
    loop = "{% for i in range(100000) %}{% for j in range(100) %}{{ j|string }}{% endfor %}{% endfor %}"
    template = skeleton_tree(tmp_path / "t", {"a.md": "rapide\n", "b.md": loop + "\n"})
    with pytest.raises(RenderLimitError, match=r"durée de rendu \(0.3 s pour le kit\)"):
        render_skeleton(template, DATA, tmp_path / "kit")


def test_a_bounded_payload_in_a_role_sheet_fails_new_with_one_located_line(tmp_path):
    hostile = kit_template(tmp_path / "gabarit", files={"roles/elus.md": "# Élus\n\n{{ 'x' * 10**10 }}\n"})
    result = _new(tmp_path, hostile)
    _assert_refused(result, 1, f"{hostile / 'roles' / 'elus.md'}:3 : limite dépassée : taille d'un texte")
    assert not (tmp_path / "kit").exists() and not list(tmp_path.glob(".transfogen-*"))
    checked = _check(hostile)
    assert checked.exit_code == 1
    assert f"{hostile / 'roles' / 'elus.md'}:3: limite dépassée" in checked.output


def test_any_template_exception_is_one_located_line(tmp_path):
    hostile = kit_template(tmp_path / "gabarit", {"glossaire.md": "a\nb\n{{ 1 / 0 }}\n"})
    result = _new(tmp_path, hostile)
    _assert_refused(result, 1, f"{hostile / SKELETON / 'glossaire.md'}:3 : ZeroDivisionError")


def test_a_bundled_template_renders_within_every_limit(tmp_path, monkeypatch):
    # Rendered in the sandbox, as a contributed copy edited anywhere would be (precompiled.py: not outside it).
    monkeypatch.setattr(precompiled, "compiled", lambda layout, name, source: None)
    sandbox._environment.cache_clear()
    shutil.copytree(TEMPLATE, tmp_path / "copie")
    try:
        kit = generate_kit(PROFILE, tmp_path / "kit", template_dir=tmp_path / "copie")
    finally:
        sandbox._environment.cache_clear()
    assert (kit / "LISEZMOI.md").is_file()
