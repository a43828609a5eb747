"""Every word the command line prints is French: each help, and the usage errors people make first.

Click writes its own messages (usage line, headings, errors); they come from transfogen's French
catalogue. A Click upgrade that adds a message, or a command that forgets a French metavar, shows
up here as an English word.
"""

from __future__ import annotations

import re
import sys

import click
import pytest
from click.testing import CliRunner

from transfogen.cli import main

# English words Click or a careless metavar would print; none of them is also a French word.
ENGLISH = {
    "aborted", "and", "are", "but", "choose", "command", "commands", "default", "did", "directory",
    "does", "error", "exist", "extra", "file", "for", "from", "got", "input", "integer", "invalid",
    "is", "mean", "missing", "not", "of", "one", "path", "profile", "range", "required", "requires",
    "sheet", "show", "such", "take", "takes", "text", "the", "this", "try", "unexpected",
    "value", "was", "were", "with", "you",
}  # fmt: skip


def english_words(output: str) -> set[str]:
    """English words of a text, leaving out options (--help), command names (new-sheet), and the paths
    and file names the user typed."""
    text = re.sub(r"(?<![\w-])--?[a-z][\w-]*", " ", output).replace("PATH", " ")  # the variable
    kept = [token for token in text.split() if not re.search(r"[/.=]\w", token)]
    words = {word.lower() for word in re.findall(r"[A-Za-zÀ-ÿ]+", " ".join(kept))}
    found = words & ENGLISH - COMMAND_WORDS
    if re.search(r"\bUsage\s?:", output):  # "usage" alone is a French word too
        found.add("usage")
    return found


def _commands(command: click.Command, path: tuple[str, ...] = ()):
    yield path
    if isinstance(command, click.Group):  # asked by name: the group imports a command when asked for
        ctx = click.Context(command)
        for name in sorted(command.list_commands(ctx)):
            yield from _commands(command.get_command(ctx, name), (*path, name))


COMMAND_WORDS = {word for path in _commands(main) for name in path for word in name.split("-")}


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("path", list(_commands(main)), ids=lambda p: " ".join(p) or "transfogen")
def test_every_help_is_french(path):
    result = invoke(*path, "--help")
    assert result.exit_code == 0, result.output
    assert not english_words(result.output), (english_words(result.output), result.output)
    assert result.output.startswith("Utilisation : transfogen")


@pytest.mark.parametrize(
    "args, what",
    [
        (["frobnicate"], "Erreur : frobnicate : commande inconnue"),
        (["calendar"], "Erreur : PROFIL : argument obligatoire manquant"),
        (["calendar", "paris", "--format", "xml"], "Erreur : --format : « xml » n'est pas une valeur possible"),
        (["calendar", "paris", "--format"], "Erreur : --format : valeur manquante"),
        (["calendar", "paris", "--frobnicate"], "Erreur : --frobnicate : option inconnue"),
        (["calendar", "paris", "en-trop"], "Erreur : argument en trop (en-trop)"),
        (["calendar", "absent.yaml"], "Erreur : absent.yaml : fichier introuvable"),
        (["new", "absent.yaml", "-o", "kit"], "Erreur : absent.yaml : fichier introuvable"),
        (["render", "absente.md"], "Erreur : absente.md : fichier introuvable"),
        (["export", "absent", "--format", "pdf"], "Erreur : absent : dossier introuvable"),
        (["export", "absent"], "Erreur : -f / --format : option obligatoire manquante"),
        (["templates", "check", "absent"], "Erreur : absent : gabarit introuvable"),
        (["templates", "frobnicate"], "Erreur : frobnicate : commande inconnue"),
        (["examples", "atlantide"], "Erreur : atlantide : exemple inconnu"),
        (["batch", "-o", "kits", "-j", "deux"], "Erreur : -j / --jobs : « deux » n'est pas un nombre"),
    ],
)
def test_usage_errors_are_one_french_line(args, what, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(what), lines[0]
    assert not english_words(result.stderr), (english_words(result.stderr), result.stderr)
    assert "Traceback" not in result.stderr


def test_no_usage_error_prints_the_english_usage_block():
    result = invoke("calendar")
    assert "Usage" not in result.stderr and "Try '" not in result.stderr
    assert result.stderr.rstrip().endswith("(aide : transfogen calendar --help)")


def test_every_click_module_speaks_the_french_catalogue():
    from gettext import gettext, ngettext

    from transfogen.cli import french

    loaded = [module for name, module in sys.modules.items() if name.startswith("click.")]
    assert [m.__name__ for m in loaded if getattr(m, "_", None) is gettext] == []
    assert [m.__name__ for m in loaded if getattr(m, "ngettext", None) is ngettext] == []
    assert french.gettext("Usage:") == "Utilisation :"


def test_the_detector_sees_click_english():
    assert english_words("Usage: transfogen [OPTIONS]\nError: Missing argument 'PROFILE'.") == {
        "usage",
        "error",
        "missing",
        "profile",
    }
    assert english_words("Erreur : /tmp/pytest-of-root/absent.yaml : fichier introuvable") == set()
