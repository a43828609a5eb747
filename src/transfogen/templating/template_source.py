"""Where a template comes from, and what it may do: bundled or contributed, folder or zip.

A contributed template is someone else's work. Before anything renders, this module refuses what
could reach outside the kit (paths with `..`, absolute paths, links leaving the template), what would
run code (cookiecutter hooks, Jinja extensions, nested templates) unless the user trusts the template,
and an archive too big to unpack (`ZIP_LIMITS`, checked on the zip's headers and again while unpacking).
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from transfogen.errors import TemplateError, UnsafeTemplateError
from transfogen.records import record

if TYPE_CHECKING:
    import zipfile

MANIFEST = "transfogen.yaml"


@record
class ZipLimits:
    """What a template archive may unpack to (SECURITY.md lists them)."""

    unpacked_bytes: int = 100 * 1024 * 1024  # 100 Mio in all
    files: int = 5_000
    ratio: int = 100  # unpacked size / packed size, for a file of more than `ratio_from` bytes
    ratio_from: int = 1024 * 1024


ZIP_LIMITS = ZipLimits()


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def check_tree(root: Path) -> None:
    """Refuse what a template must not make transfogen read: links pointing outside the template (the
    user's files), special files (a pipe or a device would block or never end), huge files."""
    try:
        for folder, dirs, files in os.walk(root):
            for name in dirs + files:
                _check_entry(root, Path(folder) / name)
    except RecursionError:
        raise TemplateError("arborescence trop profonde", path=root) from None


def _check_entry(root: Path, path: Path) -> None:
    if path.is_symlink() and not _inside(root, path):
        raise UnsafeTemplateError(f"lien vers l'extérieur du gabarit ({os.readlink(path)}), refusé", path=path)
    try:
        info = path.stat()
    except OSError:
        return  # a dangling link inside the template: reading it fails later, with its name
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        raise UnsafeTemplateError("fichier spécial (tube, périphérique…), refusé", path=path)
    if info.st_size > ZIP_LIMITS.unpacked_bytes:
        raise TemplateError(
            f"limite dépassée : taille d'un fichier ({ZIP_LIMITS.unpacked_bytes // 1024 // 1024} Mio)", path=path
        )


@record
class CodeFinding:
    """Something in a template that would make cookiecutter load or run code."""

    what: str  # "hook hooks/pre_gen_project.py", "extension Jinja x.Y"…
    path: Path
    line: int


_VCS = {".git", ".hg", ".svn"}


def code_in_template(root: Path) -> list[CodeFinding]:
    """Hooks, Jinja extensions, nested templates: what only `--trust` lets run (through cookiecutter).

    transfogen's own renderer never acts on them; they are refused all the same, so that a template
    never behaves differently, or runs code, depending on who renders it.
    """
    from transfogen.templating.skeleton import CONFIG

    root = Path(root)
    found = _config_code(root)
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if d not in _VCS)  # git's own hooks are not the template's
        if here.name == "hooks":
            found += [
                CodeFinding(f"hook {(here / name).relative_to(root).as_posix()}", here / name, 1)
                for name in sorted(files)
            ]
        if CONFIG in files and here != root:
            nested = here / CONFIG
            found.append(CodeFinding(f"gabarit imbriqué {nested.relative_to(root).as_posix()}", nested, 1))
    return found


def _config_code(root: Path) -> list[CodeFinding]:
    """What the root `cookiecutter.json` would make cookiecutter load, each at the line of its key."""
    from transfogen.templating.sandbox import LAYOUT_ENV_VARS
    from transfogen.templating.skeleton import CONFIG, read_config

    found: list[CodeFinding] = []
    if not (root / CONFIG).is_file():
        return found
    try:
        config = read_config(root)
    except TemplateError:
        return found  # reported where the config is read; an unreadable file loads nothing
    values = config.values
    for key in ("template", "templates"):
        if key in values:
            found.append(CodeFinding(f"gabarits imbriqués ({key})", config.path, config.line(key)))
    extensions = values.get("_extensions") or []
    if isinstance(extensions, str):  # cookiecutter wants a list; a lone name would still be loaded
        extensions = [extensions]
    if not isinstance(extensions, list):
        extensions = [json.dumps(extensions, ensure_ascii=False)]
    found += [CodeFinding(f"extension Jinja {name}", config.path, config.line("_extensions")) for name in extensions]
    env_vars = values.get("_jinja2_env_vars")
    if isinstance(env_vars, dict):
        found += [
            CodeFinding(f"option Jinja _jinja2_env_vars.{key}", config.path, config.line("_jinja2_env_vars", key))
            for key in env_vars
            if key not in LAYOUT_ENV_VARS
        ]
    elif env_vars:
        found.append(CodeFinding("option Jinja _jinja2_env_vars", config.path, config.line("_jinja2_env_vars")))
    return found


def refuse_code(root: Path, source: Path | str) -> None:
    """Stop, before anything renders, a template that would run code (when --trust was not given)."""
    found = code_in_template(root)
    if found:
        raise UnsafeTemplateError(
            f"ce gabarit exécuterait du code ({', '.join(f.what for f in found)}) ; rien n'a été exécuté. "
            "Relancez avec --trust seulement si vous connaissez son auteur.",
            path=found[0].path,
            line=found[0].line,
        )


def _escapes(posix_path: str) -> bool:
    """An absolute path, a drive ("C:"), or a ".." part: it would land outside the folder it is put in."""
    return (
        posix_path.startswith("/")
        or ".." in PurePosixPath(posix_path).parts
        or bool(re.match(r"^[A-Za-z]:", posix_path))
    )


def _too_big(archive: Path, limit: str) -> TemplateError:
    return TemplateError(f"archive refusée, limite dépassée : {limit}", path=archive)


def _check_headers(archive: Path, members: list[zipfile.ZipInfo]) -> None:
    limits = ZIP_LIMITS
    if len(members) > limits.files:
        raise _too_big(archive, f"nombre de fichiers ({len(members)} pour {limits.files} au plus)")
    for member in members:
        name = member.filename.replace("\\", "/")  # a Windows-made archive may use either
        if _escapes(name):
            raise UnsafeTemplateError("chemin hors de l'archive, refusé", path=archive, key=member.filename)
        if (member.external_attr >> 16) & 0o170000 == 0o120000:
            raise UnsafeTemplateError("lien symbolique dans l'archive, refusé", path=archive, key=member.filename)
        if member.file_size > limits.ratio_from and member.file_size > limits.ratio * max(member.compress_size, 1):
            raise _too_big(archive, f"taux de compression de {member.filename} (plus de {limits.ratio})")
    if sum(member.file_size for member in members) > limits.unpacked_bytes:
        raise _too_big(archive, f"taille une fois décompressée ({limits.unpacked_bytes // 1024 // 1024} Mio)")


def _unpack(archive: Path, zipped: zipfile.ZipFile, members: list[zipfile.ZipInfo], into: Path) -> None:
    """Unpack member by member, counting the bytes really written: the headers may lie."""
    written = 0
    for member in members:
        target = into / member.filename.replace("\\", "/")
        if member.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipped.open(member) as source, open(target, "wb") as out:
            size = 0
            while chunk := source.read(1024 * 1024):
                size, written = size + len(chunk), written + len(chunk)
                if size > member.file_size:
                    raise _too_big(archive, f"{member.filename} est plus grand que ne le dit l'archive")
                if written > ZIP_LIMITS.unpacked_bytes:
                    raise _too_big(
                        archive, f"taille une fois décompressée ({ZIP_LIMITS.unpacked_bytes // 1024 // 1024} Mio)"
                    )
                out.write(chunk)


def _extract(archive: Path, into: Path) -> Path:
    import zipfile  # a zip template only: not on every start-up
    import zlib

    try:
        with zipfile.ZipFile(archive) as zipped:
            members = zipped.infolist()
            _check_headers(archive, members)
            _unpack(archive, zipped, members, into)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, RuntimeError, ValueError) as error:
        # RuntimeError: an encrypted member; NotImplementedError: a compression zipfile does not know
        raise TemplateError(f"archive zip illisible ({error})", path=archive) from None
    except OSError as error:
        reason = "disque plein" if error.errno == errno.ENOSPC else error.strerror
        raise TemplateError(f"archive impossible à décompresser ({reason})", path=archive) from None
    if (into / MANIFEST).is_file():
        return into
    candidates = [path.parent for path in into.glob(f"*/{MANIFEST}")]
    if len(candidates) != 1:
        raise TemplateError(f"aucun gabarit ({MANIFEST}) à la racine de l'archive", path=archive)
    return candidates[0]


@contextmanager
def open_template(path: str | Path | None, *, trust: bool = False, renders: bool = True) -> Iterator[Path]:
    """Yield the folder of a template that passed the safety checks (a zip is extracted first).

    A caller that `renders` the template's files refuses one that would run code, unless `trust`.
    """
    from transfogen.api import bundled_template_dir

    if path is None:
        yield bundled_template_dir()
        return
    import tempfile

    source = Path(path)
    with tempfile.TemporaryDirectory(prefix="transfogen-gabarit-") as tmp:
        if source.is_file():
            root = _extract(source, Path(tmp))
        elif source.is_dir():
            root = source
        else:
            raise TemplateError("gabarit introuvable (un dossier ou une archive zip est attendu)", path=source)
        if not (root / MANIFEST).is_file():
            raise TemplateError(f"ce n'est pas un gabarit transfogen ({MANIFEST} manquant)", path=source)
        check_tree(root)
        if renders and not trust:
            refuse_code(root, source)
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
