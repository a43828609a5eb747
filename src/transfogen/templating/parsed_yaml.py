"""The YAML of the files shipped with transfogen, parsed ahead of time (`data/yaml-lu.json`,
`data/yaml-lu-gabarits.json`, `data/fiches-lues.json`).

A kit reads about a hundred YAML texts: its template's rules, session patterns and day frame, its
sheets' front matter, the package's tables (departments, calendar facts, documents). PyYAML builds
their values in Python even with libyaml's parser, and each sheet is checked against the schema: tens
of milliseconds of a `transfogen new`, a few of a `transfogen calendar`. The values of the bundled
files are stored as JSON, found by their exact text (nothing to trust but equality, and no `hashlib`
to import): any other text (a contributed template, an edited copy) is parsed and checked as before,
with the same messages. Dates and mappings with other keys than texts are written as tagged objects
(`{"$date": …}`, `{"$items": […]}`), and a value is stored only if it reads back the same.

`scripts/build_parsed_yaml.py` writes the files (`scripts/build_precomputed.py` runs it too);
tests/test_parsed_yaml.py fails while they are stale, and checks every stored value against PyYAML.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from typing import Any

import yaml

from transfogen.templating.resources import package_file

# YAML files in two stores: what every command reads (the package's tables, the templates' manifests and
# programme rules: `calendar` decodes only this one), then what making a kit reads (patterns, day frames…).
YAML_FILES = ("data/yaml-lu.json", "data/yaml-lu-gabarits.json")
SHEETS_FILE = "data/fiches-lues.json"  # the bundled sheets' front matter, only read to make a kit
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when PyYAML has it: 7× faster


def load_yaml(text: str) -> Any:
    """What `yaml.safe_load(text)` gives (raising the same `yaml.YAMLError`): a new value at each call."""
    for name in YAML_FILES:
        stored = _store(name)["entries"].get(text)
        if stored is not None:
            return _decode(stored)
    return yaml.load(text, Loader=_Loader)


def valid_sheet_meta(text: str, schema: dict) -> dict | None:
    """The front matter of a bundled sheet's text, found valid (without its body's lint) against this
    sheet schema when the store was written; None for any other text, or another schema."""
    store = _store(SHEETS_FILE)
    stored = store["entries"].get(text)
    return _decode(stored) if stored is not None and store["schema"] == schema else None


def encode(value: Any) -> str | None:
    """The stored form of a value, or None when it would not read back the same, keys in the same order
    (a date and time, binary data): such a text is parsed at run time instead."""
    try:
        tagged = _tagged(value)
        encoded = json.dumps(tagged, ensure_ascii=False)
    except (TypeError, ValueError):
        return None
    if tagged is not value:
        encoded = "$" + encoded  # a JSON text never starts with "$": this one has tagged objects
    return encoded if repr(_decode(encoded)) == repr(value) else None


def nothing_stored() -> dict:
    """A store without any entry: everything is parsed (what the script that writes the store uses)."""
    return {"entries": {}, "schema": None}


@cache
def _store(name: str) -> dict:
    try:
        data = json.loads(package_file(name).read_bytes())
    except (OSError, ValueError):  # a package without the file: everything is parsed
        return nothing_stored()
    # Another PyYAML might read a text differently: then nothing stored is used.
    return data if data.get("pyyaml") == yaml.__version__ else nothing_stored()


def _decode(stored: str) -> Any:
    if stored.startswith("$"):
        return json.loads(stored[1:], object_hook=_untag)
    return json.loads(stored)


def _tagged(value: Any) -> Any:
    """The value with its dates and its mappings keyed by other than texts as tagged objects; the
    same object when there is none."""
    if isinstance(value, date):
        if type(value) is not date:  # a date and time: not stored
            raise TypeError(value)
        return {"$date": value.isoformat()}
    if isinstance(value, list):
        items = [_tagged(item) for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if isinstance(value, dict):
        pairs = [(_tagged(key), _tagged(item)) for key, item in value.items()]
        if not all(isinstance(key, str) for key in value) or set(value) & {"$date", "$items"}:
            return {"$items": [list(pair) for pair in pairs]}
        if all(a is b and c is d for (a, c), (b, d) in zip(pairs, value.items(), strict=True)):
            return value
        return dict(pairs)
    if value is None or isinstance(value, (str, int, float)):
        return value
    raise TypeError(value)


def _untag(obj: dict) -> Any:
    if len(obj) == 1:
        if "$date" in obj:
            return date.fromisoformat(obj["$date"])
        if "$items" in obj:
            return dict(obj["$items"])
    return obj
