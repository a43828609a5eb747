"""The bundled files' YAML parsed ahead of time (templating/parsed_yaml.py) says what the files say."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from transfogen.errors import SheetError
from transfogen.kit import sheets
from transfogen.templating import parsed_yaml
from transfogen.templating.parsed_yaml import encode, load_yaml
from transfogen.templating.resources import bundled_template_dir, package_file

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built():
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import build_parsed_yaml
    finally:
        sys.path.pop(0)
    original = parsed_yaml._store
    parsed_yaml._store = lambda name: parsed_yaml.nothing_stored()
    try:
        return build_parsed_yaml.build()
    finally:
        parsed_yaml._store = original


def test_the_stores_are_up_to_date(built):
    for name, table in built.items():
        stored = json.loads(package_file(name).read_text(encoding="utf-8"))
        assert stored == table, f"{name} est périmé : lancez .venv/bin/python scripts/build_parsed_yaml.py"


def test_every_bundled_yaml_file_and_sheet_is_stored(built):
    texts = {text for name in parsed_yaml.YAML_FILES for text in built[name]["entries"]}
    templates = bundled_template_dir().parent
    for path in [*package_file("data").glob("*.yaml"), *templates.glob("*/**/*.yaml")]:
        assert path.read_text(encoding="utf-8") in texts, path
    methods = list(templates.glob("*/methodes/*.md"))
    assert methods and all(
        path.read_text(encoding="utf-8-sig") in built[parsed_yaml.SHEETS_FILE]["entries"] for path in methods
    )


def test_every_stored_value_is_what_pyyaml_reads(built):
    entries = [item for name in parsed_yaml.YAML_FILES for item in built[name]["entries"].items()]
    assert len(entries) == len(dict(entries))  # each text in one store only
    for text, stored in entries:
        value = parsed_yaml._decode(stored)
        assert repr(value) == repr(yaml.safe_load(text))  # the pure-Python loader
        assert repr(value) == repr(yaml.load(text, Loader=parsed_yaml._Loader))


def test_the_stores_are_used_for_the_bundled_template(monkeypatch):
    from transfogen.templating.template import load_template

    def refuse(*args, **kwargs):
        raise AssertionError("yaml.load appelé sur un fichier fourni")

    for name in ("transfo", "residence"):
        template = load_template(bundled_template_dir(name))
        monkeypatch.setattr(yaml, "load", refuse)
        monkeypatch.setattr(yaml, "compose", refuse)  # what checks a sheet that is not stored
        assert template.rules and template.patterns and template.methods and template.day
        monkeypatch.undo()


def test_another_text_is_parsed_with_the_same_errors():
    assert load_yaml("a: 1\nb: [x, 2027-01-04]\n") == {"a": 1, "b": ["x", date(2027, 1, 4)]}
    with pytest.raises(yaml.YAMLError):
        load_yaml("a: [\n")


def test_a_stored_sheet_under_another_name_is_checked_as_before(tmp_path):
    method = next(bundled_template_dir().glob("methodes/*.md"))
    copy = tmp_path / "autre-nom.md"
    copy.write_text(method.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(SheetError, match="identique au nom du fichier"):
        sheets.load_sheet(copy, lint=False)
    assert sheets.load_sheet(method, lint=False) == sheets.parse_sheet(
        method.read_text(encoding="utf-8"), str(method), lint=True
    )


@pytest.mark.parametrize(
    "value",
    [
        {"a": [1, 2.5, True, None, "é"]},
        {"quand": date(2027, 1, 4), "liste": [date(2026, 3, 15)]},
        {4: "quatre", 5: {"x": 1}},
        {date(2027, 1, 4): "lundi"},
        {"$date": "2027-01-04"},
        {"$items": [[1, 2]]},
        [],
        "texte",
    ],
)
def test_values_read_back_the_same(value):
    encoded = encode(value)
    assert encoded is not None
    assert repr(parsed_yaml._decode(encoded)) == repr(value)


def test_what_would_not_read_back_the_same_is_not_stored():
    assert encode({"à": datetime(2027, 1, 4, 9, 30)}) is None
    assert encode({"octets": b"\x00"}) is None
