"""Generating a kit: plan the programme, render the skeleton and the per-item sheets, build the site.

The kit is built in a hidden folder next to its destination and moved into place at the end, so a
failure leaves nothing behind (files.py: what --force may replace, and how the move never replaces
what appeared meanwhile). The skeleton is rendered by transfogen's own sandboxed renderer
(skeleton.py); cookiecutter runs only a trusted template that has code to run, and then writes
nothing outside the build folder (its replay file and config are redirected into it).
"""

from __future__ import annotations

import json
import re
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from transfogen import __version__
from transfogen.errors import TemplateError, TransfogenError, UnsafeTemplateError
from transfogen.kit.context import Labels, build_context, markdown_context, session_file
from transfogen.kit.documents import documents_context
from transfogen.kit.files import CONTEXT_FILE, STATE_DIR, KitFiles
from transfogen.planning.model import Profile, Programme
from transfogen.templating.template import Template, load_template

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # the C emitter: same text, several times faster


def _labels(template: Template, department: str) -> Labels:
    from transfogen.planning.profile import KIND_LABELS, department_name

    rules = template.rules
    return Labels(
        phases={phase.id: phase.name for phase in rules.phases},
        phase_descriptions={phase.id: phase.description for phase in rules.phases},
        stages={stage.id: stage.name for stage in rules.case_stages},
        lab_topics={topic.id: topic.name for topic in rules.lab_topics},
        events={ritual.kind: ritual.name for ritual in rules.rituals},
        roles=dict(template.role_names),
        kinds=dict(KIND_LABELS),
        departments={department: department_name(department)},
    )


def _render_skeleton(template: Template, context: dict, work: Path, trust: bool, files: KitFiles) -> None:
    """Render the skeleton into `files`, with the profile data as the private variable `_kit`.

    transfogen's own sandboxed renderer does it (skeleton.py); cookiecutter runs only a template the
    user trusts that has code to run (hooks, extensions, nested templates), as it always did, into `work/kit`.
    """
    from transfogen.kit.snapshot import kit_files
    from transfogen.templating.skeleton import plan_skeleton, write_skeleton
    from transfogen.templating.template_source import code_in_template

    # The slug is made of [a-z0-9-] only; everything else travels in the private `_kit`.
    data = {"slug": context["collectivity"]["slug"], "_kit": context}
    if trust and code_in_template(template.root):
        files.add_written(kit_files(_render_with_cookiecutter(template, data, work, work / "kit")))
        return
    skeleton = plan_skeleton(template.root, data)
    write_skeleton(skeleton, lambda target, content: files.write(target, content, exclusive=True))


def _render_with_cookiecutter(template: Template, data: dict, work: Path, kit: Path) -> Path:
    """A trusted template's skeleton, rendered by cookiecutter (its hooks and extensions run)."""
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.main import cookiecutter
    from jinja2 import TemplateError as JinjaError
    from jinja2.exceptions import SecurityError

    from transfogen.templating.sandbox import sandboxed_cookiecutter
    from transfogen.templating.skeleton import plan_skeleton

    try:
        plan_skeleton(template.root, data)  # the names it will write stay inside the kit
    except UnsafeTemplateError:
        raise
    except TemplateError:
        pass  # a filter from the template's own extensions: only cookiecutter knows it
    config = work / "cookiecutter-config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "cookiecutters_dir": str(work / "cookiecutters"),
                "replay_dir": str(work / "replay"),
                "default_context": {},
                "abbreviations": {},
            }
        ),
        encoding="utf-8",
    )
    try:
        with sandboxed_cookiecutter():
            generated = cookiecutter(
                str(template.root),
                no_input=True,
                extra_context=data,
                output_dir=str(work / "skeleton"),
                config_file=str(config),
                accept_hooks=True,
            )
    except SecurityError as error:
        raise UnsafeTemplateError(f"opération interdite par le bac à sable : {error}", path=template.root) from None
    except (CookiecutterException, JinjaError) as error:
        raise _skeleton_error(template, error) from error
    except OSError as error:
        raise TemplateError(f"le squelette ne se génère pas : {error}", path=template.root) from None
    Path(generated).rename(kit)
    return kit


def _skeleton_error(template: Template, error: Exception) -> TemplateError:
    """The error cookiecutter met in a skeleton file, placed at its file and line."""
    from transfogen.templating.sandbox import error_line

    # cookiecutter wraps an error met in a file as "Unable to create file '<path in the skeleton>'".
    wrapped = re.fullmatch(r"Unable to create file '(.+)'", str(getattr(error, "message", "")))
    cause = getattr(error, "error", None) or error.__cause__ or error.__context__ or error
    if not wrapped:
        return TemplateError(f"le squelette ne se génère pas : {cause}", path=template.skeleton)
    relative = wrapped[1]
    line = error_line(cause, {relative, f"./{relative}", "<template>"})
    message = getattr(cause, "message", None) or str(cause)
    return TemplateError(message, path=template.skeleton / relative, line=line or 1)


def _render_items(template: Template, context: dict, programme: Programme, files: KitFiles) -> None:
    """Render what cookiecutter cannot: one file per role, per method and per session."""
    from transfogen.kit.composer import compose_programme
    from transfogen.kit.method_document import method_markdown
    from transfogen.kit.sheets import Sheet, parse_sheet
    from transfogen.templating.sandbox import item_environment, render_file

    env = item_environment(template.root)

    def render(name: str, **variables: Any) -> str:
        return render_file(env, name, template.root / name, kit=context, **variables)

    for path in sorted((template.root / "roles").glob("*.md")):
        files.write(f"roles/{path.name}", render(f"roles/{path.name}", role_id=path.stem))
    for method_id, sheet in sorted(template.methods.items()):
        page = _plain_method_page(sheet)
        if page is None:
            page = method_markdown(parse_sheet(render(f"methodes/{method_id}.md"), sheet.path, lint=False)).encode()
        files.write(f"methodes/{method_id}.md", page)

    methods = {
        method_id: {
            "title": sheet.meta["title"],
            "file": f"methodes/{method_id}.md",
            "purpose": sheet.meta.get("purpose", ""),
            "output": sheet.meta.get("output", ""),
            "materials": list(sheet.meta.get("materials") or []),
            "roles": list(sheet.meta.get("roles") or []),
            "vigilance": list(sheet.meta.get("vigilance") or []),
            "steps": list(sheet.meta.get("steps") or []),
            "variants": dict(sheet.meta.get("variants") or {}),
        }
        for method_id, sheet in template.methods.items()
    }
    by_number = {s["number"]: s for s in context["sessions"]}
    natures = template.natures
    tailored: dict[Any, Any] = {}
    programme_sessions = compose_programme(programme, template)
    for index, composed in enumerate(programme_sessions):
        session = composed.session
        before = programme_sessions[index - 1] if index else None
        after = programme_sessions[index + 1] if index + 1 < len(programme_sessions) else None
        s = by_number[session.number]
        meta = {
            "id": f"seance-{session.number:02d}",
            "kind": "seance",
            "title": session.title,
            "number": session.number,
            "phase": session.phase,
            "dates": list(session.days),
            "place": session.site or programme.profile.collectivity.name,  # front matter: raw text
            "duration": composed.minutes,
            **({"case": session.case} if session.case is not None else {}),
            **({"stage": session.stage} if session.stage else {}),
            **({"lab_topic": session.lab_topic} if session.lab_topic else {}),
            "methods": list(composed.methods),
        }
        # A case's sessions speak of its object, places and people, by its nature (seances/natures.yaml).
        case = next((c for c in context["cases"] if c["number"] == session.case), None)
        other = next((c for c in context["cases"] if c["number"] == session.parallel_case), None)
        shared = {"nature": ""} if other else case
        key = "neutre" if other else session.case  # the method texts of a case: the same in each of its sessions
        if key not in tailored:
            tailored[key] = natures.tailor(methods, shared)
        body = render(
            "seances/seance.md",
            s=s,
            composed=composed,
            # Two half-groups on two cases follow the same activities: their texts take the neutral words.
            pattern=natures.tailor_pattern(composed.pattern, shared) if session.stage else composed.pattern,
            methods=tailored[key],
            nature=natures.words(case) if case else {},
            other_nature=natures.words(other) if other else {},
            level=_level(template, composed.level),
            fixed_leads=list((template.progression or {}).get("leads") or {}),
            # What the previous session asked for, what the next one will use, and the handover homework.
            previous_homework=_homework(before, template) if before else [],
            following_methods=list(after.methods) if after else [],
            handover_homework=_homework(composed, template),
            events=[e for e in context["events"] if e["session"] == session.number],
            previous=by_number.get(session.number - 1),
            following=by_number.get(session.number + 1),
        )
        front = front_matter(meta)
        name = session_file(session.number)
        files.write(name, f"---\n{front}---\n\n{body}")
        # The site shows this sheet as it was made, without reading its front matter back.
        sheet_id = f"seance-{session.number:02d}"
        files.sheets[name] = Sheet(name, "seance", sheet_id, session.title, composed.minutes, meta, f"\n{body}")


# A method sheet without Jinja gives the same page in every kit: made once per sheet of a loaded template.
_PLAIN_METHOD_PAGES: weakref.WeakKeyDictionary[Any, bytes | None] = weakref.WeakKeyDictionary()


def _plain_method_page(sheet: Any) -> bytes | None:
    """The kit's page of a method sheet (`kit.sheets.Sheet`) that is plain Markdown, or None for a sheet
    that is a template, rendered with each kit's data."""
    from transfogen.kit.method_document import method_markdown
    from transfogen.templating.sandbox import has_jinja

    try:
        return _PLAIN_METHOD_PAGES[sheet]
    except KeyError:
        pass
    text = Path(sheet.path).read_text(encoding="utf-8")
    # Most method sheets are plain Markdown: compiling them as templates would only cost time.
    # The kit's copy is read and printed by people: the fields laid out as text, not YAML.
    page = None if has_jinja(text) else method_markdown(sheet).encode("utf-8")
    _PLAIN_METHOD_PAGES[sheet] = page
    return page


_FRONT_LINES: dict[tuple[str, Any], str] = {}  # (key, value) → its YAML lines


def front_matter(meta: dict[str, Any]) -> str:
    """`meta` in YAML, as `yaml.dump` writes it, one key after the other: each key's lines do not depend on
    the others', and most are the same in every kit of a batch (titles, phases, methods), so each is made
    once. Values are texts, numbers, dates and lists of them (never the same list twice: no YAML alias)."""
    if len(_FRONT_LINES) > 4096:  # a batch's place names and dates: keep the memory of a few kits
        _FRONT_LINES.clear()
    parts = []
    for key, value in meta.items():
        # The types too: True and 1 are equal keys of a dict, not the same YAML.
        known = (key, tuple((type(v), v) for v in value) if isinstance(value, list) else (type(value), value))
        lines = _FRONT_LINES.get(known)
        if lines is None:
            lines = yaml.dump({key: value}, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=1000)
            _FRONT_LINES[known] = lines
        parts.append(lines)
    return "".join(parts)


def _homework(composed: Any, template: Template) -> list:
    """What a session asks for before the next one: once a case is restituted, the handover's homework."""
    pattern = composed.pattern
    if "restitution" in composed.rituals and "restitution" in template.patterns:
        pattern = template.patterns["restitution"]
    return list(pattern.homework)


def _level(template: Template, level: str) -> dict:
    """The progression level's texts (seances/progression.yaml), for the session sheet."""
    levels = (template.progression or {}).get("levels") or []
    return dict(next((lvl for lvl in levels if lvl.get("id") == level), {}))


def _write_calendar(programme: Programme, template: Template, files: KitFiles, history: Any = None) -> None:
    from transfogen.exports.calendar_formats import to_csv, to_ics

    files.write("calendrier/calendrier.ics", to_ics(programme, template.names, history))
    files.write("calendrier/calendrier.csv", to_csv(programme, template.names))


def kit_context(programme: Programme, template: Template) -> dict:
    labels = _labels(template, programme.profile.collectivity.department)
    context = build_context(programme, labels, {"name": template.name, "version": template.version})
    # The figures of the formal documents (call dates, costs, procedure, thresholds and their texts).
    context["documents"] = documents_context(programme, template.rules, context["budgets"])
    # The roles this template has a sheet for (kit.roles names every role of the shared vocabulary).
    context["role_sheets"] = [
        {"id": path.stem, "name": labels.roles.get(path.stem, path.stem), "file": f"roles/{path.name}"}
        for path in template.role_files
        if path.stem in labels.roles
    ]
    return context


def cookiecutter_defaults(template_root: Path, example_profile: Path) -> dict:
    """The content of a template's `cookiecutter.json`: plain `cookiecutter --no-input` then renders
    the skeleton of the template's example (kept in sync by tests/test_kit.py)."""
    from transfogen.api import plan_template
    from transfogen.planning.profile import load_profile

    template = load_template(template_root)
    programme = plan_template(load_profile(example_profile), template)
    return {"slug": programme.profile.slug, "_kit": markdown_context(kit_context(programme, template))}


def build_kit(
    programme: Programme,
    template: Template,
    profile_text: str,
    work: Path,
    *,
    trust: bool = False,
    site: bool = True,
    history: Any = None,
) -> Path:
    """Build the whole kit inside `work` and return its folder (not yet at its destination).

    `history` (a `calendar_formats.CalendarHistory`) carries the previous calendar on an update."""
    kit = work / "kit"
    make_kit_files(programme, template, profile_text, work, kit, trust=trust, site=site, history=history)
    return kit


def make_kit_files(
    programme: Programme,
    template: Template,
    profile_text: str,
    work: Path,
    folder: Path | None,
    *,
    trust: bool = False,
    site: bool = True,
    history: Any = None,
) -> KitFiles:
    """Every file of the kit, in memory, and written into `folder` (inside `work`) unless it is None."""
    from transfogen.kit.site import build_site
    from transfogen.kit.snapshot import store_render
    from transfogen.templating.sandbox import render_budget

    files = KitFiles(folder)
    context = kit_context(programme, template)
    markdown = markdown_context(context)  # what the Markdown templates see: profile text escaped
    with render_budget():  # one time and size budget for all the templates of the kit
        _render_skeleton(template, markdown, work, trust, files)
        _render_items(template, markdown, programme, files)
    _write_calendar(programme, template, files, history)
    files.write(f"{STATE_DIR}/profil.yaml", profile_text)
    files.write(
        f"{STATE_DIR}/gabarit.json",
        json.dumps(
            {"template": template.name, "template_version": template.version, "transfogen": __version__},
            ensure_ascii=False,
            indent=2,
            sort_keys=True,
        )
        + "\n",
    )
    # The data behind the kit, for the exports and for anyone who wants to build on it.
    files.write(f"{STATE_DIR}/{CONTEXT_FILE}", json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    if site:
        build_site(files, context)
    store_render(files)  # the base of the next `transfogen update`
    return files


def generate_kit(
    profile_path: str | Path | Profile,
    output_dir: str | Path | None = None,
    *,
    template_dir: str | Path | None = None,
    force: bool = False,
    trust: bool = False,
    on_backup: Callable[[Path], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> Path:
    """Generate the kit of a profile (a file, or a profile already loaded) into `output_dir` (default:
    the collectivity's slug).

    With `force`, a kit already there is moved aside as `<output_dir>.ancien-<n>` (given to
    `on_backup`); any other non-empty folder is refused. The plan's warnings go to `on_warning`, from
    memory: the kit may already have been replaced by another run when the caller reads it.
    """
    from transfogen.api import plan_template
    from transfogen.kit.files import build_folder, check_destination, install, make_parents, os_reason, remove_empty
    from transfogen.planning.profile import load_profile
    from transfogen.templating.template_source import open_template

    # Read once: the text the kit stores is the text that was validated (a pipe cannot be read twice).
    profile = profile_path if isinstance(profile_path, Profile) else load_profile(profile_path)
    out = Path(output_dir) if output_dir else Path(profile.slug)
    replace_kit = check_destination(out, force)
    profile_text = profile.text
    with open_template(template_dir, trust=trust) as root:
        template = load_template(root)
        programme = plan_template(profile, template)
        created: list[Path] = []
        try:
            created = make_parents(out.parent)
            # Same parent as the destination, so the final move is a rename on one file system.
            with build_folder(out.parent) as work:
                kit = build_kit(programme, template, profile_text, work, trust=trust)
                backup = install(kit, out, replace_kit)
        except OSError as error:
            remove_empty(created)
            raise TransfogenError(
                f"{out} : le kit ne peut pas être écrit ({os_reason(error)}) ; rien n'a été laissé"
            ) from None
        except BaseException:
            remove_empty(created)
            raise
    if backup is not None and on_backup is not None:
        on_backup(backup)
    if on_warning is not None:
        for warning in programme.warnings:
            on_warning(warning)
    return out
