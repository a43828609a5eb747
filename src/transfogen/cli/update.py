"""`transfogen update`: plan a kit again after a change, keeping the user's edits."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime

import click

from transfogen.cli.options import template_option, trust_option


def update_moment() -> datetime | None:
    """SOURCE_DATE_EPOCH (the reproducible-builds convention) fixes the update's date; else the clock."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (ValueError, OverflowError, OSError):
        raise click.BadParameter(
            f"SOURCE_DATE_EPOCH={value} : un nombre de secondes depuis 1970 est attendu",
            param_hint="SOURCE_DATE_EPOCH",
        ) from None


def report(plan, dry_run: bool) -> list[str]:
    from transfogen.living.update import days_fr, span_fr

    c = plan.changes
    lines = []
    if plan.profile:
        lines += ["Changements du profil :"] + [f"  {line}" for line in plan.profile]
    if plan.template:
        lines.append(f"Gabarit : {plan.template}")
    if c.moved:
        lines.append("Séances déplacées :")
        for m in c.moved:
            lines.append(f"  {m.title} : {days_fr(m.old)} → {days_fr(m.new)}" + (f" — {m.reason}" if m.reason else ""))
    for title, items in (
        ("Séances ajoutées", c.added),
        ("Séances retirées", c.removed),
        ("Rituels ajoutés", c.events_added),
        ("Rituels retirés", c.events_removed),
    ):
        if items:
            lines += [f"{title} :"] + [f"  {item}" for item in items]
    if c.events_moved:
        lines += ["Rituels déplacés :"] + [f"  {m.title} : {span_fr(m.old)} → {span_fr(m.new)}" for m in c.events_moved]
    if plan.files:
        lines.append("Fichiers :")
        width = max(len(f.action) for f in plan.files)
        lines += [f"  {f.action:<{width}}  {f.path}" for f in plan.files]
    if plan.conflicts:
        verb = "seraient" if dry_run else "sont"
        lines.append(f"{len(plan.conflicts)} fichier(s) {verb} en conflit : " + ", ".join(plan.conflicts))
    return lines


@click.command()
@click.argument("kit", type=click.Path(file_okay=False))
@click.option("--profile", "profile", type=click.Path(dir_okay=False), help="Le nouveau profil de la collectivité.")
@template_option("Gabarit à utiliser (par défaut : celui qui a généré le kit).")
@click.option("--dry-run", is_flag=True, help="Montrer ce qui changerait sans rien écrire.")
@trust_option()
def update(kit: str, profile: str | None, template: str | None, dry_run: bool, trust: bool) -> None:
    """Met à jour un kit après un changement du profil ou du gabarit, en gardant vos modifications.

    Un fichier que vous n'avez pas touché est remplacé ; un fichier modifié garde vos
    modifications, complétées par la mise à jour ; une ligne changée des deux côtés est un
    conflit, marqué dans le fichier par <<<<<<< et >>>>>>> (code de sortie 1). Un fichier que
    vous avez supprimé le reste ; vos fichiers ajoutés ne sont jamais touchés. Le kit tient
    son journal dans CHANGEMENTS.md.

    \b
    Exemple :
      transfogen update kit-strasbourg --profile strasbourg.yaml --dry-run
    """
    from pathlib import Path

    from transfogen.living.update import apply_update, plan_update, recover
    from transfogen.templating.template_source import resolve_template

    moment = update_moment()
    template_dir = resolve_template(template) if template is not None else None
    if not dry_run and recover(Path(kit)):
        click.echo("Une mise à jour interrompue a été annulée : le kit est revenu à son état d'avant.", err=True)
    plan = plan_update(Path(kit), profile, template_dir, moment=moment, trust=trust)
    if plan.empty:
        click.echo(f"{kit} est à jour : rien à changer.")
        return
    lines = report(plan, dry_run)
    if dry_run:
        click.echo(f"Simulation : rien n'a été écrit dans {kit}.")
    else:
        apply_update(plan)
        click.echo(f"Kit {kit} mis à jour (journal : {Path(kit) / 'CHANGEMENTS.md'}).")
    for line in lines:
        click.echo(line)
    if plan.conflicts:
        click.echo(
            "Relisez les fichiers en conflit : gardez ce qui convient entre <<<<<<< et >>>>>>>, puis effacez les marques.",
            err=True,
        )
        sys.exit(1)
