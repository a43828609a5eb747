"""Reads and validates a collectivity profile (YAML, version 1) into a `transfogen.planning.model.Profile`.

The text is composed into PyYAML's node tree (nothing is constructed), so every value keeps its line
and its raw text: a department written `67` or `"67"` reads the same, an impossible date such as
2027-02-30 is reported on its line instead of crashing the YAML constructor, and a name is kept
verbatim. Every problem raises `ProfileError(path, key_path, message, line)`, in French.

A profile is untrusted text: it is read once with a size cap (a pipe works, a device does not), its
nesting depth is bounded before PyYAML recurses, every text is one line of printable characters with a
maximum length, every list a maximum count (checked on the nodes, so YAML aliases cannot multiply
the work), and every date lies between 2000 and 2100.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import sys
import unicodedata
from dataclasses import replace
from datetime import date

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from transfogen.errors import ProfileError, os_error_message
from transfogen.planning.model import (
    KINDS,
    NATURES,
    WEEKDAYS,
    Budget,
    Case,
    Collectivity,
    Contact,
    Period,
    Profile,
    ProgramSettings,
    Signatories,
    Team,
)
from transfogen.records import record
from transfogen.templating.parsed_yaml import load_yaml
from transfogen.templating.resources import package_file

KIND_LABELS: dict[str, str] = {
    "commune": "commune",
    "intercommunalite": "intercommunalité",
    "metropole": "métropole",
    "departement": "département",
    "region": "région",
    "collectivite-outre-mer": "collectivité d'outre-mer",
    "etat": "État",
}

# Allowed keys of each mapping, in the order the documentation gives them.
SECTIONS: dict[str, tuple[str, ...]] = {
    "": ("collectivity", "program", "team", "cases", "language", "budget", "contacts", "signatories"),
    "collectivity": ("name", "kind", "department", "school_zone", "sites", "network"),
    "program": (
        "start",
        "months",
        "session_days",
        "weekdays",
        "avoid_school_holidays",
        "blackouts",
        "school_holidays",
        "summer_break",
        "budget_vote_month",
        "parallel_cases",
    ),
    "team": ("residents", "ambassadors"),
    "budget": ("daily_rate", "travel", "venues", "lab_post_cost", "lab_rent_per_m2", "lab_running_per_post"),
    "contacts": ("dpo",),
    "contact": ("name", "email"),
    "signatories": ("authority", "residents", "missions"),
    "case": (
        "title",
        "service",
        "nature",
        "object",
        "question",
        "referent",
        "users",
        "non_users",
        "places",
        "known",
    ),
    "period": ("from", "to", "reason"),
}

# French day names people are likely to write, to point them to the profile's English ones.
_FRENCH_WEEKDAYS = {
    "lundi": "mon", "lun": "mon", "mardi": "tue", "mar": "tue", "mercredi": "wed", "mer": "wed",
    "jeudi": "thu", "jeu": "thu", "vendredi": "fri", "ven": "fri", "samedi": "sat", "sam": "sat",
    "dimanche": "sun", "dim": "sun",
}  # fmt: skip

_TAG = "tag:yaml.org,2002:"
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_INT_RE = re.compile(r"^[+-]?\d+$")
# One address, no display name: what a reader can type into a mail client (checked loosely on purpose).
_EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_PLAIN_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp")}

TODAY_ENV = "TRANSFOGEN_TODAY"
MAX_BYTES = 1_000_000  # a real profile is a few kilobytes
MAX_DEPTH = 12  # a real profile nests 5 levels (root, program, blackouts, a period, its dates)
MAX_TEXT = 200  # characters of a name, a title, a site, a service or a reason
MAX_OBJECT = 80  # characters of a case's object: it is repeated inside sentences
MAX_ITEMS = {
    "collectivity.sites": 20,
    "collectivity.network": 20,
    "program.blackouts": 50,
    "program.school_holidays": 100,
    # a case's data (cases[N].users…): a handful of lines each
    "cases[].users": 20,
    "cases[].non_users": 20,
    "cases[].places": 20,
    "cases[].known": 20,
}
YEARS = (2000, 2100)
# Invisible characters that are not whitespace nor format controls for Unicode, but print nothing.
_BLANK_GLYPHS = frozenset("\u115f\u1160\u180e\u2800\u3164\uffa0")
# Bidirectional embeddings, overrides and isolates: they reorder the text a reader sees.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@record
class Department:
    code: str
    name: str
    academy: str
    zone: str | None  # "A" | "B" | "C", None where zones do not apply


# ---------------------------------------------------------------------------------------- public API


def load_profile(path: str | os.PathLike, today: date | None = None) -> Profile:
    """Read a profile file (UTF-8) once and validate it.

    The returned profile keeps the text read (`Profile.text`, what a kit stores) and its warnings
    (`Profile.warnings`: a start date before `today`, by default `current_day()`)."""
    shown = os.fspath(path)
    raw = _read_capped(path, shown)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ProfileError(shown, None, "le fichier n'est pas encodé en UTF-8", line) from None
    profile = parse_profile(text, shown)
    start = profile.program.start
    if start < (today or current_day()):
        warning = (
            f"{shown}: program.start: la date de début ({start.isoformat()}) est passée : "
            "les premières séances seraient planifiées dans le passé"
        )
        profile = replace(profile, warnings=(*profile.warnings, warning))
    return profile


def current_day() -> date:
    """Today, or the day TRANSFOGEN_TODAY gives (AAAA-MM-JJ): a test suite or a reproducible run fixes it."""
    fixed = os.environ.get(TODAY_ENV, "").strip()
    if not fixed:
        return date.today()
    try:
        return date.fromisoformat(fixed)
    except ValueError:
        raise ProfileError(TODAY_ENV, None, f"date attendue au format AAAA-MM-JJ, pas « {_shown(fixed)} »") from None


def parse_profile(text: str, path: str = "<profil>") -> Profile:
    """Validate a profile's YAML text; pure (no I/O besides the cached department table)."""
    return replace(_Reader(path).profile(text), source=path, text=text)


def _read_capped(path: str | os.PathLike, shown: str) -> bytes:
    """The bytes of a regular file or a pipe (`/dev/stdin`), at most MAX_BYTES; never blocks on a FIFO
    without writer, never reads a device such as /dev/zero."""
    try:
        # O_NONBLOCK: opening a named pipe nobody writes to returns at once instead of waiting.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ProfileError(shown, None, "fichier introuvable") from None
    except IsADirectoryError:
        raise ProfileError(shown, None, "c'est un dossier, pas un fichier de profil") from None
    except OSError as error:
        raise ProfileError(shown, None, f"lecture impossible ({_reason(error)})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise ProfileError(shown, None, "c'est un dossier, pas un fichier de profil")
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            raise ProfileError(shown, None, "ce n'est pas un fichier (périphérique ou socket) : donnez un fichier YAML")
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= MAX_BYTES:
            chunk = os.read(fd, min(1 << 16, MAX_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_BYTES:
            raise ProfileError(
                shown, None, f"fichier trop volumineux pour un profil (plus de {MAX_BYTES // 1_000_000} Mo)"
            )
        return b"".join(chunks)
    except OSError as error:
        raise ProfileError(shown, None, f"lecture impossible ({_reason(error)})") from None
    finally:
        os.close(fd)


def slugify(name: str) -> str:
    """A file-system name: lower-case ASCII words joined by dashes ("Ville d'Évry" -> "ville-d-evry")."""
    text = name.lower().replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    # Drop the accents, then anything not ASCII (’, ·, other scripts) separates words.
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug or "collectivite"


def department_name(code: str) -> str:
    """The department's French name ("67" -> "Bas-Rhin"); KeyError for an unknown code."""
    return departments()[code].name


@functools.cache
def departments() -> dict[str, Department]:
    """The bundled department table (data/departments.yaml), by INSEE code."""
    text = package_file("data/departments.yaml").read_text("utf-8")
    rows = load_yaml(text)["departments"]
    return {
        row["code"]: Department(
            row["code"], row["name"], row["academy"], None if row["zone"] == "none" else row["zone"]
        )
        for row in rows
    }


# ------------------------------------------------------------------------------------------- reading


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _suggest(word: str, choices) -> str:
    import difflib  # only when an answer is wrong: not on every start-up

    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (vouliez-vous dire « {match[0]} » ?)" if match else ""


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Reader:
    """Walks the composed node tree of one profile; `path` is only used in error messages."""

    def __init__(self, path: str):
        self.path = path

    def fail(self, key: str | None, message: str, line: int | None) -> ProfileError:
        # Keys and messages quote what the profile says: always one printable line.
        return ProfileError(self.path, _printable(key) if key else None, _printable(message), line)

    # -- document

    def profile(self, text: str) -> Profile:
        try:
            root = _compose(text)
        except _TooDeep as error:
            message = f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux de listes ou de clés)"
            raise self.fail(_path_at_end(text[: error.index]), message, error.line) from None
        except yaml.MarkedYAMLError as error:
            raise self._syntax_error(text, error) from None
        except ValueError:  # PyYAML's chr() on an escape beyond Unicode, such as "\U00110000"
            escapes = re.finditer(r"\\U([0-9a-fA-F]{8})", text)
            bad = next((match for match in escapes if int(match[1], 16) > sys.maxunicode), None)
            line = text[: bad.start()].count("\n") + 1 if bad else None
            raise self.fail(None, "YAML mal formé : caractère hors d'Unicode (\\U…)", line) from None
        except yaml.reader.ReaderError as error:  # a control character YAML refuses
            line = text[: error.position].count("\n") + 1
            code = error.character if isinstance(error.character, int) else ord(error.character[0])
            message = f"caractère de contrôle interdit (U+{code:04X})"
            raise self.fail(_path_at_end(text[: error.position]), message, line) from None
        if root is None or (isinstance(root, ScalarNode) and root.tag == _TAG + "null"):
            raise self.fail(None, "le profil est vide : il faut au moins « collectivity » et « program »", 1)
        if not isinstance(root, MappingNode):
            raise self.fail(
                None,
                "le profil doit être un ensemble de clés (collectivity, program…), pas "
                + ("une liste" if isinstance(root, SequenceNode) else "une valeur seule"),
                _line(root),
            )
        top = self.mapping(root, "", SECTIONS[""], line=_line(root))
        collectivity = self.collectivity(self.require(top, "", "collectivity", _line(root)))
        program = self.program(self.require(top, "", "program", _line(root)))
        team = self.team(top.get("team"))
        budget = self.budget(top.get("budget"))
        dpo = self.dpo(top.get("contacts"))
        signatories = self.signatories(top.get("signatories"))
        cases = self.cases(top.get("cases"))
        language = self.optional_text(top.get("language"), "language").lower() or "fr"
        if language != "fr":
            node = top["language"][1]
            message = f"seule la langue « fr » est disponible, pas « {language} »"
            raise self.fail("language", message, _line(node))
        return Profile(
            collectivity=collectivity,
            program=program,
            team=team,
            budget=budget,
            dpo=dpo,
            signatories=signatories,
            cases=cases,
            language=language,
            slug=slugify(collectivity.name),
        )

    def _syntax_error(self, text: str, error: yaml.MarkedYAMLError) -> ProfileError:
        problem = (error.problem or "").strip()
        # Where the unfinished construct began (a key, a quote, a bracket) beats where it was noticed.
        unclosed = "end of stream" in problem or "<stream end>" in problem
        began = (error.context or "").startswith("while scanning") or unclosed
        mark = (error.context_mark if began else None) or error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        return self.fail(_path_before_error(text), f"YAML mal formé : {_french_problem(problem)}", line)

    # -- sections

    def collectivity(self, entry) -> Collectivity:
        key, node = entry
        items = self.mapping(node, "collectivity", SECTIONS["collectivity"], line=key)
        name = self.required_text(items, "collectivity", "name", key)
        kind_node = self.require(items, "collectivity", "kind", key)[1]
        kind = self.text(kind_node, "collectivity.kind")
        if kind not in KINDS:
            hint = _suggest(slugify(kind), KINDS) or _suggest(kind, KINDS)
            raise self.fail(
                "collectivity.kind",
                f"type de collectivité inconnu « {kind} »{hint} ; valeurs possibles : {', '.join(KINDS)}",
                _line(kind_node),
            )
        department = self.department(self.require(items, "collectivity", "department", key)[1])
        zone = departments()[department].zone
        if "school_zone" in items and not _is_null(items["school_zone"][1]):
            zone = self.school_zone(items["school_zone"][1])
        return Collectivity(
            name=name,
            kind=kind,
            department=department,
            school_zone=zone,
            sites=self.text_list(items.get("sites"), "collectivity.sites"),
            network=self.text_list(items.get("network"), "collectivity.network"),
        )

    def department(self, node: Node) -> str:
        key = "collectivity.department"
        # The raw scalar text: `department: 01` must not become the integer 1.
        code = self.text(node, key).upper()
        table = departments()
        if code in table:
            return code
        if code.isdigit() and len(code) == 1 and code.zfill(2) in table:
            hint = f" : écrivez « {code.zfill(2)} »"
        elif code == "20":
            hint = " : la Corse a deux codes, « 2A » (Corse-du-Sud) et « 2B » (Haute-Corse)"
        else:
            by_name = {slugify(d.name): d.code for d in table.values()}
            if slugify(code) in by_name:
                hint = f" : indiquez le code INSEE « {by_name[slugify(code)]} »"
            else:
                hint = " ; attendu : un code INSEE de « 01 » à « 95 », « 2A », « 2B » ou de « 971 » à « 976 »"
        raise self.fail(key, f"département inconnu « {self.text(node, key)} »{hint}", _line(node))

    def school_zone(self, node: Node) -> str | None:
        value = self.text(node, "collectivity.school_zone")
        if value.lower() == "none":
            return None
        if value.upper() in ("A", "B", "C"):
            return value.upper()
        raise self.fail(
            "collectivity.school_zone",
            f"zone scolaire inconnue « {value} » ; valeurs possibles : A, B, C ou none",
            _line(node),
        )

    def program(self, entry) -> ProgramSettings:
        key, node = entry
        items = self.mapping(node, "program", SECTIONS["program"], line=key)
        start = self.date(self.require(items, "program", "start", key)[1], "program.start")
        months = self.integer(items.get("months"), "program.months", 18, 6, 36)
        session_days = self.integer(items.get("session_days"), "program.session_days", 3, 1, 5)
        weekdays = self.weekdays(items.get("weekdays"), session_days)
        avoid = self.boolean(items.get("avoid_school_holidays"), "program.avoid_school_holidays", True)
        return ProgramSettings(
            start=start,
            months=months,
            session_days=session_days,
            weekdays=weekdays,
            avoid_school_holidays=avoid,
            blackouts=self.periods(items.get("blackouts"), "program.blackouts"),
            school_holidays=self.periods(items.get("school_holidays"), "program.school_holidays"),
            # Planning promises the profile may opt out of, or facts it may give.
            summer_break=self.boolean(items.get("summer_break"), "program.summer_break", True),
            budget_vote_month=self.integer(items.get("budget_vote_month"), "program.budget_vote_month", 0, 1, 12)
            or None,
            parallel_cases=self.boolean(items.get("parallel_cases"), "program.parallel_cases", True),
        )

    def weekdays(self, entry, session_days: int) -> tuple[int, ...]:
        if entry is None or _is_null(entry[1]):
            return ProgramSettings.weekdays
        key = "program.weekdays"
        days: list[int] = []
        for index, node in enumerate(self.sequence(entry[1], key)):
            name = self.text(node, f"{key}[{index}]").lower()
            if name not in WEEKDAYS:
                hint = (
                    f" : écrivez « {_FRENCH_WEEKDAYS[name]} »"
                    if name in _FRENCH_WEEKDAYS
                    else _suggest(name, WEEKDAYS) + f" ; valeurs possibles : {', '.join(WEEKDAYS)}"
                )
                raise self.fail(f"{key}[{index}]", f"jour inconnu « {name} »{hint}", _line(node))
            if WEEKDAYS.index(name) in days:
                raise self.fail(f"{key}[{index}]", f"le jour « {name} » est donné deux fois", _line(node))
            days.append(WEEKDAYS.index(name))
        if not days:
            raise self.fail(key, "la liste des jours est vide : indiquez au moins un jour", _line(entry[1]))
        days.sort()
        # A session is a run of consecutive days within one week: the profile must allow one.
        if _longest_run(days) < session_days:
            raise self.fail(
                key,
                f"ces jours ne permettent pas une séance de {session_days} jours consécutifs "
                f"(program.session_days = {session_days})",
                _line(entry[1]),
            )
        return tuple(days)

    def periods(self, entry, key: str) -> tuple[Period, ...]:
        if entry is None or _is_null(entry[1]):
            return ()
        periods = []
        for index, node in enumerate(self.bounded(self.sequence(entry[1], key), key)):
            where = f"{key}[{index}]"
            items = self.mapping(node, where, SECTIONS["period"], line=_line(node))
            start = self.date(self.require(items, where, "from", _line(node))[1], f"{where}.from")
            end_node = self.require(items, where, "to", _line(node))[1]
            end = self.date(end_node, f"{where}.to")
            if end < start:
                raise self.fail(
                    f"{where}.to",
                    f"la fin ({end.isoformat()}) précède le début ({start.isoformat()})",
                    _line(end_node),
                )
            reason = self.optional_text(items.get("reason"), f"{where}.reason")
            periods.append(Period(start, end, reason))
        return tuple(periods)

    def team(self, entry) -> Team:
        if entry is None or _is_null(entry[1]):
            return Team()
        items = self.mapping(entry[1], "team", SECTIONS["team"], line=entry[0])
        return Team(
            residents=self.integer(items.get("residents"), "team.residents", 3, 2, 6),
            ambassadors=self.integer(items.get("ambassadors"), "team.ambassadors", 20, 1, 100),
        )

    def budget(self, entry) -> Budget:
        if entry is None or _is_null(entry[1]):
            return Budget()
        items = self.mapping(entry[1], "budget", SECTIONS["budget"], line=entry[0])
        return Budget(
            daily_rate=self.integer(items.get("daily_rate"), "budget.daily_rate", 0, 100, 5000),
            travel=self.integer(items.get("travel"), "budget.travel", 0, 0, 100000),
            venues=self.integer(items.get("venues"), "budget.venues", 0, 0, 100000),
            lab_post_cost=self.integer(items.get("lab_post_cost"), "budget.lab_post_cost", 0, 20000, 200000),
            lab_rent_per_m2=self.integer(items.get("lab_rent_per_m2"), "budget.lab_rent_per_m2", 0, 0, 2000),
            lab_running_per_post=self.integer(
                items.get("lab_running_per_post"), "budget.lab_running_per_post", 0, 0, 100000
            ),
        )

    def dpo(self, entry) -> Contact:
        if entry is None or _is_null(entry[1]):
            return Contact()
        contacts = self.mapping(entry[1], "contacts", SECTIONS["contacts"], line=entry[0])
        dpo = contacts.get("dpo")
        if dpo is None or _is_null(dpo[1]):
            return Contact()
        items = self.mapping(dpo[1], "contacts.dpo", SECTIONS["contact"], line=dpo[0])
        name = self.required_text(items, "contacts.dpo", "name", dpo[0])
        email = self.optional_text(items.get("email"), "contacts.dpo.email")
        if email and not _EMAIL_RE.match(email):
            message = f"adresse électronique attendue (nom@domaine.fr), pas « {_shown(email)} »"
            raise self.fail("contacts.dpo.email", message, items["email"][0])
        return Contact(name, email)

    def signatories(self, entry) -> Signatories:
        if entry is None or _is_null(entry[1]):
            return Signatories()
        items = self.mapping(entry[1], "signatories", SECTIONS["signatories"], line=entry[0])
        return Signatories(
            **{key: self.optional_text(items.get(key), f"signatories.{key}") for key in SECTIONS["signatories"]}
        )

    def cases(self, entry) -> tuple[Case, ...]:
        if entry is None or _is_null(entry[1]):
            return ()
        nodes = self.sequence(entry[1], "cases")
        if len(nodes) > 6:
            raise self.fail("cases", f"{len(nodes)} cas pratiques : 6 au plus", _line(nodes[6]))
        cases = []
        for index, node in enumerate(nodes):
            where = f"cases[{index}]"
            items = self.mapping(node, where, SECTIONS["case"], line=_line(node))
            title = self.required_text(items, where, "title", _line(node))
            service = self.optional_text(items.get("service"), f"{where}.service")
            cases.append(
                Case(
                    title,
                    service,
                    question=self.optional_text(items.get("question"), f"{where}.question"),
                    referent=self.optional_text(items.get("referent"), f"{where}.referent"),
                    users=self.text_list(items.get("users"), f"{where}.users"),
                    non_users=self.text_list(items.get("non_users"), f"{where}.non_users"),
                    places=self.text_list(items.get("places"), f"{where}.places"),
                    known=self.text_list(items.get("known"), f"{where}.known"),
                    nature=self.nature(items.get("nature"), f"{where}.nature"),
                    object=self.optional_text(items.get("object"), f"{where}.object", MAX_OBJECT),
                )
            )
        return tuple(cases)

    def nature(self, entry, key: str) -> str:
        value = self.optional_text(entry, key)
        if not value or value in NATURES:
            return value
        hint = _suggest(slugify(value), NATURES) or _suggest(value, NATURES)
        raise self.fail(
            key,
            f"nature de cas inconnue « {_shown(value)} »{hint} ; valeurs possibles : {', '.join(NATURES)}",
            _line(entry[1]),
        )

    # -- node helpers

    def mapping(self, node: Node, path: str, allowed: tuple[str, ...], line: int) -> dict:
        """Key -> (key line, value node), refusing unknown and duplicate keys."""
        if not isinstance(node, MappingNode):
            if _is_null(node):
                raise self.fail(path, "section vide : des clés sont attendues ici", line)
            raise self.fail(path, f"des clés sont attendues ici ({', '.join(allowed)})", _line(node))
        items: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise self.fail(path, "une clé doit être un simple mot", _line(key_node))
            key = _shown(key_node.value)  # quoted in messages: one short line
            if key in items:
                raise self.fail(
                    _join(path, key),
                    f"clé « {key} » en double (déjà donnée ligne {items[key][0]})",
                    _line(key_node),
                )
            if key not in allowed:
                raise self.fail(_join(path, key), _unknown_key(key, path, allowed), _line(key_node))
            items[key] = (_line(key_node), value_node)
        return items

    def require(self, items: dict, path: str, key: str, line: int):
        if key not in items or _is_null(items[key][1]):
            where = items[key][0] if key in items else line
            raise self.fail(_join(path, key), "valeur obligatoire manquante", where)
        return items[key]

    def bounded(self, nodes: list[Node], key: str) -> list[Node]:
        """Refuse a list longer than its maximum before reading any item (aliases included)."""
        limit = MAX_ITEMS.get(key) or MAX_ITEMS[re.sub(r"\[\d+\]", "[]", key)]
        if len(nodes) > limit:
            raise self.fail(key, f"{len(nodes)} éléments : {limit} au plus", _line(nodes[limit]))
        return nodes

    def sequence(self, node: Node, key: str) -> list[Node]:
        if not isinstance(node, SequenceNode):
            message = "une liste est attendue (une ligne « - … » par élément, ou [a, b])"
            raise self.fail(key, message, _line(node))
        return node.value

    def scalar(self, node: Node, key: str, what: str) -> ScalarNode:
        if not isinstance(node, ScalarNode):
            raise self.fail(key, f"{what} attendu, pas une liste ni un ensemble de clés", _line(node))
        if node.tag not in _PLAIN_TAGS:
            raise self.fail(key, f"étiquette YAML non autorisée « {_shown(node.tag)} »", _line(node))
        return node

    def text(self, node: Node, key: str, limit: int = MAX_TEXT) -> str:
        # Raw text, never constructed: `name: Yes` stays "Yes", `{{ 7*7 }}` stays as written.
        node = self.scalar(node, key, "un texte")
        if _is_null(node):
            return ""
        value = node.value.strip()
        if len(value) > limit:
            raise self.fail(key, f"texte trop long ({len(value)} caractères, {limit} au plus)", _line(node))
        for char in value:
            if char in "\n\r\u2028\u2029\x85":
                message = "retour à la ligne interdit : cette valeur tient sur une ligne"
                raise self.fail(key, message, _line(node))
            category = unicodedata.category(char)
            if category in ("Cc", "Cs") or char in _BIDI:
                raise self.fail(key, f"caractère de contrôle interdit (U+{ord(char):04X})", _line(node))
        if value and all(_invisible(char) for char in value):
            message = "valeur invisible (seulement des espaces ou des caractères sans largeur)"
            raise self.fail(key, message, _line(node))
        return value

    def required_text(self, items: dict, path: str, key: str, line: int) -> str:
        node = self.require(items, path, key, line)[1]
        value = self.text(node, _join(path, key))
        if not value:
            raise self.fail(_join(path, key), "valeur obligatoire manquante", _line(node))
        return value

    def optional_text(self, entry, key: str, limit: int = MAX_TEXT) -> str:
        if entry is None or _is_null(entry[1]):
            return ""
        return self.text(entry[1], key, limit)

    def text_list(self, entry, key: str) -> tuple[str, ...]:
        if entry is None or _is_null(entry[1]):
            return ()
        values = []
        for index, node in enumerate(self.bounded(self.sequence(entry[1], key), key)):
            value = self.text(node, f"{key}[{index}]")
            if not value:
                raise self.fail(f"{key}[{index}]", "élément vide", _line(node))
            values.append(value)
        return tuple(values)

    def integer(self, entry, key: str, default: int, low: int, high: int) -> int:
        if entry is None or _is_null(entry[1]):
            return default
        node = self.scalar(entry[1], key, "un nombre entier")
        if node.tag != _TAG + "int" or not _INT_RE.match(node.value):
            raise self.fail(key, f"nombre entier attendu, pas « {_shown(node.value)} »", _line(node))
        if len(node.value) > 9:  # int() refuses thousands of digits; any such number is out of range
            raise self.fail(key, f"nombre hors limites : de {low} à {high}", _line(node))
        value = int(node.value)
        if not low <= value <= high:
            raise self.fail(key, f"{value} est hors limites : de {low} à {high}", _line(node))
        return value

    def boolean(self, entry, key: str, default: bool) -> bool:
        if entry is None or _is_null(entry[1]):
            return default
        node = self.scalar(entry[1], key, "true ou false")
        if node.tag != _TAG + "bool":
            raise self.fail(key, f"true ou false attendu, pas « {_shown(node.value)} »", _line(node))
        return node.value.lower() in ("true", "yes", "on", "y")

    def date(self, node: Node, key: str) -> date:
        node = self.scalar(node, key, "une date")
        match = _DATE_RE.match(node.value.strip())
        if not match:
            message = f"date attendue au format AAAA-MM-JJ, pas « {_shown(node.value)} »"
            raise self.fail(key, message, _line(node))
        try:
            day = date(*map(int, match.groups()))
        except ValueError:
            raise self.fail(key, f"date impossible « {node.value} »", _line(node)) from None
        if not YEARS[0] <= day.year <= YEARS[1]:
            message = f"année hors limites ({day.year}) : de {YEARS[0]} à {YEARS[1]}"
            raise self.fail(key, message, _line(node))
        return day


# ------------------------------------------------------------------------------------------ messages


class _TooDeep(Exception):
    def __init__(self, mark):
        self.index, self.line = mark.index, mark.line + 1


_CLoader = getattr(yaml, "CSafeLoader", None)  # PyYAML built with libyaml (the wheels are)


def _compose(text: str) -> Node | None:
    """The profile's node tree. libyaml composes it twenty times faster than the pure-Python loader
    (3 ms a profile); a text it refuses, or that nests too deep, is composed again by the pure-Python
    loader, whose errors `profile` translates: the result and every message are the pure-Python ones.

    libyaml composes recursively in C, where Python's recursion limit does not protect the stack: the
    depth is measured on its events before it composes."""
    if _CLoader is not None:
        try:
            if _depth(_CLoader(text)) <= MAX_DEPTH:
                loader = _CLoader(text)
                try:
                    return loader.get_single_node()
                finally:
                    loader.dispose()
        except (yaml.YAMLError, ValueError):  # ValueError: text that UTF-8 cannot encode (lone surrogates)
            pass
    return yaml.compose(text, Loader=_BoundedLoader)


def _depth(loader) -> int:
    """How deep the nodes of a document nest (the root is at depth 1), from the parser's events; past
    MAX_DEPTH, it stops counting."""
    depth = deepest = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.NodeEvent):
                deepest = max(deepest, depth + 1)
                if deepest > MAX_DEPTH:
                    break
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()
    return deepest


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML composes nodes recursively: refuse deep nesting before Python's stack runs out."""

    depth = 0

    def compose_node(self, parent, index):
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _TooDeep(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _reason(error: OSError) -> str:
    return os_error_message(OSError(error.errno, error.strerror))  # the path is already in the message


def _invisible(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Cf", "Mn", "Me") or char in _BLANK_GLYPHS


def _shown(value: str) -> str:
    """A wrong value quoted in a message: short, on one line."""
    value = " ".join(value.split())
    return value if len(value) <= 40 else value[:40] + "…"


def _printable(text: str) -> str:
    """One line, with control characters and lone surrogates written as code points."""
    text = " ".join(text.split())
    if text.isprintable():
        return text
    return "".join(
        f"U+{ord(char):04X}" if unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") else char for char in text
    )


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _TAG + "null"


def _longest_run(days: list[int]) -> int:
    best = run = 0
    for index, day in enumerate(days):
        run = run + 1 if index and day == days[index - 1] + 1 else 1
        best = max(best, run)
    return best


def _unknown_key(key: str, path: str, allowed: tuple[str, ...]) -> str:
    message = f"clé inconnue « {key} »"
    hint = _suggest(key, allowed)
    if hint:
        return message + hint
    # A right key in the wrong section: say where it belongs.
    for section, keys in SECTIONS.items():
        if key in keys and section not in ("", "case", "period"):
            return message + f" ici : elle se place sous « {section} »"
    return message + f" ; clés possibles : {', '.join(allowed)}"


_PROBLEMS = {
    "could not find expected ':'": "« : » manquant après une clé",
    "mapping values are not allowed here": ("« : » inattendu (mettez entre guillemets un texte qui contient « : »)"),
    "found character '\\t' that cannot start any token": "tabulation interdite : indentez avec des espaces",
    "did not find expected key": "indentation incohérente",
    "did not find expected '-' indicator": "indentation incohérente dans une liste",
    "found unexpected end of stream": "guillemet ou crochet non fermé",
    "expected ',' or ']', but got '<stream end>'": "crochet « ] » non fermé",
    "expected ',' or '}', but got '<stream end>'": "accolade « } » non fermée",
    "but found another document": "un seul document YAML est attendu",
    "expected <block end>": "indentation incohérente (un élément est décalé par rapport à ses voisins)",
    "found duplicate anchor": "ancre YAML en double",
    "sequence entries are not allowed here": "élément de liste « - » mal placé (vérifiez l'indentation)",
    "mapping keys are not allowed here": "clé mal placée (vérifiez l'indentation)",
    "expected alphabetic or numeric character": (
        "caractère inattendu après « & », « * » ou « ! » (mettez le texte entre guillemets)"
    ),
}


def _french_problem(problem: str) -> str:
    for english, french in _PROBLEMS.items():
        if english in problem:
            return french
    if problem.startswith("found undefined alias"):
        return "alias YAML inconnu"
    unexpected = re.match(r"found character '(.+)' that cannot start any token", problem)
    if unexpected:
        return f"caractère « {unexpected[1]} » inattendu ici (mettez le texte entre guillemets)"
    return f"syntaxe invalide ({problem})" if problem else "syntaxe invalide"


def _path_before_error(text: str) -> str | None:
    """The key path the parser was in when it failed, from the events it produced before failing."""
    from yaml import events

    stack: list[list] = []  # ["map", key, expecting_key] or ["seq", index]
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (events.MappingEndEvent, events.SequenceEndEvent)):
                stack.pop()
                continue
            if not isinstance(event, events.NodeEvent):
                continue
            if stack:
                top = stack[-1]
                if top[0] == "seq":
                    top[1] += 1
                elif top[2]:
                    top[1] = event.value if isinstance(event, events.ScalarEvent) else "?"
                    top[2] = False
                    if not isinstance(event, events.CollectionStartEvent):
                        continue
                else:
                    top[2] = True
            if isinstance(event, events.MappingStartEvent):
                stack.append(["map", None, True])
            elif isinstance(event, events.SequenceStartEvent):
                stack.append(["seq", -1])
    except (yaml.YAMLError, ValueError):
        pass
    path = ""
    for depth, frame in enumerate(stack):
        if frame[0] == "seq":
            path += f"[{frame[1]}]" if frame[1] >= 0 else ""
        elif frame[1] is not None and not (frame[2] and depth == len(stack) - 1):
            # The innermost mapping waiting for its next key: the error lies between keys.
            path = _join(path, str(frame[1]))
    return path or None


def _path_at_end(text: str) -> str | None:
    """The key path of the last value in `text`: where a character YAML refuses, or a too deep
    nesting, was met (the text is cut just before it)."""
    from yaml import events

    stack: list[list] = []  # ["map", key, expecting_key] or ["seq", index]
    last = None

    def path() -> str:
        # A key may hold the very characters being refused: the error stays on one printable line.
        return "".join(
            f"[{frame[1]}]"
            if frame[0] == "seq"
            else "." + "".join(c if c.isprintable() else "?" for c in str(frame[1]))
            for frame in stack
            if frame[1] is not None
        ).lstrip(".")

    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (events.MappingEndEvent, events.SequenceEndEvent)):
                stack.pop()
                continue
            if not isinstance(event, events.NodeEvent):
                continue
            if stack and stack[-1][0] == "seq":
                stack[-1][1] += 1
            elif stack and stack[-1][2]:  # a key
                stack[-1][1], stack[-1][2] = getattr(event, "value", "?"), False
                if isinstance(event, events.ScalarEvent):
                    continue
            elif stack:
                stack[-1][2] = True
            last = path()
            if isinstance(event, events.MappingStartEvent):
                stack.append(["map", None, True])
            elif isinstance(event, events.SequenceStartEvent):
                stack.append(["seq", -1])
    except (yaml.YAMLError, ValueError):
        # The cut fell inside a node (an unclosed quote): the character belongs to the pending one.
        if stack and stack[-1][0] == "seq":
            stack[-1][1] += 1
        if stack and (stack[-1][0] == "seq" or not stack[-1][2]):
            last = path()
    return last or None
