"""`transfogen update`: a kit planned again keeps its user's edits, and never ends half-written."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from test_calendar_formats import sample_programme
from transfogen.cli import main
from transfogen.errors import TemplateError, TransfogenError
from transfogen.exports import calendar_formats as cf
from transfogen.kit.build import generate_kit
from transfogen.kit.snapshot import LEGACY_RENDER_FILES, RENDER_FILE, read_render
from transfogen.living.update import apply_update, merge_file, plan_update, recover

pytestmark = pytest.mark.slow

MOMENT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
BLACKOUT = """  blackouts:                  # périodes sans séance, avec leur raison
    - from: 2027-02-01
      to: 2027-02-05
      reason: "Fermeture des salles"
"""
USER_LINE = "Note de la coordination : prévoir la salle du rez-de-chaussée.\n"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file and folder of a kit, with its bytes: what "exactly as it was" compares."""
    out = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        out[key] = path.read_bytes() if path.is_file() else b"<dossier>"
    return out


@pytest.fixture(scope="module")
def pristine(examples_dir, tmp_path_factory) -> Path:
    return generate_kit(examples_dir / "strasbourg.yaml", tmp_path_factory.mktemp("update") / "kit")


@pytest.fixture(scope="module")
def blackout_profile(examples_dir, tmp_path_factory) -> Path:
    text = (examples_dir / "strasbourg.yaml").read_text(encoding="utf-8")
    anchor = "  blackouts:                  # périodes sans séance, avec leur raison\n"
    assert anchor in text
    path = tmp_path_factory.mktemp("profils") / "strasbourg-fermeture.yaml"
    path.write_text(text.replace(anchor, BLACKOUT), encoding="utf-8")
    return path


@pytest.fixture
def kit(pristine, tmp_path) -> Path:
    """The generated kit as its user left it: two files edited, one added, one deleted."""
    folder = tmp_path / "kit"
    shutil.copytree(pristine, folder)
    sheet = folder / "seances" / "seance-02.md"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\n" + USER_LINE, encoding="utf-8")
    programme = folder / "programme.md"
    text = programme.read_text(encoding="utf-8")
    programme.write_text(
        text.replace("\n", "\n\nRelu par le comité de direction le 12 novembre.\n", 1), encoding="utf-8"
    )
    (folder / "notes-de-seance.md").write_text("# Nos notes\n\nÀ garder.\n", encoding="utf-8")
    (folder / "documents" / "brief-de-cas.md").unlink()
    return folder


@pytest.fixture(scope="module")
def blackout_plan(pristine, blackout_profile, tmp_path_factory):
    """The plan of the blackout update on an edited kit, computed once; tests apply it to copies."""
    folder = tmp_path_factory.mktemp("plan") / "kit"
    shutil.copytree(pristine, folder)
    (folder / "documents" / "brief-de-cas.md").unlink()
    sheet = folder / "seances" / "seance-02.md"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\n" + USER_LINE, encoding="utf-8")
    return folder, plan_update(folder, blackout_profile, moment=MOMENT)


def session(kit: Path, number: int) -> dict:
    context = json.loads((kit / ".transfogen" / "contexte.json").read_text(encoding="utf-8"))
    return next(s for s in context["sessions"] if s["number"] == number)


def session_uid(kit: Path, number: int) -> str:
    """The calendar UID of a session, from what the session is (see calendar_formats.session_keys)."""
    context = json.loads((kit / ".transfogen" / "contexte.json").read_text(encoding="utf-8"))
    keys = cf.session_keys(context["sessions"])
    return cf.uid_prefix("eurometropole-de-strasbourg") + keys[number - 1]


def vevents(ics: bytes) -> dict[str, object]:
    from icalendar import Calendar

    return {str(e["UID"]): e for e in Calendar.from_ical(ics).walk("VEVENT")}


# ---------------------------------------------------------------- the previous render


def test_the_kit_keeps_its_render_small_and_identical_across_runs(pristine, examples_dir, tmp_path):
    again = generate_kit(examples_dir / "strasbourg.yaml", tmp_path / "encore")
    archive = pristine / ".transfogen" / RENDER_FILE
    assert archive.read_bytes() == (again / ".transfogen" / RENDER_FILE).read_bytes()
    assert archive.stat().st_size < 1_100_000  # each file deflated on its own: about 0.9 MB for 2.3 MB of files
    stored = read_render(pristine)
    on_disk = {k: v for k, v in tree(pristine).items() if not k.startswith(".transfogen") and v != b"<dossier>"}
    assert stored == on_disk


def test_the_render_is_a_plain_zip_any_tool_reads(pristine):
    import zipfile

    with zipfile.ZipFile(pristine / ".transfogen" / RENDER_FILE) as archive:
        assert archive.testzip() is None
        infos = archive.infolist()
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in infos)
        assert {info.filename: archive.read(info) for info in infos} == read_render(pristine)


def _tar(files: dict[str, bytes]) -> bytes:
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(files[name]), 0o644, 0
            archive.addfile(info, io.BytesIO(files[name]))
    return buffer.getvalue()


@pytest.mark.parametrize("legacy", LEGACY_RENDER_FILES)
def test_a_kit_made_before_the_zip_render_still_updates(kit, blackout_profile, legacy):
    import gzip
    import lzma

    # What transfogen wrote until December 2026: the same files in a tar, compressed with gzip (level 1),
    # and before that with xz (preset 2).
    state = kit / ".transfogen"
    files = read_render(kit)
    tar = _tar(files)
    packed = gzip.compress(tar, 1, mtime=0) if legacy.endswith(".gz") else lzma.compress(tar, preset=2)
    (state / legacy).write_bytes(packed)
    (state / RENDER_FILE).unlink()
    assert read_render(kit) == files

    result = CliRunner().invoke(main, ["update", str(kit), "--profile", str(blackout_profile)])
    assert result.exit_code == 0, result.output
    assert (kit / "seances" / "seance-02.md").read_text(encoding="utf-8").endswith(USER_LINE)
    assert "- 2027-02-09\n" in (kit / "seances" / "seance-02.md").read_text(encoding="utf-8")
    # The kit now keeps its render in the current format only.
    assert (state / RENDER_FILE).is_file() and not (state / legacy).exists()
    again = CliRunner().invoke(main, ["update", str(kit), "--profile", str(blackout_profile)])
    assert "rien à changer" in again.output


def test_a_render_larger_than_any_kit_is_refused_unread(kit, monkeypatch):
    from transfogen.kit import snapshot

    monkeypatch.setattr(snapshot, "_LARGEST", 1000)  # the kit's render declares far more than this
    with pytest.raises(TransfogenError, match="archive illisible"):
        read_render(kit)


def test_a_render_naming_a_file_outside_the_kit_is_not_followed(kit):
    state = kit / ".transfogen"
    files = read_render(kit)
    (state / LEGACY_RENDER_FILES[0]).write_bytes(_tar({**files, "../dehors.md": b"x", "/etc/passwd": b"x"}))
    (state / RENDER_FILE).unlink()
    assert read_render(kit) == files


# ---------------------------------------------------------------- the update


def test_dry_run_changes_no_byte_and_says_what_would_change(kit, blackout_profile):
    before = tree(kit)
    stamps = {p: p.stat().st_mtime_ns for p in kit.rglob("*")}
    result = CliRunner().invoke(main, ["update", str(kit), "--profile", str(blackout_profile), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert tree(kit) == before
    assert {p: p.stat().st_mtime_ns for p in kit.rglob("*")} == stamps
    out = result.output
    assert "rien n'a été écrit" in out
    second = session(kit, 2)
    assert f"{second['title']} : 2, 3 et 4 février 2027 → 9, 10 et 11 février 2027" in out
    assert "Fermeture des salles" in out
    assert "fusionné    seances/seance-02.md" in out
    assert "mis à jour  calendrier/calendrier.ics" in out
    assert "documents/brief-de-cas.md" not in out  # deleted by the user, and nothing new in it
    assert "notes-de-seance.md" not in out


def test_update_keeps_the_users_work_and_moves_the_session_everywhere(kit, blackout_profile):
    old_ics = vevents((kit / "calendrier" / "calendrier.ics").read_bytes())
    notes = (kit / "notes-de-seance.md").read_bytes()
    result = CliRunner().invoke(
        main, ["update", str(kit), "--profile", str(blackout_profile)], env={"SOURCE_DATE_EPOCH": "1795000000"}
    )
    assert result.exit_code == 0, result.output

    # The user's edits, added file and deletion survive.
    sheet = (kit / "seances" / "seance-02.md").read_text(encoding="utf-8")
    assert sheet.endswith(USER_LINE)
    assert "Relu par le comité de direction le 12 novembre." in (kit / "programme.md").read_text(encoding="utf-8")
    assert (kit / "notes-de-seance.md").read_bytes() == notes
    assert not (kit / "documents" / "brief-de-cas.md").exists()

    # The session moved in its sheet, the programme, the calendar files and the site.
    assert "- 2027-02-09\n" in sheet and "2027-02-02" not in sheet
    assert "9 février 2027" in (kit / "programme.md").read_text(encoding="utf-8")
    assert "09/02/2027" in (kit / "calendrier" / "calendrier.csv").read_text(encoding="utf-8-sig")
    assert "9 février 2027" in (kit / "site" / "seances" / "seance-02.html").read_text(encoding="utf-8")

    new_ics = vevents((kit / "calendrier" / "calendrier.ics").read_bytes())
    assert set(new_ics) == set(old_ics)  # every event keeps its UID
    moved = session_uid(kit, 2)
    assert new_ics[moved].decoded("DTSTART") == date(2027, 2, 9)
    assert new_ics[moved]["SEQUENCE"] > old_ics[moved]["SEQUENCE"]
    assert new_ics[moved].decoded("LAST-MODIFIED") > old_ics[moved].decoded("LAST-MODIFIED")
    unchanged = "transfogen.eurometropole-de-strasbourg.seance-lancement"
    assert new_ics[unchanged].to_ical() == old_ics[unchanged].to_ical()

    log = (kit / "CHANGEMENTS.md").read_text(encoding="utf-8")
    assert "## Mise à jour du mercredi 18 novembre 2026" in log
    assert "`program.blackouts` : ajouté « from : 2027-02-01, to : 2027-02-05, reason : Fermeture des salles »" in log
    assert "des 2, 3 et 4 février 2027 aux 9, 10 et 11 février 2027" in log
    assert "à cause de la période bloquée « Fermeture des salles »" in log

    # The render kept is the new one: an update with the same profile has nothing left to do.
    again = CliRunner().invoke(main, ["update", str(kit), "--profile", str(blackout_profile)])
    assert again.exit_code == 0, again.output
    assert "rien à changer" in again.output


def test_a_line_changed_on_both_sides_is_a_conflict_and_keeps_the_users_text(kit, blackout_profile):
    sheet = kit / "seances" / "seance-02.md"
    text = sheet.read_text(encoding="utf-8")
    dated = next(line for line in text.splitlines() if "4 février 2027" in line and not line.startswith("-"))
    mine = dated.replace("4 février 2027", "4 février 2027 (salle à confirmer)")
    sheet.write_text(text.replace(dated, mine), encoding="utf-8")
    result = CliRunner().invoke(main, ["update", str(kit), "--profile", str(blackout_profile)])
    assert result.exit_code == 1
    assert "conflit" in result.output and "seances/seance-02.md" in result.output
    merged = sheet.read_text(encoding="utf-8")
    assert "<<<<<<< vos modifications\n" in merged and ">>>>>>> mise à jour transfogen\n" in merged
    assert mine in merged and USER_LINE in merged
    assert "11 février 2027" in merged  # the new line is there too, for the user to choose
    assert "seances/seance-02.md" in (kit / "CHANGEMENTS.md").read_text(encoding="utf-8")


def test_an_update_that_fails_at_any_point_leaves_the_kit_as_it_was(blackout_plan, tmp_path, monkeypatch):
    folder, plan = blackout_plan
    real_replace = os.replace
    total = 0

    def counting(src, dst):
        nonlocal total
        total += 1
        return real_replace(src, dst)

    # A successful run on a copy counts the renames an update makes.
    probe = tmp_path / "essai"
    shutil.copytree(folder, probe)
    monkeypatch.setattr(os, "replace", counting)
    apply_update(replace(plan, kit=probe))
    monkeypatch.setattr(os, "replace", real_replace)
    assert total > 40

    for failing in (1, 2, 3, total // 2, total - 1, total):
        copy = tmp_path / f"kit-{failing}"
        shutil.copytree(folder, copy)
        before = tree(copy)
        calls = 0

        def broken(src, dst, failing=failing):
            nonlocal calls
            calls += 1
            if calls == failing:
                raise OSError(28, "No space left on device")
            return real_replace(src, dst)

        monkeypatch.setattr(os, "replace", broken)
        with pytest.raises(TransfogenError, match="le kit est resté tel qu'il était"):
            apply_update(replace(plan, kit=copy))
        monkeypatch.setattr(os, "replace", real_replace)
        assert tree(copy) == before, f"échec au renommage n°{failing}"


def test_an_update_killed_half_way_is_undone_by_the_next_one(blackout_plan, tmp_path, monkeypatch):
    from transfogen.living import update as update_module

    folder, plan = blackout_plan
    copy = tmp_path / "kit"
    shutil.copytree(folder, copy)
    before = tree(copy)
    real_replace, calls = os.replace, 0

    def killed(src, dst):
        nonlocal calls
        calls += 1
        if calls == 30:
            raise KeyboardInterrupt  # the process dies: no rollback runs
        return real_replace(src, dst)

    monkeypatch.setattr(update_module, "_roll_back", lambda *args: None)
    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        apply_update(replace(plan, kit=copy))
    monkeypatch.undo()
    assert tree(copy) != before
    dry = CliRunner().invoke(main, ["update", str(copy), "--dry-run"])
    assert dry.exit_code == 1 and "interrompue" in dry.output
    assert recover(copy)
    assert tree(copy) == before


def test_a_failing_render_or_staging_leaves_the_kit_as_it_was(kit, blackout_profile, blackout_plan, monkeypatch):
    from pathlib import Path as RealPath

    from transfogen.kit import build as kit_module

    before = tree(kit)

    def broken_build(*args, **kwargs):
        raise TemplateError("gabarit cassé au milieu du rendu")

    monkeypatch.setattr(kit_module, "make_kit_files", broken_build)
    result = CliRunner().invoke(main, ["update", str(kit), "--profile", str(blackout_profile)])
    assert result.exit_code == 1 and "gabarit cassé" in result.output
    monkeypatch.undo()
    assert tree(kit) == before

    folder, plan = blackout_plan
    real_write = RealPath.write_bytes
    writes = 0

    def full_disk(self, data):
        nonlocal writes
        writes += 1
        if writes == 10:
            raise OSError(28, "No space left on device")
        return real_write(self, data)

    copy = kit.parent / "copie"
    shutil.copytree(folder, copy)
    before = tree(copy)
    monkeypatch.setattr(RealPath, "write_bytes", full_disk)
    with pytest.raises(TransfogenError):
        apply_update(replace(plan, kit=copy))
    monkeypatch.undo()
    assert tree(copy) == before


def test_update_refuses_a_folder_that_is_not_a_kit(tmp_path):
    (tmp_path / "dossier").mkdir()
    (tmp_path / "dossier" / "notes.md").write_text("# Notes\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["update", str(tmp_path / "dossier")])
    assert result.exit_code == 1
    assert "ce n'est pas un kit transfogen" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in (tmp_path / "dossier").iterdir()) == ["notes.md"]


# ---------------------------------------------------------------- merging one file


def test_merge_rules_for_one_file():
    base, mine, new = b"a\nb\nc\n", b"a\nb\nc\nmes notes\n", b"A\nb\nc\n"
    assert merge_file("f", base, base, new).content == new  # untouched: replaced
    assert merge_file("f", base, mine, new).content == b"A\nb\nc\nmes notes\n"  # merged
    assert merge_file("f", base, None, new).action == "laissé supprimé"  # deleted stays deleted
    assert merge_file("f", base, None, base) is None
    assert merge_file("f", base, base, None).action == "supprimé"  # gone from the new kit
    assert merge_file("f", base, mine, None).action == "gardé"  # gone, but the user's edits stay
    assert merge_file("f", None, None, new).action == "ajouté"
    conflict = merge_file("f", base, b"x\nb\nc\n", new)
    assert conflict.action == "conflit"
    assert b"x\n" in conflict.content and b"A\n" in conflict.content


# ---------------------------------------------------------------- calendar continuity


def test_a_session_gone_is_cancelled_once_then_forgotten():
    p = sample_programme()
    first = cf.to_ics(p)
    shorter = replace(p, sessions=p.sessions[:-1])
    gone = cf.item_uid(p, cf.session_keys(p.sessions)[-1])
    second = cf.to_ics(shorter, history=cf.CalendarHistory(first, MOMENT))
    cancelled = vevents(second)[gone]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled["SEQUENCE"] == vevents(first)[gone]["SEQUENCE"] + 1
    assert cancelled.decoded("DTSTART") == p.sessions[-1].start
    third = cf.to_ics(shorter, history=cf.CalendarHistory(second, MOMENT))
    assert gone not in vevents(third)
    assert cf.to_ics(shorter, history=cf.CalendarHistory(third, MOMENT)) == third  # stable once settled


def test_uids_follow_what_a_session_is_not_its_number():
    p = sample_programme()
    uids = [str(e["UID"]) for e in vevents(cf.to_ics(p)).values()]
    # One session fewer before it: the case session is renumbered but keeps its UID.
    renumbered = replace(p, sessions=tuple(replace(s, number=s.number - 1) for s in p.sessions[1:]))
    kept = {str(e["UID"]) for e in vevents(cf.to_ics(renumbered)).values()}
    assert kept <= set(uids)
    assert all(uid.startswith(cf.uid_prefix("eurometropole-de-strasbourg")) for uid in uids)


def test_a_newer_template_updates_the_kit_with_the_same_profile(kit, repo_root, tmp_path):
    newer = tmp_path / "transfo-2"
    shutil.copytree(repo_root / "templates" / "transfo", newer)
    manifest = newer / "transfogen.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('version: "1.0.0"', 'version: "1.1.0"'), "utf-8")
    principles = newer / "{{cookiecutter.slug}}" / "principes.md"
    principles.write_text(principles.read_text(encoding="utf-8") + "\nUn principe de plus.\n", encoding="utf-8")

    result = CliRunner().invoke(main, ["update", str(kit), "--template", str(newer)])
    assert result.exit_code == 0, result.output
    assert "Gabarit : transfo 1.0.0 → transfo 1.1.0" in result.output
    assert (kit / "principes.md").read_text(encoding="utf-8").endswith("Un principe de plus.\n")
    assert "Relu par le comité de direction le 12 novembre." in (kit / "programme.md").read_text(encoding="utf-8")
    log = (kit / "CHANGEMENTS.md").read_text(encoding="utf-8")
    assert "Gabarit : transfo 1.0.0 → transfo 1.1.0." in log
    assert "Le profil n'a pas changé" not in log and "Changements du profil" not in log


def test_the_change_log_puts_the_newest_entry_first_and_keeps_the_users_notes():
    from transfogen.living.update import with_entry

    first = with_entry(None, "## Mise à jour du lundi 1er février 2027\n\nUn.\n")
    noted = first.replace(b"## Mise", b"Nos remarques restent ici.\n\n## Mise")
    second = with_entry(noted, "## Mise à jour du lundi 1er mars 2027\n\nDeux.\n").decode("utf-8")
    assert second.startswith(
        "# Journal des changements du kit\n\nNos remarques restent ici.\n\n## Mise à jour du lundi 1er mars"
    )
    assert second.index("1er mars") < second.index("1er février")
