"""`transfogen new`: the kit a coordinator opens, prints and runs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from transfogen.api import plan_profile
from transfogen.cli import main
from transfogen.errors import OutputExistsError, TemplateError, UnsafeTemplateError
from transfogen.kit.build import cookiecutter_defaults, generate_kit
from transfogen.kit.markup import escape_markdown
from transfogen.planning.fr import jours_fr

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "templates" / "transfo"
ROLES = (
    "residents",
    "ambassadeurs",
    "relais",
    "agent-pilote",
    "coordination",
    "commanditaire",
    "elus",
    "services",
    "usagers",
)
DOCUMENTS = (
    "convention-de-partenariat",
    "lettre-de-mission-ambassadeur",
    "appel-a-ambassadeurs",
    "invitation-comite-de-pilotage",
    "compte-rendu-comite-de-pilotage",
    "brief-de-cas",
    "note-de-fin-de-programme",
    "notice-d-information",
    "formulaire-de-consentement",
    "registre-des-traitements",
    "guide-d-entretien",
    "protocole-de-test",
    "compte-rendu-de-test",
    "note-engagement-des-residents",
    "budget-previsionnel",
    "cadre-d-evaluation",
    "registre-des-risques",
    "plan-de-communication",
    "note-aux-encadrants",
    "plan-d-apres-programme",
)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.targets: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        for name in ("href", "src"):
            if attributes.get(name):
                self.targets.append(attributes[name])


def _profile(tmp_path: Path, **changes) -> Path:
    data = yaml.safe_load((REPO / "examples" / "strasbourg.yaml").read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        node = data
        *parents, last = dotted.split(".")
        for key in parents:
            node = node[key]
        node[last] = value
    path = tmp_path / "profil.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_every_example_kit_has_the_whole_structure(kits, examples_dir):
    for name, kit in kits.items():
        programme = plan_profile(examples_dir / f"{name}.yaml")
        for path in (
            "LISEZMOI.md",
            "index.html",
            "programme.md",
            "principes.md",
            "glossaire.md",
            "calendrier/calendrier.ics",
            "calendrier/calendrier.csv",
            "calendrier/calendrier.md",
            "roles/matrice-des-responsabilites.md",
            "site/index.html",
            "site/style.css",
            ".transfogen/profil.yaml",
            ".transfogen/gabarit.json",
        ):
            assert (kit / path).is_file(), f"{name}: {path} manque"
        assert sorted(p.stem for p in (kit / "roles").glob("*.md")) == sorted([*ROLES, "matrice-des-responsabilites"])
        assert sorted(p.stem for p in (kit / "documents").glob("*.md")) == sorted(DOCUMENTS)
        sheets = sorted(p.name for p in (kit / "seances").glob("*.md"))
        assert sheets == [f"seance-{s.number:02d}.md" for s in programme.sessions], name
        assert len(list((kit / "methodes").glob("*.md"))) >= 24
        assert (kit / ".transfogen" / "profil.yaml").read_bytes() == (examples_dir / f"{name}.yaml").read_bytes()


def test_kit_is_tailored_to_its_collectivity(kits, examples_dir):
    for name, kit in kits.items():
        programme = plan_profile(examples_dir / f"{name}.yaml")
        profile = programme.profile
        for page in ("LISEZMOI.md", "programme.md", "documents/convention-de-partenariat.md", "roles/ambassadeurs.md"):
            assert profile.collectivity.name in (kit / page).read_text(encoding="utf-8"), f"{name}: {page}"
        programme_md = (kit / "programme.md").read_text(encoding="utf-8")
        for case in profile.cases:
            if any(profile.cases.index(case) + 1 in s.cases for s in programme.sessions):
                assert case.title in programme_md
        for session in programme.sessions:
            sheet = (kit / f"seances/seance-{session.number:02d}.md").read_text(encoding="utf-8")
            assert jours_fr(session.days) in sheet, f"{name} séance {session.number}: dates"
            if session.site:
                assert session.site in sheet
            if session.case is not None and session.case <= len(profile.cases):
                assert profile.cases[session.case - 1].title in sheet
        ambassadors = next(b for b in programme.budgets if b.role == "ambassadeurs")
        from transfogen.planning.fr import jours

        assert jours(ambassadors.days) in (kit / "roles/ambassadeurs.md").read_text(encoding="utf-8")


def test_every_internal_link_of_the_site_resolves(kits):
    for name, kit in kits.items():
        pages = [kit / "index.html", *sorted((kit / "site").rglob("*.html"))]
        assert len(pages) > 40
        ids: dict[Path, set[str]] = {}
        links: list[tuple[Path, str]] = []
        for page in pages:
            parser = _Links()
            parser.feed(page.read_text(encoding="utf-8"))
            ids[page.resolve()] = parser.ids
            links += [(page, target) for target in parser.targets]
        for page, target in links:
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                assert not target.startswith(("http:", "https:", "javascript:")), f"{name}: {page}: {target}"
                continue
            path, _, fragment = target.partition("#")
            resolved = (page.parent / path).resolve() if path else page.resolve()
            assert resolved.is_file(), f"{name}: {page.relative_to(kit)} → {target}"
            if fragment and resolved.suffix == ".html":
                if resolved not in ids:
                    parser = _Links()
                    parser.feed(resolved.read_text(encoding="utf-8"))
                    ids[resolved] = parser.ids
                assert fragment in ids[resolved], f"{name}: {page.relative_to(kit)} → {target}"


def test_profile_data_is_never_code_and_never_markup(tmp_path):
    name = "<script>alert(1)</script> {{ 7*7 }} {% raw %}"
    case = "{{ cycler.__init__.__globals__.os.getpid() }}"
    profile = _profile(tmp_path, **{"collectivity.name": name})
    data = yaml.safe_load(profile.read_text(encoding="utf-8"))
    data["cases"][0]["title"] = case
    profile.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    kit = generate_kit(profile, tmp_path / "kit")
    readme = (kit / "LISEZMOI.md").read_text(encoding="utf-8")
    # In Markdown the values are escaped, so that they render as the characters the profile gives.
    assert escape_markdown(name) in readme and "49" not in readme.split("\n")[0]
    assert escape_markdown(case) in (kit / "programme.md").read_text(encoding="utf-8")
    for page in [kit / "index.html", *(kit / "site").rglob("*.html")]:
        html = page.read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in html, page
        assert "<script" not in html, page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (kit / "site" / "programme.html").read_text(encoding="utf-8")


def test_two_runs_give_identical_bytes(tmp_path, examples_dir):
    first = generate_kit(examples_dir / "paris.yaml", tmp_path / "a")
    second = generate_kit(examples_dir / "paris.yaml", tmp_path / "b")
    assert _files(first) == _files(second)


def test_a_failed_run_leaves_nothing_behind(tmp_path, examples_dir):
    broken = tmp_path / "gabarit"
    shutil.copytree(TEMPLATE, broken)
    (broken / "roles" / "elus.md").write_text("# Élus\n\n{{ kit.collectivity.nom_inexistant }}\n", encoding="utf-8")
    out = tmp_path / "sortie" / "kit"
    with pytest.raises(TemplateError) as error:
        generate_kit(examples_dir / "metz.yaml", out, template_dir=broken)
    assert "roles/elus.md" in str(error.value)
    assert not out.exists()
    assert not (tmp_path / "sortie").exists()  # nor the parent folder the run created


def test_a_non_empty_folder_is_refused_without_force(tmp_path, examples_dir):
    out = tmp_path / "kit"
    out.mkdir()
    (out / "notes.txt").write_text("mes notes", encoding="utf-8")
    with pytest.raises(OutputExistsError):
        generate_kit(examples_dir / "metz.yaml", out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mes notes"
    result = CliRunner().invoke(main, ["new", str(examples_dir / "metz.yaml"), "-o", str(out)])
    assert result.exit_code == 1 and "--force" in result.stderr and "Traceback" not in result.output


def test_force_never_replaces_a_folder_that_is_not_a_kit_and_says_what_is_there(tmp_path, examples_dir):
    out = tmp_path / "dossier"
    for name, text in {"Documents/these.odt": "ma thèse", ".ssh/id_rsa": "clé", "profil.yaml": "x"}.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    before = _files(out)
    result = CliRunner().invoke(main, ["new", str(examples_dir / "metz.yaml"), "-o", str(out), "--force"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "n'est pas un kit transfogen" in result.stderr
    assert ".ssh/, Documents/, profil.yaml" in result.stderr
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dossier"]


def test_force_keeps_the_previous_kit_aside_and_names_it(tmp_path, examples_dir):
    out = tmp_path / "kit"
    generate_kit(examples_dir / "metz.yaml", out)
    (out / "mes-notes.md").write_text("Compte rendu du 3 mars", encoding="utf-8")
    profile = out / ".transfogen" / "profil.yaml"  # the profile given lives inside the kit it replaces
    for number in (1, 2):
        result = CliRunner().invoke(main, ["new", str(profile), "-o", str(out), "--force"])
        assert result.exit_code == 0, result.output
        backup = tmp_path / f"kit.ancien-{number}"
        assert f"L'ancien kit est conservé dans {backup}." in result.stderr
        assert (backup / "LISEZMOI.md").is_file()
        profile = backup / ".transfogen" / "profil.yaml"
    assert (tmp_path / "kit.ancien-1" / "mes-notes.md").read_text(encoding="utf-8") == "Compte rendu du 3 mars"
    assert not (out / "mes-notes.md").exists() and (out / "LISEZMOI.md").is_file()
    assert not list(tmp_path.glob(".transfogen-*"))


def test_a_folder_created_at_the_target_during_the_build_is_never_replaced(tmp_path, examples_dir, monkeypatch):
    import transfogen.kit.build

    out = tmp_path / "kit"
    build = transfogen.kit.build.build_kit

    def build_while_someone_writes(*args, **kwargs):
        kit = build(*args, **kwargs)
        out.mkdir()
        (out / "notes.txt").write_text("écrit pendant la génération", encoding="utf-8")
        return kit

    monkeypatch.setattr(transfogen.kit.build, "build_kit", build_while_someone_writes)
    with pytest.raises(OutputExistsError, match="a changé pendant la génération"):
        generate_kit(examples_dir / "metz.yaml", out)
    assert _files(out) == {"notes.txt": "écrit pendant la génération".encode()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kit"]


def test_an_empty_folder_given_as_target_receives_the_kit(tmp_path, examples_dir):
    out = tmp_path / "kit"
    out.mkdir()
    generate_kit(examples_dir / "metz.yaml", out)
    assert (out / "LISEZMOI.md").is_file() and sorted(p.name for p in tmp_path.iterdir()) == ["kit"]


def _run_new(*args: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "transfogen", "new", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_four_concurrent_runs_into_one_target_one_wins_and_no_kit_vanishes(tmp_path, examples_dir):
    profile = str(examples_dir / "metz.yaml")
    runs = [_run_new(profile, "-o", "kit", cwd=tmp_path) for _ in range(4)]
    outcomes = [(run.wait(timeout=300), run.stderr.read()) for run in runs]
    assert sorted(code for code, _ in outcomes) == [0, 1, 1, 1], outcomes
    for code, stderr in outcomes:
        assert code == 0 or ("a changé pendant la génération" in stderr and stderr.count("\n") == 1), stderr
    assert (tmp_path / "kit" / "index.html").is_file()

    runs = [_run_new(profile, "-o", "kit", "--force", cwd=tmp_path) for _ in range(4)]
    outcomes = [(run.wait(timeout=300), run.stderr.read()) for run in runs]
    assert all(code == 0 or "a changé pendant la génération" in err for code, err in outcomes), outcomes
    kits = [tmp_path / "kit", *tmp_path.glob("kit.ancien-*")]
    assert all((kit / ".transfogen" / "profil.yaml").is_file() for kit in kits)
    assert len(kits) == 1 + sum(code == 0 for code, _ in outcomes)  # the first kit and every new one
    assert not list(tmp_path.glob(".transfogen-*"))


@pytest.mark.slow
def test_a_killed_run_leaves_a_build_folder_that_the_next_run_removes(tmp_path, examples_dir):
    import signal
    import time

    run = _run_new(str(examples_dir / "metz.yaml"), "-o", "kit", cwd=tmp_path)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(f".transfogen-{run.pid}-*/kit")) and time.monotonic() < deadline:
        time.sleep(0.01)
    run.send_signal(signal.SIGKILL)
    run.wait()
    (leftover,) = tmp_path.glob(".transfogen-*")
    again = CliRunner().invoke(main, ["new", str(examples_dir / "metz.yaml"), "-o", str(tmp_path / "kit")])
    assert again.exit_code == 0, again.output
    assert not leftover.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["kit"]


def test_a_build_folder_of_a_live_run_is_left_alone(tmp_path, examples_dir):
    live = tmp_path / f".transfogen-{os.getpid()}-abcd1234"
    live.mkdir()
    mine = tmp_path / ".transfogen-notes"  # not a name transfogen makes: never touched
    mine.mkdir()
    generate_kit(examples_dir / "metz.yaml", tmp_path / "kit")
    assert live.is_dir() and mine.is_dir()


@pytest.fixture
def small_disk(tmp_path):
    """A 1.5 MiB tmpfs where the test can mount one (root), else None."""
    disk = tmp_path / "disque"
    disk.mkdir()
    mounted = (
        os.geteuid() == 0
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1536k", "tmpfs", str(disk)], capture_output=True
        ).returncode
        == 0
    )
    yield disk if mounted else None
    if mounted:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_full_disk_gives_one_line_and_leaves_nothing(tmp_path, examples_dir, small_disk, monkeypatch):
    import errno

    import transfogen.kit.build

    if small_disk is None:  # no tmpfs here: the disk fills up at the first file of the sessions

        def full(path, content):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))

        monkeypatch.setattr(transfogen.kit.build, "_write", full)
    disk = small_disk or tmp_path
    result = CliRunner().invoke(main, ["new", str(examples_dir / "metz.yaml"), "-o", str(disk / "kit")])
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Erreur : {disk / 'kit'} : le kit ne peut pas être écrit (plus de place sur le disque) ; rien n'a été laissé\n"
    )
    assert not (disk / "kit").exists() and not list(disk.glob(".transfogen-*"))


@pytest.mark.parametrize("atomic", [True, False], ids=["renameat2", "without renameat2"])
def test_the_final_move_never_replaces_a_folder_even_empty(tmp_path, monkeypatch, atomic):
    from transfogen.kit import files

    if not atomic:
        monkeypatch.setattr(files, "_renameat2", lambda: None)
    (tmp_path / "neuf").mkdir()
    (tmp_path / "neuf" / "a.md").write_text("nouveau", encoding="utf-8")
    for existing in ("vide", "plein"):
        (tmp_path / existing).mkdir()
    (tmp_path / "plein" / "b.md").write_text("à moi", encoding="utf-8")
    for existing in ("vide", "plein"):
        with pytest.raises(FileExistsError):
            files.rename_noreplace(tmp_path / "neuf", tmp_path / existing)
    files.rename_noreplace(tmp_path / "neuf", tmp_path / "libre")
    assert _files(tmp_path) == {"libre/a.md": b"nouveau", "plein/b.md": "à moi".encode()}


def test_a_mount_point_as_target_gives_one_line_and_stays_mounted(tmp_path, examples_dir, small_disk, monkeypatch):
    import errno

    target = small_disk
    if target is None:  # no tmpfs here: the system refuses to remove the folder as it would a mount point
        target = tmp_path / "montage"
        target.mkdir()
        rmdir = Path.rmdir

        def busy(path):
            if path == target:
                raise OSError(errno.EBUSY, "Device or resource busy", str(path))
            rmdir(path)

        monkeypatch.setattr(Path, "rmdir", busy)
    result = CliRunner().invoke(main, ["new", str(examples_dir / "metz.yaml"), "-o", str(target)])
    assert result.exit_code == 1 and "point de montage" in result.stderr and result.stderr.count("\n") == 1
    assert target.is_dir() and list(target.iterdir()) == []


def test_a_read_only_or_unwritable_parent_gives_one_line(tmp_path, examples_dir, small_disk):
    if small_disk is not None:
        subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
        parent, reason = small_disk, "système de fichiers en lecture seule"
    else:
        parent, reason = tmp_path / "lecture", "permission refusée"
        parent.mkdir(mode=0o555)
    result = CliRunner().invoke(main, ["new", str(examples_dir / "metz.yaml"), "-o", str(parent / "kit")])
    assert result.exit_code == 1 and f"({reason})" in result.stderr and "Traceback" not in result.output
    (tmp_path / "fichier").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["new", str(examples_dir / "metz.yaml"), "-o", str(tmp_path / "fichier" / "kit")])
    assert result.exit_code == 1 and "le kit ne peut pas être écrit" in result.stderr
    assert result.stderr.count("\n") == 1


def test_nothing_is_written_to_home_and_cookiecutterrc_is_ignored(tmp_path, examples_dir):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".cookiecutterrc").write_text(
        "default_context:\n  slug: detourne\nreplay_dir: " + str(home / "replay") + "\n", encoding="utf-8"
    )
    before = _files(home)
    env = {**os.environ, "HOME": str(home), "COOKIECUTTER_CONFIG": str(home / ".cookiecutterrc")}
    for out in ("a", "b"):
        done = subprocess.run(
            [sys.executable, "-m", "transfogen", "new", str(examples_dir / "lille.yaml"), "-o", str(tmp_path / out)],
            env=env,
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr
        env = {**os.environ}  # the second run uses the real environment: the kits must not differ
    assert _files(home) == before
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_plain_cookiecutter_renders_the_template(tmp_path):
    cookiecutter = Path(sys.executable).with_name("cookiecutter")
    env = {**os.environ, "HOME": str(tmp_path)}
    done = subprocess.run(
        [str(cookiecutter), str(TEMPLATE), "--no-input", "-o", str(tmp_path / "out")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    (kit,) = (tmp_path / "out").iterdir()
    assert "Eurométropole de Strasbourg" in (kit / "LISEZMOI.md").read_text(encoding="utf-8")
    assert (kit / "documents" / "lettre-de-mission-ambassadeur.md").is_file()


@pytest.mark.parametrize("name", ["transfo", "residence"])
def test_transfogens_renderer_writes_the_same_skeleton_as_cookiecutter(tmp_path, name):
    from transfogen.kit.build import _render_with_cookiecutter
    from transfogen.templating.skeleton import render_skeleton
    from transfogen.templating.template import load_template

    template = load_template(REPO / "templates" / name)
    data = json.loads((template.root / "cookiecutter.json").read_text(encoding="utf-8"))
    data["_kit"]["collectivity"]["name"] = "Ville d'*Essai* {{ 7*7 }}"  # data, never code, in both
    own = render_skeleton(template.root, data, tmp_path / "own")
    work = tmp_path / "cc"
    work.mkdir()
    theirs = _render_with_cookiecutter(template, data, work, work / "kit")
    assert _files(own) == _files(theirs)
    assert "Ville d'*Essai* {{ 7*7 }}" in (own / "LISEZMOI.md").read_text(encoding="utf-8")


def test_cookiecutter_json_matches_the_templates_example():
    stored = json.loads((TEMPLATE / "cookiecutter.json").read_text(encoding="utf-8"))
    example = yaml.safe_load((TEMPLATE / "transfogen.yaml").read_text(encoding="utf-8"))["example"]
    fresh = json.loads(json.dumps(cookiecutter_defaults(TEMPLATE, REPO / "examples" / f"{example}.yaml")))
    assert stored == fresh, "cookiecutter.json est périmé : lancez python scripts/refresh_cookiecutter_json.py"


def test_the_cookiecutter_sandbox_seam_is_where_we_patch_it():
    import cookiecutter.generate
    import cookiecutter.hooks
    import cookiecutter.prompt
    import cookiecutter.utils

    for module in (cookiecutter.generate, cookiecutter.hooks, cookiecutter.prompt):
        assert module.create_env_with_context is cookiecutter.utils.create_env_with_context


def test_a_skeleton_escape_is_stopped_by_the_sandbox(tmp_path, examples_dir):
    hostile = tmp_path / "gabarit"
    shutil.copytree(TEMPLATE, hostile)
    (hostile / "{{cookiecutter.slug}}" / "glossaire.md").write_text(
        "{{ cycler.__init__.__globals__.os.system('touch " + str(tmp_path / "pwned") + "') }}\n", encoding="utf-8"
    )
    with pytest.raises(UnsafeTemplateError) as error:
        generate_kit(examples_dir / "metz.yaml", tmp_path / "kit", template_dir=hostile)
    assert str(hostile) in str(error.value)
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "kit").exists()


def test_new_asks_the_questions_when_no_profile_is_given(tmp_path):
    answers = (
        "\n".join(
            [
                "Ville d'Arles",  # name
                "commune",
                "99",  # unknown department: asked again
                "13",
                "Hôtel de ville, Espace Van Gogh",  # sites
                "",  # network
                "2027-02-30",  # impossible date: asked again
                "2027-03-01",
                "12",
                "2",
                "mar, mer, jeudi",
                "y",
                "3",
                "18",
                "Accueil en mairie annexe",
                "Direction de la relation aux usagers",
                "",
            ]
        )
        + "\n"
    )
    result = CliRunner().invoke(main, ["new", "-o", str(tmp_path / "arles")], input=answers)
    assert result.exit_code == 0, result.output
    kit = tmp_path / "arles"
    saved = yaml.safe_load((kit / ".transfogen" / "profil.yaml").read_text(encoding="utf-8"))
    assert saved["collectivity"]["department"] == "13"
    assert saved["program"]["weekdays"] == ["tue", "wed", "thu"]
    assert saved["cases"] == [{"title": "Accueil en mairie annexe", "service": "Direction de la relation aux usagers"}]
    assert "Ville d'Arles" in (kit / "LISEZMOI.md").read_text(encoding="utf-8")
    again = CliRunner().invoke(main, ["new", str(kit / ".transfogen" / "profil.yaml"), "-o", str(tmp_path / "bis")])
    assert again.exit_code == 0, again.output
    assert _files(tmp_path / "bis") == _files(kit)


def test_a_collectivity_without_network_gets_no_inter_collectivity_preparation(tmp_path):
    alone = generate_kit(_profile(tmp_path, **{"collectivity.network": []}), tmp_path / "seule")
    for sheet in (alone / "seances").glob("*.md"):
        assert "methodes/inter-collectivites.md" not in sheet.read_text(encoding="utf-8"), sheet.name
    networked = generate_kit(REPO / "examples" / "strasbourg.yaml", tmp_path / "reseau")
    assert any(
        "methodes/inter-collectivites.md" in s.read_text(encoding="utf-8") for s in (networked / "seances").glob("*.md")
    )
