"""The collectivity profile: loading, validation messages, defaults, departments, the examples."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from paths import EXAMPLES_DIR
from transfogen.errors import ProfileError
from transfogen.planning.model import KINDS
from transfogen.planning.profile import (
    KIND_LABELS,
    department_name,
    departments,
    load_profile,
    parse_profile,
    slugify,
)

EXAMPLES = EXAMPLES_DIR

MINIMAL = """\
collectivity:
  name: Ville de Test
  kind: commune
  department: "67"
program:
  start: 2027-01-04
"""


def write(tmp_path: Path, text: str, name: str = "profil.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> ProfileError:
    path = write(tmp_path, text)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    error = caught.value
    assert str(path) in str(error)
    assert "\n" not in str(error)
    return error


def profile_with(department: str, extra: str = ""):
    return parse_profile(MINIMAL.replace('"67"', f'"{department}"') + extra)


# ------------------------------------------------------------------------------ the six named errors


def test_malformed_yaml_names_file_key_and_line(tmp_path):
    error = error_of(
        tmp_path,
        """\
        collectivity:
          name: Ville de Test
        program:
          start: 2027-01-04
          months 18
        """,
    )
    assert (error.key, error.line) == ("program", 5)
    assert "profil.yaml:5: program: YAML mal formé" in str(error)


def test_missing_name_points_at_the_collectivity_section(tmp_path):
    error = error_of(
        tmp_path,
        """\
        collectivity:
          kind: commune
          department: "67"
        program:
          start: 2027-01-04
        """,
    )
    assert (error.key, error.line) == ("collectivity.name", 1)
    assert "valeur obligatoire manquante" in error.message


def test_empty_name_is_missing(tmp_path):
    error = error_of(tmp_path, MINIMAL.replace("name: Ville de Test", "name:"))
    assert (error.key, error.line) == ("collectivity.name", 2)


def test_impossible_date_is_reported_on_its_line(tmp_path):
    error = error_of(tmp_path, MINIMAL.replace("2027-01-04", "2027-02-30"))
    assert (error.key, error.line) == ("program.start", 6)
    assert "date impossible « 2027-02-30 »" in str(error)


def test_months_zero_is_out_of_range(tmp_path):
    error = error_of(tmp_path, MINIMAL + "  months: 0\n")
    assert (error.key, error.line) == ("program.months", 7)
    assert "de 6 à 36" in error.message


def test_unknown_department(tmp_path):
    error = error_of(tmp_path, MINIMAL.replace('"67"', '"99"'))
    assert (error.key, error.line) == ("collectivity.department", 4)
    assert "département inconnu « 99 »" in error.message


def test_unknown_key_suggests_the_right_one(tmp_path):
    error = error_of(tmp_path, MINIMAL + "  mounths: 18\n")
    assert (error.key, error.line) == ("program.mounths", 7)
    assert error.message == "clé inconnue « mounths » (vouliez-vous dire « months » ?)"


# ------------------------------------------------------------------------------------ other errors


def test_unknown_top_level_key_suggests(tmp_path):
    error = error_of(tmp_path, MINIMAL + "langage: fr\n")
    assert error.key == "langage" and "« language »" in error.message


def test_right_key_in_wrong_section_says_where_it_belongs():
    with pytest.raises(ProfileError) as caught:
        parse_profile(MINIMAL.replace("  department:", "  residents: 3\n  department:"))
    assert "sous « team »" in caught.value.message


def test_blackout_ending_before_it_starts(tmp_path):
    error = error_of(
        tmp_path,
        MINIMAL
        + """\
  blackouts:
    - {from: 2028-03-31, to: 2028-03-01, reason: Élections}
""",
    )
    assert (error.key, error.line) == ("program.blackouts[0].to", 8)


def test_impossible_date_inside_a_blackout_has_its_key_path():
    text = MINIMAL + "  blackouts:\n    - from: 2027-04-31\n      to: 2027-05-02\n"
    with pytest.raises(ProfileError) as caught:
        parse_profile(text, "p.yaml")
    assert str(caught.value).startswith("p.yaml:8: program.blackouts[0].from: date impossible")


def test_language_must_be_french():
    with pytest.raises(ProfileError) as caught:
        parse_profile(MINIMAL + "language: en\n")
    assert (caught.value.key, caught.value.line) == ("language", 7)


def test_a_string_where_a_list_is_expected():
    with pytest.raises(ProfileError) as caught:
        parse_profile(MINIMAL.replace("  kind:", "  sites: Strasbourg\n  kind:"))
    assert (caught.value.key, caught.value.line) == ("collectivity.sites", 3)
    assert "liste" in caught.value.message


def test_boolean_must_be_true_or_false():
    with pytest.raises(ProfileError) as caught:
        parse_profile(MINIMAL + '  avoid_school_holidays: "oui"\n')
    assert caught.value.key == "program.avoid_school_holidays"
    assert "true ou false" in caught.value.message


def test_parallel_cases_is_on_by_default_and_refused_with_false():
    assert parse_profile(MINIMAL).program.parallel_cases is True
    assert parse_profile(MINIMAL + "  parallel_cases: false\n").program.parallel_cases is False
    with pytest.raises(ProfileError) as caught:
        parse_profile(MINIMAL + "  parallel_cases: non\n")
    assert caught.value.key == "program.parallel_cases" and caught.value.line


def test_duplicate_key_names_both_lines():
    with pytest.raises(ProfileError) as caught:
        parse_profile(MINIMAL + "  start: 2027-02-01\n")
    assert (caught.value.key, caught.value.line) == ("program.start", 7)
    assert "ligne 6" in caught.value.message


def test_empty_file(tmp_path):
    error = error_of(tmp_path, "")
    assert "vide" in error.message


def test_top_level_list(tmp_path):
    error = error_of(tmp_path, "- collectivity\n- program\n")
    assert "pas une liste" in error.message and error.line == 1


def test_missing_file_is_a_profile_error(tmp_path):
    with pytest.raises(ProfileError, match="introuvable"):
        load_profile(tmp_path / "absent.yaml")


def test_file_not_in_utf8_gives_its_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(MINIMAL.replace("Ville de Test", "Ville de Sète").encode("latin-1"))
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert caught.value.line == 2 and "UTF-8" in caught.value.message


def test_unknown_weekday_in_french_points_to_english_name():
    with pytest.raises(ProfileError) as caught:
        parse_profile(MINIMAL + "  weekdays: [mardi, wed, thu]\n")
    assert caught.value.key == "program.weekdays[0]" and "« tue »" in caught.value.message


def test_weekdays_must_allow_a_session_of_consecutive_days():
    with pytest.raises(ProfileError) as caught:
        parse_profile(MINIMAL + "  weekdays: [mon, wed, fri]\n")
    assert caught.value.key == "program.weekdays" and "3 jours consécutifs" in caught.value.message


def test_unknown_kind_suggests_unaccented_id():
    with pytest.raises(ProfileError) as caught:
        parse_profile(MINIMAL.replace("kind: commune", "kind: Métropole"))
    assert caught.value.key == "collectivity.kind" and "« metropole »" in caught.value.message


def test_corsica_code_20_explains_the_two_codes():
    with pytest.raises(ProfileError) as caught:
        profile_with("20")
    assert "2A" in caught.value.message and "2B" in caught.value.message


def test_more_than_six_cases():
    cases = "cases:\n" + "".join(f"  - title: Cas {n}\n" for n in range(1, 8))
    with pytest.raises(ProfileError) as caught:
        parse_profile(MINIMAL + cases)
    assert (caught.value.key, caught.value.line) == ("cases", 14)


def test_python_tags_are_refused():
    with pytest.raises(ProfileError, match="étiquette YAML non autorisée"):
        parse_profile(MINIMAL.replace("Ville de Test", "!!python/name:os.system ''"))


# -------------------------------------------------------------------------------- values and defaults


def test_defaults():
    profile = parse_profile(MINIMAL)
    program = profile.program
    assert (program.months, program.session_days, program.avoid_school_holidays) == (18, 3, True)
    assert program.weekdays == (0, 1, 2, 3, 4)
    assert (program.blackouts, program.school_holidays) == ((), ())
    assert (profile.team.residents, profile.team.ambassadors) == (3, 20)
    assert profile.cases == () and profile.language == "fr"
    assert (profile.collectivity.sites, profile.collectivity.network) == ((), ())


def test_full_profile_values():
    profile = parse_profile(
        MINIMAL
        + """\
  months: 15
  session_days: 2
  weekdays: [thu, tue, wed]
  avoid_school_holidays: false
  blackouts:
    - {from: "2028-03-01", to: 2028-03-31, reason: "Élections départementales et régionales"}
team:
  residents: 4
  ambassadors: 25
cases:
  - title: "Accueil des familles au guichet petite enfance"
    service: "Direction de l'éducation"
  - title: Mégots
"""
    )
    assert profile.program.weekdays == (1, 2, 3)
    assert profile.program.avoid_school_holidays is False
    blackout = profile.program.blackouts[0]
    assert (blackout.start, blackout.end) == (date(2028, 3, 1), date(2028, 3, 31))
    assert date(2028, 3, 15) in blackout
    assert profile.team.residents == 4 and profile.team.ambassadors == 25
    assert profile.cases[0].service == "Direction de l'éducation"
    assert profile.cases[1].service == ""


def test_unquoted_department_keeps_its_leading_zero():
    text = MINIMAL.replace('"67"', "01")  # YAML 1.1 would read 01 as the integer 1
    assert parse_profile(text).collectivity.department == "01"


@pytest.mark.parametrize(
    ("code", "zone"),
    [("67", "B"), ("75", "C"), ("31", "C"), ("69", "A"), ("2A", None), ("974", None)],
)
def test_school_zone_derived_from_department(code, zone):
    assert profile_with(code).collectivity.school_zone == zone


def test_school_zone_override_and_none():
    assert profile_with("67", "").collectivity.school_zone == "B"
    overridden = parse_profile(MINIMAL.replace("  kind:", "  school_zone: A\n  kind:"))
    assert overridden.collectivity.school_zone == "A"
    cleared = parse_profile(MINIMAL.replace("  kind:", "  school_zone: none\n  kind:"))
    assert cleared.collectivity.school_zone is None


def test_school_holidays_given_for_corsica():
    profile = profile_with("2A", "  school_holidays:\n    - {from: 2027-04-10, to: 2027-04-25, reason: Printemps}\n")
    assert profile.program.school_holidays[0].reason == "Printemps"


def test_name_with_accents_and_apostrophes():
    profile = parse_profile(MINIMAL.replace("Ville de Test", "Communauté d'agglomération du Pays d’Aix"))
    assert profile.collectivity.name == "Communauté d'agglomération du Pays d’Aix"
    assert profile.slug == "communaute-d-agglomeration-du-pays-d-aix"


def test_template_syntax_in_name_is_kept_verbatim():
    profile = parse_profile(MINIMAL.replace("Ville de Test", '"{{ 7*7 }}"'))
    assert profile.collectivity.name == "{{ 7*7 }}"


def test_yaml_boolean_words_in_a_name_stay_text():
    assert parse_profile(MINIMAL.replace("Ville de Test", "Yes")).collectivity.name == "Yes"


# --------------------------------------------------------------------------- slugs, labels, table


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Eurométropole de Strasbourg", "eurometropole-de-strasbourg"),
        ("Cœur de Savoie", "coeur-de-savoie"),
        ("Saint-Étienne Métropole", "saint-etienne-metropole"),
        ("{{ 7*7 }}", "7-7"),
        ("!!!", "collectivite"),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_kind_labels_cover_every_kind():
    assert set(KIND_LABELS) == set(KINDS)
    assert KIND_LABELS["metropole"] == "métropole"
    assert KIND_LABELS["collectivite-outre-mer"] == "collectivité d'outre-mer"


def test_department_table_is_complete():
    table = departments()
    mainland = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B"}
    overseas = {str(n) for n in range(971, 977)}
    assert set(table) == mainland | overseas
    assert department_name("67") == "Bas-Rhin" and department_name("2B") == "Haute-Corse"


def test_each_academy_has_a_single_zone():
    # Zones are set per académie (brief §5.3): a department at odds with its académie is a typo.
    zones: dict[str, set] = {}
    for department in departments().values():
        zones.setdefault(department.academy, set()).add(department.zone)
    assert all(len(found) == 1 for found in zones.values()), zones
    assert zones["Normandie"] == {"B"} and zones["Toulouse"] == {"C"} and zones["Corse"] == {None}


# ---------------------------------------------------------------------------------------- examples

EXPECTED_EXAMPLES = {
    "paris.yaml": "75",
    "mulhouse.yaml": "68",
    "dunkerque.yaml": "59",
    "occitanie.yaml": "31",
    "lille.yaml": "59",
    "metz.yaml": "57",
    "strasbourg.yaml": "67",
    "pays-de-mormal.yaml": "59",  # the « Territoires en résidences » template's example
}


def test_the_seven_examples_are_there():
    assert {path.name for path in EXAMPLES.glob("*.yaml")} == set(EXPECTED_EXAMPLES)


@pytest.mark.parametrize("name", sorted(EXPECTED_EXAMPLES))
def test_every_example_loads(name):
    profile = load_profile(EXAMPLES / name)
    assert profile.collectivity.department == EXPECTED_EXAMPLES[name]
    assert profile.program.start >= date(2027, 1, 1)
    assert profile.cases


def test_strasbourg_is_the_richest_example():
    profile = load_profile(EXAMPLES / "strasbourg.yaml")
    assert len(profile.collectivity.sites) == 3 and profile.collectivity.network
    assert len(profile.cases) >= 3 and all(case.question or case.service for case in profile.cases)
    assert any(date(2028, 3, 15) in period for period in profile.program.blackouts)


def test_occitanie_is_bi_site():
    profile = load_profile(EXAMPLES / "occitanie.yaml")
    assert profile.collectivity.kind == "region"
    assert profile.collectivity.sites == ("Toulouse", "Montpellier")


def test_control_character_is_one_line_with_its_key_and_line():
    with pytest.raises(ProfileError) as caught:
        parse_profile(MINIMAL.replace("Ville de Test", "Ville\x07 de Test"), "p.yaml")
    assert str(caught.value) == "p.yaml:2: collectivity.name: caractère de contrôle interdit (U+0007)"


# ------------------------------------------------------------------- untrusted profiles (issue 9)


def test_a_text_has_at_most_200_characters(tmp_path):
    assert parse_profile(MINIMAL.replace("Ville de Test", "V" * 200)).collectivity.name == "V" * 200
    error = error_of(tmp_path, MINIMAL.replace("Ville de Test", "V" * 201))
    assert (error.key, error.line) == ("collectivity.name", 2)
    assert error.message == "texte trop long (201 caractères, 200 au plus)"


def test_a_list_is_counted_after_alias_expansion_before_any_item_is_read():
    import time

    text = MINIMAL.replace(
        '  department: "67"\n', '  department: "67"\n  sites: [&s "' + "x" * 20_000 + '"' + ", *s" * 2000 + "]\n"
    )
    started = time.monotonic()
    with pytest.raises(ProfileError) as caught:
        parse_profile(text, "p.yaml")
    assert time.monotonic() - started < 2
    assert (caught.value.key, caught.value.message) == ("collectivity.sites", "2001 éléments : 20 au plus")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"Ville\\x1b[31m"', "caractère de contrôle interdit (U+001B)"),
        ('"Ville\\0"', "caractère de contrôle interdit (U+0000)"),
        ('"Ville\\nde Test"', "retour à la ligne interdit : cette valeur tient sur une ligne"),
        ('"Ville \\u202e tseT"', "caractère de contrôle interdit (U+202E)"),
        ('"\\u200b\\u200d"', "valeur invisible (seulement des espaces ou des caractères sans largeur)"),
    ],
)
def test_a_name_is_one_line_of_visible_printable_characters(tmp_path, value, message):
    error = error_of(tmp_path, MINIMAL.replace("Ville de Test", value))
    assert (error.key, error.line, error.message) == ("collectivity.name", 2, message)


def test_a_raw_control_character_names_its_key():
    with pytest.raises(ProfileError) as caught:
        parse_profile(MINIMAL + 'cases:\n  - title: ok\n  - title: "Cas\x1b"\n', "p.yaml")
    assert str(caught.value) == "p.yaml:9: cases[1].title: caractère de contrôle interdit (U+001B)"


@pytest.mark.parametrize("year", ["0001", "1999", "2101", "9999"])
def test_years_run_from_2000_to_2100(tmp_path, year):
    error = error_of(tmp_path, MINIMAL.replace("2027", year))
    assert (error.key, error.line) == ("program.start", 6)
    assert error.message == f"année hors limites ({int(year)}) : de 2000 à 2100"


def test_deep_nesting_is_refused_before_the_yaml_composer_recurses():
    with pytest.raises(ProfileError) as caught:
        parse_profile(MINIMAL + "cases: " + "[" * 5000 + "]" * 5000 + "\n", "p.yaml")
    assert caught.value.line == 7 and caught.value.key.startswith("cases[0][0]")
    assert "imbrication trop profonde" in caught.value.message


def test_a_start_in_the_past_is_a_warning(tmp_path):
    path = write(tmp_path, MINIMAL)
    assert load_profile(path, today=date(2027, 1, 4)).warnings == ()
    assert load_profile(path, today=date(2027, 1, 5)).warnings == (
        f"{path}: program.start: la date de début (2027-01-04) est passée : "
        "les premières séances seraient planifiées dans le passé",
    )


def test_the_profile_keeps_the_text_it_was_read_from(tmp_path):
    import os

    read, write_end = os.pipe()
    os.write(write_end, MINIMAL.encode())
    os.close(write_end)
    try:
        profile = load_profile(f"/dev/fd/{read}")
    finally:
        os.close(read)
    assert (profile.text, profile.source) == (MINIMAL, f"/dev/fd/{read}")


def test_a_device_or_a_named_pipe_without_writer_never_hangs(tmp_path):
    import os

    fifo = tmp_path / "tube.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ProfileError, match="le profil est vide"):
        load_profile(fifo)
    with pytest.raises(ProfileError, match="ce n'est pas un fichier"):
        load_profile("/dev/zero")


def test_today_may_be_fixed_for_a_reproducible_run(tmp_path, monkeypatch):
    path = write(tmp_path, MINIMAL)
    monkeypatch.setenv("TRANSFOGEN_TODAY", "2027-06-01")
    assert "est passée" in load_profile(path).warnings[0]
    monkeypatch.setenv("TRANSFOGEN_TODAY", "2026-06-01")
    assert load_profile(path).warnings == ()
    monkeypatch.setenv("TRANSFOGEN_TODAY", "demain")
    with pytest.raises(ProfileError, match="TRANSFOGEN_TODAY: date attendue au format AAAA-MM-JJ, pas « demain »"):
        load_profile(path)
