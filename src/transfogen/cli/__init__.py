"""The command line: parses arguments, calls the library, prints, maps errors to exit codes.

Heavy libraries (cookiecutter, holidays, icalendar, WeasyPrint…) are imported inside the commands
that need them, so `transfogen --help` stays as light as `import click`.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys

import click

from transfogen import __version__
from transfogen.cli.french import error_line, frenchify, run_in_french, speak_french
from transfogen.errors import TransfogenError, os_error_message

speak_french()  # before the commands are declared: Click translates some words (file, directory) then

# One module of transfogen.cli per command, in the order of `transfogen --help`; each module defines
# the command under its own name (transfogen.cli.new.new), imported when asked for (`get_command`). A
# new command is one more name here.
COMMANDS = (
    "new",
    "examples",
    "calendar",
    "render",
    "export",
    "templates",
    "batch",
    "profil",
    "update",
    "publish",
    "status",
)


class TransfogenGroup(click.Group):
    """Maps every error to one French line on stderr and its exit code, in one place.

    A file-system error (permission, full or read-only disk, missing folder) is the user's
    environment, not a bug: it gets the same one line, with the path and the reason in French."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TransfogenError as error:
            click.echo(error_line(_one_line(str(error))), err=True)
            sys.exit(error.exit_code)
        except OSError as error:
            click.echo(error_line(_one_line(os_error_message(error))), err=True)
            sys.exit(1)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        run_in_french(super().main, args, prog_name, complete_var, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)  # their order, not the alphabet

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """A command's module is imported when the command is asked for: `transfogen calendar` does not
        import the nine others (`--help` imports them all, for their first sentence)."""
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            command = getattr(importlib.import_module(f"transfogen.cli.{cmd_name}"), cmd_name)
            _french_help(command)
            frenchify(command)
            self.add_command(command)
        return self.commands.get(cmd_name)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(message: str) -> str:
    """A message quotes what the user wrote: it must not break the line nor drive the terminal."""
    return _CONTROL.sub(lambda m: " " if m[0] in "\n\r\t" else f"\\u{ord(m[0]):04x}", message)


@click.group("transfogen", cls=TransfogenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__,
    "--version",
    prog_name="transfogen",
    message="%(prog)s %(version)s",
    help="Affiche la version et quitte.",
)
def main() -> None:
    """Génère le kit d'un programme de laboratoire d'innovation publique de 18 mois
    (méthode « La Transfo ») à partir du profil d'une collectivité.

    \b
    Exemple :
      transfogen calendar strasbourg
    """


def _register() -> None:
    """The group's own help and metavars in French; each command gets its own as it is imported."""
    _french_help(main)
    frenchify(main)


def _french_help(command: click.Command) -> None:
    """Every help ends with its example, the help option speaks French, and the command list shows
    each command's whole first sentence.

    The example is written at the end of each docstring, after a `\b` line; Click would print it
    before the options, so it moves to the epilog, which comes last.
    """
    help_text = inspect.cleandoc(command.help or "")
    marker = help_text.find("\b\nExemple")
    if marker >= 0 and not command.epilog:
        command.help, command.epilog = help_text[:marker].rstrip(), help_text[marker:]
    if command.short_help is None and command.help:
        first_paragraph = command.help.split("\n\n")[0]
        command.short_help = " ".join(first_paragraph.split()).split(". ")[0].rstrip(".")
    click.help_option("-h", "--help", help="Affiche cette aide et quitte.")(command)
    for sub in getattr(command, "commands", {}).values():
        _french_help(sub)


_register()
