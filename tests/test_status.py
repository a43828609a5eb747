"""`transfogen status`: the coordinator's week, before the start, in the middle, after the end."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from transfogen.cli import main


@pytest.fixture(scope="module")
def strasbourg(kits) -> Path:
    return kits["strasbourg"]


@pytest.fixture(scope="module")
def context(strasbourg) -> dict:
    return json.loads((strasbourg / ".transfogen" / "contexte.json").read_text(encoding="utf-8"))


def status(kit: Path, day: str, fmt: str = "texte"):
    result = CliRunner().invoke(main, ["status", str(kit), "--date", day, "--format", fmt])
    assert result.exit_code == 0, result.output
    return json.loads(result.output) if fmt == "json" else result.output


def test_before_the_start_the_checklist_and_the_launch(strasbourg, context):
    week = status(strasbourg, "2026-12-01", "json")
    assert week["moment"] == "avant"
    assert week["next_session"]["number"] == 1
    assert week["next_session"]["days"] == ["2027-01-05", "2027-01-06", "2027-01-07"]
    assert week["next_session"]["days_until"] == 35
    assert any(item.startswith("Agent pilote : Un mois avant") for item in week["next_session"]["prepare"])
    today, soon = date(2026, 12, 1), date(2026, 12, 15)
    checklist = context["checklist"]
    assert [t["title"] for t in week["tasks_due"]] == [
        t["title"] for t in checklist if today <= date.fromisoformat(t["due"]) <= soon
    ]
    assert [t["due"] for t in week["tasks_overdue"]] == [t["due"] for t in checklist if t["due"] < "2026-12-01"]
    assert week["tasks_due"] and week["tasks_overdue"]
    first_committee = next(e for e in context["events"] if e["kind"] == "comite-pilotage")
    committee = week["next_committee"]
    assert committee["date"] == first_committee["start"]
    # The first case is restituted at the first committee: the service's decision is expected there.
    assert committee["decisions"][0].startswith("Cas n°1 « Accueil des familles au guichet petite enfance », restitué")

    text = status(strasbourg, "2026-12-01")
    assert text.startswith("Semaine du mardi 1er décembre 2026 — Eurométropole de Strasbourg\n")
    assert "Le programme commence le mardi 5 janvier 2027." in text
    assert (
        "Prochaine séance : Séance 1 — Lancement\n  les 5, 6 et 7 janvier 2027 (dans 35 jours), Centre administratif, Strasbourg"
        in text
    )
    assert "Tâches à échéance dans les 14 jours :" in text and "Tâches en retard :" in text
    assert f"Prochain comité de pilotage : {first_committee['title']}, le {first_committee['date_fr']}" in text


def test_mid_programme_the_session_under_way_and_ticked_tasks(strasbourg, context, tmp_path):
    kit = tmp_path / "kit"
    shutil.copytree(strasbourg, kit)
    fourth = context["sessions"][3]
    day = fourth["days"][1]  # the second day of the fourth session
    week = status(kit, day, "json")
    assert week["moment"] == "en-cours"
    assert week["next_session"]["number"] == 4 and week["next_session"]["in_progress"]
    assert week["tasks_due"] == [] and len(week["tasks_overdue"]) == len(context["checklist"])
    assert f"Séance en cours : {fourth['title']}\n" in status(kit, day)

    # What the coordinator ticked in the kit is done.
    programme = kit / "programme.md"
    programme.write_text(programme.read_text(encoding="utf-8").replace("- [ ] **", "- [x] **"), encoding="utf-8")
    sheet = kit / "seances" / "seance-04.md"
    before = status(kit, day, "json")["next_session"]["prepare"]
    ticked = before[0].split(" : ")[0]
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace(f"- [ ] **{ticked}**", f"- [x] **{ticked}**", 1), encoding="utf-8")
    week = status(kit, day, "json")
    assert week["tasks_overdue"] == []
    assert week["next_session"]["prepare"] == before[1:]

    committees = [e for e in context["events"] if e["kind"] == "comite-pilotage"]
    later = status(kit, (date.fromisoformat(committees[0]["start"]) + timedelta(days=1)).isoformat(), "json")
    assert later["next_committee"]["title"] == committees[1]["title"]
    assert later["next_committee"]["decisions"][0].startswith("Cas n°2 « Végétalisation des pieds d'arbres")


def test_after_the_end_nothing_is_due(strasbourg):
    week = status(strasbourg, "2028-09-01", "json")
    assert week["moment"] == "termine"
    assert week["next_session"] is None and week["next_committee"] is None
    assert week["tasks_due"] == week["tasks_overdue"] == week["warnings"] == []
    text = status(strasbourg, "2028-09-01")
    assert "Le programme est terminé depuis le jeudi 8 juin 2028." in text
    assert "Plus aucune séance à venir." in text


def test_status_refuses_a_bad_date_and_a_folder_that_is_not_a_kit(strasbourg, tmp_path):
    bad = CliRunner().invoke(main, ["status", str(strasbourg), "--date", "1er mars"])
    assert bad.exit_code == 2 and "AAAA-MM-JJ" in bad.output
    empty = CliRunner().invoke(main, ["status", str(tmp_path)])
    assert empty.exit_code == 1 and "ce n'est pas un kit transfogen" in empty.output
