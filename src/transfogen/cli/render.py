"""`transfogen render`: one sheet to a standalone, styled HTML page."""

from __future__ import annotations

import click

from transfogen.errors import OutputExistsError


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
    from pathlib import Path

    from transfogen.files import write_file
    from transfogen.html import page, sheet_html, stylesheet
    from transfogen.sheets import load_sheet

    target = Path(output) if output else Path(sheet).with_suffix(".html")
    if target.resolve() == Path(sheet).resolve():
        raise OutputExistsError(f"{target} : la page ne peut pas remplacer la fiche elle-même ; choisissez un autre -o")
    document = _kit_document(sheet)
    if document is None:  # a sheet with its front matter: checked, then laid out
        parsed = load_sheet(sheet)
        document = page(parsed.title, sheet_html(parsed), css=stylesheet())
    write_file(target, document, force=force)
    click.echo(f"Page écrite : {target}")


def _kit_document(path: str) -> str | None:
    """A kit's method sheet is already laid out as a Markdown document ("# Title" first): its page."""
    from transfogen.html import page, stylesheet
    from transfogen.markup import render_markdown

    try:
        with open(path, encoding="utf-8-sig") as stream:
            text = stream.read()
    except (OSError, UnicodeDecodeError):
        return None  # load_sheet reports it in French
    if not text.startswith("# "):
        return None
    title, _, body = text.partition("\n")
    return page(title[2:].strip(), render_markdown(body), css=stylesheet())
