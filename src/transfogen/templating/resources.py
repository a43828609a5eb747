"""Files shipped with transfogen: bundled templates and example profiles, found the same way in a
source checkout and in an installed wheel (where they live inside the package)."""

from __future__ import annotations

from pathlib import Path

from transfogen.errors import ProfileError, TemplateError
from transfogen.records import record

# The package's folder, what `importlib.resources.files("transfogen")` gives for a package on disk, without
# importing importlib.resources (5 ms of every start-up).
_PACKAGE = Path(__file__).parents[1]
_CHECKOUT = _PACKAGE.parents[1]  # src/transfogen -> the checkout


def package_file(name: str) -> Path:
    """A file shipped inside the package: `package_file("data/calendar.yaml")`."""
    return _PACKAGE / name


def _bundled(folder: str) -> Path:
    packaged = _PACKAGE / folder
    return packaged if packaged.is_dir() else _CHECKOUT / folder


def bundled_template_dir(name: str = "transfo") -> Path:
    """The folder of a template shipped with transfogen (in the wheel, or in a source checkout)."""
    folder = _bundled("templates") / name
    if folder.is_dir():
        return folder
    raise TemplateError(f"gabarit « {name} » introuvable (ni dans le paquet, ni dans {folder.parent})")


def bundled_examples() -> list[Path]:
    """The example profiles shipped with transfogen (the seven collectivities of La Transfo's 2nd edition)."""
    return sorted(_bundled("examples").glob("*.yaml"))


@record
class Example:
    name: str  # what a user types: `transfogen new paris`
    path: Path
    description: str  # the first sentence of the file's opening comment


def examples() -> list[Example]:
    """Every bundled example with its name and a one-line description."""
    return [Example(path.stem, path, _description(path)) for path in bundled_examples()]


def example_profile(name: str) -> Path | None:
    """The bundled example called `name` (`paris`, `paris.yaml`), or None."""
    stem = name.removesuffix(".yaml")
    return next((path for path in bundled_examples() if path.stem == stem), None)


def profile_path(path_or_name: str | Path) -> Path:
    """Where to read a profile given on the command line: the file of that name when there is one,
    else the bundled example of that name. A path that is neither is returned as it is, so the
    profile reader reports it missing."""
    given = Path(path_or_name)
    if given.exists() or given.parent != Path("."):
        return given
    return example_profile(given.name) or given


def require_example(name: str) -> Path:
    """The bundled example called `name`; a ProfileError naming the examples otherwise."""
    found = example_profile(name)
    if found is None:
        names = ", ".join(example.name for example in examples())
        raise ProfileError(name, None, f"exemple inconnu ; exemples fournis : {names}")
    return found


def _description(path: Path) -> str:
    comment = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        comment.append(line.lstrip("# ").strip())
    sentence = " ".join(comment).split(". ")[0].rstrip(".")
    sentence = sentence.removeprefix("Profil de ").removeprefix("Profil du ")
    return sentence[:1].upper() + sentence[1:]
