"""Library entry points that read files: the CLI and other front ends call these.

`plan`, `generate` and `check` are the public API, re-exported by the package (see its docstring).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from transfogen.errors import ProfileError
from transfogen.planning.model import Profile, Programme

# Resource look-up lives in its own low-level module; these names stay importable from here.
from transfogen.templating.resources import bundled_examples, bundled_template_dir

if TYPE_CHECKING:
    from transfogen.planning.french_calendar import CalendarFacts
    from transfogen.templating.template import Template
    from transfogen.templating.template_check import Problem


def plan_profile(path: str | Path, template_dir: str | Path | None = None) -> Programme:
    """Read a collectivity's profile and plan its programme with the template's rules."""
    from transfogen.planning.profile import load_profile
    from transfogen.templating.resources import profile_path
    from transfogen.templating.template import load_template

    template = load_template(template_dir if template_dir is not None else bundled_template_dir())
    return plan_template(load_profile(profile_path(path)), template)


def plan_template(profile: Profile, template: Template, facts: CalendarFacts | None = None) -> Programme:
    """Plan a loaded profile with a loaded template's rules and the French calendar facts (read from the
    package unless given: a batch reads them once)."""
    from transfogen.planning.french_calendar import load_calendar_facts
    from transfogen.planning.planner import plan

    programme = plan(profile, template.rules, facts or load_calendar_facts())
    if not programme.sessions:  # a calendar or a kit without a session is of no use: say why instead
        raise ProfileError(
            profile.source or "<profil>",
            "program",
            f"aucune séance possible sur les {profile.program.months} mois du programme (périodes bloquées, "
            "vacances, jours fériés ou jours de la semaine) : réduisez program.blackouts, autorisez d'autres "
            "jours ou allongez program.months",
        )
    return programme


def template_example(template_dir: str | Path) -> Path:
    """The example profile a template names in its manifest (`example:`), else the first bundled one."""
    import yaml

    manifest = Path(template_dir) / "transfogen.yaml"
    try:
        name = (yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}).get("example")
    except (OSError, yaml.YAMLError, AttributeError):
        name = None
    examples = bundled_examples()
    return next((p for p in examples if p.stem == name), examples[0])


# ------------------------------------------------------------------ the public library API
# Re-exported by the package (`transfogen.plan`…): what a script or another front end calls.


def plan(profile: str | Path, template: str | Path | None = None) -> Programme:
    """The dated programme of a profile file, planned with a template (a name, a folder or a zip;
    by default the bundled `transfo`)."""
    from transfogen.planning.profile import load_profile
    from transfogen.templating.template import load_template
    from transfogen.templating.template_source import open_template, resolve_template

    loaded = load_profile(profile)
    with open_template(resolve_template(template), renders=False) as root:
        return plan_template(loaded, load_template(root))


def generate(
    profile: str | Path | Profile,
    output: str | Path | None = None,
    *,
    template: str | Path | None = None,
    force: bool = False,
    trust: bool = False,
) -> Path:
    """Generate the kit of a profile into `output` (by default a folder named after the collectivity)
    and return its folder. `force` replaces a previous kit (kept aside as a backup); `trust` lets a
    contributed template run its own code."""
    from transfogen.kit.build import generate_kit
    from transfogen.templating.template_source import resolve_template

    return generate_kit(profile, output, template_dir=resolve_template(template), force=force, trust=trust)


def check(template: str | Path, examples: list[Path] | None = None, *, trust: bool = False) -> list[Problem]:
    """Every problem of a template (file, line, message), rendered with the example profiles (by default
    the bundled ones); an empty list means the template is ready to share."""
    from transfogen.templating.template_check import check_template
    from transfogen.templating.template_source import resolve_template

    root = resolve_template(template)
    return check_template(Path(root or bundled_template_dir()), examples or bundled_examples(), trust=trust)
