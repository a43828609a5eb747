"""The only Jinja environments transfogen renders with: sandboxed, strict, never evaluating data.

Templates may come from a contributor we do not know, so everything renders in Jinja's sandbox,
cookiecutter's skeleton included. Profile values reach templates only as context values, which Jinja
never evaluates: a collectivity called ``{{ 7*7 }}`` stays literal.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from transfogen.errors import TemplateError

# Environment options a template may set through cookiecutter's `_jinja2_env_vars`: layout only.
_SAFE_ENV_VARS = {"trim_blocks", "lstrip_blocks", "keep_trailing_newline", "newline_sequence"}


def item_environment(template_dir: Path) -> SandboxedEnvironment:
    """The environment for per-item files (sessions, roles…): built once per kit and reused."""
    return SandboxedEnvironment(
        loader=FileSystemLoader(str(template_dir)),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # the output is Markdown; HTML escaping happens when Markdown is rendered
    )


@contextmanager
def sandboxed_cookiecutter() -> Iterator[None]:
    """Make cookiecutter render with a sandboxed environment for the duration of the block.

    cookiecutter takes no environment of ours; it imports `create_env_with_context` by name into
    `generate`, `prompt` and `hooks`. We swap those names (private API: the cookiecutter version range
    is pinned, and `tests/test_sandbox.py` fails loudly if this seam moves).
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
        env_vars = {key: value for key, value in requested.items() if key in _SAFE_ENV_VARS}
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
