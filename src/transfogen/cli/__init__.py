"""The command line: parses arguments, calls the library, prints, maps errors to exit codes.

Heavy libraries (cookiecutter, holidays, icalendar, WeasyPrint…) are imported inside the commands
that need them, so `transfogen --help` stays as light as `import click`.
"""

from __future__ import annotations

import inspect
import re
import sys

import click

from transfogen import __version__
from transfogen.errors import TransfogenError, os_error_message


class TransfogenGroup(click.Group):
    """Maps every `TransfogenError` to one line on stderr and its exit code, in one place.

    A file-system error (permission, full or read-only disk, missing folder) is the user's
    environment, not a bug: it gets the same one line, with the path and the reason in French."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TransfogenError as error:
            click.echo(f"Erreur : {_one_line(str(error))}", err=True)
            sys.exit(error.exit_code)
        except OSError as error:
            click.echo(f"Erreur : {_one_line(os_error_message(error))}", err=True)
            sys.exit(1)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(message: str) -> str:
    """A message quotes what the user wrote: it must not break the line nor drive the terminal."""
    return _CONTROL.sub(lambda m: " " if m[0] in "\n\r\t" else f"\\u{ord(m[0]):04x}", message)


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
    from transfogen.cli.publish import publish
    from transfogen.cli.status import status
    from transfogen.cli.update import update

    main.add_command(batch)
    main.add_command(profil)
    main.add_command(update)
    main.add_command(publish)
    main.add_command(status)
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
