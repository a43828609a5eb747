"""`transfogen render`: one sheet to a standalone, styled HTML page."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from transfogen.errors import OutputExistsError, TransfogenError


@click.command()
@click.argument("sheet", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Fichier HTML à écrire (par défaut : la fiche avec l'extension .html).",
)
@click.option("--force", is_flag=True, help="Remplacer le fichier de sortie s'il existe déjà.")
def render(sheet: str, output: str | None, force: bool) -> None:
    """Vérifie une fiche (méthode ou séance) et en fait une page HTML autonome, mise en forme,
    lisible hors ligne et imprimable.

    \b
    Exemple :
      transfogen render templates/transfo/methodes/portraits-croises.md -o portraits.html
    """
    from transfogen.html import page, sheet_html, stylesheet
    from transfogen.sheets import load_sheet

    parsed = load_sheet(sheet)
    target = Path(output) if output else Path(sheet).with_suffix(".html")
    if target.resolve() == Path(sheet).resolve():
        raise OutputExistsError(f"{target} : la page ne peut pas remplacer la fiche elle-même ; choisissez un autre -o")
    if target.exists() and not force:
        raise OutputExistsError(f"{target} : le fichier existe déjà (ajoutez --force pour le remplacer)")
    document = page(parsed.title, sheet_html(parsed), css=stylesheet())
    _write_atomically(target, document)
    click.echo(f"Page écrite : {target}")


def _write_atomically(target: Path, text: str) -> None:
    # Write next to the target then rename, so a reader never sees a half-written page.
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent or Path("."), prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise TransfogenError(f"{target} : écriture impossible ({error.strerror})") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise TransfogenError(f"{target} : écriture impossible ({error.strerror})") from None
