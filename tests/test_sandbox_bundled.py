"""The bundled templates render outside the sandbox, and nothing else does (precompiled.py's rule).

A text runs outside the sandbox only when it is, byte for byte, one compiled ahead of time from the
bundled templates: an edited file, a contributed one, or a file reached by include/import/extends that
is not itself in the table renders in the bounded sandbox, whose refusals and limits apply as before.
Outside or inside, the kit is the same, byte for byte.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from paths import EXAMPLES_DIR, TEMPLATES_DIR
from transfogen.api import plan_template
from transfogen.errors import TemplateError, UnsafeTemplateError
from transfogen.kit.build import make_kit_files
from transfogen.planning.profile import load_profile
from transfogen.templating import precompiled, sandbox
from transfogen.templating.template import load_template
from trees import SKELETON, TEMPLATE, build_file_tree

PROFILE = EXAMPLES_DIR / "metz.yaml"


@pytest.fixture
def sandboxed(monkeypatch):
    """The names of the templates the sandbox compiles, i.e. renders (environments made afresh)."""
    names: list[str | None] = []
    parse = sandbox.BoundedSandbox._parse

    def counting(self, source, name, filename):
        names.append(name)
        return parse(self, source, name, filename)

    monkeypatch.setattr(sandbox.BoundedSandbox, "_parse", counting)
    sandbox._environment.cache_clear()
    yield names
    sandbox._environment.cache_clear()


def _kit(template_root: Path, profile: Path, work: Path, *, trust: bool = False) -> dict[str, bytes]:
    """The kit's files, without its site, kept in memory (cookiecutter, for a trusted template, writes its own)."""
    template = load_template(template_root)
    programme = plan_template(load_profile(profile), template)
    work.mkdir(parents=True)
    text = profile.read_text(encoding="utf-8")
    return make_kit_files(programme, template, text, work, None, trust=trust, site=False).generated()


def _as_if_bundled(monkeypatch, env: sandbox.BoundedSandbox, name: str | None, source: str) -> None:
    """Put `source` in the table of precompiled texts, compiled the way scripts/build_precomputed.py does."""
    assert env.bundled is not None
    code = precompiled.python_code(env.bundled.python(source, name))
    known = precompiled.compiled

    def compiled(layout, asked, text):
        return code if (layout, asked, text) == (env.layout, name, source) else known(layout, asked, text)

    monkeypatch.setattr(precompiled, "compiled", compiled)


def test_every_example_of_both_templates_is_the_same_outside_the_sandbox_as_inside(tmp_path, monkeypatch, sandboxed):
    examples = sorted(EXAMPLES_DIR.glob("*.yaml"))
    assert len(examples) >= 8
    kits = {
        (name, example.stem): _kit(TEMPLATES_DIR / name, example, tmp_path / "outside" / name / example.stem)
        for name in precompiled.BUNDLED
        for example in examples
    }
    assert sandboxed == []  # not one file of the bundled templates went to the sandbox
    monkeypatch.setattr(precompiled, "compiled", lambda layout, name, source: None)  # every text to the sandbox
    sandbox._environment.cache_clear()
    for (name, example), files in kits.items():
        inside = _kit(TEMPLATES_DIR / name, EXAMPLES_DIR / f"{example}.yaml", tmp_path / "inside" / name / example)
        assert len(files) > 50 and files == inside, (name, example)
    assert len(sandboxed) > 40


def test_a_bundled_file_edited_by_one_character_renders_in_the_sandbox(tmp_path, sandboxed):
    copy = tmp_path / "copie"
    shutil.copytree(TEMPLATE, copy)
    role = copy / "roles" / "elus.md"
    text = role.read_text(encoding="utf-8")
    role.write_text(text.replace("élus", "éluS", 1), encoding="utf-8")
    files = _kit(copy, PROFILE, tmp_path / "kit")
    assert sandboxed == ["roles/elus.md"]  # the rest of the copy is the bundled template's text
    assert "éluS" in files["roles/elus.md"].decode("utf-8")


def test_the_sandbox_limits_still_fire_on_an_edited_bundled_file(tmp_path):
    copy = tmp_path / "copie"
    shutil.copytree(TEMPLATE, copy)
    readme = copy / SKELETON / "LISEZMOI.md"
    text = readme.read_text(encoding="utf-8")
    readme.write_text(text + "{{ 'x' * 10**10 }}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as error:
        _kit(copy, PROFILE, tmp_path / "kit")
    assert "limite dépassée : taille d'un texte ou d'une liste" in error.value.message
    assert (error.value.path, error.value.line) == (str(readme), text.count("\n") + 1)


REACHES = {
    "include": "{% include 'b.md' %}",
    "import": "{% import 'b.md' as b with context %}{{ b.x }}",
    "extends": "{% extends 'b.md' %}",
}


@pytest.mark.parametrize("tag", REACHES.values(), ids=list(REACHES))
def test_what_a_bundled_text_reaches_outside_the_table_renders_in_the_sandbox(tmp_path, monkeypatch, sandboxed, tag):
    root = build_file_tree(tmp_path / "t", {"a.md": f"Début\n{tag}\n", "b.md": "{% set x = 1 %}Inclus {{ n }}\n"})
    env = sandbox.item_environment(root)
    _as_if_bundled(monkeypatch, env, "a.md", (root / "a.md").read_text(encoding="utf-8"))
    sandboxed.clear()
    text = sandbox.render_file(env, "a.md", root / "a.md", n=3)
    assert sandboxed == ["a.md", "b.md"]
    assert text == env.get_template("a.md").render(n=3) and "Début" in text  # the whole file again, in the sandbox
    # The payload the sandbox is there for: refused, whichever way it is reached.
    (root / "b.md").write_text("{% set x = 1 %}{{ ''.__class__.__mro__ }}\n", encoding="utf-8")
    with pytest.raises(UnsafeTemplateError):
        sandbox.render_file(env, "a.md", root / "a.md", n=3)


def test_a_bundled_text_and_what_it_includes_from_the_table_stay_outside_the_sandbox(tmp_path, monkeypatch, sandboxed):
    root = build_file_tree(tmp_path / "t", {"a.md": "Début\n{% include 'b.md' %}\n", "b.md": "Inclus {{ n }}\n"})
    env = sandbox.item_environment(root)
    _as_if_bundled(monkeypatch, env, "a.md", (root / "a.md").read_text(encoding="utf-8"))
    _as_if_bundled(monkeypatch, env, "b.md", (root / "b.md").read_text(encoding="utf-8"))
    assert sandbox.render_file(env, "a.md", root / "a.md", n=3) == "Début\nInclus 3\n\n"
    assert sandboxed == []


@pytest.mark.parametrize(
    ("source", "values"),
    [
        ("{{ kit[field] }}", {"field": "__class__"}),
        ("{{ kit[field] }}", {"kit": (n for n in [1]), "field": "gi_frame"}),
        ("{{ model.format(kit) }}", {"model": "{0.__class__.__init__.__globals__}"}),
        ("{{ kit | map(attribute=field) | list }}", {"field": "__class__"}),
    ],
    ids=["an attribute named by data", "an internal attribute", "a format string from data", "map(attribute=)"],
)
def test_data_cannot_lead_a_bundled_text_to_python(tmp_path, monkeypatch, sandboxed, source, values):
    root = build_file_tree(tmp_path / "t", {"a.md": source})
    env = sandbox.item_environment(root)
    _as_if_bundled(monkeypatch, env, "a.md", source)
    try:
        text = sandbox.render_file(env, "a.md", root / "a.md", **{"kit": {"name": "Metz"}, **values})
    except UnsafeTemplateError as error:
        assert "opération interdite par le bac à sable" in error.message
    else:
        assert "class" not in text and "frame" not in text, text  # the sandbox's undefined, nothing of Python
    assert sandboxed == ["a.md"]  # refused outside, the sandbox decided


def test_a_trusted_template_with_code_is_rendered_by_cookiecutter_as_before(tmp_path):
    copy = tmp_path / "copie"
    shutil.copytree(TEMPLATE, copy)
    marker = tmp_path / "hook-ran"
    build_file_tree(copy, {"hooks/pre_gen_project.py": f"open({str(marker)!r}, 'w').write('ran')\n"})
    trusted = _kit(copy, PROFILE, tmp_path / "trusted", trust=True)
    assert marker.read_text(encoding="utf-8") == "ran"
    assert trusted == _kit(TEMPLATE, PROFILE, tmp_path / "bundled")


PLAIN = ["", "a", "a\n", "a\n\n", "a\r\nb\r\n", "a\rb\r", "é\r\nà\n\r", "{ pas de Jinja }", "a}}b%}c#}", "{", "x {"]
LAYOUTS = [(), (("keep_trailing_newline", False),), (("newline_sequence", "\r\n"),)]


@pytest.mark.parametrize("layout", LAYOUTS, ids=["default", "no trailing newline", "crlf"])
def test_a_text_without_jinja_renders_as_jinja_would_render_it_without_any_template(tmp_path, layout):
    env = sandbox._environment((str(tmp_path),), layout)
    for text in PLAIN:
        assert sandbox.plain_text(env, text) == env.from_string(text).render(), repr(text)
    for text in ("{{ 1 }}", "a {% if 1 %}b{% endif %}", "{# note #}"):
        assert sandbox.plain_text(env, text) is None


def test_a_text_without_jinja_is_not_in_the_table_and_needs_no_compiling(tmp_path, sandboxed):
    root = build_file_tree(tmp_path / "t", {"a.md": "Titre\r\nTexte sans Jinja\r\n"})
    env = sandbox.item_environment(root)
    assert precompiled.compiled(env.layout, "a.md", "Titre\r\nTexte sans Jinja\r\n") is None
    assert sandbox.render_file(env, "a.md", root / "a.md") == "Titre\nTexte sans Jinja\n"
    (root / "a.md").write_text("Titre {{ 6 * 7 }}\n", encoding="utf-8")  # now it has some: the sandbox
    assert sandbox.render_file(env, "a.md", root / "a.md") == "Titre 42\n"
    assert sandboxed == ["a.md"]
