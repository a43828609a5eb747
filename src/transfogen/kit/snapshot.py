"""The kit's previous render, kept in `.transfogen/rendu.tar.gz`: the base of `transfogen update`'s merge.

Every file the generator wrote (outside `.transfogen/`) is stored as generated, in one tar archive
compressed with gzip. The archive is byte-identical for identical files: no dates, no owners, fixed
modes, a fixed order. A kit of about 240 files (2.4 MB) gives an archive of about 500 kB.

Kits made before December 2026 keep `rendu.tar.xz`: it is read the same way, and an update replaces it.
"""

from __future__ import annotations

import io
import lzma
import posixpath
import tarfile
import zlib
from pathlib import Path

from transfogen.errors import TransfogenError
from transfogen.kit.files import STATE_DIR, KitFiles

RENDER_FILE = "rendu.tar.gz"
LEGACY_RENDER_FILE = "rendu.tar.xz"  # xz preset 2: a third of the size, made six times slower
# Deflate at level 1 keeps a kit's archive to a fifth of its second in CPU; level 6 would take three times
# as long for an archive a quarter smaller.
_LEVEL = 1


def kit_files(kit: Path) -> dict[str, bytes]:
    """Every file of a kit folder outside `.transfogen/`, by POSIX path relative to the kit."""
    files = {}
    for path in sorted(kit.rglob("*")):
        relative = path.relative_to(kit)
        if relative.parts[0] == STATE_DIR or path.is_symlink() or not path.is_file():
            continue
        files[relative.as_posix()] = path.read_bytes()
    return files


def _neighbours(name: str) -> tuple[str, str]:
    # A site page follows the Markdown file it was made from: deflate only sees 32 kB back, and the two
    # share most of their text.
    stem = posixpath.splitext(name.removeprefix("site/"))[0]
    return stem, name


def pack(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for name in sorted(files, key=_neighbours):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(files[name]), 0o644, 0
            archive.addfile(info, io.BytesIO(files[name]))
    # gzip's header with no date and no file name (wbits 31): the same files give the same bytes.
    return zlib.compress(buffer.getvalue(), _LEVEL, wbits=31)


def unpack(data: bytes) -> dict[str, bytes]:
    """The files of an archive, gzip (this format) or xz (older kits)."""
    files = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
        for member in archive.getmembers():
            stream = archive.extractfile(member) if member.isfile() else None
            if stream is not None:
                files[member.name] = stream.read()
    return files


def store_render(files: KitFiles) -> None:
    """Keep what was just generated in the kit as the base of its next update."""
    files.write(f"{STATE_DIR}/{RENDER_FILE}", pack(files.generated()))


def read_render(kit: Path) -> dict[str, bytes]:
    path = kit / STATE_DIR / RENDER_FILE
    if not path.is_file() and (kit / STATE_DIR / LEGACY_RENDER_FILE).is_file():
        path = kit / STATE_DIR / LEGACY_RENDER_FILE
    if not path.is_file():
        raise TransfogenError(
            f"{kit} : ce kit ne garde pas son rendu précédent ({STATE_DIR}/{RENDER_FILE}) : "
            "il a été généré par une version de transfogen antérieure à « update » ; régénérez-le avec « transfogen new »"
        )
    try:
        return unpack(path.read_bytes())
    except (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError):
        raise TransfogenError(f"{path} : archive illisible (régénérez le kit avec « transfogen new »)") from None
