"""`transfogen status`: the coordinator's week, from a kit."""

from __future__ import annotations

from datetime import date

import click


def _parse_date(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"« {value} » : date attendue au format AAAA-MM-JJ, par exemple 2027-03-01") from None


@click.command()
@click.argument("kit", type=click.Path(file_okay=False))
@click.option(
    "--date", "day", metavar="AAAA-MM-JJ", help="Le jour à considérer (AAAA-MM-JJ ; par défaut : aujourd'hui)."
)
@click.option(
    "--format", "fmt", type=click.Choice(["texte", "json"]), default="texte", show_default=True, help="Texte ou JSON."
)
def status(kit: str, day: str | None, fmt: str) -> None:
    """La semaine de la coordination : la prochaine séance (dates, lieu, ce qu'il faut
    préparer), les tâches à échéance dans les 14 jours et celles en retard, les décisions
    attendues au prochain comité de pilotage et les points d'attention encore ouverts.

    Une tâche cochée dans le kit (- [x] dans programme.md ou dans la fiche de la séance)
    compte comme faite.

    \b
    Exemple :
      transfogen status kit-strasbourg --date 2027-03-01
    """
    from pathlib import Path

    from transfogen.living.status import read_week, to_json, to_text

    week = read_week(Path(kit), _parse_date(day))
    click.echo(to_json(week) if fmt == "json" else to_text(week), nl=False)
