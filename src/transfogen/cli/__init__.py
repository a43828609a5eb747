"""The command line: parses arguments, calls the library, prints, maps errors to exit codes.

Heavy libraries (cookiecutter, holidays, icalendar, WeasyPrint…) are imported inside the commands
that need them, so `transfogen --help` stays as light as `import click`.
"""

from __future__ import annotations

import inspect
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
    from transfogen.cli import calendar, export, new, render, templates

    for command in (new.new, calendar.calendar, render.render, export.export, templates.templates):
        main.add_command(command)
    from transfogen.cli.batch import batch
    from transfogen.cli.profil import profil

    main.add_command(batch)
    main.add_command(profil)
    _french_help(main)


def _french_help(command: click.Command) -> None:
    """Every help ends with its example, and the help option speaks French.

    The example is written at the end of each docstring, after a `\b` line; Click would print it
    before the options, so it moves to the epilog, which comes last.
    """
    help_text = inspect.cleandoc(command.help or "")
    marker = help_text.find("\b\nExemple")
    if marker >= 0 and not command.epilog:
        command.help, command.epilog = help_text[:marker].rstrip(), help_text[marker:]
    click.help_option("-h", "--help", help="Affiche cette aide et quitte.")(command)
    for sub in getattr(command, "commands", {}).values():
        _french_help(sub)


_register()
