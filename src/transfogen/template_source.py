"""Where a template comes from, and what it may do: bundled or contributed, folder or zip.

A contributed template is someone else's work. Before anything renders, this module refuses what
could reach outside the kit (paths with `..`, absolute paths, links leaving the template) and what
would run code (cookiecutter hooks, Jinja extensions) unless the user trusts the template.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from transfogen.errors import TemplateError, UnsafeTemplateError

MANIFEST = "transfogen.yaml"


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def check_tree(root: Path) -> None:
    """Refuse links that point outside the template: a template must not read the user's files."""
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            if path.is_symlink() and not _inside(root, path):
                raise UnsafeTemplateError(f"{path}: lien vers l'extérieur du gabarit ({os.readlink(path)}), refusé")


def code_that_would_run(root: Path) -> list[str]:
    """Hooks and Jinja extensions: arbitrary Python that only `--trust` lets run."""
    found = []
    hooks = root / "hooks"
    if hooks.is_dir():
        found += [f"hook {path.relative_to(root).as_posix()}" for path in sorted(hooks.iterdir()) if path.is_file()]
    config = root / "cookiecutter.json"
    if config.is_file():
        try:
            extensions = json.loads(config.read_text(encoding="utf-8")).get("_extensions") or []
        except (ValueError, AttributeError):
            extensions = []
        if isinstance(extensions, str):  # cookiecutter wants a list; a lone name would still be loaded
            extensions = [extensions]
        found += [f"extension Jinja {name}" for name in extensions]
    return found


def _escapes(posix_path: str) -> bool:
    """An absolute path, a drive ("C:"), or a ".." part: it would land outside the folder it is put in."""
    return (
        posix_path.startswith("/")
        or ".." in PurePosixPath(posix_path).parts
        or bool(re.match(r"^[A-Za-z]:", posix_path))
    )


def check_rendered_name(template_root: Path, relative: str, rendered: str) -> None:
    """A skeleton path, once rendered, must stay inside the kit."""
    slashed = rendered.replace("\\", "/")
    # cookiecutter joins each rendered name onto the kit folder: a part that renders to an absolute
    # path (seen here as "//") would replace the kit folder instead of going inside it.
    if _escapes(slashed) or "//" in slashed:
        raise UnsafeTemplateError(
            f"{template_root / relative}: le nom de fichier devient « {rendered} », qui sortirait du dossier du kit"
        )


def _extract(archive: Path, into: Path) -> Path:
    try:
        with zipfile.ZipFile(archive) as zipped:
            for member in zipped.infolist():
                name = member.filename.replace("\\", "/")  # a Windows-made archive may use either
                if _escapes(name):
                    raise UnsafeTemplateError(f"{archive}: {member.filename}: chemin hors de l'archive, refusé")
                if (member.external_attr >> 16) & 0o170000 == 0o120000:
                    raise UnsafeTemplateError(f"{archive}: {member.filename}: lien symbolique dans l'archive, refusé")
            zipped.extractall(into)
    except zipfile.BadZipFile:
        raise TemplateError(f"{archive}: archive zip illisible") from None
    if (into / MANIFEST).is_file():
        return into
    candidates = [path.parent for path in into.glob(f"*/{MANIFEST}")]
    if len(candidates) != 1:
        raise TemplateError(f"{archive}: aucun gabarit ({MANIFEST}) à la racine de l'archive")
    return candidates[0]


@contextmanager
def open_template(path: str | Path | None, *, trust: bool = False) -> Iterator[Path]:
    """Yield the folder of a template that passed the safety checks (a zip is extracted first)."""
    from transfogen.api import bundled_template_dir

    if path is None:
        yield bundled_template_dir()
        return
    source = Path(path)
    with tempfile.TemporaryDirectory(prefix="transfogen-gabarit-") as tmp:
        if source.is_file():
            root = _extract(source, Path(tmp))
        elif source.is_dir():
            root = source
        else:
            raise TemplateError(f"{source}: gabarit introuvable (un dossier ou une archive zip est attendu)")
        if not (root / MANIFEST).is_file():
            raise TemplateError(f"{source}: ce n'est pas un gabarit transfogen ({MANIFEST} manquant)")
        check_tree(root)
        code = code_that_would_run(root)
        if code and not trust:
            raise UnsafeTemplateError(
                f"{source}: ce gabarit exécuterait du code ({', '.join(code)}) ; rien n'a été exécuté. "
                "Relancez avec --trust seulement si vous connaissez son auteur."
            )
        yield root


def template_folders() -> list[Path]:
    """Where templates are looked for: the bundled ones, then the user's folders.

    The user's folders are those listed in TRANSFOGEN_TEMPLATES (separated like PATH), then
    `$XDG_DATA_HOME/transfogen/templates` (by default `~/.local/share/transfogen/templates`).
    """
    from transfogen.api import bundled_template_dir

    folders = [bundled_template_dir().parent]
    folders += [Path(p) for p in os.environ.get("TRANSFOGEN_TEMPLATES", "").split(os.pathsep) if p]
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    folders.append(data_home / "transfogen" / "templates")
    return folders


def available_templates() -> list[tuple[Path, dict]]:
    """(folder, manifest) of every template found in `template_folders()`, bundled first."""
    import yaml

    found, seen = [], set()
    for folder in template_folders():
        if not folder.is_dir():
            continue
        for candidate in sorted(folder.iterdir()):
            manifest = candidate / MANIFEST
            if candidate.resolve() in seen or not manifest.is_file():
                continue
            seen.add(candidate.resolve())
            try:
                data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
            except yaml.YAMLError:
                data = None
            found.append((candidate, data if isinstance(data, dict) else {}))
    return found


def resolve_template(name_or_path: str | Path | None) -> str | Path | None:
    """A template given by path stays a path; a bare name is looked up in `template_folders()`."""
    if name_or_path is None or Path(name_or_path).exists():
        return name_or_path
    for folder, manifest in available_templates():
        if str(name_or_path) in (folder.name, manifest.get("name")):
            return folder
    raise TemplateError(
        f"{name_or_path}: gabarit introuvable (ni chemin, ni nom d'un gabarit installé : voir « transfogen templates list »)"
    )
