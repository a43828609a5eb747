"""transfogen: turns a French collectivity's profile into an 18-month innovation-lab programme kit.

The library, for scripts and other front ends (the command line calls the same functions):

    import transfogen

    programme = transfogen.plan("examples/metz.yaml")            # the dated programme (model.Programme)
    kit = transfogen.generate("examples/metz.yaml", "kit-metz")  # the whole kit; returns its folder
    problems = transfogen.check("mon-gabarit")                   # a template's problems, file:line

Every error a user can cause is a `transfogen.TransfogenError` (errors.py) with a French message.
Names are imported on first use, so `import transfogen` stays light.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["TransfogenError", "check", "generate", "load_profile", "load_template", "plan"]

_EXPORTS = {
    "plan": "transfogen.api",
    "generate": "transfogen.api",
    "check": "transfogen.api",
    "load_profile": "transfogen.planning.profile",
    "load_template": "transfogen.templating.template",
    "TransfogenError": "transfogen.errors",
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'transfogen' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(_EXPORTS[name]), name)
