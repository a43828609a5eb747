"""`transfogen examples`: the bundled example profiles, usable by name wherever a profile is asked."""

from __future__ import annotations

import click


@click.command()
@click.argument("name", required=False, metavar="[NOM]")
def examples(name: str | None) -> None:
    """Liste les profils d'exemple fournis, ou affiche celui qui s'appelle NOM.

    Un exemple s'utilise par son nom partout où un profil est attendu
    (« transfogen new paris », « transfogen calendar metz ») ; un fichier
    du même nom dans le dossier courant passe avant lui. Pour partir d'un
    exemple, enregistrez-le sous un autre nom et modifiez-le.

    \b
    Exemples :
      transfogen examples
      transfogen examples paris > mon-profil.yaml
    """
    from transfogen.templating.resources import examples as bundled
    from transfogen.templating.resources import require_example

    if name is not None:
        click.echo(require_example(name).read_text(encoding="utf-8"), nl=False)
        return
    shown = bundled()
    width = max(len(example.name) for example in shown)
    for example in shown:
        click.echo(f"{example.name:<{width}}  {example.description}")
