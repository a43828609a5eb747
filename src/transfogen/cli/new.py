"""`transfogen new`: generate a ready-to-run programme kit from a profile, or from answers typed in.

The questions check each answer with the profile reader itself, at the moment it is given: the
limits, the department codes and the combinations (weekdays against the session length) are the
reader's, never copied here. Whatever happens next, the answers are not lost: they are written as a
profile file next to the kit, kept if the kit cannot be generated or the questions are interrupted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from transfogen.cli.options import force_option, output_option, template_option, trust_option

if TYPE_CHECKING:
    from pathlib import Path

# French day abbreviations in the order of model.WEEKDAYS (mon … sun).
DAY_NAMES = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
YES, NO = ("o", "oui", "y", "yes"), ("n", "non", "no")


def yes_no(answer: str | bool) -> bool:
    """French yes/no: o, oui, n, non (any case)."""
    if isinstance(answer, bool):
        return answer
    text = answer.strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise click.BadParameter("répondez o (oui) ou n (non)")


def ask_yes_no(text: str, default: bool) -> bool:
    return click.prompt(
        f"{text} [{'O/n' if default else 'o/N'}]",
        default=default,
        show_default=False,
        value_proc=yes_no,
        prompt_suffix=" : ",
    )


def _days_text(days: list[str] | tuple[int, ...]) -> str:
    from transfogen.planning.model import WEEKDAYS

    indexes = [WEEKDAYS.index(day) if isinstance(day, str) else day for day in days]
    return ", ".join(DAY_NAMES[index] for index in indexes)


def _days(answer: str) -> list[str]:
    from transfogen.planning.model import WEEKDAYS

    names = [part.strip().lower()[:3] for part in answer.replace(";", ",").split(",") if part.strip()]
    unknown = [name for name in names if name not in DAY_NAMES]
    if not names or unknown:
        raise click.BadParameter(f"jours attendus parmi {', '.join(DAY_NAMES)}, séparés par des virgules")
    return [WEEKDAYS[DAY_NAMES.index(name)] for name in sorted(set(names), key=DAY_NAMES.index)]


def _number(answer: str) -> int | str:
    # Not a number: kept as typed, so the profile reader says what it expected.
    return int(answer) if answer.strip().lstrip("+-").isdigit() else answer.strip()


def _day(answer: str | date) -> date | str:
    if isinstance(answer, date):
        return answer
    try:
        return date.fromisoformat(answer.strip())
    except ValueError:
        return answer.strip()


def _items(answer: str) -> list[str]:
    return [part.strip() for part in answer.split(",") if part.strip()]


class Wizard:
    """The profile being answered, checked by the profile reader after every answer."""

    def __init__(self, start: dict | None = None):
        self.answers: dict[str, Any] = {}
        self.start = start or {}
        self.listed: dict[str, Any] = {}  # dotted keys filled in from the official list, once picked there

    def proposed(self, key: str, fallback: Any = None) -> Any:
        """What the collectivity picked in the official list, else the starting profile (an example), says
        for `key`, else `fallback`."""
        if key in self.listed:
            return self.listed[key]
        value: Any = self.start
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return fallback if value is None else value

    def put(self, key: str, value: Any) -> None:
        *sections, last = key.split(".")
        target = self.answers
        for section in sections:
            target = target.setdefault(section, {})
        if value in (None, []):
            target.pop(last, None)
        else:
            target[last] = value

    def problem(self, key: str):
        """The profile reader's objection to the answer at `key` (a ProfileError), or None.

        Keys not asked yet are missing, and the reader reports them; questions come in the order the
        reader reads, so a problem that belongs to an earlier answer cannot hide the current one."""
        from transfogen.errors import ProfileError
        from transfogen.planning.profile import parse_profile

        try:
            parse_profile(self.text(), "réponses")
        except ProfileError as error:
            if error.key and (error.key == key or error.key.startswith((f"{key}.", f"{key}["))):
                return error
        return None

    def check(self, key: str) -> None:
        """Refuse the answer at `key` when the profile reader refuses it, in the reader's words."""
        error = self.problem(key)
        if error is not None:
            raise click.BadParameter(error.message)

    def ask(self, key: str, text: str, convert: Callable[[str], Any], default: str | None = None) -> Any:
        def accept(answer: str) -> Any:
            value = convert(answer)
            self.put(key, value)
            try:
                self.check(key)
            except click.BadParameter:
                self.put(key, None)
                raise
            return value

        shown = default not in (None, "")
        return click.prompt(text, default=default or "", show_default=shown, value_proc=accept, prompt_suffix=" : ")

    def text(self) -> str:
        import yaml

        return yaml.safe_dump({**self.answers, "language": "fr"}, allow_unicode=True, sort_keys=False)


def ask_profile(wizard: Wizard) -> None:
    """Ask the profile's questions one by one, in the order of the profile file."""
    from transfogen.planning.model import KINDS, ProgramSettings, Team
    from transfogen.planning.profile import KIND_LABELS, slugify

    click.echo("Décrivez votre collectivité ; Entrée garde la valeur proposée entre crochets.", err=True)
    ask_name(wizard)

    kinds = {**{slugify(label): kind for kind, label in KIND_LABELS.items()}, **{kind: kind for kind in KINDS}}

    def kind(answer: str) -> str:
        if slugify(answer) not in kinds:
            raise click.BadParameter(
                f"type inconnu « {answer} » ; réponses possibles : {', '.join(KIND_LABELS.values())}"
            )
        return kinds[slugify(answer)]

    proposed_kind = KIND_LABELS[wizard.proposed("collectivity.kind", "commune")]
    wizard.ask("collectivity.kind", f"Type ({', '.join(KIND_LABELS.values())})", kind, proposed_kind)
    department = wizard.ask(
        "collectivity.department", "Département (code INSEE)", str.strip, wizard.proposed("collectivity.department")
    )
    if wizard.listed and department.upper() == wizard.listed["collectivity.department"]:
        wizard.put("collectivity.school_zone", wizard.listed["collectivity.school_zone"])
    for key, question in (
        ("collectivity.sites", "Lieux des séances"),
        ("collectivity.network", "Collectivités partenaires du réseau"),
    ):
        proposed = ", ".join(wizard.proposed(key, []))
        wizard.ask(key, question + " (séparés par des virgules, vide pour aucun)", _items, proposed)

    today = date.today()
    start = wizard.proposed("program.start", date(today.year + 1, 1, 4))
    wizard.ask("program.start", "Date de début, AAAA-MM-JJ (aucune séance avant)", _day, str(start))
    for key, question, fallback in (
        ("program.months", "Durée en mois", ProgramSettings.months),
        ("program.session_days", "Jours par séance", ProgramSettings.session_days),
    ):
        wizard.ask(key, question, _number, str(wizard.proposed(key, fallback)))
    days = _days_text(wizard.proposed("program.weekdays", ProgramSettings.weekdays))
    wizard.ask("program.weekdays", f"Jours de la semaine possibles ({', '.join(DAY_NAMES)})", _days, days)
    avoid = ask_yes_no(
        "Éviter les vacances scolaires ?", yes_no(wizard.proposed("program.avoid_school_holidays", True))
    )
    wizard.put("program.avoid_school_holidays", avoid)
    for key, question, fallback in (
        ("team.residents", "Nombre de résidents", Team.residents),
        ("team.ambassadors", "Nombre d'ambassadeurs", Team.ambassadors),
    ):
        wizard.ask(key, question, _number, str(wizard.proposed(key, fallback)))
    ask_cases(wizard)


def ask_name(wizard: Wizard) -> None:
    """The name, completed and matched against the official list; a pick there fills in the next answers."""
    from transfogen.cli.collectivity_prompt import choose_collectivity, listed_values, name_completion

    proposed = wizard.proposed("collectivity.name")
    with name_completion():
        name = wizard.ask("collectivity.name", "Nom de la collectivité", str.strip, proposed)
    if name == proposed:  # the starting example's own name: its answers are already proposed
        return
    entry = choose_collectivity(name)
    values = listed_values(entry) if entry is not None else None
    if values is not None:
        wizard.listed = values
        wizard.put("collectivity.name", values["collectivity.name"])  # the official spelling


def ask_cases(wizard: Wizard) -> None:
    cases = list(wizard.proposed("cases", []))
    if cases and not ask_yes_no(f"Garder les {len(cases)} cas pratiques de l'exemple ?", True):
        cases = []
    wizard.put("cases", cases)
    while True:
        title = click.prompt(
            f"Cas pratique n°{len(cases) + 1} (vide pour terminer)", default="", show_default=False, prompt_suffix=" : "
        ).strip()
        if not title:
            return
        service = click.prompt("  Service porteur", default="", show_default=False, prompt_suffix=" : ").strip()
        cases.append({"title": title, "service": service} if service else {"title": title})
        wizard.put("cases", cases)
        error = wizard.problem("cases")
        if error is not None:  # an empty title, or one case too many: the reader says which
            cases.pop()
            wizard.put("cases", cases)
            click.echo(f"Erreur : {error.message}", err=True)
            if error.key == "cases":
                return


def answers_file(target: Path) -> Path:
    """A free file name next to the kit folder for the answers: `kit-profil.yaml`, `kit-profil-2.yaml`…"""
    candidate, number = target.with_name(f"{target.name}-profil.yaml"), 2
    while candidate.exists():
        candidate, number = target.with_name(f"{target.name}-profil-{number}.yaml"), number + 1
    return candidate


def save_answers(wizard: Wizard, target: Path) -> Path:
    from transfogen.kit.files import write_file

    path = answers_file(target)
    header = "# Profil saisi avec « transfogen new » ; modifiez-le puis relancez la commande.\n"
    write_file(path, header + wizard.text(), force=False, make_parents=True)
    return path


@click.command()
@click.argument("profile", required=False, metavar="[PROFIL]")  # read by load_profile, whose errors are one French line
@output_option("Dossier du kit (par défaut : le nom de la collectivité).", folder=True)
@force_option(
    "Remplace un kit existant (l'ancien est conservé à côté, dans DOSSIER.ancien-N) ; un autre dossier non vide "
    "n'est jamais remplacé."
)
@click.option(
    "--depuis",
    "start_from",
    metavar="EXEMPLE",
    help="Sans PROFIL : poser les questions en proposant les réponses d'un exemple (voir « transfogen examples ») ou d'un profil.",
)
@template_option(
    "Gabarit à utiliser au lieu de « transfo » : un dossier, une archive zip ou le nom d'un gabarit installé (voir "
    "« transfogen templates list »)."
)
@trust_option()
def new(
    profile: str | None, output: str | None, force: bool, start_from: str | None, template: str | None, trust: bool
) -> None:
    """Génère le kit d'un programme, prêt à ouvrir, imprimer et lancer.

    PROFIL est le fichier YAML de la collectivité, ou le nom d'un exemple
    fourni (voir « transfogen examples »). Sans PROFIL, pose les questions une
    à une ; le nom est cherché dans la liste officielle des collectivités
    (Tab le complète dans un terminal) et la collectivité choisie propose
    type, département, zone scolaire et équipe. Les réponses sont gardées
    dans le kit (.transfogen/profil.yaml), et dans un fichier à côté du kit
    si la génération échoue.

    \b
    Exemples :
      transfogen new strasbourg -o kit-strasbourg
      transfogen new mon-profil.yaml -o kit
      transfogen new --depuis paris -o kit-ma-ville
    """
    from pathlib import Path

    from transfogen.errors import TransfogenError
    from transfogen.templating.resources import profile_path
    from transfogen.templating.template_source import resolve_template

    template_dir = resolve_template(template)  # before any question: a wrong name fails at once
    if profile is not None:
        if start_from is not None:
            raise TransfogenError("--depuis : sans objet quand un PROFIL est donné (il sert à poser les questions)")
        _generate(profile_path(profile), output, template_dir, force, trust)
        return

    wizard = Wizard(_starting_profile(start_from) if start_from else None)
    try:
        ask_profile(wizard)
    except (click.Abort, EOFError, KeyboardInterrupt):
        if wizard.answers:
            target = Path(output) if output else Path(_slug(wizard))
            click.echo(f"\nRéponses déjà données enregistrées dans {save_answers(wizard, target)}.", err=True)
        raise click.Abort() from None
    target = Path(output) if output else Path(_slug(wizard))
    saved = save_answers(wizard, target)
    try:
        _generate(saved, target, template_dir, force, trust)
    except TransfogenError:
        click.echo(
            f"Vos réponses sont enregistrées dans {saved} : corrigez ce fichier, puis relancez "
            f"« transfogen new {saved} -o {target} ».",
            err=True,
        )
        raise
    saved.unlink()  # the kit keeps its own copy (.transfogen/profil.yaml)


def _generate(
    profile: Path, output: str | Path | None, template_dir: str | Path | None, force: bool, trust: bool
) -> None:
    """Generate the kit of a profile file, saying where it is and what the profile and the plan warn of."""
    from transfogen.kit.build import generate_kit
    from transfogen.planning.profile import load_profile

    loaded = load_profile(profile)
    _print_profile_warnings(loaded)
    warnings: list[str] = []
    kit = generate_kit(
        loaded,
        output,
        template_dir=template_dir,
        force=force,
        trust=trust,
        on_backup=_said_aside,
        on_warning=warnings.append,
    )
    click.echo(f"Kit généré dans {kit}. Ouvrez {kit / 'index.html'} pour commencer.")
    _print_warnings(warnings)


def _said_aside(backup: Path) -> None:
    click.echo(f"L'ancien kit est conservé dans {backup}.", err=True)


def _print_profile_warnings(profile) -> None:
    for warning in profile.warnings:  # a start date in the past, for instance
        click.echo(f"Attention : {warning}", err=True)


def _print_warnings(warnings: list[str]) -> None:
    """The planner's warnings (cases that do not fit, time beyond the lettre de mission…), on stderr."""
    for warning in warnings:
        click.echo(f"Attention : {warning}", err=True)


def _slug(wizard: Wizard) -> str:
    from transfogen.planning.profile import slugify

    return slugify(str(wizard.answers.get("collectivity", {}).get("name") or "collectivite"))


def _starting_profile(name_or_path: str) -> dict:
    import yaml

    from transfogen.errors import ProfileError
    from transfogen.templating.resources import profile_path

    path = profile_path(name_or_path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(
            str(path), None, "--depuis : ni fichier, ni exemple fourni (voir « transfogen examples »)"
        ) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ProfileError(str(path), None, f"--depuis : profil illisible ({error})") from None
    return data if isinstance(data, dict) else {}
