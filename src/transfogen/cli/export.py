"""`transfogen export`: a kit (or one of its sheets) as an A4 PDF booklet or editable Word files."""

from __future__ import annotations

import click

from transfogen.cli.options import force_option, output_option
from transfogen.errors import TransfogenError

FORMATS = ("pdf", "docx")
EXPORT_DIR = "export"  # default destination, inside the kit


@click.command()
@click.argument("kit", type=click.Path(file_okay=True, dir_okay=True))
@click.option(
    "-f",
    "--format",
    "fmt",
    required=True,
    metavar="pdf|docx",
    help="pdf (à imprimer) ou docx (à modifier dans Word ou LibreOffice).",
)
@click.option(
    "--sheet",
    type=click.Path(dir_okay=False),
    help="N'exporter qu'une fiche du kit (séance, méthode, rôle ou document), par exemple seances/seance-03.md (chemin depuis le kit ou depuis le dossier courant).",
)
@output_option("Fichier (ou, pour le kit entier en docx, dossier) à écrire ; par défaut dans KIT/export/.", either=True)
@force_option("Remplace les fichiers de sortie s'ils existent déjà.")
@click.option("--archive", is_flag=True, help="PDF/A-2a (archivage), au lieu de PDF/UA-1 ; balisé dans les deux cas.")
def export(kit: str, fmt: str, sheet: str | None, output: str | None, force: bool, archive: bool) -> None:
    """Exporte le kit pour l'imprimer ou le modifier.

    \b
    --format pdf : un livret A4 du kit entier (couverture, sommaire avec
      numéros de page, chaque fiche sur une nouvelle page, nom de la
      collectivité en haut de page) : KIT/export/livret.pdf.
      Avec --sheet : la seule fiche, en A4 : KIT/export/<fiche>.pdf.
    --format docx : un fichier Word modifiable par fiche de séance, fiche
      méthode, fiche de rôle et document fondateur, rangés comme dans le
      kit : KIT/export/word/seances/seance-01.docx, KIT/export/word/
      documents/…  Avec --sheet : un seul fichier, KIT/export/<fiche>.docx.
    Le PDF est balisé pour les lecteurs d'écran (PDF/UA-1 : titres, listes,
      tableaux, langue, titre, texte de remplacement de la frise) ;
      --archive produit un PDF/A-2a, balisé lui aussi, pour l'archivage.
    Les cases à cocher deviennent ☐, les liens sont écrits avec leur adresse.
    Un fichier existant n'est remplacé qu'avec --force.

    \b
    Exemples :
      transfogen export mon-kit --format pdf
      transfogen export mon-kit --format docx --sheet seances/seance-03.md
    """
    from pathlib import Path

    from transfogen.exports.export import check_kit, export_docx, export_pdf, sheet_in_kit

    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise TransfogenError(f"--format : format inconnu « {fmt} » ; formats possibles : {', '.join(FORMATS)}")
    if archive and fmt != "pdf":
        raise TransfogenError("--archive ne vaut que pour --format pdf")
    root = Path(kit)
    check_kit(root)
    sheet_path = Path(sheet) if sheet else None
    if sheet_path is not None:
        sheet_in_kit(root, sheet_path)  # refuse a file outside the kit before anything else
    if output:
        target = Path(output)
    elif sheet_path is not None:
        target = root / EXPORT_DIR / f"{sheet_path.stem}.{fmt}"
    else:
        target = root / EXPORT_DIR / ("livret.pdf" if fmt == "pdf" else "word")

    if fmt == "pdf" and sheet_path is None:
        click.echo("Mise en page du livret (compter une minute ou deux pour un kit complet)…", err=True)
    if fmt == "pdf":
        written = [export_pdf(root, target, sheet_path, force=force, archive=archive)]
    else:
        written = export_docx(root, target, sheet_path, force=force)
    if len(written) == 1:
        click.echo(f"Fichier écrit : {written[0]}")
    else:
        click.echo(f"{len(written)} fichiers Word écrits dans {target}")
