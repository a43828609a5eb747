"""The bundled templates' Jinja, compiled ahead of time into Python source.

Compiling a template (reading its Jinja, building and checking the tree, writing its Python) is most of
what a single `transfogen new` spends on templates. scripts/build_precomputed.py does it once for
the bundled templates, with the very environments of sandbox.py, and keeps the Python source of each in
data/gabarits-compiles.json.xz, by the SHA-256 of the template's name, text and layout options. The
sandbox then only hands that source to Python's compiler. The file records the Jinja version and the
SHA-256 of sandbox.py (which shapes the code: loop and size checks); when either differs, or a template
is not one of them (a contributed template, a file edited), the template is compiled as usual.
tests/test_precomputed.py checks that the file is up to date.
"""

from __future__ import annotations

import functools
import hashlib
import json
import lzma
from importlib import resources
from pathlib import Path
from typing import Any

COMPILED_FILE = "data/gabarits-compiles.json.xz"
BUNDLED = ("transfo", "residence")


def key(layout: tuple, name: str | None, source: str) -> str:
    return hashlib.sha256(json.dumps([list(layout), name, source], ensure_ascii=False).encode("utf-8")).hexdigest()


def fingerprint() -> dict[str, str]:
    """What the compiled code depends on besides the template: Jinja's code generator and the sandbox."""
    import jinja2

    from transfogen.templating import sandbox

    try:
        code = hashlib.sha256(Path(sandbox.__file__).read_bytes()).hexdigest()
    except OSError:  # installed without its source: nothing to compare with, the table is not used
        code = ""
    return {"jinja2": jinja2.__version__, "sandbox": code}


@functools.cache
def _table() -> dict[str, str]:
    try:
        stored = json.loads(lzma.decompress(resources.files("transfogen").joinpath(COMPILED_FILE).read_bytes()))
    except (OSError, lzma.LZMAError, ValueError):
        return {}
    return stored["templates"] if stored.get("fingerprint") == fingerprint() else {}


def precompiled(layout: tuple, name: str | None, source: str) -> str | None:
    """The Python source of a bundled template compiled ahead of time, or None."""
    table = _table()
    return table.get(key(layout, name, source)) if table else None


def _sources(template_root: Path) -> list[tuple[Any, str | None, str]]:
    """(environment, name, source) of everything a kit of this template compiles: the per-item files, the
    skeleton's files, and the skeleton's paths (rendered as short templates)."""
    import fnmatch

    from transfogen.templating.sandbox import item_environment, skeleton_environment
    from transfogen.templating.skeleton import SKELETON, _is_binary, read_config

    skeleton = template_root / SKELETON
    items = item_environment(template_root)
    found: list[tuple[Any, str | None, str]] = []
    for path in sorted(template_root.rglob("*.md")):
        if skeleton not in path.parents:
            found.append((items, path.relative_to(template_root).as_posix(), path.read_text(encoding="utf-8")))
    config = read_config(template_root).values
    env = skeleton_environment(template_root, skeleton, config.get("_jinja2_env_vars") or {})
    patterns = config.get("_copy_without_render") or []
    for path in sorted(skeleton.rglob("*")):
        relative = path.relative_to(skeleton).as_posix()
        found.append((env, None, relative))
        if path.is_file() and not any(fnmatch.fnmatch(relative, p) for p in patterns):
            data = path.read_bytes()
            if not _is_binary(data):
                found.append((env, relative, data.decode("utf-8")))
    return found


def build_table(template_roots: list[Path]) -> dict:
    """What COMPILED_FILE holds for these templates (scripts/build_precomputed.py writes it)."""
    from jinja2 import TemplateSyntaxError

    table = {}
    for root in template_roots:
        for env, name, source in _sources(root):
            try:
                table[key(env.layout, name, source)] = env.compile(source, name, raw=True)
            except TemplateSyntaxError:
                continue  # not a template: rendering it reports the error
    return {"fingerprint": fingerprint(), "templates": dict(sorted(table.items()))}
