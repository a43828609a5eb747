"""The kit's zip writer: plain zip any tool reads, each file deflated once, the same files giving the same bytes."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest

from transfogen.kit.archive import DEFLATED, STORED, member, zip_bytes

FILES = {
    "LISEZMOI.md": b"# Kit\n\nBonjour.\n" * 50,
    "séances/séance-01.md": "Une séance à Saint-Étienne.\n".encode() * 40,
    "vide.txt": b"",
    ".transfogen/rendu.zip": zip_bytes([("a.md", member("a.md", b"a" * 1000))]),
}


def _archive() -> bytes:
    return zip_bytes((name, member(name, data)) for name, data in FILES.items())


def test_zipfile_reads_back_every_file_with_its_name_date_and_mode():
    with zipfile.ZipFile(io.BytesIO(_archive())) as archive:
        assert archive.testzip() is None
        assert {info.filename: archive.read(info) for info in archive.infolist()} == FILES
        assert [info.filename for info in archive.infolist()] == list(FILES)  # in the order given
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.external_attr >> 16 == 0o644
        # A compressed file is stored as it is; the others are deflated.
        assert archive.getinfo(".transfogen/rendu.zip").compress_type == STORED
        assert archive.getinfo("LISEZMOI.md").compress_type == DEFLATED


def test_the_same_files_give_the_same_bytes_and_equal_files_are_deflated_once():
    first = member("x.md", b"texte " * 500)
    assert member("x.md", bytes(b"texte " * 500)) is first  # equal data: the member made before
    assert member("x.md", b"autre " * 500) is not first
    assert _archive() == _archive()


def test_an_empty_archive_is_a_valid_zip():
    with zipfile.ZipFile(io.BytesIO(zip_bytes([]))) as archive:
        assert archive.namelist() == []


@pytest.mark.skipif(shutil.which("unzip") is None, reason="unzip absent")
def test_unzip_checks_the_archive(tmp_path):
    path = tmp_path / "kit.zip"
    path.write_bytes(_archive())
    result = subprocess.run(["unzip", "-t", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
