"""`transfogen render`: one sheet or page of a kit to a standalone, styled HTML page."""

from __future__ import annotations

import click

from transfogen.cli.options import force_option, output_option
from transfogen.errors import OutputExistsError, SheetError


@click.command()
@click.argument("sheet", metavar="FICHE")
@output_option("Fichier HTML à écrire (par défaut : la fiche avec l'extension .html).")
@force_option()
def render(sheet: str, output: str | None, force: bool) -> None:
    """Fait d'une fiche du kit une page HTML autonome, mise en forme, lisible hors ligne et imprimable.

    FICHE est un fichier Markdown : fiche méthode ou fiche séance (vérifiée
    d'abord contre le schéma), fiche rôle, document, programme ou LISEZMOI.md.

    \b
    Exemple :
      transfogen render templates/transfo/methodes/portraits-croises.md -o portraits.html
    """
    from pathlib import Path

    from transfogen.kit.files import write_file
    from transfogen.kit.html import page, sheet_html, stylesheet
    from transfogen.kit.markup import render_markdown
    from transfogen.kit.sheets import load_sheet
    from transfogen.kit.site import title_and_body

    source = Path(sheet)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SheetError(sheet, None, "fichier introuvable") from None
    except IsADirectoryError:
        raise SheetError(sheet, None, "c'est un dossier ; une fiche Markdown (.md) est attendue") from None
    except UnicodeDecodeError:
        raise SheetError(sheet, None, "le fichier n'est pas encodé en UTF-8") from None
    target = Path(output) if output else source.with_suffix(".html")
    if target.resolve() == source.resolve():
        raise OutputExistsError(f"{target} : la page ne peut pas remplacer la fiche elle-même ; choisissez un autre -o")
    if text.startswith("---"):  # a method or session sheet: its front matter follows the schema
        parsed = load_sheet(sheet)
        title, body = parsed.title, sheet_html(parsed)
    else:  # a role sheet, a document, the programme, LISEZMOI.md: plain Markdown
        title, markdown = title_and_body(text, source.stem)
        body = render_markdown(markdown)
    write_file(target, page(title, body, css=stylesheet()), force=force)
    click.echo(f"Page écrite : {target}")
