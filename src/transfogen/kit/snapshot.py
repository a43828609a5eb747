"""The kit's previous render, kept in `.transfogen/rendu.zip`: the base of `transfogen update`'s merge.

Every file the generator wrote (outside `.transfogen/`) is stored as generated, in one zip archive, each
file deflated on its own (archive.py): a batch's `--zip` puts the same deflated bytes in the kit's zip, so
a kit's bytes are compressed once, not once more for its render. The archive is byte-identical for
identical files: no dates, no owners, fixed modes, a fixed order. A kit without its site (about 120 files,
0.9 MB) gives an archive of about 350 kB; with it (230 files, 2.3 MB), about 900 kB.

Kits made before keep `rendu.tar.gz` (until December 2026) or `rendu.tar.xz` (before): they are read the
same way, and an update replaces them.
"""

from __future__ import annotations

import io
import lzma
import tarfile
import zipfile
import zlib
from pathlib import Path

from transfogen.errors import TransfogenError
from transfogen.kit.archive import zip_files
from transfogen.kit.files import STATE_DIR, KitFiles

RENDER_FILE = "rendu.zip"
# The former formats, newest first: a tar compressed with gzip (level 1), then with xz (preset 2).
LEGACY_RENDER_FILES = ("rendu.tar.gz", "rendu.tar.xz")
# What the files of a render may add up to before it is refused unread: far above any kit (its templates
# write at most 100 million characters, sandbox.Limits.output_chars), far below what would exhaust memory.
_LARGEST = 1024 * 1024 * 1024


def kit_files(kit: Path) -> dict[str, bytes]:
    """Every file of a kit folder outside `.transfogen/`, by POSIX path relative to the kit."""
    files = {}
    for path in sorted(kit.rglob("*")):
        relative = path.relative_to(kit)
        if relative.parts[0] == STATE_DIR or path.is_symlink() or not path.is_file():
            continue
        files[relative.as_posix()] = path.read_bytes()
    return files


def pack(files: dict[str, bytes]) -> bytes:
    return zip_files(files)


def _inside(name: str) -> bool:
    # A name that would land outside the kit is not a file the generator wrote: an update never follows it.
    parts = name.split("/")
    return bool(name) and not name.startswith("/") and ".." not in parts and "\\" not in name


def unpack(data: bytes) -> dict[str, bytes]:
    """The files of an archive: zip (this format), tar with gzip or xz (older kits).

    ValueError for an archive that unpacks to more than a kit can hold (a damaged or altered file)."""
    files = {}
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > _LARGEST:
                raise ValueError("archive trop grande pour un kit")
            for info in infos:
                if not info.is_dir() and _inside(info.filename):
                    files[info.filename] = archive.read(info)
        return files
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
        items = archive.getmembers()
        if sum(item.size for item in items) > _LARGEST:
            raise ValueError("archive trop grande pour un kit")
        for item in items:
            stream = archive.extractfile(item) if item.isfile() and _inside(item.name) else None
            if stream is not None:
                files[item.name] = stream.read()
    return files


def store_render(files: KitFiles) -> None:
    """Keep what was just generated in the kit as the base of its next update."""
    files.write(f"{STATE_DIR}/{RENDER_FILE}", pack(files.generated()))


def read_render(kit: Path) -> dict[str, bytes]:
    state = kit / STATE_DIR
    path = next(
        (state / name for name in (RENDER_FILE, *LEGACY_RENDER_FILES) if (state / name).is_file()),
        state / RENDER_FILE,
    )
    if not path.is_file():
        raise TransfogenError(
            f"{kit} : ce kit ne garde pas son rendu précédent ({STATE_DIR}/{RENDER_FILE}) : "
            "il a été généré par une version de transfogen antérieure à « update » ; régénérez-le avec « transfogen new »"
        )
    try:
        return unpack(path.read_bytes())
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, zlib.error, lzma.LZMAError, ValueError):
        raise TransfogenError(f"{path} : archive illisible (régénérez le kit avec « transfogen new »)") from None
