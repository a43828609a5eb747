"""`transfogen calendar`: plan a profile's programme and print or write its calendar."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from transfogen.errors import OutputExistsError, TransfogenError

FORMATS = ("text", "json", "ics", "csv")


EXAMPLE = """\b
Exemple :
  transfogen calendar examples/strasbourg.yaml --format ics -o strasbourg.ics
"""


@click.command(epilog=EXAMPLE)  # the epilog comes after the options: the help ends with the example
@click.argument("profile", type=click.Path(dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
    help="text : tableau lisible ; json : format documenté (docs/calendrier-json.md) ; "
    "ics : à importer dans un agenda ; csv : à ouvrir dans un tableur.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Écrit le calendrier dans ce fichier.")
@click.option("--force", is_flag=True, help="Remplace le fichier de sortie s'il existe déjà.")
def calendar(profile: str, fmt: str, output: str | None, force: bool) -> None:
    """Planifie le programme d'une collectivité à partir de son PROFILE (fichier YAML) et affiche
    son calendrier : séances, phases, rituels, mois sans séance et points de vigilance.

    Le fichier .ics s'importe dans un agenda (Outlook, Thunderbird, Google Agenda…) ; le réimporter
    après une modification met les séances à jour au lieu de les dupliquer. Le fichier .csv s'ouvre
    dans LibreOffice ou Excel (une ligne par journée de séance).
    """
    from transfogen import calendar_formats
    from transfogen.api import bundled_template_dir, plan_profile
    from transfogen.rules import load_rules

    programme = plan_profile(profile)
    labels = calendar_formats.rule_labels(load_rules(bundled_template_dir()))
    render = {
        "text": calendar_formats.to_text,
        "json": calendar_formats.to_json,
        "ics": calendar_formats.to_ics,
        "csv": calendar_formats.to_csv,
    }[fmt]
    data = render(programme, labels)  # text and json are str; ics and csv are exact bytes (CRLF, BOM)
    if output is None:
        click.echo(data, nl=False)  # str is encoded for the terminal; bytes go out untouched
        return
    write_file(Path(output), data.encode("utf-8") if isinstance(data, str) else data, force)
    click.echo(f"Calendrier écrit dans {output}", err=True)


def write_file(path: Path, data: bytes, force: bool) -> None:
    """Write through a temporary file in the same folder, then rename: never a half-written calendar."""
    if path.is_dir():
        raise TransfogenError(f"{path}: c'est un dossier, indiquez un nom de fichier")
    if path.exists() and not force:
        raise OutputExistsError(f"{path}: le fichier existe déjà (ajoutez --force pour le remplacer)")
    folder = path.parent
    if not folder.is_dir():
        raise TransfogenError(f"{path}: le dossier {folder} n'existe pas")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise TransfogenError(f"{path}: écriture impossible ({error.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; give the usual mode of a new file
        os.replace(tmp, path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise TransfogenError(f"{path}: écriture impossible ({error.strerror})") from None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
