"""The command line: parses arguments, calls the library, prints, maps errors to exit codes.

Heavy libraries (cookiecutter, holidays, icalendar, WeasyPrint…) are imported inside the commands
that need them, so `transfogen --help` stays as light as `import click`.
"""

from __future__ import annotations

import sys

import click

from transfogen import __version__
from transfogen.errors import TransfogenError


class TransfogenGroup(click.Group):
    """Maps every `TransfogenError` to one line on stderr and its exit code, in one place."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TransfogenError as error:
            click.echo(f"Erreur : {error}", err=True)
            sys.exit(error.exit_code)


@click.group(cls=TransfogenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="transfogen", message="%(prog)s %(version)s")
def main() -> None:
    """Génère le kit d'un programme de laboratoire d'innovation publique de 18 mois
    (méthode « La Transfo ») à partir du profil d'une collectivité.

    \b
    Exemple :
      transfogen calendar examples/strasbourg.yaml
    """


def _register() -> None:
    from transfogen.cli import calendar, new, render, templates
    from transfogen.cli import export as export_command

    main.add_command(new.new)
    main.add_command(calendar.calendar)
    main.add_command(render.render)
    main.add_command(templates.templates)
    main.add_command(export_command.export)


_register()
