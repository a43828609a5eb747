"""Small template trees for tests, written inline (in the spirit of copier's `build_file_tree`).

A hostile-template test states only what it is about: the skeleton files and `cookiecutter.json` it
needs. `kit_template` adds the bundled programme (rules, method sheets, session patterns, roles) so
the result is a complete template `transfogen new` can render.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from paths import TEMPLATES_DIR

TEMPLATE = TEMPLATES_DIR / "transfo"
SKELETON = "{{cookiecutter.slug}}"
README = "# {{ cookiecutter._kit.collectivity.name }}\n\n[Le programme](programme.md)\n"


def build_file_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `{relative path: content}` under `root` (a path ending in "/" is an empty folder)."""
    for relative, content in files.items():
        path = root / relative
        if relative.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def config_text(variables: dict | None = None) -> str:
    """A `cookiecutter.json` with one key a line (so a test knows the line of each key)."""
    values = {"slug": "exemple", **(variables or {}), "_kit": {}}
    return json.dumps(values, ensure_ascii=False, indent=2) + "\n"


def key_line(text: str, key: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if line.strip().startswith(f'"{key}"'))


def skeleton_tree(
    root: Path, skeleton: dict[str, str | bytes], variables: dict | None = None, files: dict | None = None
) -> Path:
    """Just a skeleton and its `cookiecutter.json` (and other `files`): enough for `render_skeleton`."""
    tree = {"cookiecutter.json": config_text(variables), **{f"{SKELETON}/{k}": v for k, v in skeleton.items()}}
    return build_file_tree(root, {**tree, **(files or {})})


def kit_template(
    root: Path, skeleton: dict[str, str | bytes] | None = None, variables: dict | None = None, files: dict | None = None
) -> Path:
    """A complete template: the bundled programme, plus the skeleton, variables and other `files` given."""
    shutil.copytree(TEMPLATE, root, ignore=shutil.ignore_patterns(SKELETON, "cookiecutter.json"))
    tree = {"LISEZMOI.md": README, "programme.md": "# Programme\n"}
    return skeleton_tree(root, {**tree, **(skeleton or {})}, variables, files)
