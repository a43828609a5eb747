"""`transfogen calendar`: plan a profile's programme and print or write its calendar."""

from __future__ import annotations

from collections.abc import Callable

import click

from transfogen.cli.options import force_option, output_option, template_option

FORMATS = ("texte", "json", "ics", "csv")


EXAMPLE = """\b
Exemple :
  transfogen calendar strasbourg --format ics -o strasbourg.ics
"""


@click.command(epilog=EXAMPLE)  # the epilog comes after the options: the help ends with the example
@click.argument("profile", metavar="PROFIL")  # read by load_profile, whose errors are one French line
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="texte",
    show_default=True,
    help="texte : tableau lisible ; json : format documenté (docs/calendrier-json.md) ; "
    "ics : à importer dans un agenda ; csv : à ouvrir dans un tableur.",
)
@output_option("Écrit le calendrier dans ce fichier.")
@force_option()
@template_option(
    "Gabarit dont les règles planifient le programme (par défaut : transfo) : un dossier, une archive zip ou un nom."
)
def calendar(profile: str, fmt: str, output: str | None, force: bool, template: str | None) -> None:
    """Planifie le programme d'une collectivité et affiche son calendrier : séances, phases,
    rituels, mois sans séance et points de vigilance.

    PROFIL est le fichier YAML de la collectivité, ou le nom d'un exemple fourni
    (voir « transfogen examples »).

    Le fichier .ics s'importe dans un agenda (Outlook, Thunderbird, Google Agenda…) ; le réimporter
    après une modification met les séances à jour au lieu de les dupliquer. Le fichier .csv s'ouvre
    dans LibreOffice ou Excel (une ligne par journée de séance).
    """
    from pathlib import Path

    from transfogen.api import plan_template
    from transfogen.exports import calendar_formats
    from transfogen.planning.profile import load_profile
    from transfogen.templating.resources import profile_path
    from transfogen.templating.template import load_template
    from transfogen.templating.template_source import open_template, resolve_template

    loaded = load_profile(profile_path(profile))
    for warning in loaded.warnings:
        click.echo(f"Attention : {warning}", err=True)
    # Planning reads the template's rules and renders nothing: no code of it could run, so no --trust.
    with open_template(resolve_template(template), renders=False) as root:
        loaded_template = load_template(root)
        programme = plan_template(loaded, loaded_template)
    labels = loaded_template.names
    renderers: dict[str, Callable[..., str | bytes]] = {
        "texte": calendar_formats.to_text,
        "json": calendar_formats.to_json,
        "ics": calendar_formats.to_ics,
        "csv": calendar_formats.to_csv,
    }
    data = renderers[fmt](programme, labels)  # text and json are str; ics and csv are exact bytes (CRLF, BOM)
    if output is None:
        click.echo(data, nl=False)  # str is encoded for the terminal; bytes go out untouched
        return
    from transfogen.kit.files import write_file  # only to write a file (it imports tempfile)

    write_file(Path(output), data, force=force)
    click.echo(f"Calendrier écrit dans {output}", err=True)
