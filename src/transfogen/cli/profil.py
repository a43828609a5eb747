"""`transfogen profil`: a starter profile for a collectivity of the official list."""

from __future__ import annotations

from datetime import date

import click

from transfogen.cli.options import force_option, output_option

EXAMPLE = """\b
Exemple :
  transfogen profil "Saint-Denis (974)" -o saint-denis.yaml
"""


@click.command(epilog=EXAMPLE)
@click.argument("collectivite")
@output_option("Écrit le profil dans ce fichier.")
@force_option()
@click.option(
    "--debut",
    "start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="AAAA-MM-JJ",
    help="Première date possible pour une séance (AAAA-MM-JJ) ; par défaut, le premier lundi du troisième mois à venir.",
)
def profil(collectivite: str, output: str | None, force: bool, start) -> None:
    """Écrit le profil de départ d'une COLLECTIVITE de la liste officielle (communes,
    intercommunalités, départements, régions), donnée par son nom ou son code (code INSEE d'une
    commune ou d'un département, SIREN d'une intercommunalité).

    Le profil donne le nom, le type, le département, la zone de vacances scolaires et une taille
    d'équipe proposée selon la population ; il est valide tel quel (transfogen new l'accepte) et se
    complète avec les lieux, les partenaires et les cas pratiques. Quand plusieurs collectivités
    portent ce nom, la commande les liste : précisez le département entre parenthèses ou le code.
    """
    from pathlib import Path

    from transfogen.errors import TransfogenError
    from transfogen.kit.files import write_file
    from transfogen.network.directory import check_served, default_start, directory, starter_profile

    listing = directory()
    found = listing.find(collectivite)
    if not found:
        near = listing.complete(collectivite, limit=5)
        hint = " ; noms proches : " + " ; ".join(entry.label for entry in near) if near else ""
        raise TransfogenError(f"aucune collectivité « {collectivite} » dans la liste officielle{hint}")
    if all(entry.overseas_collectivity for entry in found):
        check_served(found[0])
    if len(found) > 1:
        click.echo(f"{len(found)} collectivités répondent à « {collectivite} » :", err=True)
        for entry in found:
            click.echo(f"  {entry.label}", err=True)
        first = found[0]
        raise TransfogenError(
            f"« {collectivite} » est ambigu : précisez le département, par exemple "
            f"« {first.name} ({first.department}) », ou donnez le code, par exemple {first.code}"
        )
    first_day = start.date() if start else default_start(date.today())
    text = starter_profile(found[0], first_day, listing.source)
    if output is None:
        click.echo(text, nl=False)
        return
    write_file(Path(output), text, force=force)
    click.echo(f"Profil de {found[0].label} écrit dans {output}", err=True)
