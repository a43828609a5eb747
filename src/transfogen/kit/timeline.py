"""The programme's frise: an inline SVG timeline and its text twin, drawn from the `kit` context.

Pure (no I/O) and deterministic. The SVG carries no meaning by colour alone: rows are labelled,
phases are numbered, sessions carry their number, rituals have one shape per kind, and closures use
patterns. Screen-reader users get the same content in the month-by-month table that follows it.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from html import escape

from transfogen.planning.fr import MONTH_NAMES, month_end
from transfogen.records import record

WIDTH = 840  # viewBox units; the SVG scales to the width of its container
LEFT = 128  # row labels live left of this
RIGHT = 830
ROW = 30  # height of one row of marks
CHAR = 6.3  # average width of one character at font-size 11, to decide whether a label fits
MONTH_ABBR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
# Fills that stay distinct in greyscale; each band also carries its number.
PHASE_FILLS = ("#f4e3c1", "#d9e7f5", "#e3efd9", "#f2dcd6", "#e6def0", "#efe9c9")
SHAPES = ("diamond", "triangle", "circle", "square", "star", "hexagon")
# The rituals of the bundled templates keep one shape in every kit; other kinds take the shapes left.
RITUAL_SHAPES = {
    "cloture": "diamond",
    "comite-pilotage": "triangle",
    "inter-collectivites": "circle",
    "restitution": "square",
    "revue-mi-parcours": "star",
}
INK = "#1f2328"
CLOSURE_ROWS = (  # kind in kit.closures, row label, pattern
    ("ferie", "Jours fériés", None),
    ("vacances", "Vacances scolaires", "frise-points"),
    ("blocage", "Périodes bloquées", "frise-croisillons"),
)


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _months(first: date, last: date) -> list[date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = month_end(day) + timedelta(days=1)
    return months


def _span(kit: dict) -> tuple[date, date]:
    """First and last day drawn: whole months, from the preparation to the last session."""
    starts = [_day(kit["program"]["start"])] + [_day(p["start"]) for p in kit["phases"]]
    ends = [_day(kit["program"]["end"])] + [_day(p["end"]) for p in kit["phases"]]
    return min(starts).replace(day=1), month_end(max(ends))


def _clip(kit: dict, items: list[dict], start: str = "start", end: str = "end") -> list[dict]:
    first, last = _span(kit)
    return [i for i in items if _day(i[start]) <= last and _day(i[end]) >= first]


def _shapes(kit: dict) -> dict[str, str]:
    """One shape per ritual kind: the known kinds keep theirs, the others take the free ones by id."""
    kinds = sorted({e["kind"] for e in kit["events"]})
    shapes = {kind: RITUAL_SHAPES[kind] for kind in kinds if kind in RITUAL_SHAPES}
    free = [shape for shape in SHAPES if shape not in shapes.values()] or list(SHAPES)
    others = [kind for kind in kinds if kind not in shapes]
    shapes.update({kind: free[i % len(free)] for i, kind in enumerate(others)})
    return shapes


def _symbol(shape: str, x: float, y: float, r: float = 5.5) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"/>'
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}"/>'
    if shape == "diamond":
        points = [(x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y)]
    elif shape == "triangle":
        points = [(x, y - r - 1), (x + r + 1, y + r), (x - r - 1, y + r)]
    elif shape == "hexagon":
        points = [
            (x + (r + 0.5) * math.cos(i * math.pi / 3), y + (r + 0.5) * math.sin(i * math.pi / 3)) for i in range(6)
        ]
    else:  # star: five points
        points = []
        for i in range(10):
            radius = r + 1.5 if i % 2 == 0 else (r + 1.5) / 2.4
            angle = math.pi / 2 + i * math.pi / 5
            points.append((x + radius * math.cos(angle), y - radius * math.sin(angle)))
    return '<polygon points="' + " ".join(f"{px:.1f},{py:.1f}" for px, py in points) + '"/>'


def _fits(text: str, width: float) -> bool:
    return len(text) * CHAR + 8 <= width


def _text(x: float, y: float, text: str, anchor: str = "start", size: int = 11, weight: str = "") -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{bold}>{escape(text)}</text>'


@record
class _Scale:
    """Days to x coordinates: the programme's span over the drawing's width."""

    first: date
    last: date

    def x(self, day: date) -> float:
        return LEFT + (day - self.first).days / ((self.last - self.first).days + 1) * (RIGHT - LEFT)

    def x_end(self, day: date) -> float:  # right edge of an inclusive last day
        return self.x(day + timedelta(days=1))


def _phase_marks(scale: _Scale, phases: list[dict], y: float) -> list[str]:
    """Each band runs until the next phase starts, numbered like the legend."""
    marks = []
    for index, phase in enumerate(phases):
        start = max(_day(phase["start"]), scale.first)
        following = phases[index + 1] if index + 1 < len(phases) else None
        # The last band runs to the axis' end, so a one-session closing phase still shows its number.
        end = _day(following["start"]) - timedelta(days=1) if following else scale.last
        left, right = scale.x(start), scale.x_end(max(end, start))
        label = f"{index + 1}. {phase['name']}"
        if not _fits(label, right - left):
            label = str(index + 1)
        marks.append(
            f'<g class="phase"><rect x="{left:.1f}" y="{y + 3}" width="{right - left:.1f}" height="{ROW - 6}" '
            f'fill="{PHASE_FILLS[index % len(PHASE_FILLS)]}" stroke="{INK}" stroke-width="0.8"/>'
            + _text((left + right) / 2, y + ROW / 2 + 4, label, "middle")
            + "</g>"
        )
    return marks


def _session_marks(scale: _Scale, sessions: list[dict], y: float) -> list[str]:
    """A bar over the session's days, its number above it; provisional dates are hollow."""
    marks = []
    for session in sessions:
        left, right = scale.x(_day(session["start"])), scale.x_end(_day(session["end"]))
        right = max(right, left + 4)
        fill = (
            f'fill="#fff" stroke="{INK}" stroke-width="1.3" stroke-dasharray="2.5 1.5"'
            if session["provisional"]
            else f'fill="{INK}"'
        )
        marks.append(
            f'<g class="seance"><rect x="{left:.1f}" y="{y + 16}" width="{right - left:.1f}" height="10" {fill}/>'
            + _text((left + right) / 2, y + 13, str(session["number"]), "middle", weight="600")
            + "</g>"
        )
    return marks


def _ritual_marks(scale: _Scale, events: list[dict], shapes: dict[str, str], y: float) -> tuple[list[str], int]:
    """One symbol per event; events on nearby days stack in lanes. Returns the marks and the row's height."""
    lanes: list[float] = []  # right-most x used in each lane
    placed = []
    for event in sorted(events, key=lambda e: (e["start"], e["kind"])):
        day = _day(event["start"])
        cx = scale.x(day) + (scale.x_end(day) - scale.x(day)) / 2
        lane = next((i for i, used in enumerate(lanes) if cx - used >= 14), len(lanes))
        if lane == len(lanes):
            lanes.append(cx)
        lanes[lane] = cx
        placed.append((event, cx, lane))
    marks = [
        f'<g class="rituel" fill="{INK}">{_symbol(shapes[event["kind"]], cx, y + 11 + lane * 15)}</g>'
        for event, cx, lane in placed
    ]
    return marks, max(1, len(lanes)) * 15 + 6


def _closure_marks(scale: _Scale, kind: str, pattern: str | None, periods: list[dict], y: float) -> list[str]:
    """Public holidays as strokes, school holidays and blackouts as patterned ranges."""
    marks = []
    for period in periods:
        left = scale.x(max(_day(period["start"]), scale.first))
        right = max(scale.x_end(min(_day(period["end"]), scale.last)), left + 2)
        fill = f'fill="url(#{pattern})" stroke="{INK}" stroke-width="0.6"' if pattern else f'fill="{INK}"'
        marks.append(
            f'<rect class="{kind}" x="{left:.1f}" y="{y + 5}" width="{right - left:.1f}" height="{ROW - 10}" {fill}/>'
        )
    return marks


def _reserve_marks(scale: _Scale, elections: list[dict], y: float) -> list[str]:
    """The electoral reserve (art. L52-1): a hatched range, named when the name fits."""
    marks = []
    for election in elections:
        left = scale.x(max(_day(election["reserve_start"]), scale.first))
        right = scale.x_end(min(_day(election["reserve_end"]), scale.last))
        marks.append(
            f'<g class="reserve"><rect x="{left:.1f}" y="{y + 4}" width="{right - left:.1f}" height="{ROW - 8}" '
            f'fill="url(#frise-hachures)" stroke="{INK}" stroke-width="0.8"/>'
        )
        # The longest name that fits; the row label already says "Réserve électorale".
        name = next((n for n in (f"Réserve : {election['name']}", election["name"]) if _fits(n, right - left)), "")
        if name:
            marks.append(
                f'<rect x="{(left + right) / 2 - len(name) * CHAR / 2 - 3:.1f}" y="{y + 9}" '
                f'width="{len(name) * CHAR + 6:.1f}" height="13" fill="#fff"/>'
            )
            marks.append(_text((left + right) / 2, y + ROW / 2 + 4, name, "middle"))
        marks.append("</g>")
    return marks


def _grid(scale: _Scale, rows: list[tuple[str, float, int]], bottom: float) -> list[str]:
    """The month axis and grid, the row separators and the row labels, drawn under the marks."""
    grid = []
    for month in _months(scale.first, scale.last):
        left, right = scale.x(month), scale.x_end(month_end(month))
        grid.append(f'<line x1="{left:.1f}" y1="6" x2="{left:.1f}" y2="{bottom}" stroke="#b7b0a6" stroke-width="0.6"/>')
        grid.append(_text((left + right) / 2, 17, MONTH_ABBR[month.month - 1], "middle", size=10))
        if month.month == 1 or month == scale.first:
            grid.append(_text(left + 2, 32, str(month.year), size=10, weight="600"))
    grid.append(f'<line x1="{RIGHT}" y1="6" x2="{RIGHT}" y2="{bottom}" stroke="#b7b0a6" stroke-width="0.6"/>')
    separators = [
        f'<line x1="4" y1="{top}" x2="{RIGHT}" y2="{top}" stroke="#b7b0a6" stroke-width="0.4"/>' for _, top, _ in rows
    ]
    labels = [_text(4, top + height / 2 + 4, label, weight="600") for label, top, height in rows]
    return grid + separators + labels


_DEFS = (
    "<defs>"
    '<pattern id="frise-hachures" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    f'<rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="{INK}" stroke-width="2"/></pattern>'
    '<pattern id="frise-points" width="5" height="5" patternUnits="userSpaceOnUse">'
    f'<rect width="5" height="5" fill="#e8e4dd"/><circle cx="2.5" cy="2.5" r="1" fill="{INK}"/></pattern>'
    '<pattern id="frise-croisillons" width="7" height="7" patternUnits="userSpaceOnUse">'
    f'<rect width="7" height="7" fill="#fff"/><path d="M0 0L7 7M7 0L0 7" stroke="{INK}" stroke-width="0.9"/></pattern>'
    "</defs>"
)


def timeline_svg(kit: dict) -> str:
    """The frise as an inline <svg> element: months, phases, sessions, rituals, closures, reserve."""
    scale = _Scale(*_span(kit))
    marks: list[str] = []
    rows: list[tuple[str, float, int]] = []  # (label, top, height) for the labels and separators
    y: float = 40  # below the month axis

    phases = _clip(kit, kit["phases"])
    marks += _phase_marks(scale, phases, y)
    rows.append(("Phases", y, ROW))
    y += ROW
    marks += _session_marks(scale, _clip(kit, kit["sessions"]), y)
    rows.append(("Séances", y, ROW))
    y += ROW
    shapes = _shapes(kit)
    rituals, height = _ritual_marks(scale, _clip(kit, kit["events"]), shapes, y)
    marks += rituals
    rows.append(("Rituels", y, height))
    y += height
    for kind, label, pattern in CLOSURE_ROWS:
        periods = [c for c in _clip(kit, kit.get("closures", [])) if c["kind"] == kind]
        if periods:
            marks += _closure_marks(scale, kind, pattern, periods, y)
            rows.append((label, y, ROW))
            y += ROW
    elections = _clip(kit, kit["elections"], "reserve_start", "reserve_end")
    if elections:
        marks += _reserve_marks(scale, elections, y)
        rows.append(("Réserve électorale", y, ROW))
        y += ROW

    under = _grid(scale, rows, y)
    legend, y = _legend(kit, phases, shapes, y + 14)
    description = (
        f"Du {kit['program']['start_fr']} au {kit['program']['end_fr']} : {len(phases)} phases, "
        f"{len(kit['sessions'])} séances, {len(kit['events'])} rituels"
        + (", et la réserve électorale" if elections else "")
        + ". Le tableau qui suit la frise donne le même contenu mois par mois."
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="frise-svg" viewBox="0 0 {WIDTH} {y + 6}" role="img" aria-labelledby="frise-titre frise-desc" '
        f'font-family="system-ui, \'DejaVu Sans\', Arial, sans-serif" fill="{INK}">\n'
        f'<title id="frise-titre">Frise du programme de {escape(kit["collectivity"]["name"])}</title>\n'
        f'<desc id="frise-desc">{escape(description)}</desc>\n'
        + _DEFS
        + "\n"
        + "\n".join(under + marks + legend)
        + "\n</svg>"
    )


def _legend(kit: dict, phases: list[dict], shapes: dict[str, str], y: float) -> tuple[list[str], float]:
    """Legend items laid out left to right, wrapping at the right edge; returns them and the height used."""
    labels = {e["kind"]: e["kind_label"] for e in kit["events"]}
    items: list[tuple[str, str]] = [("", "Phases :")]
    items += [("", f"{i + 1}. {p['name']}") for i, p in enumerate(phases)]
    items += [("", "Rituels :")] + [(_symbol(shapes[kind], 0, 0), labels[kind]) for kind in sorted(shapes)]
    if any(s["provisional"] for s in kit["sessions"]):
        items.append(
            (
                f'<rect x="-6" y="-5" width="12" height="10" fill="#fff" stroke="{INK}" stroke-dasharray="2 1.5"/>',
                "séance aux dates provisoires",
            )
        )
    out, cx = [], 4.0
    for symbol, text in items:
        width = (16 if symbol else 0) + len(text) * CHAR + 18
        if cx + width > RIGHT and cx > 4:
            cx, y = 4.0, y + 18
        if symbol:
            out.append(f'<g transform="translate({cx + 6:.1f} {y - 4:.1f})">{symbol}</g>')
        out.append(_text(cx + (16 if symbol else 0), y, text))
        cx += width
    return out, y + 6


def _month_label(day: date) -> str:
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def timeline_table(kit: dict) -> str:
    """The frise's content as a month-by-month table: phases, sessions, rituals, closures, reserve."""
    first, last = _span(kit)
    rows = []
    for month in _months(first, last):
        end = month_end(month)

        def within(item: dict, start: str = "start", stop: str = "end", first=month, last=end) -> bool:
            return _day(item[start]) <= last and _day(item[stop]) >= first

        phases = [escape(p["name"]) for p in kit["phases"] if within(p)]
        sessions = [
            f'<a href="{escape(s["file"])}">Séance {s["number"]}</a> ({escape(s["dates_fr"])}'
            + (", dates provisoires" if s["provisional"] else "")
            + ")"
            for s in kit["sessions"]
            if within(s)
        ]
        events = [f"{escape(e['title'])} ({escape(e['date_fr'])})" for e in kit["events"] if within(e)]
        constraints = [_closure_fr(c) for c in kit.get("closures", []) if within(c)]
        constraints += [
            f"Réserve électorale (art. L52-1) avant : {escape(e['name'])} "
            f"({_range_fr(e['reserve_start_fr'], e['reserve_end_fr'])})"
            for e in kit["elections"]
            if within(e, "reserve_start", "reserve_end")
        ]
        cells = [_cell(phases), _cell(sessions), _cell(events), _cell(constraints)]
        rows.append(f'<tr><th scope="row">{_month_label(month)}</th>' + "".join(cells) + "</tr>")
    return (
        '<table class="frise-texte">\n<caption>Le programme mois par mois (contenu de la frise)</caption>\n'
        '<thead><tr><th scope="col">Mois</th><th scope="col">Phases</th><th scope="col">Séances</th>'
        '<th scope="col">Rituels</th><th scope="col">Contraintes du calendrier</th>'
        "</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"
    )


def _closure_fr(closure: dict) -> str:
    """ "Vacances de Noël (du … au …)", "Toussaint (jour férié, dimanche 1er novembre 2026)"."""
    kind = closure["kind_label"].lower()
    said = kind.split()[0] in closure["name"].lower()  # "Vacances d'hiver" already says what it is
    when = _range_fr(closure["start_fr"], closure["end_fr"])
    return f"{escape(closure['name'])} ({when})" if said else f"{escape(closure['name'])} ({escape(kind)}, {when})"


def _range_fr(start_fr: str, end_fr: str) -> str:
    return escape(start_fr) if start_fr == end_fr else f"du {escape(start_fr)} au {escape(end_fr)}"


def _cell(items: list[str]) -> str:
    if not items:
        return "<td>—</td>"
    if len(items) == 1:
        return f"<td>{items[0]}</td>"
    return "<td><ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul></td>"


def timeline_html(kit: dict) -> str:
    """The frise in a scrollable figure (phones scroll it sideways, not the page), then its table."""
    kinds = {c["kind"] for c in kit.get("closures", [])}
    keys = ["chaque ligne est nommée à gauche", "les séances portent leur numéro", "les rituels une forme par type"]
    keys += [
        text
        for kind, text in (
            ("vacances", "les vacances scolaires des points"),
            ("blocage", "les périodes bloquées des croisillons"),
        )
        if kind in kinds
    ]
    if kit["elections"]:
        keys.append("la réserve électorale des hachures")
    return (
        '<figure class="frise">\n'
        '<div class="frise-defilement" tabindex="0" role="region" aria-label="Frise du programme">\n'
        + timeline_svg(kit)
        + "\n</div>\n"
        f"<figcaption>Frise du programme : {', '.join(keys[:-1])} et {keys[-1]}.</figcaption>\n"
        "</figure>\n" + timeline_table(kit)
    )
