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

from transfogen.errors import TransfogenError

MIN_PATTERN_BLOCKS = 10  # a 5-day session takes 10 half-day blocks
MIN_LAB_BLOCKS = 2
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<message>.*)$", re.S)


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def _from_error(error: Exception, default_file: str) -> Problem:
    """Turn a transfogen error message (often `file:line: message`) into a Problem."""
    text = str(error)
    match = _LOCATED.match(text)
    if match:
        return Problem(match["file"], int(match["line"]), match["message"])
    file, _, message = text.partition(": ")
    if message and ("/" in file or file.endswith((".md", ".yaml", ".json"))):
        return Problem(file, 1, message)
    return Problem(default_file, 1, text)


def _text_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".md", ".yaml", ".yml", ".json", ".txt", ".csv"))


def _check_manifest_and_config(root: Path, problems: list[Problem]) -> None:
    manifest = root / "transfogen.yaml"
    try:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(Problem(str(manifest), 1, "manifeste du gabarit manquant"))
        data = None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problems.append(Problem(str(manifest), mark.line + 1 if mark else 1, f"YAML illisible : {getattr(error, 'problem', error)}"))
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
    from transfogen.sheets import check_sheet

    for path in sorted((root / "methodes").glob("*.md")):
        for error in check_sheet(path.read_text(encoding="utf-8"), str(path)):
            problems.append(Problem(error.path, error.line or 1, f"{error.field}: {error.message}" if error.field else error.message))


def _check_jinja(root: Path, problems: list[Problem]) -> None:
    from jinja2 import TemplateSyntaxError

    from transfogen.sandbox import item_environment

    env = item_environment(root)
    for path in _text_files(root):
        if path.suffix != ".md":
            continue
        try:
            env.parse(path.read_text(encoding="utf-8"))
        except TemplateSyntaxError as error:
            problems.append(Problem(str(path), error.lineno or 1, f"Jinja : {error.message}"))


def _check_markdown(root: Path, problems: list[Problem]) -> None:
    from transfogen.markup import find_raw_html, split_front_matter
    from transfogen.sheets import _placeholder_pattern as placeholder_pattern

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
                        problems.append(Problem(str(path), number, f"HTML brut interdit (« {snippet[:40]} ») : écrivez en Markdown"))


def _check_patterns(root: Path, problems: list[Problem]) -> None:
    from transfogen.template import BLOCK_MINUTES, load_template

    try:
        template = load_template(root)
    except TransfogenError as error:
        problems.append(_from_error(error, str(root)))
        return
    durations = {method_id: int(sheet.meta["duration"]) for method_id, sheet in template.methods.items()}
    groups = [(p, MIN_PATTERN_BLOCKS) for p in template.patterns.values()]
    groups += [(p, MIN_LAB_BLOCKS) for p in template.lab_patterns.values()]
    if template.day:
        groups.append((None, 0))
    for pattern, minimum in groups:
        if pattern is None:
            path, blocks = str(root / "seances" / "journee.yaml"), [("rituals." + k, b) for k, b in template.day.rituals.items()]
        else:
            path, blocks = pattern.path, [(f"blocks[{i}]", b) for i, b in enumerate(pattern.blocks)]
            if len(pattern.blocks) < minimum:
                problems.append(Problem(path, 1, f"blocks : {len(pattern.blocks)} blocs, il en faut au moins {minimum}"))
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        for key, block in blocks:
            line = next((n for n, text in enumerate(lines, start=1) if block and block[0] in text), 1)
            unknown = [m for m in block if m not in durations]
            if unknown:
                problems.append(Problem(path, line, f"{key} : méthode inconnue {', '.join(unknown)}"))
            elif sum(durations[m] for m in block) != BLOCK_MINUTES:
                total = sum(durations[m] for m in block)
                problems.append(Problem(path, line, f"{key} : le bloc dure {total} min au lieu de {BLOCK_MINUTES}"))


def _source_of(root: Path, kit_file: str) -> str:
    """The template file a kit file was rendered from, to point the contributor at it."""
    if kit_file.startswith("seances/"):
        return str(root / "seances" / "seance.md")
    if kit_file.startswith(("roles/", "methodes/")):
        return str(root / kit_file)
    return str(root / "{{cookiecutter.slug}}" / kit_file)


def _check_rendering(root: Path, examples: list[Path], problems: list[Problem]) -> None:
    from transfogen.kit import generate_kit

    with tempfile.TemporaryDirectory(prefix="transfogen-check-") as tmp:
        for example in examples:
            try:
                kit = generate_kit(example, Path(tmp) / example.stem, template_dir=root, trust=False)
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
                            problems.append(Problem(
                                _source_of(root, relative), 1,
                                f"lien cassé vers « {target} » dans {relative}, ligne {number} (exemple {example.name})",
                            ))


def check_template(root: Path, examples: list[Path]) -> list[Problem]:
    """Every problem found in the template at `root`, sorted by file and line."""
    root = Path(root)
    problems: list[Problem] = []
    _check_manifest_and_config(root, problems)
    _check_sheets(root, problems)
    _check_jinja(root, problems)
    _check_markdown(root, problems)
    _check_patterns(root, problems)
    if not problems:  # rendering a broken template would only repeat the problems above
        _check_rendering(root, examples, problems)
    return sorted(set(problems))
