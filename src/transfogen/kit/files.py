"""Writing the user's files: never half-written, never replacing what the user owns.

A kit is built in a hidden folder next to its destination (`.transfogen-<process id>-*`) and moved into place by one rename that fails if something is already there.
`--force` replaces only a kit (a folder with a `.transfogen/` inside); the previous kit is not deleted
but moved aside as `<kit>.ancien-<n>`, which the command names. A build folder left by a killed run is
removed by the next run in the same folder.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from transfogen.errors import OutputExistsError, TransfogenError, os_error_message

STATE_DIR = ".transfogen"  # inside a kit: the profile, the template used and the data it was built from
CONTEXT_FILE = "contexte.json"  # the `kit` data every template saw (docs/contexte-kit.md)
BUILD_PREFIX = ".transfogen-"  # a kit being built, next to its destination
STALE_AFTER = 10 * 60  # seconds: a build folder whose owner is unknown is abandoned after this
# What tempfile.mkdtemp makes of BUILD_PREFIX + "<pid>-" (the pid is in the name: known from the start).
_BUILD_NAME = re.compile(r"\.transfogen-(?:(\d+)-)?[a-z0-9_]{8}")


class KitFiles:
    """A kit's files as they are made, by POSIX path inside the kit.

    They stay in memory, where the site, the previous render and a batch's zip read them, and are written
    into `folder` as they come, unless `folder` is None (a batch's zip, an update's new render need no copy
    on disk). Each folder is made once.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.data: dict[str, bytes] = {}
        self.sheets: dict[str, Any] = {}  # name → `sheets.Sheet` of a sheet made here, exactly as written
        self._made: set[str] = set()

    def write(self, name: str, content: str | bytes, *, exclusive: bool = False) -> None:
        """Add a file; `exclusive`: fail with FileExistsError rather than replace one."""
        data = content.encode("utf-8") if isinstance(content, str) else content
        if exclusive and name in self.data:
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), name)
        if self.folder is not None:
            parent = name.rpartition("/")[0]
            if parent not in self._made:
                (self.folder / parent).mkdir(parents=True, exist_ok=True)
                self._made.add(parent)
            with open(self.folder / name, "xb" if exclusive else "wb") as stream:
                stream.write(data)
        self.data[name] = data

    def add_written(self, files: dict[str, bytes]) -> None:
        """Files something else wrote into the folder (cookiecutter), now known here too."""
        self.data.update(files)
        self._made.update(name.rpartition("/")[0] for name in files)

    def generated(self) -> dict[str, bytes]:
        """Every file outside `.transfogen/`: what `transfogen update` compares with."""
        return {name: data for name, data in self.data.items() if name.split("/", 1)[0] != STATE_DIR}


def os_reason(error: OSError) -> str:
    """Why a file operation failed, in French, without a path inside a build folder (it means nothing
    to the user and is gone by the time they read the message)."""
    if BUILD_PREFIX in str(error.filename or "") + str(error.filename2 or ""):
        error = OSError(error.errno, error.strerror)
    return os_error_message(error)


def refuse_existing(targets: list[Path], force: bool) -> None:
    """Stop before writing anything when a target exists and --force was not given."""
    existing = [] if force else [target for target in targets if target.exists()]
    if existing:
        more = f" (et {len(existing) - 1} autre(s))" if len(existing) > 1 else ""
        raise OutputExistsError(f"{existing[0]} : le fichier existe déjà{more} ; ajoutez --force pour le remplacer")


def write_file(target: Path, data: bytes | str, *, force: bool, make_parents: bool = False) -> None:
    """Write through a temporary file in the same folder, then rename: a reader never sees half a file."""
    target = Path(target)
    if target.is_dir():
        raise TransfogenError(f"{target} : c'est un dossier, indiquez un nom de fichier")
    refuse_existing([target], force)
    folder = target.parent
    try:
        if make_parents:
            folder.mkdir(parents=True, exist_ok=True)
        elif not folder.is_dir():
            raise TransfogenError(f"{target} : le dossier {folder} n'existe pas")
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise TransfogenError(f"{target} : écriture impossible ({os_error_message(error)})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp creates 0600; give the usual mode of a new file
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise TransfogenError(f"{target} : écriture impossible ({os_error_message(error)})") from None


def _listing(folder: Path) -> str:
    names = sorted(path.name + ("/" if path.is_dir() else "") for path in folder.iterdir())
    shown = ", ".join(names[:3])
    return f"{shown} et {len(names) - 3} autre(s)" if len(names) > 3 else shown


def is_kit(folder: Path) -> bool:
    return (folder / STATE_DIR).is_dir()


def check_destination(out: Path, force: bool) -> bool:
    """Refuse a destination that is not free; True when it holds a kit that --force will replace."""
    try:
        if not out.exists():
            return False
        if not out.is_dir():
            raise OutputExistsError(f"{out} existe et n'est pas un dossier")
        if not any(out.iterdir()):
            return False
        if not force:
            raise OutputExistsError(
                f"{out} existe et n'est pas vide : choisissez un autre dossier (-o) ou, si c'est un kit, ajoutez --force"
            )
        if not is_kit(out):
            raise OutputExistsError(
                f"{out} n'est pas un kit transfogen (pas de dossier {STATE_DIR}/) : --force ne remplace qu'un kit, "
                f"rien n'a été touché ; il contient {_listing(out)}"
            )
    except OSError as error:
        raise TransfogenError(f"{out} : dossier illisible ({os_reason(error)})") from None
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else
        return True
    return True


def clean_stale_builds(parent: Path) -> None:
    """Remove the build folders of runs that died (their process is gone, or they are old and unowned)."""
    try:
        candidates = [(path, _BUILD_NAME.fullmatch(path.name)) for path in parent.iterdir()]
    except OSError:
        return
    for path, name in candidates:
        if name is None or path.is_symlink() or not path.is_dir():
            continue
        owner = int(name[1]) if name[1] else None
        try:
            abandoned = time.time() - path.stat().st_mtime > STALE_AFTER
        except OSError:
            continue
        if (owner is not None and not _alive(owner)) or (owner is None and abandoned):
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def build_folder(parent: Path) -> Iterator[Path]:
    """A fresh hidden folder in `parent` to build a kit in; removed at the end, whatever happens."""
    clean_stale_builds(parent)
    work = Path(tempfile.mkdtemp(prefix=f"{BUILD_PREFIX}{os.getpid()}-", dir=parent))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


_RENAME_NOREPLACE = 1
_AT_FDCWD = -100


def _renameat2():  # noqa: ANN202 (a ctypes function, or None)
    import ctypes

    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return function


def rename_noreplace(source: Path, target: Path) -> None:
    """Rename `source` to `target`, failing with FileExistsError if `target` exists, even empty.

    Linux's renameat2(RENAME_NOREPLACE) checks and renames in one step. Where it is missing, the
    check comes just before the rename, and os.rename still refuses a target folder that is not empty.
    """
    renameat2 = _renameat2()
    if renameat2 is not None:
        import ctypes

        if renameat2(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), _RENAME_NOREPLACE) == 0:
            return
        code = ctypes.get_errno()
        if code == errno.EEXIST:
            raise FileExistsError(code, os.strerror(code), str(target))
        if code not in (errno.ENOSYS, errno.EINVAL):  # EINVAL: a file system without the flag
            raise OSError(code, os.strerror(code), str(source))
    if os.path.lexists(target):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
    try:
        os.rename(source, target)
    except OSError as error:
        if error.errno in (errno.ENOTEMPTY, errno.EEXIST):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
        raise


def _move_aside(out: Path) -> Path | None:
    """Rename the kit at `out` to the first free `<name>.ancien-<n>` beside it."""
    number = 1
    while True:
        backup = out.with_name(f"{out.name}.ancien-{number}")
        if not os.path.lexists(backup):
            try:
                rename_noreplace(out, backup)
                return backup
            except FileExistsError:
                pass  # taken meanwhile by another run: try the next number
            except FileNotFoundError:
                return None  # another run with --force moved the same kit aside first
        number += 1


def install(kit: Path, out: Path, replace_kit: bool) -> Path | None:
    """Move the finished `kit` to `out`; return where the previous kit went, if there was one.

    Nothing but a kit (with --force) is ever moved away, and nothing that appeared at `out` while the
    kit was being built is replaced: the move fails with a clear error instead.
    """
    absolute = Path(os.path.abspath(out))
    changed = (
        f"{out} a changé pendant la génération (une autre génération vers le même dossier ?) : rien n'a été remplacé"
    )
    backup = None
    if replace_kit and os.path.lexists(absolute):
        if not is_kit(absolute):
            raise OutputExistsError(changed)
        backup = _move_aside(absolute)
    elif absolute.is_dir() and not absolute.is_symlink():
        try:
            absolute.rmdir()  # the empty folder the user gave: it goes only if it is still empty
        except FileNotFoundError:
            pass
        except OSError as error:
            if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
            raise OutputExistsError(changed) from None
    try:
        rename_noreplace(kit, absolute)
    except FileExistsError:
        kept = f" ; l'ancien kit est conservé dans {backup}" if backup else ""
        raise OutputExistsError(changed + kept) from None
    return backup


def make_parents(folder: Path) -> list[Path]:
    """Create `folder` and its missing parents; return those created (to remove them on failure)."""
    missing = []
    current = Path(os.path.abspath(folder))
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    folder.mkdir(parents=True, exist_ok=True)
    return missing


def remove_empty(folders: list[Path]) -> None:
    for folder in folders:  # deepest first
        try:
            folder.rmdir()
        except OSError:
            return
