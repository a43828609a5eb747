"""`transfogen calendar`: plan a profile's programme and print it (owned by the calendar work)."""

from __future__ import annotations

import click


@click.command()
@click.argument("profile", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "ics", "csv"]), default="text", show_default=True)
def calendar(profile: str, fmt: str) -> None:
    """Planifie le programme d'une collectivité et affiche son calendrier."""
    raise click.UsageError("pas encore branché")
