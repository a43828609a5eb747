"""The one Markdown configuration of the kit: safe (no raw HTML), accessible, deterministic."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when first used: planning a calendar reads sheets' YAML, not their Markdown
    from markdown_it import MarkdownIt

_FENCE = re.compile(r"^---[ \t]*$")
_FENCE_END = re.compile(r"^(---|\.\.\.)[ \t]*$")

_renderer: MarkdownIt | None = None
_html_finder: MarkdownIt | None = None


def heading_id(title: str) -> str:
    """Heading id: accents folded, lower case, single dashes ("Conseils d'animation" -> "conseils-d-animation")."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug or "section"


class _NoDebugLog:
    """Stands in for the loggers of markdown-it-py's block rules, which call `LOGGER.debug` for every
    line each rule tries, debug logging on or off: about 5 % of the time a kit's Markdown takes."""

    @staticmethod
    def debug(*args: object, **kwargs: object) -> None:
        return None


_BLOCK_RULES_THAT_LOG: tuple[str, ...] = (
    "blockquote",
    "code",
    "fence",
    "heading",
    "hr",
    "html_block",
    "lheading",
    "list",
    "paragraph",
    "reference",
)


def _quiet_block_rules() -> None:
    import importlib
    import logging

    for name in _BLOCK_RULES_THAT_LOG:
        module = importlib.import_module(f"markdown_it.rules_block.{name}")
        if isinstance(getattr(module, "LOGGER", None), logging.Logger):  # another version may log otherwise
            module.LOGGER = _NoDebugLog()  # type: ignore[attr-defined]


def _markdown() -> MarkdownIt:
    # Built once: kit generation renders about a hundred sheets with it.
    global _renderer
    if _renderer is None:
        from markdown_it import MarkdownIt

        _quiet_block_rules()
        from mdit_py_plugins.anchors import anchors_plugin
        from mdit_py_plugins.front_matter import front_matter_plugin
        from mdit_py_plugins.tasklists import tasklists_plugin

        _renderer = (
            MarkdownIt("js-default", {"html": False})
            .use(front_matter_plugin)
            .use(anchors_plugin, min_level=1, max_level=4, slug_func=heading_id)
            # label=True wraps each checkbox and its text in a <label> (axe rule "label");
            # label_after would add random ids and break reproducible output.
            .use(tasklists_plugin, label=True)
            .enable("table")
        )
    return _renderer


# A kit's pages share many sections word for word (a method's step-by-step in every session that uses it,
# the same sections in every kit of a batch): each section is rendered once per process. A section starts
# at a heading line after a blank line; everything before it is closed by then (paragraph, list, table),
# so the page is the sections' HTML put end to end, as long as nothing joins two sections: no code fence
# (it may hold a heading line), no link reference definition (it serves the whole page), no two headings
# with the same id (a page numbers its duplicates).
_SECTION_START = re.compile(r"\n[ \t]*\n(?=#{1,6}[ \t\n])")
_HEADING_ID = re.compile(r'<h[1-6] id="([^"]*)"')
_SECTION_CACHE_SIZE = 4000  # about 10 MB of HTML; a batch of kits of one template needs fewer
_sections: dict[str, str] = {}


def _split_sections(text: str) -> list[str] | None:
    if text.startswith("---") or "```" in text or "~~~" in text or "]:" in text:
        return None
    cuts = [match.end() for match in _SECTION_START.finditer(text)]
    if not cuts:
        return None
    return [text[start:end] for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True)]


def render_markdown(text: str) -> str:
    """Markdown (with or without its YAML front matter) to an HTML fragment; raw HTML is escaped."""
    sections = _split_sections(text)
    if sections is None:
        return _markdown().render(text)
    parts = []
    for section in sections:
        html = _sections.get(section)
        if html is None:
            if len(_sections) >= _SECTION_CACHE_SIZE:
                _sections.clear()
            html = _sections[section] = _markdown().render(section)
        parts.append(html)
    ids = [found for part in parts for found in _HEADING_ID.findall(part)]
    if len(ids) != len(set(ids)):
        return _markdown().render(text)  # the whole page numbers its duplicate headings
    return "".join(parts)


def parse_markdown(text: str) -> list:
    """The block tokens of a Markdown text (for writers of other formats, such as DOCX)."""
    return _markdown().parse(text)


def parse_inline(text: str) -> list:
    """The tokens of one line of Markdown."""
    return _markdown().parseInline(text)


def render_inline(text: str) -> str:
    """One line of Markdown (emphasis, links, code) to HTML, without a surrounding paragraph."""
    return _markdown().renderInline(text)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split a sheet into (front matter text, body, 1-based line of the body's first line).

    The front matter sits between a first line `---` and the next `---` (or `...`) line; without it,
    the front matter is None and the whole text is the body.
    """
    lines = text.splitlines(keepends=True)
    if not lines or not _FENCE.match(lines[0].rstrip("\r\n")):
        return None, text, 1
    for index in range(1, len(lines)):
        if _FENCE_END.match(lines[index].rstrip("\r\n")):
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    return None, text, 1


def find_raw_html(body: str, first_line: int = 1) -> list[tuple[int, str]]:
    """(line, snippet) of each raw HTML tag in a Markdown body, code spans and blocks excepted."""
    global _html_finder
    if _html_finder is None:
        from markdown_it import MarkdownIt

        _html_finder = MarkdownIt("commonmark", {"html": True})
    found = []
    for token in _html_finder.parse(body):
        line = first_line + (token.map[0] if token.map else 0)
        if token.type == "html_block":
            found.append((line, token.content.strip().splitlines()[0]))
        elif token.type == "inline":
            position = 0
            for child in token.children or ():
                if child.type == "html_inline":
                    position = max(token.content.find(child.content, position), position)
                    found.append((line + token.content.count("\n", 0, position), child.content))
    return found


def headings(text: str) -> list[tuple[int, str, int]]:
    """(level, plain text, 0-based line) of each heading of a Markdown text, code blocks excepted."""
    tokens = _markdown().parse(text)
    return [
        (int(token.tag[1]), tokens[index + 1].content.strip(), token.map[0] if token.map else 0)
        for index, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


# Profile text in Markdown: every character that could start a construct is backslash-escaped
# (CommonMark §2.4), so a value renders as the same characters. Newlines are refused at load.
_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]<>#|~])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_BLOCK_START = re.compile(r"^([-+=])|^(\d+)([.)])")


def escape_markdown(text: str) -> str:
    """Plain text made inert in Markdown: no emphasis, link, image, HTML, heading, list or table cell."""
    escaped = _ENTITY.sub(r"\\&", _INLINE_SPECIALS.sub(r"\\\1", text))
    # At the start of a line these open a list, a heading underline or a thematic break.
    return _BLOCK_START.sub(lambda m: "\\" + m[1] if m[1] else m[2] + "\\" + m[3], escaped, count=1)


def plain_text(markdown: str) -> str:
    """The text a reader sees of one line of Markdown (a title): escapes resolved, markup dropped."""
    tokens = _markdown().parseInline(markdown.strip())
    parts = []
    for child in (tokens[0].children or []) if tokens else []:
        if child.type in ("text", "code_inline", "text_special") or child.type == "image":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)
