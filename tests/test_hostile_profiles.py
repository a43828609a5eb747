"""Hostile and clumsy profiles through `transfogen calendar` and `transfogen new` (issue 9).

Each profile of the corpus is a mutation of one valid profile. Each run must end quickly with either
success or exactly one French line on stderr (`Erreur : …`, naming the file and the key), no
traceback, and nothing left in or beside the kit's target. Profile values that pass the check must
come out of every output as the same characters: never an image, a link, emphasis or a heading.
"""

from __future__ import annotations

import os
import re
import time
from html import escape
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transfogen.cli import main
from transfogen.errors import TransfogenError
from transfogen.kit.markup import escape_markdown, plain_text, render_inline, render_markdown
from transfogen.planning.profile import MAX_BYTES, parse_profile

BASE = """\
collectivity:
  name: {name}
  kind: {kind}
  department: {department}
  sites: [{site}, Médiathèque]
  network: [{network}]
program:
  start: {start}
  months: {months}
  session_days: {session_days}
  weekdays: {weekdays}
  blackouts:
    - from: {blackout_from}
      to: 2027-08-31
      reason: {reason}
team:
  residents: 3
  ambassadors: {ambassadors}
cases:
  - title: {title}
    service: {service}
"""
DEFAULTS = {
    "name": "Ville de Test",
    "kind": "commune",
    "department": '"67"',
    "site": "Hôtel de ville",
    "network": "Metz Métropole",
    "start": "2027-01-04",
    "months": "12",
    "session_days": "2",
    "weekdays": "[tue, wed, thu]",
    "blackout_from": "2027-08-01",
    "reason": "Congés d'été",
    "ambassadors": "20",
    "title": "Accueil des familles",
    "service": "Direction de l'enfance",
}
# Where each text field sits: its key path in messages.
TEXT_FIELDS = {
    "name": "collectivity.name",
    "site": "collectivity.sites[0]",
    "network": "collectivity.network[0]",
    "reason": "program.blackouts[0].reason",
    "title": "cases[0].title",
    "service": "cases[0].service",
}


def profile(**values: str) -> str:
    return BASE.format(**{**DEFAULTS, **values})


def quoted(text: str) -> str:
    """A YAML double-quoted scalar for any text (control characters written as YAML escapes)."""
    return yaml.safe_dump(text, allow_unicode=False, width=10**6).split("\n...")[0].strip()


# ------------------------------------------------------------------------------------- the corpus

CONTROL_CHARS = {
    "nul": "\x00",
    "bel": "\x07",
    "backspace": "\x08",
    "esc": "\x1b",
    "del": "\x7f",
    "c1-csi": "\x9b",
    "tab": "\t",
    "newline": "\n",
    "cr": "\r",
    "nel": "\x85",
    "line-separator": "\u2028",
    "bidi-override": "\u202e",
    "bidi-isolate": "\u2066",
}
CORPUS: list[tuple[str, str, str | None]] = []  # (id, profile text, expected part of the error or None)

for field, key in TEXT_FIELDS.items():
    # Every control character in the name; the most harmful ones in every other text.
    chosen = CONTROL_CHARS if field == "name" else ("nul", "esc", "newline", "bidi-override")
    for label in chosen:
        # Written as a YAML escape: the reader lets it through, the profile check must refuse it.
        text = profile(**{field: quoted(f"Ville{CONTROL_CHARS[label]}Test")})
        CORPUS.append((f"{field}-{label}-escaped", text, key))
    for label, char in (("bel", "\x07"), ("esc", "\x1b"), ("c1", "\x9b"))[: 3 if field == "name" else 1]:
        # Written raw: YAML's reader refuses it; the message still names the key.
        CORPUS.append((f"{field}-{label}-raw", profile(**{field: f'"Ville{char}Test"'}), key))
    CORPUS += [
        (f"{field}-zero-width-only", profile(**{field: quoted("\u200b\u200c\u200d\ufeff")}), key),
        (f"{field}-hangul-filler", profile(**{field: quoted("\u3164\u3164")}), key),
        (f"{field}-combining-only", profile(**{field: quoted("\u0301\u0308")}), key),
        (f"{field}-too-long", profile(**{field: "x" * 201}), f"{key} : texte trop long"),
        (f"{field}-lone-surrogate", profile(**{field: '"Ville \\ud800"'}), key),
        (f"{field}-list", profile(**{field: "[a, b]"}), key),
        (f"{field}-mapping", profile(**{field: "{a: b}"}), key),
        (f"{field}-python-tag", profile(**{field: "!!python/object:os.system ls"}), key),
    ]

for field in ("name", "reason", "title", "service"):  # a literal block keeps its line breaks
    CORPUS.append(
        (f"{field}-block-newline", profile(**{field: "|\n        ligne 1\n        # ligne 2"}), TEXT_FIELDS[field])
    )

CORPUS += [
    # Dates out of range, impossible or badly written.
    ("start-year-1", profile(start="0001-01-01"), "program.start : année hors limites"),
    ("start-year-0", profile(start="0000-01-01"), "program.start"),
    ("start-year-9999", profile(start="9999-06-01"), "program.start : année hors limites"),
    ("start-1900", profile(start="1900-01-01"), "program.start : année hors limites"),
    ("start-2101", profile(start="2101-01-01"), "program.start"),
    ("start-feb-30", profile(start="2027-02-30"), "program.start : date impossible"),
    ("start-short-form", profile(start="2027-1-4"), "program.start"),
    ("start-datetime", profile(start="2027-01-04T10:00:00"), "program.start"),
    ("start-list", profile(start="[2027-01-04]"), "program.start"),
    ("start-missing", profile(start="null"), "program.start"),
    ("blackout-year-1", profile(blackout_from="0001-01-01"), "program.blackouts[0].from"),
    ("blackout-year-9999", profile(blackout_from="9999-01-01"), "program.blackouts[0].from"),
    ("blackout-end-before-start", profile(blackout_from="2027-09-30"), "program.blackouts[0].to"),
    # Numbers.
    ("months-huge", profile(months="1" * 5000), "program.months"),
    ("months-negative", profile(months="-3"), "program.months"),
    ("months-float", profile(months="12.5"), "program.months"),
    ("months-37", profile(months="37"), "program.months"),
    ("ambassadors-huge", profile(ambassadors="9" * 30), "team.ambassadors"),
    ("session-days-zero", profile(session_days="0"), "program.session_days"),
    ("weekdays-empty", profile(weekdays="[]"), "program.weekdays"),
    ("weekdays-not-consecutive", profile(weekdays="[mon, wed, fri]"), "program.weekdays"),
    ("weekdays-repeated", profile(weekdays="[" + ", ".join(["mon"] * 5000) + "]"), "program.weekdays[1]"),
    # Identifiers.
    ("kind-unknown", profile(kind="empire"), "collectivity.kind"),
    ("department-corsica-20", profile(department='"20"'), "collectivity.department"),
    ("department-long", profile(department="9" * 300), "collectivity.department"),
    ("department-escape", profile(department=quoted("67\x1b[2J")), "collectivity.department"),
    # Amplification: aliases are counted after expansion, long texts refused before any work.
    (
        "alias-bomb-sites",
        profile(site="&s " + quoted("x" * 20_000) + ", " + ", ".join(["*s"] * 2000)),
        "collectivity.sites",
    ),
    ("alias-long-name", profile(name="&n " + quoted("y" * 5000)), "collectivity.name : texte trop long"),
    ("too-many-sites", profile(site=", ".join(f"Salle {i}" for i in range(30))), "collectivity.sites"),
    ("too-many-network", profile(network=", ".join(f"Ville {i}" for i in range(30))), "collectivity.network"),
    ("case-title-1mb", profile(title="t" * (MAX_BYTES - 2000)), "cases[0].title : texte trop long"),
    (
        "billion-laughs-unknown-key",
        "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8))
        + profile(),
        "clé inconnue",
    ),
    (
        "billion-laughs-in-sites",
        profile(site="&a [x, x, x, x, x, x, x, x, x]"),
        "collectivity.sites[0]",
    ),
    ("merge-key", profile().replace("  kind: commune", "  <<: {kind: commune}"), "collectivity.<<"),
    # Nesting and structure.
    ("deep-flow-500", "collectivity: " + "[" * 500 + "]" * 500 + "\n", "imbrication trop profonde"),
    ("deep-flow-100k", "x: " + "[" * 100_000 + "]" * 100_000 + "\n", "imbrication trop profonde"),
    (
        "deep-block-200",
        "collectivity:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(200)) + "  " * 201 + "v\n",
        "imbrication trop profonde",
    ),
    ("deep-mapping-flow", "a: " + "{b: " * 300 + "c" + "}" * 300 + "\n", "imbrication trop profonde"),
    ("root-list", "- a\n- b\n", "pas une liste"),
    ("root-scalar", "Ville de Test\n", "valeur seule"),
    ("empty", "", "le profil est vide"),
    ("comments-only", "# rien\n# encore rien\n", "le profil est vide"),
    ("two-documents", profile() + "---\n" + profile(), "un seul document"),
    ("duplicate-key", profile().replace("  kind: commune", "  kind: commune\n  kind: region"), "en double"),
    ("unknown-long-key", profile() + "z" * 1000 + ": 1\n", "clé inconnue"),
    ("key-over-yaml-limit", profile() + "z" * 50_000 + ": 1\n", "YAML mal formé"),
    ("key-with-escape", profile() + quoted("k\x1b[31m") + ": 1\n", "clé inconnue"),
    ("tab-indentation", profile().replace("  name:", "\tname:"), "tabulation"),
    ("unclosed-quote", profile(name='"Ville de Test'), "YAML mal formé"),
    ("unclosed-bracket", profile(site="[Hôtel"), "YAML mal formé"),
    ("undefined-alias", profile(name="*nulle"), "alias"),
    ("python-object", "!!python/object/apply:os.system [echo pwned]\n", "pas une liste"),
    ("python-object-in-name", profile(name="!!python/object/apply:os.system [echo pwned]"), "collectivity.name"),
    ("cases-seven", profile() + "".join(f"  - title: Cas {i}\n" for i in range(6)), "cases"),
    ("case-without-title", profile(title="null"), "cases[0].title"),
    ("language-en", profile() + "language: en\n", "language"),
    ("no-session-possible", profile(months="6", blackout_from="2027-01-01"), "program : aucune séance possible"),
    ("name-spaces-only", profile(name=quoted("   \u00a0\u3000")), "collectivity.name"),
    # Found by the property test below: an escape beyond Unicode, keys with a line break or a surrogate.
    ("escape-beyond-unicode", profile(name='"Ville \\U00110000"'), "caractère hors d'Unicode"),
    ("key-with-line-break", profile().replace("  kind:", '  "ki\\nnd":', 1), "clé inconnue « ki nd »"),
    ("key-with-surrogate", profile().replace("  kind:", '  "k\\ud800":', 1), "clé inconnue « kU+D800 »"),
]
# Valid profiles, however odd: they plan, and their Markdown shows the same characters.
MARKDOWN_PAYLOADS = profile(
    name=quoted("![x](http://127.0.0.1:9/p.png) __init__ {{ 7*7 }}"),
    site=quoted("# Salle | A |"),
    network=quoted("[lien](javascript:alert(1))"),
    reason=quoted("**vacances** <i>x</i>"),
    title=quoted("Accueil <b>jeunes</b>"),
    service=quoted("1. Service *x* & co &amp;"),
)
VALID = [
    ("markdown-payloads", MARKDOWN_PAYLOADS, None),
    ("jinja-looking-name", profile(name=quoted("{{ 7*7 }} {% raw %}")), None),
    ("emoji-and-rtl-name", profile(name=quoted("Ville 🌳 مدينة")), None),
    ("yes-as-name", profile(name="yes"), None),
    ("longest-texts", profile(**dict.fromkeys(TEXT_FIELDS, "é" * 200)), None),
    (
        "start-in-the-past",
        profile(start="2020-01-06", blackout_from="2020-08-01").replace("2027-08-31", "2020-08-31"),
        None,
    ),
]


def test_the_corpus_is_large_and_its_ids_unique():
    ids = [case_id for case_id, _, _ in CORPUS + VALID]
    assert len(ids) >= 100
    assert len(ids) == len(set(ids))


# ----------------------------------------------------------------------------------------- checks

LIMIT_SECONDS = 60


def run(*args: str):
    started = time.monotonic()
    result = CliRunner().invoke(main, list(args))
    return result, time.monotonic() - started


def assert_clean(result, elapsed: float, expected: str | None) -> None:
    assert elapsed < LIMIT_SECONDS, f"{elapsed:.1f} s"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    if expected is None:
        assert result.exit_code == 0, result.stderr
        assert all(line.startswith("Attention : ") for line in lines), result.stderr
        return
    assert result.exit_code != 0
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Erreur : "), lines[0]
    assert expected in lines[0], lines[0]
    # The line quotes what the user wrote, never a raw control character for the terminal.
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", lines[0])


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".transfogen"))


@pytest.mark.parametrize(("case_id", "text", "expected"), CORPUS, ids=[c[0] for c in CORPUS])
def test_hostile_profile_gets_one_clean_line(tmp_path, case_id, text, expected):
    path = tmp_path / "profil.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    assert_clean(*run("calendar", str(path)), expected)
    target = tmp_path / "sortie" / "kit"
    assert_clean(*run("new", str(path), "-o", str(target)), expected)
    assert not target.exists()
    assert not (tmp_path / "sortie").exists() or leftovers(tmp_path / "sortie") == []


@pytest.mark.parametrize(("case_id", "text", "expected"), VALID, ids=[c[0] for c in VALID])
def test_odd_but_valid_profile_plans(tmp_path, case_id, text, expected):
    path = tmp_path / "profil.yaml"
    path.write_text(text, encoding="utf-8")
    result, elapsed = run("calendar", str(path), "--format", "ics")
    assert_clean(result, elapsed, None)


def test_a_piped_profile_is_read_once_and_its_markdown_stays_text(tmp_path):
    """Issue 9 items 7 and 10: `cat p.yaml | transfogen new /dev/stdin` keeps the real profile, and
    no profile value becomes an image, a link, emphasis, HTML or a heading in the kit."""
    read, write = os.pipe()
    os.write(write, MARKDOWN_PAYLOADS.encode())
    os.close(write)
    target = tmp_path / "kit"
    try:
        result, elapsed = run("new", f"/dev/fd/{read}", "-o", str(target))
    finally:
        os.close(read)
    assert_clean(result, elapsed, None)
    assert leftovers(tmp_path) == []
    assert (target / ".transfogen" / "profil.yaml").read_text(encoding="utf-8") == MARKDOWN_PAYLOADS
    pages = [target / "index.html", *(target / "site").rglob("*.html")]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<img|<strong>(init|vacances)|<b>|<i>|<em>x|href=\"(http|javascript)|<h1>Salle", html), (
            page
        )
    programme = (target / "site" / "programme.html").read_text(encoding="utf-8")
    assert "![x](http://127.0.0.1:9/p.png) __init__ {{ 7*7 }}" in programme
    assert "Accueil &lt;b&gt;jeunes&lt;/b&gt;" in programme
    # The page title names the collectivity once (issue 12: no "— name — name").
    assert "<title>Le programme — ![x](http://127.0.0.1:9/p.png) __init__ {{ 7*7 }}</title>" in programme


def test_a_start_in_the_past_is_a_warning_on_stderr(tmp_path):
    path = tmp_path / "passe.yaml"
    path.write_text(profile(start="2020-01-06"), encoding="utf-8")
    result, _ = run("calendar", str(path))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"Attention : {path}: program.start: la date de début (2020-01-06) est passée : "
        "les premières séances seraient planifiées dans le passé"
    ]


# ---------------------------------------------------------------------------- files that are not files


def special_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    fifo = tmp_path / "tube.yaml"
    os.mkfifo(fifo)
    folder = tmp_path / "dossier.yaml"
    folder.mkdir()
    huge = tmp_path / "enorme.yaml"
    huge.write_bytes(profile().encode() + b"#" * (MAX_BYTES + 10))
    latin = tmp_path / "latin1.yaml"
    latin.write_bytes(profile(name="Ville d'Évry").encode("latin-1"))
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_text(profile(), encoding="utf-16")
    loop = tmp_path / "boucle.yaml"
    loop.symlink_to(loop)
    return {
        "dev-zero": (zero, "ce n'est pas un fichier"),
        "fifo-without-writer": (fifo, "le profil est vide"),
        "directory": (folder, "c'est un dossier"),
        "over-1-mb": (huge, "fichier trop volumineux"),
        "latin-1": (latin, "UTF-8"),
        "utf-16": (utf16, "UTF-8"),
        "symlink-loop": (loop, "trop de liens symboliques"),
        "missing": (tmp_path / "absent.yaml", "fichier introuvable"),
        "missing-folder": (tmp_path / "absent" / "p.yaml", "fichier introuvable"),
        "under-a-file": (latin / "p.yaml", "n'est pas un dossier"),
    }


@pytest.mark.parametrize(
    "name",
    [
        "dev-zero",
        "fifo-without-writer",
        "directory",
        "over-1-mb",
        "latin-1",
        "utf-16",
        "symlink-loop",
        "missing",
        "missing-folder",
        "under-a-file",
    ],
)
def test_special_or_unreadable_file_gets_one_line(tmp_path, name):
    path, expected = special_files(tmp_path)[name]
    assert_clean(*run("calendar", str(path)), expected)
    assert_clean(*run("new", str(path), "-o", str(tmp_path / "kit")), expected)
    assert not (tmp_path / "kit").exists() and leftovers(tmp_path) == []


def test_unreadable_profile_gets_one_line(tmp_path, monkeypatch):
    import errno

    path = tmp_path / "secret.yaml"
    path.write_text(profile(), encoding="utf-8")
    path.chmod(0)
    if os.geteuid() == 0:  # root reads every file: the system's refusal is simulated

        def refuse(*args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))

        monkeypatch.setattr("transfogen.planning.profile.os.open", refuse)
    assert_clean(*run("calendar", str(path)), f"{path} : lecture impossible (permission refusée)")


# ---------------------------------------------------------------------------- writing where one cannot


def test_new_under_a_file_is_one_line_and_leaves_nothing(tmp_path):
    path = tmp_path / "profil.yaml"
    path.write_text(profile(), encoding="utf-8")
    blocker = tmp_path / "fichier"
    blocker.write_text("", encoding="utf-8")
    assert_clean(*run("new", str(path), "-o", str(blocker / "kit")), f"{blocker} : existe déjà")
    assert leftovers(tmp_path) == []


def test_a_full_disk_during_new_is_one_line_and_leaves_nothing(tmp_path, monkeypatch):
    import errno

    def full(programme, template, profile_text, work, **options):
        (work / "a-moitie.md").write_text("# À moi", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device", str(work / "b.md"))

    monkeypatch.setattr("transfogen.kit.build.build_kit", full)
    path = tmp_path / "profil.yaml"
    path.write_text(profile(), encoding="utf-8")
    target = tmp_path / "sortie" / "kit"
    assert_clean(*run("new", str(path), "-o", str(target)), "plus de place sur le disque")
    assert not target.exists() and not (tmp_path / "sortie").exists()  # nor the parent the run created


# ------------------------------------------------------------------------------ profile text is data

# One-line texts as the profile check lets them through (no control character, no line break).
LINE_TEXT = (
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=60)
    .map(str.strip)
    .filter(bool)
)
MARKDOWN_TEXT = st.lists(
    st.sampled_from(["![x](http://h/p.png)", "[a](b)", "<b>", "__", "**", "`", "# ", "1. ", "- ", "|", "\\", "&amp;"])
    | LINE_TEXT,
    min_size=1,
    max_size=6,
).map(lambda parts: " ".join(parts).strip())


@settings(max_examples=300, deadline=None)
@given(LINE_TEXT | MARKDOWN_TEXT)
def test_an_escaped_value_renders_as_the_same_characters(value):
    escaped = escape_markdown(value)
    shown = escape(value, quote=False).replace('"', "&quot;")
    assert plain_text(escaped) == value
    assert render_inline(escaped) == shown
    assert render_markdown(f"- {escaped}") == f"<ul>\n<li>{shown}</li>\n</ul>\n"
    heading = render_markdown(f"### Cas — {escaped}")
    assert heading.startswith("<h3 id=") and heading.endswith(f">Cas — {shown}</h3>\n") and heading.count("<") == 2
    table = render_markdown(f"| a | {escaped} |\n|---|---|\n| {escaped} | b |")
    assert f"<th>{shown}</th>" in table and f"<td>{shown}</td>" in table


def test_profile_markdown_never_becomes_markup(tmp_path):
    """Issue 9 item 7: an image, a link, emphasis or a heading in a profile value stays text."""
    assert render_inline(escape_markdown("![x](http://host/p.png)")) == "![x](http://host/p.png)"
    assert render_inline(escape_markdown("__init__")) == "__init__"
    assert render_markdown(f"- {escape_markdown('# titre | a |')}") == "<ul>\n<li># titre | a |</li>\n</ul>\n"
    assert "<" not in render_inline(escape_markdown("Accueil <b>jeunes</b>")).replace("&lt;", "")


# --------------------------------------------------------------------------------- random profiles

SCALARS = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.booleans(),
    st.none(),
    st.dates(),
    st.floats(allow_nan=True),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
FIELD_VALUES = {
    ("collectivity", "name"): VALUES,
    ("collectivity", "kind"): st.sampled_from(["commune", "region", "etat", "x"]) | VALUES,
    ("collectivity", "department"): st.sampled_from(["67", "75", "974", "2A", "20", "0"]) | VALUES,
    ("collectivity", "sites"): st.lists(st.text(max_size=40), max_size=25) | VALUES,
    ("collectivity", "network"): st.lists(st.text(max_size=40), max_size=4) | VALUES,
    ("program", "start"): st.dates() | VALUES,
    ("program", "months"): st.integers(-5, 40) | VALUES,
    ("program", "session_days"): st.integers(0, 6) | VALUES,
    ("program", "weekdays"): st.lists(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])) | VALUES,
    ("program", "blackouts"): st.lists(
        st.fixed_dictionaries({"from": st.dates(), "to": st.dates(), "reason": st.text(max_size=20)}), max_size=3
    )
    | VALUES,
}


@st.composite
def random_profiles(draw) -> str:
    document = yaml.safe_load(profile())
    for (section, key), strategy in FIELD_VALUES.items():
        if draw(st.booleans()):
            document[section][key] = draw(strategy)
    if draw(st.booleans()):
        document[draw(st.sampled_from(["cases", "team", "language", draw(st.text(max_size=5))]))] = draw(VALUES)
    text = yaml.safe_dump(document, allow_unicode=draw(st.booleans()), sort_keys=False)
    if draw(st.booleans()):  # and a raw edit: a character inserted or removed anywhere
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.text(max_size=3)) + text[at + draw(st.integers(0, 2)) :]
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_profiles())
def test_random_profiles_plan_or_raise_only_transfogen_errors(text):
    from transfogen.api import bundled_template_dir, plan_template
    from transfogen.exports import calendar_formats
    from transfogen.templating.template import load_template

    try:
        loaded = parse_profile(text, "aleatoire.yaml")
        template = load_template(bundled_template_dir())
        programme = plan_template(loaded, template)
    except TransfogenError as error:
        assert "\n" not in str(error).strip()
        return
    labels = template.names
    for render in (calendar_formats.to_ics, calendar_formats.to_csv, calendar_formats.to_json):
        render(programme, labels)


def test_the_update_journal_shows_profile_text_as_written():
    """CHANGEMENTS.md is Markdown that the site and the booklet render: profile values stay text."""
    from datetime import datetime

    from transfogen.living.update import Move, ProgrammeChanges, UpdatePlan, changelog_entry, profile_changes

    hostile = "![x](http://127.0.0.1:9/p.png) <b>__gras__</b>"
    old = profile()
    new = profile(title=quoted(hostile), reason=quoted(hostile))
    changes = ProgrammeChanges(
        moved=[Move(f"Restitution n°1 : {hostile}", ["2027-02-02"], ["2027-02-09"], f"période bloquée « {hostile} »")],
        added=[f"{hostile} (9 février 2027)"],
        events_added=[hostile],
    )
    plan = UpdatePlan(Path("kit"), datetime(2027, 1, 4), [], changes, profile_changes(old, new), "", {})
    html = render_markdown(changelog_entry(plan))
    assert not re.search(r"<img|<b>|<strong>gras|<a ", html), html
    assert html.count(escape(hostile, quote=False).replace('"', "&quot;")) >= 5
    assert "<code>cases</code>" in html  # the journal's own markup is kept


# ------------------------------------------------------------- libyaml composes as the Python loader


def _tree(node, seen: dict | None = None):
    """What the profile reader reads of a node: its kind, tag, value and line; a node met again (an
    alias) is named by the order it was first met in, so an alias bomb is not walked out."""
    seen = {} if seen is None else seen
    if node is None:
        return None
    if id(node) in seen:
        return "alias", seen[id(node)]
    seen[id(node)] = len(seen)
    value = node.value
    if isinstance(node, yaml.MappingNode):
        value = [(_tree(key, seen), _tree(item, seen)) for key, item in value]
    elif isinstance(node, yaml.SequenceNode):
        value = [_tree(item, seen) for item in value]
    return type(node).__name__, node.tag, value, node.start_mark.line, node.start_mark.column


def _python_tree(text: str):
    from transfogen.planning.profile import _BoundedLoader

    try:
        return _tree(yaml.compose(text, Loader=_BoundedLoader))
    except Exception as error:  # the same failure either way: the reader translates it
        return type(error).__name__


def _composed_tree(text: str):
    from transfogen.planning.profile import _compose

    try:
        return _tree(_compose(text))
    except Exception as error:
        return type(error).__name__


@pytest.mark.parametrize(("case_id", "text", "expected"), CORPUS + VALID, ids=[c[0] for c in CORPUS + VALID])
def test_libyaml_composes_what_the_python_loader_composes(case_id, text, expected):
    assert _composed_tree(text) == _python_tree(text)


@settings(max_examples=300, deadline=None)
@given(random_profiles() | st.text(alphabet=st.characters(), max_size=60).map(lambda extra: profile() + extra))
def test_libyaml_composes_random_texts_as_the_python_loader(text):
    assert _composed_tree(text) == _python_tree(text)
