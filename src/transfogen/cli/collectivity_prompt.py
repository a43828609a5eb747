"""The wizard's help with the collectivity's name, from the official list (network/directory.py).

On a terminal with readline, Tab completes the name being typed. Once the name is given, the
collectivities it matches are listed with a number to pick one; the pick fills in what `transfogen
profil` would (kind, department, school zone, suggested team). A name the list does not hold is kept
as typed: a collectivity may be new, or a grouping of several.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from transfogen.network.directory import Collectivity

SHOWN_COMPLETIONS = 30  # beyond this, typing one more letter beats reading a column of names


@contextmanager
def name_completion() -> Iterator[None]:
    """While the name is asked on a terminal, Tab completes it from the official list.

    Without readline (Windows, a Python built without it) or when the answers are piped in, nothing
    changes: the name is typed in full and matched once given."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        yield
        return
    try:
        import readline
    except ImportError:
        yield
        return
    from transfogen.network.directory import directory

    names: list[str] = []

    def complete(text: str, state: int) -> str | None:
        if state == 0:  # a new Tab: compute the names once, readline then asks for them one by one
            found = directory().complete(text, limit=SHOWN_COMPLETIONS * 3) if text.strip() else []
            names[:] = list(dict.fromkeys(entry.name for entry in found))[:SHOWN_COMPLETIONS]
        return names[state] if state < len(names) else None

    previous = readline.get_completer(), readline.get_completer_delims()
    readline.set_completer(complete)
    readline.set_completer_delims("")  # the whole line is the name, spaces and dashes included
    # macOS's Python links libedit, which spells the Tab binding its own way.
    libedit = "libedit" in (readline.__doc__ or "")
    readline.parse_and_bind("bind ^I rl_complete" if libedit else "tab: complete")
    try:
        yield
    finally:
        readline.set_completer(previous[0])
        readline.set_completer_delims(previous[1])


def choose_collectivity(name: str) -> Collectivity | None:
    """The collectivity of the official list the user means by `name`, or None to keep the name as typed.

    Every match is listed (homonyms in several departments, a commune and its EPCI…), the most
    populous first; the user answers its number, or 0 for none of them. One match is taken on Enter."""
    from transfogen.network.directory import directory

    found = sorted(directory().find(name), key=lambda entry: (-entry.population, entry.name, entry.code))
    if not found:
        return None
    if len(found) == 1:
        click.echo("La liste officielle des collectivités en contient une de ce nom :", err=True)
    else:
        click.echo(f"La liste officielle des collectivités en contient {len(found)} de ce nom :", err=True)
    for position, entry in enumerate(found, 1):
        click.echo(f"  {position}. {entry.label}", err=True)

    def number(answer: str) -> int:
        text = answer.strip()
        if not text.isdigit() or int(text) > len(found):
            raise click.BadParameter(f"répondez par un numéro de 1 à {len(found)}, ou 0 pour aucune")
        return int(text)

    picked = click.prompt(
        "Numéro de votre collectivité (0 : aucune, garder le nom saisi)",
        default="1" if len(found) == 1 else None,
        value_proc=number,
        prompt_suffix=" : ",
    )
    return found[picked - 1] if picked else None


def listed_values(entry: Collectivity) -> dict[str, Any] | None:
    """The profile keys the list fills in for `entry` (as `transfogen profil`), or None with the reason
    on stderr when transfogen's calendar cannot serve its territory."""
    from transfogen.network.directory import UnservedTerritoryError, starter_values

    try:
        return starter_values(entry)
    except UnservedTerritoryError as error:
        click.echo(f"Attention : {error} ; le nom est gardé tel quel.", err=True)
        return None
