"""`transfogen new`: generate a ready-to-run programme kit from a profile, or from answers typed in."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from pathlib import Path

_WEEKDAY_PROMPT = "lun, mar, mer, jeu, ven"
_FRENCH_WEEKDAYS = {"lun": "mon", "mar": "tue", "mer": "wed", "jeu": "thu", "ven": "fri", "sam": "sat", "dim": "sun"}


def _ask_date(text: str, default: date) -> date:
    def convert(value: str | date) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise click.BadParameter("date attendue au format AAAA-MM-JJ, par exemple 2027-01-04") from None

    return click.prompt(text, default=default.isoformat(), value_proc=convert)


def _ask_department() -> str:
    from transfogen.profile import department_name

    def convert(value: str) -> str:
        code = value.strip().upper()
        try:
            department_name(code)
        except (KeyError, ValueError):
            raise click.BadParameter(
                f"département inconnu « {value} » (code INSEE : 01 à 95, 2A, 2B, 971 à 976)"
            ) from None
        return code

    return click.prompt("Département (code INSEE)", value_proc=convert)


def _ask_weekdays() -> list[str]:
    from transfogen.model import WEEKDAYS

    def convert(value: str) -> list[str]:
        names = [part.strip().lower()[:3] for part in value.replace(";", ",").split(",") if part.strip()]
        unknown = [name for name in names if name not in _FRENCH_WEEKDAYS]
        if not names or unknown:
            raise click.BadParameter(f"jours attendus parmi {_WEEKDAY_PROMPT}, séparés par des virgules")
        return sorted({_FRENCH_WEEKDAYS[name] for name in names}, key=WEEKDAYS.index)

    return click.prompt("Jours de la semaine possibles", default=_WEEKDAY_PROMPT, value_proc=convert)


def _ask_list(text: str) -> list[str]:
    answer = click.prompt(text + " (séparés par des virgules, vide pour aucun)", default="", show_default=False)
    return [part.strip() for part in answer.split(",") if part.strip()]


def ask_profile() -> dict:
    """Ask the profile's questions one by one, each validated as it is typed."""
    from transfogen.model import KINDS

    click.echo("Décrivez votre collectivité ; Entrée garde la valeur proposée entre crochets.", err=True)
    name = click.prompt("Nom de la collectivité", value_proc=lambda v: v.strip() or _refuse("le nom est obligatoire"))
    kind = click.prompt("Type", type=click.Choice(KINDS), default="commune")
    department = _ask_department()
    sites = _ask_list("Lieux des séances")
    network = _ask_list("Collectivités partenaires du réseau")
    today = date.today()
    start = _ask_date("Date de début (aucune séance avant)", date(today.year + 1, 1, 4))
    months = click.prompt("Durée en mois", type=click.IntRange(6, 36), default=18)
    session_days = click.prompt("Jours par séance", type=click.IntRange(1, 5), default=3)
    weekdays = _ask_weekdays()
    avoid = click.confirm("Éviter les vacances scolaires ?", default=True)
    residents = click.prompt("Nombre de résidents", type=click.IntRange(2, 6), default=3)
    ambassadors = click.prompt("Nombre d'ambassadeurs", type=click.IntRange(1, 60), default=20)
    cases: list[dict[str, str]] = []
    while len(cases) < 6:
        title = click.prompt(
            f"Cas pratique n°{len(cases) + 1} (vide pour terminer)", default="", show_default=False
        ).strip()
        if not title:
            break
        service = click.prompt("  Service porteur", default="", show_default=False).strip()
        cases.append({"title": title, "service": service} if service else {"title": title})
    return {
        "collectivity": {"name": name, "kind": kind, "department": department, "sites": sites, "network": network},
        "program": {
            "start": start,
            "months": months,
            "session_days": session_days,
            "weekdays": weekdays,
            "avoid_school_holidays": avoid,
        },
        "team": {"residents": residents, "ambassadors": ambassadors},
        "cases": cases,
        "language": "fr",
    }


def _refuse(message: str):
    raise click.BadParameter(message)


@click.command()
@click.argument("profile", required=False)  # read by load_profile, whose errors are one French line
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(file_okay=False),
    help="Dossier du kit (par défaut : le nom de la collectivité).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Remplacer un kit existant (l'ancien est conservé à côté, dans DOSSIER.ancien-N) ; un autre dossier non vide n'est jamais remplacé.",
)
@click.option(
    "--template",
    "template",
    help="Gabarit à utiliser au lieu de « transfo » : un dossier, une archive zip ou le nom d'un gabarit installé (voir « transfogen templates list »).",
)
@click.option(
    "--trust",
    is_flag=True,
    help="Autoriser les hooks et extensions Jinja d'un gabarit contribué (à réserver aux gabarits dont vous connaissez l'auteur).",
)
def new(profile: str | None, output: str | None, force: bool, template: str | None, trust: bool) -> None:
    """Génère le kit d'un programme, prêt à ouvrir, imprimer et lancer.

    Sans PROFILE, pose les questions une à une et enregistre les réponses
    dans le kit (.transfogen/profil.yaml) pour pouvoir recommencer.

    \b
    Exemple :
      transfogen new examples/strasbourg.yaml -o kit-strasbourg
    """
    import tempfile
    from pathlib import Path

    import yaml

    from transfogen.kit import generate_kit
    from transfogen.profile import load_profile
    from transfogen.template_source import resolve_template

    template_dir = resolve_template(template)  # before any question: a wrong name fails at once
    with tempfile.TemporaryDirectory(prefix="transfogen-profil-") as tmp:
        if profile is None:
            answers = ask_profile()
            profile = str(Path(tmp) / "profil.yaml")
            Path(profile).write_text(
                "# Profil saisi avec « transfogen new » ; modifiez-le puis relancez la commande.\n"
                + yaml.safe_dump(answers, allow_unicode=True, sort_keys=False),
                encoding="utf-8",
            )
        loaded = load_profile(profile)
        for warning in loaded.warnings:
            click.echo(f"Attention : {warning}", err=True)
        kit = generate_kit(
            loaded,
            output,
            template_dir=template_dir,
            force=force,
            trust=trust,
            on_backup=lambda backup: click.echo(f"L'ancien kit est conservé dans {backup}.", err=True),
        )
    click.echo(f"Kit généré dans {kit}. Ouvrez {kit / 'index.html'} pour commencer.")
    _print_warnings(kit)


def _print_warnings(kit: Path) -> None:
    """The planner's warnings (cases that do not fit, time beyond the lettre de mission…), on stderr."""
    import json

    from transfogen.files import CONTEXT_FILE, STATE_DIR

    context = json.loads((kit / STATE_DIR / CONTEXT_FILE).read_text(encoding="utf-8"))
    for warning in context.get("warnings") or []:
        click.echo(f"Attention : {warning}", err=True)
