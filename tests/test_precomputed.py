"""What is prepared ahead of time for the bundled templates (scripts/build_precomputed.py): up to date, and
exactly what would be made at generation time."""

from __future__ import annotations

import json
import lzma
import marshal
import subprocess
import sys
import zlib
from importlib import resources
from importlib.util import MAGIC_NUMBER

import pytest

from transfogen.templating import precompiled
from transfogen.templating.resources import bundled_template_dir, package_file
from transfogen.templating.sandbox import item_environment

STALE = "données précalculées périmées : lancez .venv/bin/python scripts/build_precomputed.py"


def _shipped(relative: str) -> dict:
    return json.loads(lzma.decompress(resources.files("transfogen").joinpath(relative).read_bytes()))


def _shipped_code() -> dict:
    """The compiled code shipped for the Python that built it (its outer layer is readable by any Python)."""
    (path,) = package_file("data").glob("gabarits-compiles.*.marshal.zlib")
    return marshal.loads(zlib.decompress(path.read_bytes()))


def test_the_shipped_code_is_that_of_the_bundled_templates_today():
    shipped = _shipped(precompiled.SOURCE_FILE)
    fresh = precompiled.build_table([bundled_template_dir(name) for name in precompiled.BUNDLED])
    assert shipped == fresh, STALE
    # The compiled code was made from this very table, whichever Python runs the test.
    code = _shipped_code()
    assert {k: code["fingerprint"][k] for k in fresh["fingerprint"]} == fresh["fingerprint"], STALE
    assert set(code["code"]) == set(fresh["templates"]), STALE


def test_the_compiled_code_is_what_this_python_makes_of_the_source_or_is_not_used():
    table = _shipped(precompiled.SOURCE_FILE)["templates"]
    code = _shipped_code()
    if code["fingerprint"]["python"] != sys.implementation.cache_tag:  # another Python: it compiles the source
        assert precompiled._code_table() is None
        return
    assert code["fingerprint"]["magic"] == MAGIC_NUMBER.hex()
    assert precompiled._code_table() is not None
    for entry, python in table.items():
        assert marshal.loads(code["code"][entry]) == precompiled.python_code(python), STALE


def test_a_bundled_template_renders_from_its_precompiled_code_and_nothing_else_does():
    root = bundled_template_dir("transfo")
    env = item_environment(root).bundled
    source = (root / "roles" / "residents.md").read_text(encoding="utf-8")
    code = precompiled.compiled(env.layout, "roles/residents.md", source)
    assert code is not None
    assert code == precompiled.python_code(env.python(source, "roles/residents.md"))
    # An edited template, another name, another layout, a short text of no bundled file: not in the table.
    edited = source + "\nLigne ajoutée {{ 6 * 7 }}\n"
    assert precompiled.compiled(env.layout, "roles/residents.md", edited) is None
    assert precompiled.compiled(env.layout, "roles/autre.md", source) is None
    assert precompiled.compiled((("trim_blocks", True),), "roles/residents.md", source) is None
    assert precompiled.compiled(env.layout, None, "{{ 6 * 7 }} ans") is None
    with pytest.raises(precompiled.NotBundled):
        env.from_string("{{ 6 * 7 }} ans")


def test_the_source_serves_a_python_without_compiled_code(monkeypatch):
    root = bundled_template_dir("transfo")
    source = (root / "roles" / "residents.md").read_text(encoding="utf-8")
    expected = precompiled.compiled((), "roles/residents.md", source)
    monkeypatch.setattr(precompiled, "_code_table", lambda: None)
    assert precompiled.compiled((), "roles/residents.md", source) == expected


def test_code_made_by_another_jinja_or_environment_is_not_used(monkeypatch):
    monkeypatch.setattr(precompiled, "fingerprint", lambda: {"jinja2": "0.0", "code": "autre"})
    precompiled._code_table.cache_clear()
    precompiled._source_table.cache_clear()
    try:
        assert precompiled._code_table() is None
        assert precompiled._source_table() == {}
        root = bundled_template_dir("transfo")
        source = (root / "roles" / "residents.md").read_text(encoding="utf-8")
        assert precompiled.compiled((), "roles/residents.md", source) is None
    finally:
        monkeypatch.undo()
        precompiled._code_table.cache_clear()
        precompiled._source_table.cache_clear()


def test_the_compiled_data_is_the_same_from_one_build_to_the_next(tmp_path):
    table = tmp_path / "table.json"
    table.write_text(json.dumps(_shipped(precompiled.SOURCE_FILE)), encoding="utf-8")
    other = tmp_path / "code"
    build = "import json, sys; from transfogen.templating import precompiled as p; "
    build += "open(sys.argv[2], 'wb').write(p.build_code(json.load(open(sys.argv[1]))))"
    subprocess.run([sys.executable, "-c", build, str(table), str(other)], check=True)
    assert other.read_bytes() == precompiled.build_code(json.loads(table.read_text(encoding="utf-8")))
