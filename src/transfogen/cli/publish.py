"""`transfogen publish`: put the programme's events in a CalDAV calendar, and keep them in step."""

from __future__ import annotations

import os

import click

PASSWORD_VARIABLE = "TRANSFOGEN_CALDAV_PASSWORD"


@click.command()
@click.argument("kit", type=click.Path(file_okay=False))
@click.option(
    "--caldav", "url", required=True, help="Adresse du calendrier (la collection CalDAV), créé s'il n'existe pas."
)
@click.option(
    "--user", "user", help=f"Identifiant sur le serveur ; le mot de passe vient de {PASSWORD_VARIABLE} ou est demandé."
)
@click.option("--dry-run", is_flag=True, help="Montrer ce qui serait créé, mis à jour ou annulé, sans rien écrire.")
def publish(kit: str, url: str, user: str | None, dry_run: bool) -> None:
    """Publie les séances et rituels du kit dans un agenda partagé (CalDAV : Nextcloud, BlueMind,
    Zimbra, SOGo, Radicale…).

    Crée les événements qui manquent, met à jour ceux qui ont changé et marque annulés
    (STATUS:CANCELLED) ceux que le programme n'a plus. Seuls les événements publiés par
    transfogen pour ce programme sont touchés ; rien n'est jamais supprimé. Relancer la
    commande ne change rien si le kit n'a pas changé, et termine une publication interrompue.
    Le mot de passe n'est écrit nulle part.

    \b
    Exemple :
      transfogen publish kit-strasbourg --caldav https://agenda.exemple.fr/dav/calendars/coordination/transfo/ --user coordination
    """
    from pathlib import Path

    from transfogen.errors import TransfogenError
    from transfogen.living.publish import publish as run

    password = None
    if user:
        password = os.environ.get(PASSWORD_VARIABLE)
        if not password:
            try:
                password = click.prompt(f"Mot de passe CalDAV de {user}", hide_input=True, err=True)
            except click.Abort:
                raise TransfogenError(f"aucun mot de passe : saisissez-le, ou définissez {PASSWORD_VARIABLE}") from None
    report = run(Path(kit), url, user, password, dry_run=dry_run)
    if dry_run:
        click.echo(f"Simulation : rien n'a été écrit sur {report.url}.")
    if report.created_calendar:
        click.echo(f"Calendrier {'à créer' if dry_run else 'créé'} : {report.url}")
    for change in report.changes:
        click.echo(f"  {change.action:<10}  {change.start}  {change.summary}")
    verbs = ("à créer", "à mettre à jour", "à annuler") if dry_run else ("créé(s)", "mis à jour", "annulé(s)")
    click.echo(
        f"{report.url} : {report.count('créé')} événement(s) {verbs[0]}, {report.count('mis à jour')} {verbs[1]}, "
        f"{report.count('annulé')} {verbs[2]}, {report.unchanged} inchangé(s)."
    )
