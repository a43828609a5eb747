"""The bundled templates' Jinja, compiled ahead of time, and the one environment that renders it outside the sandbox.

The sandbox (sandbox.py) exists for templates we did not write; its checks cost about a third of a kit's
rendering. The bundled templates (`templates/transfo`, `templates/residence`) are our own code, so their
files render with `Bundled`, a plain Jinja environment, under one rule:

**A text renders outside the sandbox only when the exact text, its template name and the layout options
of its environment give the SHA-256 key (`key`) of an entry that scripts/build_precomputed.py compiled
from the bundled templates.** The code that runs is then code we compiled from our own files. `Bundled`
compiles nothing else: any other text (a contributed template, a bundled file edited by one byte, a file
reached by `{% include %}`, `{% import %}` or `{% extends %}` that is not itself an entry) raises
`NotBundled`, and sandbox.py renders the whole file again in the bounded sandbox, as it renders every
contributed template. Where the text comes from does not matter: a contributed template that copies a
bundled file unchanged gets our code for it, the very code its text would compile to. A text without
Jinja (no `{{`, `{%`, `{#`) needs no code and is not in the table: it renders to itself, whoever wrote it
(sandbox.plain_text).

Data stay data: Jinja never evaluates a value, and `Bundled` refuses what the sandbox refuses when a
value could choose it (an attribute starting with `_` that is not a dict key, Python's internals, a
string's `format`); a refusal, like any error, sends the file to the sandbox, which reports it in its
own words. What `Bundled` does not do is bound the work (loop turns, text sizes): our templates' work
follows the kit's data. The output still counts towards the kit's budget.

Two data files, written by scripts/build_precomputed.py and checked by tests/test_precomputed.py:
`data/gabarits-compiles.json.xz`, the Python source of every entry (any Python compiles it), and
`data/gabarits-compiles.<cache tag>.marshal.zlib`, the same code already compiled by the Python that
built it (`sys.implementation.cache_tag`, with its bytecode's magic number): with it, a kit compiles no
Python at all. Both record the Jinja version and the SHA-256 of this file (which sets the environment's
options, hence the code); when either differs, nothing in them is used and templates render in the sandbox.
"""

from __future__ import annotations

import functools
import hashlib
import json
import marshal
import sys
import types
import zlib
from collections.abc import Callable
from importlib.util import MAGIC_NUMBER
from pathlib import Path
from types import CodeType
from typing import Any

from jinja2 import Environment, StrictUndefined, Template
from jinja2.runtime import Context
from jinja2.sandbox import is_internal_attribute

SOURCE_FILE = "data/gabarits-compiles.json.xz"
BUNDLED = ("transfo", "residence")


def code_file(tag: str | None = sys.implementation.cache_tag) -> str:
    return f"data/gabarits-compiles.{tag}.marshal.zlib"


def key(layout: tuple, name: str | None, source: str) -> str:
    return hashlib.sha256(json.dumps([list(layout), name, source], ensure_ascii=False).encode("utf-8")).hexdigest()


def fingerprint() -> dict[str, str]:
    """What the compiled code depends on besides the template: Jinja's code generator and `Bundled`'s options."""
    import jinja2

    try:
        code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    except OSError:  # installed without its source: nothing to compare with, the tables are not used
        code = ""
    return {"jinja2": jinja2.__version__, "code": code}


def _python_fingerprint() -> dict[str, str]:
    return {**fingerprint(), "python": str(sys.implementation.cache_tag), "magic": MAGIC_NUMBER.hex()}


def _read(relative: str) -> bytes:
    from transfogen.templating.resources import package_file

    return package_file(relative).read_bytes()


@functools.cache
def _code_table() -> dict[str, bytes] | None:
    """Each entry's marshalled code for this Python, or None when there is none (another Python)."""
    if sys.implementation.cache_tag is None:
        return None
    try:
        stored = marshal.loads(zlib.decompress(_read(code_file())))
    except (OSError, zlib.error, ValueError, EOFError, TypeError):
        return None
    if not isinstance(stored, dict) or stored.get("fingerprint") != _python_fingerprint():
        return None
    return stored["code"]


@functools.cache
def _source_table() -> dict[str, str]:
    import lzma

    try:
        stored = json.loads(lzma.decompress(_read(SOURCE_FILE)))
    except (OSError, lzma.LZMAError, ValueError):
        return {}
    return stored["templates"] if stored.get("fingerprint") == fingerprint() else {}


def compiled(layout: tuple, name: str | None, source: str) -> CodeType | None:
    """The code of a bundled template's text, compiled ahead of time; None for any other text."""
    entry = key(layout, name, source)
    codes = _code_table()
    if codes is not None:  # built with the source table: what it lacks, the source table lacks too
        blob = codes.get(entry)
        return None if blob is None else marshal.loads(blob)
    python = _source_table().get(entry)
    return None if python is None else python_code(python)


def python_code(python: str) -> CodeType:
    """An entry's Python compiled, with no `from __future__` of this module (the same flags on any 3.x.y)."""
    return compile(python, "<gabarit précompilé>", "exec", dont_inherit=True)


class NotBundled(Exception):
    """A text `Bundled` will not run: the sandbox renders the file."""


_DICT_ATTRIBUTES = frozenset(dir(dict))


# Objects whose attributes can lead to Python's internals (Jinja's `is_internal_attribute` looks at these).
_INTERNAL_KINDS = (
    types.FunctionType,
    types.MethodType,
    type,
    types.CodeType,
    types.TracebackType,
    types.FrameType,
    types.GeneratorType,
    types.CoroutineType,
    types.AsyncGeneratorType,
)


_KINDS: dict[type, bool] = {}  # by type: whether it is one of _INTERNAL_KINDS
_FORMATS = ("format", "format_map")
_BUILTIN = type(len)  # a built-in function or method (dict.get, list.append…)


class _Context(Context):
    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's signature)
        # A built-in cannot ask for the context or the environment (Jinja marks only Python functions):
        # Jinja's own checks would find nothing.
        if type(__obj) is _BUILTIN:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception"
                )
        return super().call(__obj, *args, **kwargs)


class Bundled(Environment):
    """A plain Jinja environment that runs only the precompiled code of the bundled templates (see above)."""

    context_class = _Context

    def __init__(self, layout: tuple[tuple[str, Any], ...], **options: Any) -> None:
        from transfogen.templating.sandbox import bounded_lipsum, bounded_range

        settings: dict[str, Any] = {"keep_trailing_newline": True, **dict(layout)}
        super().__init__(undefined=StrictUndefined, autoescape=False, **settings, **options)
        self.layout = layout
        self.globals["range"] = bounded_range  # the same names as in the sandbox, for the same results
        self.globals["lipsum"] = bounded_lipsum
        self._strings: dict[str, Template | None] = {}
        self._plain: dict[str, tuple[str, Callable[[], bool]]] = {}

    def compile(  # type: ignore[override]
        self,
        source: Any,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> CodeType:
        code = compiled(self.layout, name, source) if isinstance(source, str) and not raw and not defer_init else None
        if code is None:
            raise NotBundled(name or "<texte>")
        return code

    def python(self, source: str, name: str | None) -> str:
        """Jinja's own compilation of `source` into Python (what scripts/build_precomputed.py stores)."""
        return Environment.compile(self, source, name, raw=True)

    def getattr(self, obj: Any, attribute: str) -> Any:
        kind = type(obj)
        if kind is dict:
            # The kit's data are plain dicts: a key that names no dict attribute is read first (the same value).
            if attribute not in _DICT_ATTRIBUTES:
                try:
                    return obj[attribute]
                except KeyError:
                    pass
            elif not attribute.startswith("_"):
                return getattr(obj, attribute)  # get, items…
        # What the sandbox refuses, let it say so. A format string reaches any attribute of its arguments: the
        # sandbox gives strings a safe `format`.
        internal = _KINDS.get(kind)
        if internal is None:
            internal = _KINDS[kind] = issubclass(kind, _INTERNAL_KINDS)
        if (
            attribute.startswith("_")
            or (internal and is_internal_attribute(obj, attribute))
            or (attribute in _FORMATS and isinstance(obj, str))
        ):
            raise NotBundled(attribute)
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        try:
            return obj[argument]
        except (AttributeError, TypeError, LookupError):
            if isinstance(argument, str):
                return self.getattr(obj, argument)
            return self.undefined(obj=obj, name=argument)

    def render_file(self, name: str, variables: dict[str, Any]) -> str | None:
        """The file rendered from its precompiled code, or None: the sandbox renders it.

        A file without Jinja is not in the table: it is its own text (sandbox.plain_text)."""
        plain = self._plain.get(name)
        if plain is not None and plain[1]():
            return plain[0]
        try:
            template = self.get_template(name)
        except NotBundled:
            return self._plain_file(name)
        except Exception:  # a file that cannot be read: the sandbox says so
            return None
        try:
            return template.render(variables)
        except Exception:  # not ours, refused, or an error that the sandbox reports with its file and line
            return None

    def _plain_file(self, name: str) -> str | None:
        from transfogen.templating.sandbox import plain_text

        assert self.loader is not None
        try:
            source, _, uptodate = self.loader.get_source(self, name)
        except Exception:  # see render_file
            return None
        text = plain_text(self, source)
        if text is not None and uptodate is not None:
            self._plain[name] = (text, uptodate)  # kept while the file is unchanged, as Jinja keeps templates
        return text

    def render_string(self, source: str, variables: dict[str, Any]) -> str | None:
        """A short text (a file name, a variable of cookiecutter.json), or None: the sandbox renders it."""
        if source not in self._strings:
            try:
                self._strings[source] = self.from_string(source)
            except NotBundled:
                self._strings[source] = None
        template = self._strings[source]
        if template is None:
            return None
        try:
            return template.render(variables)
        except Exception:  # see render_file
            return None


def _sources(template_root: Path) -> list[tuple[tuple, str | None, str]]:
    """(layout, name, text) of everything a kit of this template renders with Jinja: the per-item files, the
    skeleton's files, and the skeleton's paths (rendered as short texts); a text without Jinja is its own
    rendering (sandbox.plain_text) and needs no code."""
    import fnmatch

    from transfogen.templating.sandbox import has_jinja, item_environment, skeleton_environment
    from transfogen.templating.skeleton import SKELETON, _is_binary, read_config

    skeleton = template_root / SKELETON
    items = item_environment(template_root).layout
    found: list[tuple[tuple, str | None, str]] = []
    for path in sorted(template_root.rglob("*.md")):
        if skeleton not in path.parents:
            found.append((items, path.relative_to(template_root).as_posix(), path.read_text(encoding="utf-8")))
    config = read_config(template_root).values
    layout = skeleton_environment(template_root, skeleton, config.get("_jinja2_env_vars") or {}).layout
    patterns = config.get("_copy_without_render") or []
    for path in sorted(skeleton.rglob("*")):
        relative = path.relative_to(skeleton).as_posix()
        found.append((layout, None, relative))
        if path.is_file() and not any(fnmatch.fnmatch(relative, p) for p in patterns):
            data = path.read_bytes()
            if not _is_binary(data):
                found.append((layout, relative, data.decode("utf-8")))
    return [(layout, name, source) for layout, name, source in found if has_jinja(source)]


def build_table(template_roots: list[Path]) -> dict:
    """What SOURCE_FILE holds for these templates (scripts/build_precomputed.py writes it)."""
    from jinja2 import TemplateSyntaxError

    table = {}
    environments: dict[tuple, Bundled] = {}
    for root in template_roots:
        for layout, name, source in _sources(root):
            env = environments.setdefault(layout, Bundled(layout))
            try:
                table[key(layout, name, source)] = env.python(source, name)
            except TemplateSyntaxError:
                continue  # not a template: rendering it reports the error
    return {"fingerprint": fingerprint(), "templates": dict(sorted(table.items()))}


def build_code(table: dict) -> bytes:
    """What `code_file()` holds: the table's code compiled by this Python (scripts/build_precomputed.py).

    Marshal format 2 writes no back-references: from format 3 on, whether an object is written as one
    depends on its reference count in the running process, and the same code would give other bytes."""
    code = {entry: marshal.dumps(python_code(python), 2) for entry, python in sorted(table["templates"].items())}
    stored = {"fingerprint": {**table["fingerprint"], **_python_fingerprint()}, "code": code}
    return zlib.compress(marshal.dumps(stored, 2), 9)
