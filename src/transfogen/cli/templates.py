"""`transfogen templates`: list, check and extend kit templates."""

from __future__ import annotations

import json

import click

from transfogen.cli.options import force_option, output_option, trust_option
from transfogen.errors import OutputExistsError, TemplateError, TransfogenError


@click.group()
def templates() -> None:
    """Gabarits de kit : lister, vérifier, créer une fiche méthode.

    \b
    Exemple :
      transfogen templates check templates/transfo
    """


@templates.command("list")
def list_templates() -> None:
    """Liste les gabarits fournis et ceux des dossiers de l'utilisateur.

    Les dossiers de l'utilisateur sont ceux de la variable TRANSFOGEN_TEMPLATES
    (séparés comme PATH) et ~/.local/share/transfogen/templates.

    \b
    Exemple :
      transfogen templates list
    """
    from transfogen.templating.template_source import available_templates

    for folder, manifest in available_templates():
        name = manifest.get("name", folder.name)
        version = manifest.get("version", "?")
        click.echo(f"{name} {version} — {manifest.get('title', '')}")
        if manifest.get("description"):
            click.echo(f"    {' '.join(str(manifest['description']).split())}")
        click.echo(f"    {folder}")


@templates.command()
@click.argument("template", metavar="GABARIT")
@click.option(
    "--example",
    "examples",
    multiple=True,
    metavar="PROFIL",
    help="Profil (fichier ou nom d'un exemple fourni) avec lequel rendre le gabarit (par défaut : tous les exemples fournis). Répétable.",
)
@trust_option("Rend aussi un gabarit qui a des hooks ou des extensions Jinja (ils s'exécutent).")
def check(template: str, examples: tuple[str, ...], trust: bool) -> None:
    """Vérifie un gabarit et affiche chaque problème sous la forme fichier:ligne: message.

    GABARIT est un dossier, ou le nom d'un gabarit installé (voir « transfogen
    templates list »). Vérifie le manifeste et cookiecutter.json, le schéma de
    chaque fiche, la syntaxe Jinja, le rendu avec chaque profil d'exemple (bac
    à sable, variables strictes), les liens internes, l'absence de HTML brut et
    de texte provisoire, et que les horaires de chaque déroulé s'additionnent.

    \b
    Exemples :
      transfogen templates check templates/transfo
      transfogen templates check residence --example pays-de-mormal
    """
    from pathlib import Path

    from transfogen.templating.resources import bundled_examples, profile_path
    from transfogen.templating.template_check import check_template
    from transfogen.templating.template_source import resolve_template

    root = Path(resolve_template(template) or template)
    if not root.is_dir():
        raise TemplateError(f"{template} : un dossier de gabarit est attendu (décompressez d'abord une archive zip)")
    profiles = [profile_path(p) for p in examples] or bundled_examples()
    missing = [str(p) for p in profiles if not p.is_file()]
    if missing:
        raise TransfogenError(f"{missing[0]} : profil introuvable (ni fichier, ni exemple fourni)")
    problems = check_template(root, profiles, trust=trust)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problème(s) dans {root}.", err=True)
        raise SystemExit(1)
    click.echo(f"{root} : aucun problème ({len(profiles)} profil(s) d'exemple rendus).")


@templates.command("new-sheet")
@click.argument("sheet_id", metavar="IDENTIFIANT")
@click.option("--title", default="", help="Titre de la fiche.")
@click.option("--family", default="", help="Famille de la méthode (groupe, cadrage, immersion…).")
@output_option("Fichier à créer (par défaut : ID.md).")
@force_option()
def new_sheet(sheet_id: str, title: str, family: str, output: str | None, force: bool) -> None:
    """Crée une fiche méthode avec tous les champs du schéma, à remplir.

    \b
    Exemple :
      transfogen templates new-sheet balade-urbaine -o templates/transfo/methodes/balade-urbaine.md
    """
    from pathlib import Path

    from transfogen.kit.sheets import ID_PATTERN, schema
    from transfogen.templating.resources import package_file

    if not ID_PATTERN.match(sheet_id):
        raise TransfogenError(
            f"« {sheet_id} » : un identifiant de fiche s'écrit en minuscules, chiffres et tirets (ex. balade-urbaine)"
        )
    target = Path(output) if output else Path(f"{sheet_id}.md")
    if target.stem != sheet_id:
        raise TransfogenError(
            f"{target} : le nom du fichier doit être « {sheet_id}.md » (il porte l'identifiant de la fiche)"
        )
    if target.exists() and not force:
        raise OutputExistsError(f"{target} existe déjà : ajoutez --force pour le remplacer")
    text = package_file("data/fiche-methode.md").read_text(encoding="utf-8")
    if family and family not in schema()["families"]:
        raise TransfogenError(
            f"--family : famille inconnue « {family} » ; valeurs possibles : {', '.join(schema()['families'])}"
        )
    # json.dumps gives a YAML double-quoted string: any title survives, quotes and backslashes included.
    text = text.replace("__ID__", sheet_id).replace("__TITLE__", json.dumps(title, ensure_ascii=False))
    text = text.replace("__FAMILY__", family or '""')
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(f"Fiche créée : {target}. Remplissez-la, puis vérifiez le gabarit avec « transfogen templates check ».")
