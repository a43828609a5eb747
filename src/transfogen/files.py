"""Writing the user's files: never half-written, never replacing a file without --force."""

from __future__ import annotations

import os
from pathlib import Path

from transfogen.errors import OutputExistsError, TransfogenError

STATE_DIR = ".transfogen"  # inside a kit: the profile, the template used and the data it was built from
CONTEXT_FILE = "contexte.json"  # the `kit` data every template saw (docs/contexte-kit.md)


def refuse_existing(targets: list[Path], force: bool) -> None:
    """Stop before writing anything when a target exists and --force was not given."""
    existing = [] if force else [target for target in targets if target.exists()]
    if existing:
        more = f" (et {len(existing) - 1} autre(s))" if len(existing) > 1 else ""
        raise OutputExistsError(f"{existing[0]} : le fichier existe déjà{more} ; ajoutez --force pour le remplacer")


def write_file(target: Path, data: bytes | str, *, force: bool, make_parents: bool = False) -> None:
    """Write through a temporary file in the same folder, then rename: a reader never sees half a file."""
    import tempfile

    target = Path(target)
    if target.is_dir():
        raise TransfogenError(f"{target} : c'est un dossier, indiquez un nom de fichier")
    refuse_existing([target], force)
    folder = target.parent
    if make_parents:
        folder.mkdir(parents=True, exist_ok=True)
    elif not folder.is_dir():
        raise TransfogenError(f"{target} : le dossier {folder} n'existe pas")
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise TransfogenError(f"{target} : écriture impossible ({error.strerror})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp creates 0600; give the usual mode of a new file
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise TransfogenError(f"{target} : écriture impossible ({error.strerror})") from None
