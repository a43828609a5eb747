"""The documentation stays true: the kit context reference and the README's list of commands."""

from __future__ import annotations

import json
import re

import pytest

from transfogen.kit.files import CONTEXT_FILE, STATE_DIR

# Lists of records in the context, whose fields the reference documents one by one.
RECORDS = ("cases", "sessions", "events", "phases", "checklist", "closures", "skipped_months", "role_sheets")


@pytest.fixture(scope="module")
def reference(repo_root) -> str:
    return (repo_root / "docs" / "contexte-kit.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def contexts(kits) -> dict[str, dict]:
    return {
        name: json.loads((kit / STATE_DIR / CONTEXT_FILE).read_text(encoding="utf-8")) for name, kit in kits.items()
    }


def _documented(name: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


def test_every_context_variable_is_documented(reference, contexts):
    missing = {
        f"{kit}: kit.{key}" for kit, context in contexts.items() for key in context if f"`kit.{key}`" not in reference
    }
    assert not missing, f"absent de docs/contexte-kit.md : {sorted(missing)}"


def test_every_documented_variable_exists(reference, contexts):
    documented = set(re.findall(r"\| `kit\.(\w+)`", reference))
    documented |= {name for pair in re.findall(r"`kit\.(\w+)`, `kit\.(\w+)`", reference) for name in pair}
    present = {key for context in contexts.values() for key in context}
    assert documented, "docs/contexte-kit.md ne documente plus aucune variable kit.*"
    assert not documented - present, f"documentées mais absentes du contexte : {sorted(documented - present)}"


def test_every_field_of_the_records_is_documented(reference, contexts):
    missing = set()
    for context in contexts.values():
        for record in RECORDS:
            for item in context.get(record) or []:
                missing |= {f"kit.{record}[].{field}" for field in item if not _documented(field, reference)}
        for key in ("collectivity", "program", "team"):
            missing |= {f"kit.{key}.{field}" for field in context.get(key) or {} if not _documented(field, reference)}
    assert not missing, f"champs absents de docs/contexte-kit.md : {sorted(missing)}"


def test_the_readme_lists_every_command_and_only_real_ones(repo_root):
    from transfogen.cli import main

    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    blocks = "\n".join(re.findall(r"^```(?:bash|sh|console)?\n(.*?)^```", readme, re.M | re.S))
    listed = set(re.findall(r"^(?:.*&& )?(?:\.venv/bin/)?transfogen ([a-z][a-z-]*)", blocks, re.M))
    commands = set(main.list_commands(None))
    assert commands - listed == set(), f"commandes absentes du README : {sorted(commands - listed)}"
    assert listed - commands == set(), f"le README cite des commandes inconnues : {sorted(listed - commands)}"
