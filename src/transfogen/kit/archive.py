"""Zip archives of a kit's files, each file deflated once, the same files always giving the same bytes.

A kit's files go into its previous render (`.transfogen/rendu.zip`, snapshot.py) and, in a batch with
`--zip`, into the kit's own zip as well: both archives hold the same deflated bytes, made once. A file
equal to the one of the same name in the previous kit of the process (a method sheet, a role sheet, in a
batch) is not deflated again. Python's zipfile cannot take data already deflated, hence this writer:
plain zip (no zip64, no data descriptors), a fixed date, fixed modes, the entries in the order given.
"""

from __future__ import annotations

import posixpath
import struct
import zlib
from collections.abc import Iterable
from typing import NamedTuple

from transfogen.errors import TransfogenError

# Deflate level 1: level 6 would take 1.6 times as long for files 10 % smaller.
LEVEL = 1
STORED, DEFLATED = 0, 8
_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 1 January 1980, 0:00: zip has no earlier date
_MODE = 0o644 << 16  # a plain file, readable by all
_VERSION = 20  # what the entries need to be read: deflate (2.0)
_MADE_BY = (3 << 8) | _VERSION  # made on Unix, so the mode above is honoured
_COMPRESSED = {".gz", ".xz", ".zip"}  # stored as they are: deflating them again gains nothing
_LIMIT = 0xFFFFFFFF  # beyond it zip needs its zip64 extension, which a kit never comes near


class Member(NamedTuple):
    """A file as a zip stores it."""

    crc: int
    size: int  # of the file
    method: int  # STORED or DEFLATED
    data: bytes  # as stored: deflated (raw, without zlib's header) or the file itself


_previous: dict[str, tuple[bytes, Member]] = {}  # name → the last file of that name seen, and its member


def member(name: str, data: bytes) -> Member:
    """The file `name` ready for a zip; the same as last time when the last file of this name was the same
    (one entry a name: the memory stays that of one kit)."""
    known = _previous.get(name)
    if known is not None and (known[0] is data or known[0] == data):
        return known[1]
    if posixpath.splitext(name)[1] in _COMPRESSED:
        made = Member(zlib.crc32(data), len(data), STORED, data)
    else:
        made = Member(zlib.crc32(data), len(data), DEFLATED, zlib.compress(data, LEVEL, wbits=-15))
    _previous[name] = (data, made)
    return made


def zip_files(files: dict[str, bytes], folder: str = "") -> bytes:
    """A kit's files in a zip, in the order of their folders, under `folder` when one is given."""
    prefix = f"{folder}/" if folder else ""
    names = sorted(files, key=lambda name: name.split("/"))
    return zip_bytes((prefix + name, member(name, files[name])) for name in names)


def zip_bytes(entries: Iterable[tuple[str, Member]]) -> bytes:
    """A zip holding the entries in the order given."""
    parts: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, item in entries:
        encoded = name.encode("utf-8")
        flags = 0 if encoded.isascii() else 0x800  # bit 11: the name is UTF-8
        if item.size > _LIMIT or offset > _LIMIT:
            raise TransfogenError(f"{name} : le kit dépasse la taille d'une archive zip (4 Gio)")
        fields = (item.method, _DOS_TIME, _DOS_DATE, item.crc, len(item.data), item.size, len(encoded))
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, _VERSION, flags, *fields, 0)
        central.append(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, _MADE_BY, _VERSION, flags, *fields, 0, 0, 0, 0, _MODE, offset)
            + encoded
        )
        parts += (local, encoded, item.data)
        offset += len(local) + len(encoded) + len(item.data)
    if len(central) > 0xFFFF or offset > _LIMIT:
        raise TransfogenError("le kit dépasse la taille d'une archive zip (65 535 fichiers, 4 Gio)")
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(directory), offset, 0)
    return b"".join((*parts, directory, end))
