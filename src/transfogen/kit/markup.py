"""The one Markdown configuration of the kit: safe (no raw HTML), accessible, deterministic."""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from html import unescape
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when first used: planning a calendar reads sheets' YAML, not their Markdown
    from markdown_it import MarkdownIt

_FENCE = re.compile(r"^---[ \t]*$")
_FENCE_END = re.compile(r"^(---|\.\.\.)[ \t]*$")

_parser: MarkdownIt | None = None
_html_finder: MarkdownIt | None = None


@functools.lru_cache(maxsize=4096)  # a kit's pages repeat their section and method titles
def heading_id(title: str) -> str:
    """Heading id: accents folded, lower case, single dashes ("Conseils d'animation" -> "conseils-d-animation")."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug or "section"


# Pages are rendered by cmark-gfm, GitHub's C implementation of CommonMark (about 40 times faster than
# markdown-it-py, whose import alone cost `new` 20 to 50 ms), with the GFM extensions the kit uses: tables,
# ~~strikethrough~~ and task lists; no autolinking of bare addresses. Safe mode (the default) leaves out
# raw HTML (an HTML comment says so) and empties unsafe link addresses (javascript:, vbscript:, file:,
# data: other than images); `templates check` reports raw HTML in a template with its line.
_BLOCK_EXTENSIONS = (b"table", b"strikethrough", b"tasklist")
_INLINE_EXTENSIONS = (b"strikethrough",)


class _Cmark:
    """cmark-gfm's C functions, from the library of the cmarkgfm wheel. cmarkgfm's own wrappers free
    neither the document tree nor the HTML they return (about 9 MB for one kit's pages: a batch of kits
    would pile it up without end); here both are freed once the HTML is copied, as cmark's API asks."""

    def __init__(self) -> None:
        import ctypes

        import cmarkgfm._cmark
        from cmarkgfm.cmark import Options

        pointer, self.string_at = ctypes.c_void_p, ctypes.string_at
        self.lib = lib = ctypes.CDLL(cmarkgfm._cmark.__file__)  # already loaded: the same library
        for name, result, arguments in (
            ("cmark_gfm_core_extensions_ensure_registered", None, []),
            ("cmark_find_syntax_extension", pointer, [ctypes.c_char_p]),
            ("cmark_get_default_mem_allocator", pointer, []),
            ("cmark_parser_new_with_mem", pointer, [ctypes.c_int, pointer]),
            ("cmark_parser_attach_syntax_extension", ctypes.c_int, [pointer, pointer]),
            ("cmark_parser_feed", None, [pointer, ctypes.c_char_p, ctypes.c_size_t]),
            ("cmark_parser_finish", pointer, [pointer]),
            ("cmark_parser_get_syntax_extensions", pointer, [pointer]),
            ("cmark_render_html", pointer, [pointer, ctypes.c_int, pointer]),
            ("cmark_node_free", None, [pointer]),
            ("cmark_parser_free", None, [pointer]),
        ):
            function = getattr(lib, name)
            function.restype, function.argtypes = result, arguments

        class Memory(ctypes.Structure):  # cmark_mem: the allocator that made a tree frees its HTML
            _fields_ = [("calloc", pointer), ("realloc", pointer), ("free", ctypes.CFUNCTYPE(None, pointer))]

        lib.cmark_gfm_core_extensions_ensure_registered()
        self.memory = lib.cmark_get_default_mem_allocator()
        self.free = Memory.from_address(self.memory).free
        self.extensions = {name: lib.cmark_find_syntax_extension(name) for name in _BLOCK_EXTENSIONS}
        self.options = Options.CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES | Options.CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE

    def html(self, text: str, extensions: tuple[bytes, ...]) -> str:
        lib, data = self.lib, text.encode("utf-8")
        parser = lib.cmark_parser_new_with_mem(self.options, self.memory)
        root = None
        try:
            for name in extensions:
                lib.cmark_parser_attach_syntax_extension(parser, self.extensions[name])
            lib.cmark_parser_feed(parser, data, len(data))
            root = lib.cmark_parser_finish(parser)
            html = lib.cmark_render_html(root, self.options, lib.cmark_parser_get_syntax_extensions(parser))
            try:
                return self.string_at(html).decode("utf-8")
            finally:
                self.free(html)
        finally:
            if root:
                lib.cmark_node_free(root)
            lib.cmark_parser_free(parser)


class _CmarkWrappers:
    """cmarkgfm's own wrappers: the same HTML, but what cmark allocates stays allocated. Used only where
    the wheel's library does not give its C functions to ctypes (a Windows `.pyd` exports none)."""

    def __init__(self) -> None:
        from cmarkgfm.cmark import Options, markdown_to_html_with_extensions

        self.render = markdown_to_html_with_extensions
        self.options = Options.CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES | Options.CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE

    def html(self, text: str, extensions: tuple[bytes, ...]) -> str:
        return self.render(text, self.options, [name.decode("ascii") for name in extensions])


_renderer: _Cmark | _CmarkWrappers | None = None


def _cmark(text: str, extensions: tuple[bytes, ...]) -> str:
    global _renderer
    if _renderer is None:
        try:
            _renderer = _Cmark()
        except (OSError, AttributeError):  # no such library or function for ctypes on this platform
            _renderer = _CmarkWrappers()
    return _renderer.html(text, extensions)


# What cmark writes that the pages write otherwise.
_HEADING = re.compile(r"<h([1-4])>(.*?)</h\1>", re.S)
_TAG = re.compile(r"<[^>]*>")
_TASK_ITEM = re.compile(
    # cmark-gfm puts the checkbox first in the item, even before the paragraph of a loose list; the
    # checkbox's text ends where the item's first paragraph does.
    r'<li><input type="checkbox"( checked="")? disabled=""> (\n<p>)?'
    r"((?:[^<\n]+|<(?!/li>|/p>)|\n(?!<(?:ul|ol|p|blockquote|pre|table|h[1-6]|hr)\b))*)"
)
_LIST_TAGS = re.compile(r"<(?:ul|ol)\b[^>]*>|</(?:ul|ol)>|<li class=\"task-list-item\">")
_EMPTY_LINK = re.compile(r'<a href=""(?: title="[^"]*")?>(.*?)</a>', re.S)


def _with_heading_ids(html: str) -> str:
    # Ids for h1-h4 from the heading's text, a repeated one numbered -1, -2... (as markdown-it's anchors).
    taken: set[str] = set()
    tried: dict[str, int] = {}  # the next number to try after a slug: the ones below are taken

    def add_id(match: re.Match) -> str:
        slug = base = heading_id(unescape(_TAG.sub("", match[2]).replace("\n", "")))
        number = tried.get(base, 1)
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        tried[base] = number
        taken.add(slug)
        return f'<h{match[1]} id="{slug}">{match[2]}</h{match[1]}>'

    return _HEADING.sub(add_id, html)


def _labelled_tasks(html: str) -> str:
    # Each checkbox and its text in a <label> (axe rule "label"), with the classes the stylesheets use.
    html = _TASK_ITEM.sub(
        lambda m: (
            '<li class="task-list-item">'
            + ("\n<p>" if m[2] else "")
            + '<label><input class="task-list-item-checkbox"'
            + (' checked="checked"' if m[1] else "")
            + f' disabled="disabled" type="checkbox"> {m[3]}</label>'
        ),
        html,
    )
    open_lists: list[int] = []
    task_lists: set[int] = set()
    for tag in _LIST_TAGS.finditer(html):
        if tag[0].startswith("</"):
            open_lists.pop()
        elif tag[0].startswith("<li"):
            task_lists.add(open_lists[-1])
        else:
            open_lists.append(tag.end() - 1)
    cuts = [0, *sorted(task_lists), len(html)]
    return ' class="contains-task-list"'.join(html[start:end] for start, end in itertools.pairwise(cuts))


def _finish(html: str) -> str:
    html = html.replace(" />", ">")  # HTML5 void elements (text and attributes never hold a raw ">")
    if "<h" in html:
        html = _with_heading_ids(html)
    if '<input type="checkbox"' in html:
        html = _labelled_tasks(html)
    if '<a href=""' in html:
        html = _EMPTY_LINK.sub(r"\1", html)  # a link whose address was refused is its text
    return html


def render_markdown(text: str) -> str:
    """Markdown (with or without its YAML front matter) to an HTML fragment; raw HTML is left out."""
    if text.startswith("---"):
        front, body, _ = split_front_matter(text)
        if front is not None:
            text = body
    return _finish(_cmark(text, _BLOCK_EXTENSIONS))


# In one line of Markdown, what would open a block at the start of a line is escaped (as one line of
# markdown-it's inline parser reads it): a heading, quote, list, table, rule, fence or link definition.
_LINE_INDENT = re.compile(r"^[ \t]+", re.M)
_BLOCK_OPENER = re.compile(r"^(?:[#>+=|-]|\*(?=[ \t]|$)|\*\*\*|___|```|~~~|\[(?=[^\]]*\]:))", re.M)
_LIST_NUMBER = re.compile(r"^(\d{1,9})(?=[.)])", re.M)


def render_inline(text: str) -> str:
    """One line of Markdown (emphasis, links, code) to HTML, without a surrounding paragraph."""
    text = _LIST_NUMBER.sub(r"\1\\", _BLOCK_OPENER.sub(r"\\\g<0>", _LINE_INDENT.sub("", text)))
    html = _finish(_cmark(text, _INLINE_EXTENSIONS))
    return html.removeprefix("<p>").removesuffix("\n").removesuffix("</p>")


def _markdown() -> MarkdownIt:
    # markdown-it-py reads Markdown into tokens for the Word export and the template checks; built once.
    global _parser
    if _parser is None:
        from markdown_it import MarkdownIt
        from mdit_py_plugins.anchors import anchors_plugin
        from mdit_py_plugins.front_matter import front_matter_plugin
        from mdit_py_plugins.tasklists import tasklists_plugin

        _parser = (
            MarkdownIt("js-default", {"html": False})
            .use(front_matter_plugin)
            .use(anchors_plugin, min_level=1, max_level=4, slug_func=heading_id)
            .use(tasklists_plugin, label=True)
            .enable("table")
        )
    return _parser


def parse_markdown(text: str) -> list:
    """The block tokens of a Markdown text (for writers of other formats, such as DOCX)."""
    return _markdown().parse(text)


def parse_inline(text: str) -> list:
    """The tokens of one line of Markdown."""
    return _markdown().parseInline(text)


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


_IMAGE = re.compile(r'<img src="[^"]*" alt="([^"]*)"[^>]*>')


def plain_text(markdown: str) -> str:
    """The text a reader sees of one line of Markdown (a title): escapes resolved, markup dropped."""
    html = render_inline(markdown.strip())
    return unescape(_TAG.sub("", _IMAGE.sub(r"\1", html)).replace("\n", " "))
