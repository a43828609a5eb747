"""Options several commands share, declared once: the same names, types and wording everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def output_option(help: str, *, folder: bool = False, either: bool = False, required: bool = False) -> Callable[[F], F]:
    """`-o/--output`: a file by default, a folder with `folder`, or either with `either`."""
    kind = click.Path() if either else click.Path(file_okay=False) if folder else click.Path(dir_okay=False)
    return click.option("-o", "--output", "output", type=kind, required=required, help=help)


def force_option(help: str = "Remplace le fichier de sortie s'il existe déjà.") -> Callable[[F], F]:
    """`--force`: what it may replace is said by each command."""
    return click.option("--force", is_flag=True, help=help)


def template_option(
    help: str = "Gabarit (par défaut : transfo) : un dossier, une archive zip ou un nom.",
) -> Callable[[F], F]:
    """`--template`: a folder, a zip or the name of an installed template."""
    return click.option("--template", "template", metavar="GABARIT", help=help)


def trust_option(
    help: str = "Autorise les hooks et extensions Jinja d'un gabarit contribué (à réserver aux gabarits dont vous "
    "connaissez l'auteur).",
) -> Callable[[F], F]:
    """`--trust`: only on the commands that render a template's files."""
    return click.option("--trust", is_flag=True, help=help)
