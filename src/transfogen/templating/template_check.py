"""`transfogen templates check`: every problem of a template, as `file:line: message`.

A contributor runs it before sharing a template; CI runs it on the bundled ones. It reads the
template, renders it with each bundled example profile (in the sandbox, under strict undefined) and
looks at what came out, collecting every problem instead of stopping at the first.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from transfogen.errors import LocatedError, TransfogenError

SKELETON = "{{cookiecutter.slug}}"
MIN_PATTERN_BLOCKS = 10  # a 5-day session takes 10 half-day blocks
MIN_LAB_BLOCKS = 2
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # C parser: faster, and bounds nesting
_LINK = re.compile(r"\]\(([^)\s]+)\)")


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def _from_error(error: TransfogenError, default_file: str) -> Problem:
    """A transfogen error as a Problem, from the place it carries (or the template folder)."""
    if isinstance(error, LocatedError) and error.path is not None:
        message = f"{error.key}: {error.message}" if error.key else error.message
        return Problem(error.path, error.line or 1, message)
    return Problem(default_file, 1, str(error))


def _text_files(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*") if p.is_file() and p.suffix in (".md", ".yaml", ".yml", ".json", ".txt", ".csv")
    )


def _check_manifest_and_config(root: Path, problems: list[Problem]) -> None:
    manifest = root / "transfogen.yaml"
    try:
        data = yaml.load(manifest.read_text(encoding="utf-8"), Loader=_LOADER)
    except FileNotFoundError:
        problems.append(Problem(str(manifest), 1, "manifeste du gabarit manquant"))
        data = None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problems.append(
            Problem(str(manifest), mark.line + 1 if mark else 1, f"YAML illisible : {getattr(error, 'problem', error)}")
        )
        data = None
    if data is not None:
        if not isinstance(data, dict):
            problems.append(Problem(str(manifest), 1, "un dictionnaire YAML est attendu"))
        else:
            for key in ("name", "version", "title", "description"):
                if not data.get(key):
                    problems.append(Problem(str(manifest), 1, f"{key} : champ obligatoire manquant"))
    config = root / "cookiecutter.json"
    try:
        values = json.loads(config.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(Problem(str(config), 1, "cookiecutter.json manquant"))
        return
    except ValueError as error:
        problems.append(Problem(str(config), getattr(error, "lineno", 1), f"JSON illisible : {error}"))
        return
    if not isinstance(values, dict):
        problems.append(Problem(str(config), 1, "un objet JSON est attendu"))
        return
    if not isinstance(values.get("_kit"), dict):
        problems.append(Problem(str(config), 1, "_kit : la variable privée qui porte les données du profil manque"))
    if not (root / "{{cookiecutter.slug}}").is_dir():
        problems.append(Problem(str(root), 1, "dossier du squelette « {{cookiecutter.slug}} » manquant"))


def _check_sheets(root: Path, problems: list[Problem]) -> None:
    from transfogen.kit.sheets import check_sheet

    for path in sorted((root / "methodes").glob("*.md")):
        for error in check_sheet(path.read_text(encoding="utf-8"), str(path)):
            problems.append(
                Problem(
                    error.path or str(path),
                    error.line or 1,
                    f"{error.field}: {error.message}" if error.field else error.message,
                )
            )


def _check_jinja(root: Path, problems: list[Problem]) -> None:
    from jinja2 import TemplateSyntaxError

    from transfogen.templating.sandbox import item_environment

    env = item_environment(root)
    skeleton = root / SKELETON
    for path in _text_files(root):
        if path.suffix != ".md" and skeleton not in path.parents:  # other data files are not Jinja
            continue
        try:
            env.parse(path.read_text(encoding="utf-8"))
        except TemplateSyntaxError as error:
            problems.append(Problem(str(path), error.lineno or 1, f"Jinja : {error.message}"))
        except RecursionError:
            problems.append(Problem(str(path), 1, "Jinja : expression trop profondément imbriquée"))


def _check_markdown(root: Path, problems: list[Problem]) -> None:
    from transfogen.kit.markup import find_raw_html, split_front_matter
    from transfogen.kit.sheets import placeholder_pattern

    pattern = placeholder_pattern()
    for path in _text_files(root):
        text = path.read_text(encoding="utf-8")
        if path.parent.name != "methodes":  # method sheets: already covered by the sheet check
            for number, line in enumerate(text.splitlines(), start=1):
                for match in pattern.finditer(line):
                    problems.append(Problem(str(path), number, f"texte provisoire « {match.group(1)} » à remplacer"))
            if path.suffix == ".md":
                _, body, first = split_front_matter(text)
                for number, snippet in find_raw_html(body, first):
                    if not snippet.startswith("</"):
                        problems.append(
                            Problem(str(path), number, f"HTML brut interdit (« {snippet[:40]} ») : écrivez en Markdown")
                        )


def _method_durations(root: Path) -> dict[str, int]:
    """Duration of every method sheet whose front matter gives one (broken sheets are reported elsewhere)."""
    from transfogen.kit.markup import split_front_matter

    durations = {}
    for path in sorted((root / "methodes").glob("*.md")):
        meta_text, _, _ = split_front_matter(path.read_text(encoding="utf-8"))
        try:
            meta = yaml.load(meta_text or "", Loader=_LOADER)
        except yaml.YAMLError:
            continue
        if isinstance(meta, dict) and isinstance(meta.get("duration"), int):
            durations[path.stem] = meta["duration"]
    return durations


def _yaml_node(path: Path, problems: list[Problem]) -> yaml.Node | None:
    try:
        return yaml.compose(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problems.append(
            Problem(str(path), mark.line + 1 if mark else 1, f"YAML illisible : {getattr(error, 'problem', error)}")
        )
        return None


def _entry(node: yaml.Node | None, key: str) -> tuple[yaml.Node, int] | None:
    """The value of `key` in a YAML mapping node, with the 1-based line of the key."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if key_node.value == key:
                return value, key_node.start_mark.line + 1
    return None


def _check_blocks(
    path: Path, name: str, items: list[tuple[str, yaml.Node]], durations: dict[str, int], problems: list[Problem]
) -> None:
    from transfogen.templating.template import BLOCK_MINUTES

    for key, node in items:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.SequenceNode) or not all(isinstance(i, yaml.ScalarNode) for i in node.value):
            problems.append(
                Problem(str(path), line, f"{name}{key} : une liste d'identifiants de méthodes est attendue")
            )
            continue
        block = [item.value for item in node.value]
        unknown = [m for m in block if m not in durations]
        if unknown:
            problems.append(Problem(str(path), line, f"{name}{key} : méthode inconnue {', '.join(unknown)}"))
        elif sum(durations[m] for m in block) != BLOCK_MINUTES:
            detail = " + ".join(f"{m} ({durations[m]})" for m in block)
            problems.append(
                Problem(
                    str(path),
                    line,
                    f"{name}{key} : le bloc dure {sum(durations[m] for m in block)} min "
                    f"au lieu de {BLOCK_MINUTES} : {detail}",
                )
            )


def _check_patterns(root: Path, problems: list[Problem]) -> None:
    """Every block of every session pattern lasts 180 minutes; so does every ritual block."""
    durations = _method_durations(root)
    seances = root / "seances"
    from transfogen.templating.template import NOT_PATTERNS

    groups = [(p, MIN_PATTERN_BLOCKS) for p in sorted(seances.glob("*.yaml")) if p.stem not in NOT_PATTERNS]
    groups += [(p, MIN_LAB_BLOCKS) for p in sorted((seances / "labo").glob("*.yaml"))]
    for path, minimum in groups:
        found = _entry(_yaml_node(path, problems), "blocks")
        if found is None or not isinstance(found[0], yaml.SequenceNode):
            problems.append(Problem(str(path), found[1] if found else 1, "blocks : la liste des blocs manque"))
            continue
        node, line = found
        if len(node.value) < minimum:
            problems.append(
                Problem(str(path), line, f"blocks : {len(node.value)} blocs, il en faut au moins {minimum}")
            )
        _check_blocks(
            path, "blocks", [(f"[{n}]", item) for n, item in enumerate(node.value, start=1)], durations, problems
        )
    day = seances / "journee.yaml"
    if day.is_file():
        _check_day(day, durations, problems)


def _clock(value: object) -> int | None:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", str(value))
    return int(match[1]) * 60 + int(match[2]) if match else None


def _check_day(path: Path, durations: dict[str, int], problems: list[Problem]) -> None:
    """The day frame: each moment starts when the previous one ends; a method fills its moment exactly."""
    node = _yaml_node(path, problems)
    rituals = _entry(node, "rituals")
    if rituals and isinstance(rituals[0], yaml.MappingNode):
        _check_blocks(path, "rituals.", [(k.value, v) for k, v in rituals[0].value], durations, problems)
    conditions = _entry(node, "conditions")
    if conditions and isinstance(conditions[0], yaml.MappingNode):
        for condition, swaps in conditions[0].value:
            for method, replacement in getattr(swaps, "value", []):
                line, pair = method.start_mark.line + 1, (method.value, replacement.value)
                unknown = [m for m in pair if m not in durations]
                if unknown:
                    problems.append(
                        Problem(
                            str(path), line, f"conditions.{condition.value} : méthode inconnue {', '.join(unknown)}"
                        )
                    )
                elif durations[pair[0]] != durations[pair[1]]:
                    problems.append(
                        Problem(
                            str(path),
                            line,
                            f"conditions.{condition.value} : {pair[1]} ({durations[pair[1]]} min) "
                            f"ne peut pas remplacer {pair[0]} ({durations[pair[0]]} min)",
                        )
                    )
    found = _entry(node, "day")
    if found is None or not isinstance(found[0], yaml.SequenceNode):
        problems.append(Problem(str(path), found[1] if found else 1, "day : la liste des moments de la journée manque"))
        return
    end = None
    for number, slot_node in enumerate(found[0].value, start=1):
        line, slot = slot_node.start_mark.line + 1, yaml.load(yaml.serialize(slot_node), Loader=_LOADER)
        if not isinstance(slot, dict) or _clock(slot.get("start")) is None or not isinstance(slot.get("minutes"), int):
            problems.append(
                Problem(str(path), line, f'day[{number}] : la forme attendue est {{start: "HH:MM", minutes, kind}}')
            )
            end = None
            continue
        start = _clock(slot["start"])
        if end is not None and start != end:
            problems.append(
                Problem(
                    str(path),
                    line,
                    f"day[{number}] : commence à {slot['start']}, mais le moment "
                    f"précédent finit à {end // 60:02d}:{end % 60:02d}",
                )
            )
        method = slot.get("method")
        if method and method in durations and durations[method] != slot["minutes"]:
            problems.append(
                Problem(
                    str(path),
                    line,
                    f"day[{number}] : le moment dure {slot['minutes']} min, "
                    f"mais la méthode {method} en dure {durations[method]}",
                )
            )
        end = start + slot["minutes"]


def _source_of(root: Path, kit_file: str) -> str:
    """The template file a kit file was rendered from, to point the contributor at it."""
    if kit_file.startswith("seances/"):
        return str(root / "seances" / "seance.md")
    if kit_file.startswith(("roles/", "methodes/")):
        return str(root / kit_file)
    return str(root / "{{cookiecutter.slug}}" / kit_file)


def _line_of(source: str, text: str, default: int) -> int:
    """The line of the template file where `text` is written (a link written literally), else `default`."""
    try:
        lines = Path(source).read_text(encoding="utf-8").splitlines()
    except OSError:
        return default
    return next((number for number, line in enumerate(lines, start=1) if text in line), default)


def _check_rendering(root: Path, examples: list[Path], problems: list[Problem], trust: bool) -> None:
    from transfogen.kit.build import generate_kit

    with tempfile.TemporaryDirectory(prefix="transfogen-check-") as tmp:
        for example in examples:
            try:
                kit = generate_kit(example, Path(tmp) / example.stem, template_dir=root, trust=trust)
            except TransfogenError as error:
                problem = _from_error(error, str(root))
                problems.append(Problem(problem.file, problem.line, f"{problem.message} (exemple {example.name})"))
                continue
            for page in sorted(kit.rglob("*.md")):
                relative = page.relative_to(kit).as_posix()
                if relative.startswith(".transfogen/"):
                    continue
                for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
                    for target in _LINK.findall(line):
                        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                            continue
                        if not (page.parent / target.split("#")[0]).exists():
                            source = _source_of(root, relative)
                            problems.append(
                                Problem(
                                    source,
                                    _line_of(source, f"]({target}", number),
                                    f"lien cassé vers « {target} » (dans le kit : {relative}, ligne {number} ; exemple {example.name})",
                                )
                            )


def check_template(root: Path, examples: list[Path], *, trust: bool = False) -> list[Problem]:
    """Every problem found in the template at `root`, sorted by file and line.

    Without `trust`, a template with hooks or Jinja extensions is not rendered (that is a problem).
    """
    from transfogen.templating.template_source import check_tree, code_in_template

    root = Path(root)
    try:
        check_tree(root)  # before reading anything: a link leaving the template is never followed
    except TransfogenError as error:
        return [_from_error(error, str(root))]
    problems: list[Problem] = []
    for step in (_check_manifest_and_config, _check_sheets, _check_jinja, _check_markdown, _check_patterns):
        try:
            step(root, problems)
        except RecursionError:  # a file nested deeper than any reader goes
            problems.append(Problem(str(root), 1, "un fichier du gabarit est trop profondément imbriqué pour être lu"))
    if not trust:
        problems += [
            Problem(
                str(found.path),
                found.line,
                f"{found.what} : ce gabarit exécuterait du code, il n'est pas rendu ; "
                "relancez avec --trust si vous connaissez son auteur",
            )
            for found in code_in_template(root)
        ]
    if not problems:  # rendering a broken template would only repeat the problems above
        _check_rendering(root, examples, problems, trust)
    return sorted(set(problems))
