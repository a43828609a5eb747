"""The Jinja environments transfogen renders with: sandboxed, strict, bounded, never evaluating data.

Templates may come from a contributor we do not know, so every template renders in Jinja's sandbox,
the kit's skeleton included, with one exception: a text that is exactly one compiled ahead of time from
the bundled templates (its text, name and layout options give the SHA-256 key of an entry of
precompiled.py) runs that code in `Bundled`, a plain environment that compiles nothing else. Anything
else, or anything that text reaches (`include`, `import`, `extends`) which is not itself an entry, and
any error or refusal on the way, renders the whole file here again, in the sandbox (`render_file`,
`render_string`). Profile values reach templates only as context values, which Jinja never evaluates:
a collectivity called ``{{ 7*7 }}`` stays literal.

The sandbox stops a template from reaching Python; it does not stop it from working forever. So the
environment here also bounds a template's work (`LIMITS`): a time budget per kit, a number of loop
turns, the size of every text or list it builds and of what it writes. Each limit fails with a French
message that names it. Environments are built once per template folder and reused (compiling is most
of the cost of rendering).
"""

from __future__ import annotations

import functools
import itertools
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, nodes
from jinja2 import TemplateError as JinjaError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer

from transfogen.errors import LocatedError, RenderLimitError, TemplateError, TransfogenError, UnsafeTemplateError

if TYPE_CHECKING:
    from transfogen.templating.precompiled import Bundled

# Environment options a template may set through cookiecutter's `_jinja2_env_vars`: layout only.
LAYOUT_ENV_VARS = {"trim_blocks", "lstrip_blocks", "keep_trailing_newline", "newline_sequence"}


@dataclass(frozen=True)
class Limits:
    """What one kit's rendering may cost (SECURITY.md lists them)."""

    seconds: float = 60.0  # all the templates of one kit
    loop_turns: int = 5_000_000  # every `for` of every template of one kit
    output_chars: int = 100_000_000  # everything rendered for one kit
    text_chars: int = 2_000_000  # one text or list built by a template
    number_bits: int = 100_000  # one integer computed by a template (about 30,000 digits)
    range_items: int = 100_000  # one `range()` (Jinja's own bound)


LIMITS = Limits()


class _Budget:
    def __init__(self, limits: Limits):
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.turns = limits.loop_turns
        self.output = limits.output_chars

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            _exceeded(f"durée de rendu ({self.limits.seconds:g} s pour le kit)")


_BUDGET: ContextVar[_Budget | None] = ContextVar("transfogen_render_budget", default=None)


def _exceeded(limit: str) -> None:
    raise RenderLimitError(f"limite dépassée : {limit} ; le gabarit en fait trop")


def _budget() -> _Budget:
    # Outside `render_budget()` (a template rendered on its own), each check gets a fresh budget.
    budget = _BUDGET.get()
    return budget if budget is not None else _Budget(LIMITS)


@contextmanager
def render_budget(limits: Limits | None = None, *, shared: bool = False) -> Iterator[None]:
    """Everything rendered inside the block shares one budget (one kit).

    With `shared`, a budget already running (the kit's) is kept rather than replaced.
    """
    if shared and _BUDGET.get() is not None:
        yield
        return
    token = _BUDGET.set(_Budget(limits or LIMITS))
    try:
        yield
    finally:
        _BUDGET.reset(token)


def _too_long() -> None:
    _exceeded(f"taille d'un texte ou d'une liste ({LIMITS.text_chars:_} éléments)".replace("_", " "))


def _too_big() -> None:
    _exceeded(f"taille d'un nombre ({LIMITS.number_bits:_} bits)".replace("_", " "))


def _check_size(value: Any) -> Any:
    if isinstance(value, (str, bytes, list, tuple, dict, set)) and len(value) > LIMITS.text_chars:
        _too_long()
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > LIMITS.number_bits:
        _too_big()
    return value


def bounded_range(*args: int) -> range:
    """`range()` for templates: at most `LIMITS.range_items` numbers."""
    numbers = range(*args)
    if len(numbers) > LIMITS.range_items:
        _exceeded(f"taille d'un range() ({LIMITS.range_items:_} nombres)".replace("_", " "))
    return numbers


def _sized(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


def counted_loop(iterable: Iterable[Any]) -> Iterator[Any]:
    """What every `{% for %}` iterates over: the items, each one spending a turn of the budget."""
    budget = _budget()
    for item in iterable:
        budget.turns -= 1
        if budget.turns < 0:
            _exceeded(f"nombre de tours de boucle ({budget.limits.loop_turns:_} pour le kit)".replace("_", " "))
        if not budget.turns & 0x3FF:
            budget.tick()
        yield item


def checked_concat(parts: list[Any]) -> str:
    """The `~` operator, with the size of its result checked before it is built."""
    texts = [str(part) for part in parts]
    if sum(map(len, texts)) > LIMITS.text_chars:
        _too_long()
    return "".join(texts)


class _Bounded(NodeTransformer):
    """Routes loops and `~` through the budget (Jinja's sandbox intercepts neither)."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Call(
            nodes.ImportedName(f"{__name__}.counted_loop"), [node.iter], [], None, None, lineno=node.lineno
        )
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Call(
            nodes.ImportedName(f"{__name__}.checked_concat"),
            [nodes.List(node.nodes, lineno=node.lineno)],
            [],
            None,
            None,
            lineno=node.lineno,
        )


_WIDTH = re.compile(r"\d+")


def _check_format(text: str, values: Iterable[Any]) -> None:
    """A format string cannot ask for a huge width (`'%099999999d'`, `'{:>999999999}'`)."""
    if any(int(digits) > LIMITS.text_chars for digits in _WIDTH.findall(text[:10_000])) or any(
        isinstance(v, int) and v > LIMITS.text_chars for v in values
    ):
        _exceeded(f"largeur demandée à un format ({LIMITS.text_chars:_} caractères)".replace("_", " "))


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "*":
        if isinstance(left, int) and isinstance(right, int):
            if left.bit_length() + right.bit_length() > LIMITS.number_bits:
                _too_big()
        elif (_sized(left) or _sized(right)) and isinstance(right if _sized(left) else left, int):
            count = right if _sized(left) else left
            if (_sized(left) or _sized(right)) * max(count, 0) > LIMITS.text_chars:
                _too_long()
    elif operator == "**":
        integers = isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0
        if integers and left.bit_length() * right > LIMITS.number_bits:
            _too_big()
    elif operator == "+":
        if _sized(left) + _sized(right) > LIMITS.text_chars:
            _too_long()
    elif operator == "%" and isinstance(left, str):
        _check_format(left, right if isinstance(right, tuple) else (right,))


def _checked_filter(name: str, function: Any) -> Any:
    """A built-in filter with its arguments checked before it runs and its result after."""

    @functools.wraps(function)
    def filtered(*args: Any, **kwargs: Any) -> Any:
        _budget().tick()
        values = [a for a in args if not hasattr(a, "environment")]  # drop the context/environment
        numbers = [v for v in (*values[1:], *kwargs.values()) if isinstance(v, int)]
        if name in ("center", "indent", "slice", "batch", "truncate", "wordwrap", "tojson") and any(
            n > LIMITS.text_chars for n in numbers
        ):
            _exceeded(f"largeur demandée au filtre {name} ({LIMITS.text_chars:_})".replace("_", " "))
        if name == "indent" and values and numbers and str(values[0]).count("\n") * numbers[0] > LIMITS.text_chars:
            _too_long()
        if name == "replace" and len(values) >= 3 and isinstance(values[0], str):
            old, new = str(values[1]), str(values[2])
            if (values[0].count(old) if old else len(values[0]) + 1) * len(new) > LIMITS.text_chars:
                _too_long()
        if name == "format" and values and isinstance(values[0], str):
            _check_format(values[0], (*values[1:], *kwargs.values()))
        joined = name == "join" and len(values) >= 2 and isinstance(values[0], (str, list, tuple, range))
        if joined and len(values[0]) * len(str(values[1])) > LIMITS.text_chars:
            _too_long()
        return _check_size(function(*args, **kwargs))

    return filtered


def bounded_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002 (Jinja's names)
    """Jinja's `lipsum()`, for a few paragraphs only."""
    from jinja2.utils import generate_lorem_ipsum

    if n > 100 or max > 1000:
        _exceeded("taille demandée à lipsum() (100 paragraphes de 1 000 mots)")
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)


_DICT_ATTRIBUTES = frozenset(dir(dict))


class BoundedSandbox(SandboxedEnvironment):
    """Jinja's sandbox, plus a bound on every way a template can make work or memory grow."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _checked_filter(name, f) for name, f in self.filters.items()}
        self.globals["range"] = bounded_range
        self.globals["lipsum"] = bounded_lipsum
        self._names: dict[str, Any] = {}

    layout: tuple[tuple[str, Any], ...] = ()  # the layout options it was made with (`_environment`)
    bundled: Bundled | None = None  # its twin for the bundled templates' precompiled code (`_environment`)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return _Bounded().visit(super()._parse(source, name, filename))

    def getattr(self, obj: Any, attribute: str) -> Any:
        # The kit's data are plain dicts. For a key that names no dict attribute, Jinja's lookup fails on the
        # attribute (an exception each time) and then reads the key: reading it first gives the same value.
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        # A field of transfogen's records (a session's agenda…) is data: the checks below would let it through.
        elif attribute in getattr(type(obj), "__dataclass_fields__", ()) and not attribute.startswith("_"):
            value = getattr(obj, attribute)
            if not callable(value):
                return value
        return super().getattr(obj, attribute)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        return _check_size(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's signature)
        _budget().tick()
        method = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
        owner = getattr(method, "__self__", None)
        if isinstance(owner, str):
            name = getattr(method, "__name__", "")
            if name in ("format", "format_map"):
                _check_format(owner, (*args, *kwargs.values()))
            elif name in ("center", "ljust", "rjust", "zfill", "expandtabs") and any(
                isinstance(a, int) and a > LIMITS.text_chars for a in args
            ):
                _too_long()
            elif name == "replace" and len(args) >= 2:
                old, new = str(args[0]), str(args[1])
                if (owner.count(old) if old else len(owner) + 1) * len(new) > LIMITS.text_chars:
                    _too_long()
            elif name == "join" and args:
                items = list(args[0])
                if len(owner) * len(items) + sum(_sized(i) for i in items) > LIMITS.text_chars:
                    _too_long()
                args = (items, *args[1:])
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(owner, (list, dict, set)):
            _check_size(owner)  # append/extend/update grow the container in place
        return _check_size(result)

    def compiled_string(self, source: str) -> Any:
        """A template from a short string (a file name, a variable), compiled once."""
        if source not in self._names:
            self._names[source] = self.from_string(source)
        return self._names[source]


@functools.lru_cache(maxsize=16)
def _environment(search_path: tuple[str, ...], env_vars: tuple[tuple[str, Any], ...]) -> BoundedSandbox:
    options: dict[str, Any] = {"keep_trailing_newline": True, **dict(env_vars)}
    env = BoundedSandbox(
        loader=FileSystemLoader(list(search_path)),
        undefined=StrictUndefined,
        # Every `{{ }}` value is checked: a `{% set %}` block can double a text without `~` or a call.
        finalize=_check_size,
        autoescape=False,  # the output is Markdown; HTML escaping happens when Markdown is rendered
        **options,
    )
    env.layout = env_vars
    from transfogen.templating.precompiled import Bundled

    env.bundled = Bundled(env_vars, loader=env.loader)
    return env


def item_environment(template_dir: Path) -> BoundedSandbox:
    """The environment for per-item files (sessions, roles…): names are relative to the template folder.

    Built once per template folder and reused; Jinja reloads a file that changed on disk.
    """
    return _environment((str(template_dir),), ())


def skeleton_environment(template_dir: Path, skeleton: Path, env_vars: dict[str, Any]) -> BoundedSandbox:
    """The environment for the skeleton: names relative to it, then `templates/`, as cookiecutter has it."""
    layout = tuple(sorted((key, value) for key, value in env_vars.items() if key in LAYOUT_ENV_VARS))
    try:
        return _environment((str(skeleton), str(template_dir / "templates")), layout)
    except (TypeError, ValueError, AssertionError) as error:  # a layout option with a wrong value
        raise TemplateError(f"_jinja2_env_vars : valeur refusée ({error})") from None


# What starts Jinja in a text (a template may change only layout options, never these delimiters).
_MARKERS = ("{{", "{%", "{#")
_LINE_ENDINGS = re.compile(r"\r\n|\r|\n")  # Jinja's


def has_jinja(source: str) -> bool:
    return "{" in source and any(marker in source for marker in _MARKERS)


def plain_text(env: Environment, source: str) -> str | None:
    """What Jinja renders from a text without a tag, a variable or a comment (None when it has one): the
    text itself, its line endings written as the environment writes them, and without
    `keep_trailing_newline` one final line ending less. Nothing is compiled or run."""
    if has_jinja(source):
        return None
    lines = _LINE_ENDINGS.split(source)
    if not env.keep_trailing_newline and lines[-1] == "":
        del lines[-1]
    return env.newline_sequence.join(lines)


def error_line(error: BaseException, filenames: set[str]) -> int | None:
    """The template line a Jinja error comes from.

    Syntax errors carry it; errors met while rendering (an undefined variable) only leave it in the
    traceback, in the frames of the compiled template, which bear the template's file name.
    """
    line = getattr(error, "lineno", None)
    traceback = error.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename in filenames:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def _spend(budget: _Budget, length: int) -> None:
    budget.output -= length
    if budget.output < 0:
        _exceeded(
            f"taille des fichiers rendus ({budget.limits.output_chars:_} caractères pour le kit)".replace("_", " ")
        )
    budget.tick()


def _collect(chunks: Iterator[str]) -> str:
    budget = _budget()
    parts: list[str] = []
    pieces = iter(chunks)
    # 32 pieces at a time: each is one checked value or a piece of the template's own text.
    while batch := list(itertools.islice(pieces, 32)):
        _spend(budget, sum(map(len, batch)))
        parts += batch
    return "".join(parts)


def _located(error: BaseException, path: Path, filenames: set[str], line: int | None = None) -> TransfogenError:
    """Any failure met while rendering, as one transfogen error placed at `path:line`."""
    at = line or error_line(error, filenames) or 1
    if isinstance(error, LocatedError):
        return error.located(path, at)
    if isinstance(error, TransfogenError):
        return error
    if isinstance(error, SecurityError):
        return UnsafeTemplateError(f"opération interdite par le bac à sable : {error}", path=path, line=at)
    if isinstance(error, RecursionError):
        return TemplateError(
            "limite dépassée : profondeur d'inclusion, de macro ou d'expression (un gabarit qui s'inclut lui-même ?)",
            path=path,
            line=at,
        )
    if isinstance(error, MemoryError):
        return TemplateError("limite dépassée : mémoire (le gabarit construit un texte trop grand)", path=path, line=at)
    message = getattr(error, "message", None) if isinstance(error, JinjaError) else None
    return TemplateError(message or f"{type(error).__name__} : {error}", path=path, line=at)


def render_file(env: BoundedSandbox, name: str, path: Path, **variables: Any) -> str:
    """Render the template `name` of `env` (the file at `path`); every failure names the file and line.

    A bundled template's file runs its precompiled code (precompiled.py); any other file, or any
    failure there, renders in the sandbox."""
    filenames = {str(path)}
    try:
        with render_budget(shared=True):
            text = env.bundled.render_file(name, variables) if env.bundled is not None else None
            if text is not None:
                _spend(_budget(), len(text))
                return text
            template = env.get_template(name)
            filenames.add(template.filename or str(path))
            return _collect(template.generate(**variables))
    except Exception as error:  # a template's error, whatever it is, is the template's
        raise _located(error, path, filenames) from None


def render_string(env: BoundedSandbox, source: str, path: Path, line: int | None = None, **variables: Any) -> str:
    """Render a short template (a file name, a variable of cookiecutter.json) written at `path:line`."""
    try:
        with render_budget(shared=True):
            text = plain_text(env, source)
            if text is None and env.bundled is not None:
                text = env.bundled.render_string(source, variables)
            if text is not None:
                _spend(_budget(), len(text))
                return text
            return _collect(env.compiled_string(source).generate(**variables))
    except Exception as error:  # see render_file
        raise _located(error, path, {"<template>"}, line) from None


@contextmanager
def sandboxed_cookiecutter() -> Iterator[None]:
    """Make cookiecutter render with a sandboxed environment for the duration of the block.

    Only for a template the user trusts (`--trust`): the others never reach cookiecutter.
    cookiecutter takes no environment of ours; it imports `create_env_with_context` by name into
    `generate`, `prompt` and `hooks`. We swap those names (private API: the cookiecutter version range
    is pinned, and `tests/test_kit.py` fails loudly if this seam moves).
    """
    import cookiecutter.generate
    import cookiecutter.hooks
    import cookiecutter.prompt
    import cookiecutter.utils
    from cookiecutter.environment import ExtensionLoaderMixin

    class SandboxedStrictEnvironment(ExtensionLoaderMixin, SandboxedEnvironment):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(undefined=StrictUndefined, **kwargs)

    def create_env_with_context(context: dict[str, Any]) -> SandboxedStrictEnvironment:
        requested = context.get("cookiecutter", {}).get("_jinja2_env_vars", {}) or {}
        env_vars = {key: value for key, value in requested.items() if key in LAYOUT_ENV_VARS}
        env_vars.setdefault("keep_trailing_newline", True)
        return SandboxedStrictEnvironment(context=context, **env_vars)

    modules = (cookiecutter.generate, cookiecutter.prompt, cookiecutter.hooks)
    original = cookiecutter.utils.create_env_with_context
    for module in modules:
        if getattr(module, "create_env_with_context", None) is not original:
            raise TemplateError(
                f"cookiecutter a changé ({module.__name__}.create_env_with_context introuvable) : "
                "le bac à sable ne peut pas être garanti, génération refusée"
            )
    for module in modules:
        module.create_env_with_context = create_env_with_context
    try:
        yield
    finally:
        for module in modules:
            module.create_env_with_context = original
