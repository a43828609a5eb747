"""`transfogen batch`: one kit per row of a list, or per collectivity of a territory."""

from __future__ import annotations

import sys
from datetime import date

import click

from transfogen.cli.options import force_option, template_option, trust_option

EXAMPLE = """\b
Exemples :
  transfogen batch communes.csv -o kits --profile base.yaml -j 2 --zip
  transfogen batch --departement 59 --kind commune -o kits-nord --no-site
"""

KINDS = ("commune", "intercommunalite", "departement")


@click.command(epilog=EXAMPLE)
@click.argument("liste", required=False, type=click.Path(dir_okay=False, exists=True))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), help="Dossier des kits et du rapport.")
@click.option("--profile", "base", type=click.Path(dir_okay=False), help="Profil de base que chaque ligne complète.")
@click.option("--departement", help="Sans liste : les collectivités d'un département (code ou nom).")
@click.option("--region", help="Sans liste : les départements d'une région (code ou nom), ou ses communes avec --kind.")
@click.option("--epci", help="Sans liste : les communes membres d'une intercommunalité (SIREN ou nom).")
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    help="Avec --departement ou --region : commune (par défaut pour un département), intercommunalite ou departement.",
)
@click.option(
    "-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Kits générés en parallèle."
)
@click.option("--zip", "as_zip", is_flag=True, help="Un fichier zip par kit au lieu d'un dossier.")
@click.option(
    "--no-site", "no_site", is_flag=True, help="Sans le site HTML (site/, index.html) : plus rapide et plus léger."
)
@force_option(
    "Régénère aussi les kits déjà présents (sinon ils sont gardés) ; un dossier qui n'est pas un kit n'est jamais remplacé."
)
@template_option()
@trust_option()
def batch(
    liste: str | None,
    output: str,
    base: str | None,
    departement: str | None,
    region: str | None,
    epci: str | None,
    kind: str | None,
    jobs: int,
    as_zip: bool,
    no_site: bool,
    force: bool,
    template: str | None,
    trust: bool,
) -> None:
    """Génère un kit par ligne de la LISTE (CSV) ou par collectivité d'un territoire de la liste
    officielle, et écrit DOSSIER/rapport.csv (une ligne par ligne de la liste : dossier, statut,
    nombre de séances, alertes, erreur).

    La première ligne de la liste nomme des clés du profil (collectivity.name, collectivity.kind,
    collectivity.department, program.start, team.ambassadors, cases.1.title…) ; chaque ligne remplace
    ces clés dans le profil de base (--profile). Séparateur virgule ou point-virgule, UTF-8 avec ou
    sans BOM ; plusieurs lieux ou partenaires se séparent par « | ». Une ligne en erreur n'arrête pas
    les autres. Les homonymes ont chacun leur dossier (le département, puis un numéro, s'ajoutent au
    nom). Un kit déjà présent est gardé : relancer la commande reprend là où elle s'était arrêtée.
    """
    from pathlib import Path

    from transfogen.errors import TransfogenError
    from transfogen.kit.files import write_file
    from transfogen.network import batch as runner
    from transfogen.templating.template_source import open_template, resolve_template

    territory = [
        name for name, value in (("--departement", departement), ("--region", region), ("--epci", epci)) if value
    ]
    if bool(liste) == bool(territory) or len(territory) > 1:
        raise TransfogenError("donnez soit une LISTE (fichier CSV), soit un seul de --departement, --region, --epci")
    if kind and not (departement or region):
        raise TransfogenError("--kind s'emploie avec --departement ou --region")
    out = Path(output)
    if out.exists() and not out.is_dir():
        raise TransfogenError(f"{out} existe et n'est pas un dossier")

    if liste:
        rows, source = runner.read_rows(Path(liste)), liste
    else:
        rows, source = runner.rows_from_collectivities(_territory(departement, region, epci, kind)), territory[0]
    if base:
        try:
            base_text = Path(base).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise TransfogenError(
                f"{base} : lecture impossible ({getattr(error, 'strerror', None) or error})"
            ) from None
    else:
        from transfogen.network.directory import default_start

        base_text = f"program:\n  start: {default_start(date.today()).isoformat()}\n"
    base_node = runner.base_profile(base_text, base or "profil de base")
    settings = runner.Settings(out=out, zip=as_zip, site=not no_site, force=force, source=source)
    todo, outcomes = runner.plan_jobs(base_node, rows, settings)

    with open_template(resolve_template(template), trust=trust) as root:
        prepared = runner.PreparedTemplate(Path(root), trust=trust)
        made = runner.run(prepared, todo, settings, workers=jobs)
        if sys.stderr.isatty() and todo:
            with click.progressbar(made, length=len(todo), label="Kits", show_eta=True, file=sys.stderr) as bar:
                outcomes.extend(bar)
        else:
            outcomes.extend(made)

    write_file(out / runner.REPORT, runner.report_bytes(outcomes), force=True)
    failed = sorted((o for o in outcomes if o.status == runner.FAILED), key=lambda o: o.number)
    for outcome in failed:
        click.echo(f"{source}:{outcome.number}: {outcome.error}", err=True)
    counts = {status: sum(o.status == status for o in outcomes) for status in (runner.DONE, runner.SKIPPED)}
    click.echo(
        f"{counts[runner.DONE]} kit(s) générés, {counts[runner.SKIPPED]} déjà présents, {len(failed)} en erreur ; "
        f"rapport : {out / runner.REPORT}",
        err=True,
    )
    if failed:
        sys.exit(1)


def _territory(departement: str | None, region: str | None, epci: str | None, kind: str | None) -> list:
    """The collectivities of the official list a territory option names."""
    from transfogen.errors import TransfogenError
    from transfogen.network.directory import directory

    listing = directory()
    if epci:
        found = [entry for entry in listing.find(epci) if entry.kind in ("intercommunalite", "metropole")]
        if len(found) != 1:
            choices = "".join(f"\n  {entry.label}" for entry in found)
            raise TransfogenError(
                f"--epci « {epci} » : {'ambigu' if found else 'intercommunalité introuvable'}{choices}"
            )
        return listing.members(found[0].code)
    if departement:
        code = listing.department_code(departement)
        if code is None:
            raise TransfogenError(f"--departement « {departement} » : département introuvable (code INSEE ou nom)")
        if kind == "departement":
            return [listing.department(code)]
        return listing.epcis_of(code) if kind == "intercommunalite" else listing.communes_of(code)
    assert region is not None
    code = listing.region_code(region)
    if code is None:
        raise TransfogenError(f"--region « {region} » : région introuvable (code ou nom)")
    departments = listing.departments_of(code)
    if kind in (None, "departement"):
        return departments
    picked = [listing.communes_of(d.code) if kind == "commune" else listing.epcis_of(d.code) for d in departments]
    return [entry for group in picked for entry in group]
