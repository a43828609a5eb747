"""The kit's fixed skeleton (`{{cookiecutter.slug}}/`), rendered as cookiecutter would, in our own sandbox.

A kit template keeps cookiecutter's format, so plain `cookiecutter --no-input` still renders a bundled
template. But cookiecutter itself runs code a contributed template names (hooks, Jinja extensions,
nested templates) and deletes the folders its `_copy_without_render` points at; so transfogen renders
the skeleton with its sandboxed, bounded environment (sandbox.py), implementing the part of the
format a kit template uses:

- `cookiecutter.json`: public variables rendered in order (a list gives its first choice, a boolean
  stays as it is, dictionaries come in a second pass), private `_` variables copied raw, `__` ones
  rendered; the values transfogen passes (`slug`, `_kit`) are data and are never rendered;
- file and folder names rendered; a file or a folder whose name renders empty is not created;
- `_copy_without_render` (fnmatch patterns on the path inside the skeleton): copied as is, only the
  name rendered; binary files are copied as is too;
- each file keeps the line ending of its first line (or `_new_lines`).

Every path is rendered and checked, on the exact value that will be written, before anything is
written; files are created only inside a fresh folder, never replacing one. cookiecutter's own
extensions (`now`, `jsonify`, `slugify`…) and `_template`-style variables are not provided.
"""

from __future__ import annotations

import errno
import fnmatch
import functools
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transfogen.errors import TemplateError, UnsafeTemplateError, os_error_message

if TYPE_CHECKING:
    from transfogen.templating.sandbox import BoundedSandbox

SKELETON = "{{cookiecutter.slug}}"
CONFIG = "cookiecutter.json"
_NEWLINES = ("\r\n", "\n", "\r")


@dataclass(frozen=True)
class Config:
    """A template's `cookiecutter.json`, with the line of each key (a path of keys: `("_kit", "program")`)."""

    path: Path
    values: dict[str, Any]
    text: str

    @functools.cached_property
    def lines(self) -> dict[tuple[str, ...], int]:
        # Only an error needs a line: scanning the example context every kit costs more than rendering it.
        return key_lines(self.text)

    def line(self, *keys: str) -> int:
        return self.lines.get(keys, 1)


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line of every object key of a valid JSON text, by its path of keys (arrays add no step)."""
    lines: dict[tuple[str, ...], int] = {}
    stack: list[list[Any]] = []  # one [opening bracket, current key] per open container
    last: tuple[str, int] | None = None
    index, line = 0, 1
    while index < len(text):
        char = text[index]
        if char == "\n":
            line += 1
        elif char == '"':
            end = index + 1
            while text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            last = (json.loads(text[index : end + 1]), line)
            index = end
        elif char in "{[":
            stack.append([char, None])
        elif char in "}]":
            stack.pop()
        elif char == ":" and last is not None and stack and stack[-1][0] == "{":
            stack[-1][1] = last[0]
            lines.setdefault(tuple(key for bracket, key in stack if bracket == "{"), last[1])
        index += 1
    return lines


def read_config(root: Path) -> Config:
    path = root / CONFIG
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TemplateError("fichier manquant", path=path) from None
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateError(f"fichier illisible ({error})", path=path) from None
    try:
        values = json.loads(text)
    except json.JSONDecodeError as error:
        raise TemplateError(f"JSON illisible : {error.msg}", path=path, line=error.lineno) from None
    except RecursionError:
        raise TemplateError("JSON trop profondément imbriqué", path=path) from None
    if not isinstance(values, dict):
        raise TemplateError("un objet JSON est attendu", path=path, line=1)
    return Config(path, values, text)


@dataclass(frozen=True)
class Entry:
    """One file of the kit's skeleton: where it comes from and where it goes."""

    source: Path  # the file in the template
    name: str  # its path inside the skeleton, as the Jinja loader knows it
    target: str  # the rendered path inside the kit ("/"-separated)
    render: bool  # False: copied as is (`_copy_without_render` or binary)


@dataclass(frozen=True)
class Skeleton:
    entries: tuple[Entry, ...]
    variables: dict[str, Any]  # what templates see as `cookiecutter`
    env: BoundedSandbox  # the sandboxed environment of this skeleton (cached: compiled once per template folder)
    newline: str | None  # `_new_lines`, when the template sets it


def _render_value(env: BoundedSandbox, raw: Any, variables: dict, config: Config, key: str) -> Any:
    """cookiecutter's `render_variable`, in the sandbox: nested values rendered, scalars as text."""
    from transfogen.templating.sandbox import render_string

    if raw is None or isinstance(raw, bool):
        return raw
    if isinstance(raw, dict):
        return {
            _render_value(env, k, variables, config, key): _render_value(env, v, variables, config, key)
            for k, v in raw.items()
        }
    if isinstance(raw, list):
        return [_render_value(env, item, variables, config, key) for item in raw]
    return render_string(env, str(raw), config.path, config.line(key), cookiecutter=variables)


def _variables(config: Config, env: BoundedSandbox, data: dict[str, Any]) -> dict[str, Any]:
    """What templates see as `cookiecutter`: `data` as given, the other variables rendered in order."""
    values = {key: value for key, value in config.values.items() if key != "__prompts__"}
    variables: dict[str, Any] = {}
    for key, raw in values.items():  # first pass, as cookiecutter: everything but dictionaries
        if key in data:
            variables[key] = data[key]
        elif key.startswith("_") and not key.startswith("__"):
            variables[key] = raw
        elif key.startswith("__"):
            variables[key] = _render_value(env, raw, variables, config, key)
        elif isinstance(raw, list):
            choices = [_render_value(env, choice, variables, config, key) for choice in raw]
            if not choices:
                raise TemplateError("une liste de choix vide", path=config.path, line=config.line(key), key=key)
            variables[key] = choices[0]
        elif not isinstance(raw, dict):
            variables[key] = _render_value(env, raw, variables, config, key)
    for key, raw in values.items():  # second pass: dictionaries may use the variables above
        if key not in data and isinstance(raw, dict) and not (key.startswith("_") and not key.startswith("__")):
            variables[key] = _render_value(env, raw, variables, config, key)
    return {**variables, **{key: value for key, value in data.items() if key not in variables}}


def _check_target(template_root: Path, relative: str, rendered: str) -> str | None:
    """The kit path a skeleton path renders to, refused if it would leave the kit; None: not created."""
    where = template_root / SKELETON / relative
    escapes = (
        rendered.startswith(("/", "\\"))
        or bool(re.match(r"^[A-Za-z]:", rendered))
        or ".." in re.split(r"[/\\]", rendered)
    )
    if escapes:
        raise UnsafeTemplateError(
            f"le nom de fichier devient « {rendered} », qui sortirait du dossier du kit", path=where
        )
    if "\\" in rendered or "\0" in rendered:
        raise UnsafeTemplateError(
            f"le nom de fichier devient « {rendered!r} » : « \\ » et le caractère nul sont interdits", path=where
        )
    parts = rendered.split("/")
    if any(part in ("", ".") for part in parts):  # an empty name: a conditional file or folder
        return None
    return "/".join(parts)


def _copy_only(patterns: list[str], relative: str) -> bool:
    return any(fnmatch.fnmatch(relative, pattern) for pattern in patterns)


def plan_skeleton(template_root: Path, data: dict[str, Any]) -> Skeleton:
    """Render every variable and every path of the skeleton, and check them; nothing is written."""
    from transfogen.templating.sandbox import render_string, skeleton_environment

    root = Path(template_root)
    skeleton = root / SKELETON
    if not skeleton.is_dir():
        raise TemplateError(f"dossier du squelette « {SKELETON} » manquant", path=root)
    config = read_config(root)
    env_vars = config.values.get("_jinja2_env_vars") or {}
    if not isinstance(env_vars, dict):
        raise TemplateError(
            "un dictionnaire est attendu",
            path=config.path,
            line=config.line("_jinja2_env_vars"),
            key="_jinja2_env_vars",
        )
    try:
        env = skeleton_environment(root, skeleton, env_vars)
    except TemplateError as error:
        raise error.located(config.path, config.line("_jinja2_env_vars")) from None
    variables = _variables(config, env, data)
    patterns = variables.get("_copy_without_render") or []
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise TemplateError(
            "une liste de motifs est attendue",
            path=config.path,
            line=config.line("_copy_without_render"),
            key="_copy_without_render",
        )
    newline = variables.get("_new_lines") if variables.get("_new_lines") in _NEWLINES else None

    def target(relative: str) -> str | None:
        rendered = render_string(env, relative, skeleton / relative, cookiecutter=variables)
        return _check_target(root, relative, rendered)

    entries: list[Entry] = []
    for folder, dirs, files in os.walk(skeleton):
        here = Path(folder).relative_to(skeleton).as_posix()
        prefix = "" if here == "." else f"{here}/"
        dirs.sort()
        for name in list(dirs):
            path = Path(folder) / name
            if path.is_symlink():
                raise UnsafeTemplateError("lien symbolique vers un dossier dans le squelette, refusé", path=path)
            if _copy_only(patterns, prefix + name):
                dirs.remove(name)
                rendered = target(prefix + name)
                for inner, inner_dirs, inner_files in os.walk(path):
                    inner_dirs.sort()
                    for file in sorted(inner_files):
                        source = Path(inner) / file
                        name_in = source.relative_to(skeleton).as_posix()
                        if rendered is not None:
                            entries.append(
                                Entry(source, name_in, f"{rendered}/{source.relative_to(path).as_posix()}", False)
                            )
        for name in sorted(files):
            rendered = target(prefix + name)
            if rendered is not None:
                entries.append(
                    Entry(Path(folder) / name, prefix + name, rendered, not _copy_only(patterns, prefix + name))
                )

    seen: dict[str, Entry] = {}
    for entry in entries:
        if entry.target in seen:
            raise TemplateError(
                f"« {seen[entry.target].name} » et « {entry.name} » donnent le même fichier « {entry.target} »",
                path=entry.source,
            )
        seen[entry.target] = entry
    for entry in entries:
        parts = entry.target.split("/")
        for depth in range(1, len(parts)):
            if "/".join(parts[:depth]) in seen:
                raise TemplateError(
                    f"« {entry.target} » irait dans « {'/'.join(parts[:depth])} », qui est un fichier",
                    path=entry.source,
                )
    return Skeleton(tuple(entries), variables, env, newline)


def _first_newline(data: bytes) -> str:
    end = data.find(b"\n")
    if end < 0:
        return "\r" if b"\r" in data else "\n"
    return "\r\n" if end > 0 and data[end - 1 : end] == b"\r" else "\r" if b"\r" in data[:end] else "\n"


def _is_binary(data: bytes) -> bool:
    if b"\0" in data[:8192]:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def write_skeleton(skeleton: Skeleton, write: Callable[[str, bytes], None]) -> None:
    """Render every file of a planned skeleton and give it to `write` (its path in the kit, its bytes)."""
    for entry in skeleton.entries:
        try:
            write(entry.target, _entry_bytes(skeleton, entry))
        except OSError as error:
            if error.errno not in (errno.ENAMETOOLONG, errno.EILSEQ, errno.EINVAL):
                raise  # the disk, not the template: the caller says so
            reason = os_error_message(OSError(error.errno, error.strerror))
            raise TemplateError(
                f"le fichier « {entry.target} » ne peut pas être créé ({reason})", path=entry.source
            ) from None


def _entry_bytes(skeleton: Skeleton, entry: Entry) -> bytes:
    from transfogen.templating.sandbox import render_file

    data = entry.source.read_bytes()
    if not entry.render or _is_binary(data):
        return data
    text = render_file(skeleton.env, entry.name, entry.source, cookiecutter=skeleton.variables)
    newline = skeleton.newline or _first_newline(data)
    # What a text file opened with `newline=` writes: every "\n" becomes the template's line ending.
    return (text if newline == "\n" else text.replace("\n", newline)).encode("utf-8")


def render_skeleton(template_root: Path, data: dict[str, Any], kit: Path) -> Path:
    """Render a template's skeleton into the new folder `kit`, with `data` as the values of its variables."""
    skeleton = plan_skeleton(template_root, data)  # every name checked before the folder is made
    kit.mkdir()

    def write(target: str, content: bytes) -> None:
        path = kit.joinpath(*target.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as stream:  # "x": never replaces what is there
            stream.write(content)

    write_skeleton(skeleton, write)
    return kit
