"""Every command explains itself in French and ends its help with an example."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from transfogen import __version__
from transfogen.cli import main


def _commands(command: click.Command, path: tuple[str, ...] = ()):
    yield path
    if isinstance(command, click.Group):  # asked by name: the group imports a command when asked for
        ctx = click.Context(command)
        for name in sorted(command.list_commands(ctx)):
            yield from _commands(command.get_command(ctx, name), (*path, name))


def test_every_command_is_listed():
    assert len(list(_commands(main))) >= 14  # the 11 commands, the group and templates' subcommands


@pytest.mark.parametrize("path", list(_commands(main)), ids=lambda p: " ".join(p) or "transfogen")
def test_help_ends_with_an_example_and_speaks_french(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.strip().splitlines()]
    assert lines[-1].startswith("transfogen "), f"l'aide de « {' '.join(path)} » ne finit pas par un exemple"
    assert any(line.startswith("Exemple") for line in lines[-6:])
    assert "Affiche cette aide et quitte." in result.output
    assert "Show this message" not in result.output


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"transfogen {__version__}"
