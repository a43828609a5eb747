"""Library entry points that read files: the CLI and other front ends call these."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from transfogen.errors import ProfileError, TemplateError
from transfogen.model import Profile, Programme

if TYPE_CHECKING:
    from transfogen.rules import ProgrammeRules


def bundled_template_dir(name: str = "transfo") -> Path:
    """The folder of a template shipped with transfogen (in the wheel, or in a source checkout)."""
    packaged = Path(str(resources.files("transfogen"))) / "templates" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "templates" / name
    if checkout.is_dir():
        return checkout
    raise TemplateError(f"gabarit « {name} » introuvable (ni dans le paquet, ni dans {checkout.parent})")


def plan_profile(path: str | Path, template_dir: str | Path | None = None) -> Programme:
    """Read a collectivity's profile and plan its programme with the template's rules."""
    from transfogen.profile import load_profile

    return plan_with_rules(load_profile(path), template_dir)[0]


def plan_with_rules(profile: Profile, template_dir: str | Path | None = None) -> tuple[Programme, ProgrammeRules]:
    """Plan a loaded profile; also return the template's rules, which renderers need for names."""
    from transfogen.french_calendar import load_calendar_facts
    from transfogen.planner import plan
    from transfogen.rules import load_rules

    rules = load_rules(template_dir if template_dir is not None else bundled_template_dir())
    programme = plan(profile, rules, load_calendar_facts())
    if not programme.sessions:  # a calendar or a kit without a session is of no use: say why instead
        raise ProfileError(
            profile.source or "<profil>",
            "program",
            f"aucune séance possible sur les {profile.program.months} mois du programme (périodes bloquées, "
            "vacances, jours fériés ou jours de la semaine) : réduisez program.blackouts, autorisez d'autres "
            "jours ou allongez program.months",
        )
    return programme, rules


def bundled_examples() -> list[Path]:
    """The example profiles shipped with transfogen (the seven collectivities of La Transfo's 2nd edition)."""
    packaged = Path(str(resources.files("transfogen"))) / "examples"
    folder = packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "examples"
    return sorted(folder.glob("*.yaml"))


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
