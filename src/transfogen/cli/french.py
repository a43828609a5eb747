"""Click in French: its own messages (usage, help headings, errors), metavars, and one error line.

Click marks its messages for gettext and looks them up at call time through the names `_` and
`ngettext` bound in each of its modules. gettext's own lookup picks the language from the
environment (LANGUAGE, LANG…), and transfogen speaks French whatever the machine's locale: so the
catalogue below is bound to those names directly. It is a plain dict, with no file to compile, find
or ship, and costs nothing at start-up. A message Click adds in a later version stays English until
it is added here; tests/test_cli_french.py reads every help and the usual errors to catch it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable

import click
from click.formatting import HelpFormatter

# Click's messages (8.1 to 8.5): English message → French. Programming errors (a command declared
# twice, a bad parameter declaration) stay English: they never reach a user.
MESSAGES = {
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Commands": "Commandes",
    "Positional arguments": "Arguments",
    "Show the version and exit.": "Affiche la version et quitte.",
    "Show this message and exit.": "Affiche cette aide et quitte.",
    "default: {default}": "par défaut : {default}",
    "env var: {var}": "variable d'environnement : {var}",
    "(dynamic)": "(calculée)",
    "required": "obligatoire",
    "deprecated": "obsolète",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "Error: {message}": "Erreur : {message}",
    "Error: invalid input": "Erreur : réponse non comprise",
    "Error: The two entered values do not match.": "Erreur : les deux saisies diffèrent.",
    "Repeat for confirmation": "Répétez pour confirmer",
    "Aborted!": "Interrompu.",
    "Do you want to continue?": "Voulez-vous continuer ?",
    "Confirm the action without prompting.": "Confirme l'action sans la demander.",
    "Press any key to continue...": "Appuyez sur une touche pour continuer…",
    "Missing argument": "argument obligatoire manquant",
    "Missing option": "option obligatoire manquante",
    "Missing parameter": "paramètre obligatoire manquant",
    "Missing {param_type}": "{param_type} manquant",
    "Missing parameter: {param_name}": "paramètre obligatoire manquant : {param_name}",
    "Missing command.": "commande manquante.",
    "Invalid value for {param_hint}: {message}": "{param_hint} : {message}",
    "Invalid value: {message}": "valeur refusée : {message}",
    "No such option {name!r}.": "option inconnue « {name} ».",
    "No such command {name!r}.": "commande inconnue « {name} ».",
    "Try '{command} {option}' for help.": "Aide : « {command} {option} ».",
    "Option {name!r} does not take a value.": "cette option ne prend pas de valeur",
    "Argument {name!r} takes {nargs} values.": "l'argument {name} prend {nargs} valeurs.",
    "Choose from:\n\t{choices}": "valeurs possibles :\n\t{choices}",
    "{value} is not in the range {range}.": "{value} n'est pas dans l'intervalle {range}.",
    "{value!r} is not a valid {number_type}.": "« {value} » n'est pas un nombre.",
    "{value!r} is not a valid boolean. Recognized values: {states}": "« {value} » : réponse attendue parmi {states}.",
    "{value!r} is not a valid UUID.": "« {value} » n'est pas un identifiant UUID.",
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "{name} {filename!r} does not exist.": "{name} « {filename} » introuvable.",
    "{name} {filename!r} is a file.": "{name} « {filename} » : c'est un fichier, pas un dossier.",
    "{name} {filename!r} is a directory.": "{name} « {filename} » : c'est un dossier, pas un fichier.",
    "{name} {filename!r} is not readable.": "{name} « {filename} » : lecture interdite.",
    "{name} {filename!r} is not writable.": "{name} « {filename} » : écriture interdite.",
    "{name} {filename!r} is not executable.": "{name} « {filename} » : exécution interdite.",
    "Could not open file {filename!r}: {message}": "impossible d'ouvrir le fichier « {filename} » : {message}",
    "unknown error": "erreur inconnue",
    "Value must be an iterable.": "une liste de valeurs est attendue.",
    "{editor}: Editing failed": "{editor} : la modification a échoué",
    "{editor}: Editing failed: {e}": "{editor} : la modification a échoué : {e}",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": (
        "Attention : la commande « {name} » est obsolète.{extra_message}"
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": (
        "Attention : {param_type} « {name} » est obsolète.{extra_message}"
    ),
}

# Messages with a plural: English singular → (French singular, French plural).
PLURALS = {
    "Got unexpected extra argument ({args})": ("argument en trop ({args})", "arguments en trop ({args})"),
    "Did you mean {possibility}?": (
        "vouliez-vous dire {possibility} ?",
        "vouliez-vous dire l'une de : {possibilities} ?",
    ),
    "Option {name!r} requires an argument.": (
        "valeur manquante",
        "{nargs} valeurs attendues",
    ),
    "{value!r} is not {choice}.": (
        "« {value} » n'est pas une valeur possible ({choice}).",
        "« {value} » n'est pas une valeur possible ({choices}).",
    ),
    "{value!r} does not match the format {format}.": (
        "« {value} » ne suit pas le format {format}.",
        "« {value} » ne suit aucun des formats {formats}.",
    ),
    "Takes {nargs} values but 1 was given.": (
        "attend {nargs} valeurs, 1 donnée.",
        "attend {nargs} valeurs, {len} données.",
    ),
    "{len_type} values are required, but {len_value} was given.": (
        "{len_type} valeurs attendues, {len_value} donnée.",
        "{len_type} valeurs attendues, {len_value} données.",
    ),
}

# Click names a value after its type when no metavar is given: TEXT, PATH, INTEGER…
METAVARS = {
    "text": "TEXTE",
    "integer": "NOMBRE",
    "integer range": "NOMBRE",
    "float": "NOMBRE",
    "float range": "NOMBRE",
    "filename": "FICHIER",
    "boolean": "OUI|NON",
    "datetime": "DATE",
}


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if singular in PLURALS:
        one, many = PLURALS[singular]
        return one if n == 1 else many  # French: 0 and 1 are singular, but Click never passes 0 here
    return singular if n == 1 else plural


def speak_french() -> None:
    """Bind the catalogue to the gettext names of every Click module loaded so far (all of them
    after `import click`, except the lazily imported shell completion, which we do not offer)."""
    for name, module in list(sys.modules.items()):
        if name == "click" or not name.startswith("click."):
            continue
        if callable(getattr(module, "_", None)):
            setattr(module, "_", gettext)  # noqa: B010 (mypy cannot know the module has these names)
        if callable(getattr(module, "ngettext", None)):
            setattr(module, "ngettext", ngettext)  # noqa: B010


class FrenchHelpFormatter(HelpFormatter):
    """Headings followed by « : » as French typography writes it."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading} :\n")


class FrenchContext(click.Context):
    formatter_class = FrenchHelpFormatter


def frenchify(command: click.Command) -> None:
    """French help formatting and metavars for a command and its subcommands."""
    command.context_class = FrenchContext
    if isinstance(command, click.Group):
        command.subcommand_metavar = "COMMANDE [ARGUMENTS]..."
    command.options_metavar = "[OPTIONS]"
    # An argument's metavar is its name, which the command gives in French (`metavar="PROFIL"`).
    for param in command.params:
        if not isinstance(param, click.Option) or param.metavar is not None or param.is_flag:
            continue
        if isinstance(param.type, click.Path):
            param.metavar = (
                "DOSSIER" if not param.type.file_okay else "FICHIER" if not param.type.dir_okay else "CHEMIN"
            )
        elif param.type.name in METAVARS:
            param.metavar = METAVARS[param.type.name]
    for sub in getattr(command, "commands", {}).values():
        frenchify(sub)


def usage_error_line(error: click.UsageError) -> str:
    """One line, `Erreur : <quoi> : <pourquoi>`, ending with where to find help."""
    ctx = error.ctx
    if isinstance(error, click.exceptions.NoSuchOption):
        what, why = error.option_name, "option inconnue"
        if error.possibilities:
            why += f" ; vouliez-vous dire {', '.join(error.possibilities)} ?"
    elif isinstance(error, click.BadOptionUsage):
        what, why = error.option_name, error.message
    elif isinstance(error, click.exceptions.NoSuchCommand):
        what, why = error.command_name, "commande inconnue"
        if ctx is not None and isinstance(ctx.command, click.Group):
            why += " ; commandes : " + ", ".join(ctx.command.list_commands(ctx))
    elif isinstance(error, click.BadParameter) and (error.param is not None or error.param_hint is not None):
        hint = error.param_hint if error.param_hint is not None else error.param.get_error_hint(ctx)  # type: ignore[union-attr]
        what = " / ".join(hint) if isinstance(hint, (list, tuple)) else str(hint)
        what = what.replace("'", "")
        if isinstance(error, click.MissingParameter):
            kind = error.param_type or (error.param.param_type_name if error.param else "parameter")
            why = {"argument": "argument obligatoire manquant", "option": "option obligatoire manquante"}.get(
                kind, "valeur obligatoire manquante"
            )
            if isinstance(error.param.type if error.param else None, click.Choice):
                why += " ; valeurs possibles : " + ", ".join(map(str, error.param.type.choices))  # type: ignore[union-attr]
        else:
            why = error.message
    else:
        return f"Erreur : {error.format_message()}" + _help_hint(ctx)
    return f"Erreur : {what} : {why.rstrip('.')}" + _help_hint(ctx)


def _help_hint(ctx: click.Context | None) -> str:
    return f" (aide : {ctx.command_path} --help)" if ctx is not None else ""


def run_in_french(main: Callable[..., object], args, prog_name, complete_var, **extra) -> None:
    """Run a Click command as `standalone_mode` does, with every Click error as one French line."""
    try:
        result = main(args, prog_name, complete_var, standalone_mode=False, **extra)
    except click.UsageError as error:
        click.echo(usage_error_line(error), err=True)
        sys.exit(error.exit_code)
    except click.ClickException as error:
        click.echo(f"Erreur : {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except (click.Abort, EOFError, KeyboardInterrupt):
        click.echo("Interrompu.", err=True)  # Click has ended the line
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)


# "fichier:12: clé: message" (the location format editors read) → "fichier:12 : clé : message".
_LOCATION = re.compile(r"^(?P<where>[^\s:]+(?::\d+)?): (?:(?P<key>[a-z_][\w.\[\]-]*): )?")


def error_line(error: Exception | str) -> str:
    """`Erreur : <quoi> : <pourquoi>`, French spacing around the colons of the location."""

    def spaced(match: re.Match) -> str:
        return f"{match['where']} : " + (f"{match['key']} : " if match["key"] else "")

    return "Erreur : " + _LOCATION.sub(spaced, str(error), count=1)
