"""The method library in templates/*/methodes and the session patterns that use it.

Runs over whatever the templates hold: every sheet passes the sheet schema, ids are unique, every
method a session pattern names exists, and every block of a pattern lasts 180 minutes
(docs/seances.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from paths import REPO_ROOT, TEMPLATES_DIR
from transfogen.errors import SheetError
from transfogen.kit.sheets import check_sheet, parse_sheet

TEMPLATES = sorted(path for path in TEMPLATES_DIR.iterdir() if (path / "methodes").is_dir())
PATTERNS = sorted(TEMPLATES_DIR.glob("*/seances/**/*.yaml"))
BLOCK_MINUTES = 180


def relative(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT))


def method_files(template: Path) -> list[Path]:
    return sorted((template / "methodes").glob("*.md"))


def library(template: Path) -> dict[str, dict]:
    """Method id -> front matter, for the sheets of a template that pass the schema."""
    sheets = {}
    for path in method_files(template):
        text = path.read_text(encoding="utf-8")
        if not check_sheet(text, relative(path)):
            sheet = parse_sheet(text, relative(path))
            sheets[sheet.id] = sheet.meta
    return sheets


def references(data, key: str | None = None) -> tuple[list[list[str]], list[str]]:
    """(blocks, other method ids) named in a session pattern.

    A block is an item of a `blocks` list or a value of the `rituels` mapping (journee.yaml);
    single methods appear as `method`/`methode` values or `methods` lists.
    """
    blocks, single = [], []
    if isinstance(data, dict):
        for name, value in data.items():
            if name == "blocks" and isinstance(value, list):
                blocks += [block if isinstance(block, list) else [block] for block in value]
            elif name in ("rituels", "rituals") and isinstance(value, dict):
                for ritual in value.values():
                    if isinstance(ritual, list):
                        blocks.append(ritual)
                    else:
                        found_blocks, found_single = references(ritual)
                        blocks += found_blocks
                        single += found_single
            elif name in ("method", "methode") and isinstance(value, str):
                single.append(value)
            elif name == "methods" and isinstance(value, list):
                single += [item for item in value if isinstance(item, str)]
            else:
                found_blocks, found_single = references(value)
                blocks += found_blocks
                single += found_single
    elif isinstance(data, list):
        for item in data:
            found_blocks, found_single = references(item)
            blocks += found_blocks
            single += found_single
    return blocks, single


def template_of(pattern: Path) -> Path:
    return TEMPLATES_DIR / pattern.relative_to(TEMPLATES_DIR).parts[0]


def load_pattern(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_every_method_sheet_passes_the_schema(template):
    problems = []
    for path in method_files(template):
        problems += [str(error) for error in check_sheet(path.read_text(encoding="utf-8"), relative(path))]
    assert not problems, "\n" + "\n".join(problems)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_method_ids_and_titles_are_unique(template):
    seen_ids, seen_titles, clashes = {}, {}, []
    for path in method_files(template):
        meta_text = path.read_text(encoding="utf-8")
        try:
            sheet = parse_sheet(meta_text, relative(path))
        except SheetError:  # reported by the schema test
            continue
        for seen, value in ((seen_ids, sheet.id), (seen_titles, sheet.title.casefold())):
            if value in seen:
                clashes.append(f"{relative(path)} : « {value} » déjà utilisé par {seen[value]}")
            seen[value] = relative(path)
    assert not clashes, "\n" + "\n".join(clashes)


@pytest.mark.parametrize("pattern", PATTERNS, ids=relative)
def test_session_patterns_name_existing_methods(pattern):
    known = library(template_of(pattern))
    blocks, single = references(load_pattern(pattern))
    missing = sorted({method for method in [*single, *(m for block in blocks for m in block)] if method not in known})
    assert not missing, f"{relative(pattern)} : méthodes inconnues : {', '.join(map(str, missing))}"


def wrong_blocks(blocks: list[list[str]], known: dict[str, dict]) -> list[str]:
    wrong = []
    for number, block in enumerate(blocks, start=1):
        if all(method in known for method in block):  # unknown ids are the other test's business
            total = sum(known[method]["duration"] for method in block)
            if total != BLOCK_MINUTES:
                wrong.append(f"bloc {number} {block} : {total} min au lieu de {BLOCK_MINUTES}")
    return wrong


@pytest.mark.parametrize("pattern", PATTERNS, ids=relative)
def test_every_block_lasts_180_minutes(pattern):
    wrong = wrong_blocks(references(load_pattern(pattern))[0], library(template_of(pattern)))
    assert not wrong, f"{relative(pattern)} :\n" + "\n".join(wrong)


def test_block_check_reports_a_block_of_the_wrong_length():
    known = {"a": {"duration": 120}, "b": {"duration": 60}, "c": {"duration": 90}}
    assert wrong_blocks([["a", "b"], ["c", "c"], ["inconnue"]], known) == []
    assert wrong_blocks([["a", "c"]], known) == ["bloc 1 ['a', 'c'] : 210 min au lieu de 180"]


def test_reference_extraction_follows_the_documented_formats():
    pattern = {
        "id": "immersion",
        "blocks": [["preparer-immersion", "guide-entretien"], ["entretiens-usagers"]],
        "preparation": [{"who": "residents", "what": "Réserver les salles"}],
    }
    assert references(pattern) == ([["preparer-immersion", "guide-entretien"], ["entretiens-usagers"]], [])
    day = {
        "moments": [{"start": "09:00", "method": "ouverture-journee"}, {"start": "09:30", "block": "matin"}],
        "rituels": {
            "comite-pilotage": ["preparer-comite-pilotage"],
            "restitution": {"blocks": [["restitution-express"]]},
        },
    }
    assert references(day) == ([["preparer-comite-pilotage"], ["restitution-express"]], ["ouverture-journee"])
