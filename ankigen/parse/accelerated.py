"""markdown-it-py's token stream, built from markdown-it-pyrs's tree when that is provably the same.

markdown-it-py is the reference and stays so: `parse_tokens` is the one place that chooses, and
it falls back to `md.parse` whenever this module declines.  markdown-it-pyrs (the Rust port of
markdown-it, by markdown-it-py's maintainers) builds its syntax tree some ten times faster; this
module turns that tree into the tokens markdown-it-py's block and inline rules would have made
(types, tags, nesting, levels, line maps, contents, markups, infos, attributes, hidden tight
paragraphs), then runs markdown-it-py's own remaining core rules on them (linkify, text join,
the inline memo), so linkification and everything after it is the reference's own code.

It declines, up front or on meeting any node it does not know, everything where the two parsers
are not known to agree: another dialect than ankigen's, math (`$`, which pyrs lacks), raw HTML
and autolinks (`<`), entities (`&`), link reference definitions (`]:`), tabs, control
characters and Unicode spaces, block quotes, footnotes, plain-text URLs (`://` outside link
destinations: the reference links those while parsing inline text), unpaired backticks,
unclosed fences, empty list items, very deep nesting, and inputs that make pyrs panic.
A differential test holds it to token-for-token identity with markdown-it-py.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import markdown_it_pyrs
from markdown_it import MarkdownIt
from markdown_it.common.utils import mdTrim
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ankigen.gc_pause import paused_gc

__all__ = ["accelerated_tokens", "parse_tokens"]

# ankigen's dialect (ankigen.parse.markdown.new_markdown), rule by rule: any other parser is
# left to markdown-it-py, so a change of dialect can never be served by a stale translation.
_CORE = ("normalize", "block", "inline", "linkify", "text_join")
_CORE_EXTRA = ((), ("ankigen_inline_memo",))
_BLOCK = (
    "front_matter", "table", "code", "math_block", "fence", "blockquote", "hr", "list", "reference",
    "html_block", "heading", "lheading", "paragraph",
)  # fmt: skip
_INLINE = (
    "text", "linkify", "newline", "math_inline", "escape", "backticks", "strikethrough", "emphasis",
    "link", "image", "autolink", "html_inline", "entity",
)  # fmt: skip
_INLINE2 = ("balance_pairs", "strikethrough", "emphasis", "fragments_join")
_OPTIONS = {"maxNesting": 40, "html": True, "linkify": True, "typographer": False}

# Characters and sequences whose handling differs between the parsers, or that start constructs
# this module does not translate.
_DECLINED = re.compile(
    r"[$<&\t\x00-\x08\x0b-\x1f\x7f\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]|\]:"
)
_MAX_LEVEL = 30  # block nesting (2 per list level) kept well below markdown-it's maxNesting
_ALIGN = {"left": "left", "right": "right", "center": "center"}


_new_token = Token.__new__


def _token(
    kind: str,
    tag: str,
    nesting: Literal[-1, 0, 1],
    level: int,
    block: bool,
    content: str = "",
    markup: str = "",
    info: str = "",
) -> Token:
    """`Token(kind, tag, nesting, level=level, block=block, content=..., ...)`, without the
    dataclass machinery (a third of the translation's time); every field is set, so a Token
    that grows a field fails loudly here rather than differing quietly."""
    token = _new_token(Token)
    token.type = kind
    token.tag = tag
    token.nesting = nesting
    token.attrs = {}
    token.map = None
    token.level = level
    token.children = None
    token.content = content
    token.markup = markup
    token.info = info
    token.meta = {}
    token.block = block
    token.hidden = False
    return token


class _Declined(Exception):
    """The tree holds something this module does not translate exactly."""


def parse_tokens(md: MarkdownIt, text: str) -> list[Token]:
    """`md.parse(text)`: from markdown-it-pyrs when it provably gives the same tokens, else from md."""
    tokens = accelerated_tokens(md, text)
    return md.parse(text) if tokens is None else tokens


def accelerated_tokens(md: MarkdownIt, text: str) -> list[Token] | None:
    """The tokens `md.parse(text)` gives, built from markdown-it-pyrs's tree; None when declined."""
    if not _is_ankigen_dialect(md) or _DECLINED.search(text):
        return None
    lines = text.split("\n")
    tokens: list[Token] = []
    first = 0
    if text.startswith("-"):
        front = _front_matter(md, lines)
        if front is None:
            return None
        if front:
            tokens.append(front[0])
            first = front[1]
    body = text[sum(len(line) + 1 for line in lines[:first]) :] if first else text
    # The translation makes ~100k acyclic objects per 10k lines and no cycles: collecting
    # during it only walks the heap (it was a third of its time).
    with paused_gc():
        try:
            _Translator(body, first, tokens).document(_pyrs_tree(body))
        except _Declined:
            return None
        state = StateCore(text, md, {}, tokens)
        names = md.core.ruler.get_active_rules()
        for rule in md.core.ruler.getRules("")[names.index("inline") + 1 :]:
            rule(state)  # markdown-it-py's own: linkify, text join, ankigen's inline memo
    return state.tokens


def _pyrs_tree(text: str) -> markdown_it_pyrs.Node:
    parser = markdown_it_pyrs.MarkdownIt("commonmark").enable_many(["table", "strikethrough"])
    try:
        return parser.tree(text)
    except BaseException as exc:
        # markdown-it-pyrs 0.4 panics on some inputs (code spans in table cells): PyO3 raises
        # its PanicException, a BaseException, which means only "not this way".
        if type(exc).__name__ == "PanicException":
            raise _Declined("markdown-it-pyrs failed") from exc
        raise


def _is_ankigen_dialect(md: MarkdownIt) -> bool:
    core = tuple(md.core.ruler.get_active_rules())
    return (
        any(core == (*_CORE, *extra) for extra in _CORE_EXTRA)
        and tuple(md.block.ruler.get_active_rules()) == _BLOCK
        and tuple(md.inline.ruler.get_active_rules()) == _INLINE
        and tuple(md.inline.ruler2.get_active_rules()) == _INLINE2
        and all(md.options.get(name) == value for name, value in _OPTIONS.items())
    )


def _front_matter(md: MarkdownIt, lines: Sequence[str]) -> tuple[Token, int] | tuple[()] | None:
    """The document's front matter token and the line after it, by markdown-it-py's own rule run
    on the lines up to its closing marker; () when there is none; None when unsure."""
    rule = next(r.fn for r in md.block.ruler.__rules__ if r.name == "front_matter")
    head: list[Token] = []
    if not rule(StateBlock(lines[0], md, {}, head), 0, 1, True):
        return ()
    close = next(
        (i for i in range(1, len(lines)) if lines[i].lstrip(" ").startswith("---") or lines[i][:3] == "..."),
        None,
    )
    if close is None:
        return None
    state = StateBlock("\n".join(lines[: close + 1]), md, {}, head)
    if not rule(state, 0, state.lineMax, False) or len(head) != 1 or head[0].map != [0, close + 1]:
        return None
    return head[0], close + 1


@dataclass
class _Translator:
    """Turns one pyrs tree of `text` (whose first line is line `offset` of the document) into tokens."""

    text: str
    offset: int
    tokens: list[Token]

    def __post_init__(self) -> None:
        self.data = self.text.encode()
        self.lines = self.text.split("\n")
        # markdown-it counts no line after a final "\n", nor a final line of only spaces
        self.count = len(self.lines) - (0 if self.lines[-1].strip(" ") else 1)
        starts = [0]
        for line in self.lines[:-1]:
            starts.append(starts[-1] + len(line.encode()) + 1)
        self.starts = starts

    # -- positions ---------------------------------------------------------------------------
    def _line(self, byte: int) -> int:
        return bisect_right(self.starts, byte) - 1

    def _span(self, node: markdown_it_pyrs.Node) -> tuple[int, int]:
        """The node's first line and the line after its last (pyrs maps bytes, end exclusive)."""
        if node.srcmap is None:
            raise _Declined(node.name)
        start, end = node.srcmap
        return self._line(start), self._line(max(start, end - 1)) + 1

    def _line_end(self, line: int) -> int:
        return self.starts[line] + len(self.lines[line].encode())

    def _blank(self, line: int) -> bool:
        return not self.lines[line].strip(" ")

    def _map(self, start: int, end: int) -> list[int]:
        return [start + self.offset, end + self.offset]

    def _push(
        self,
        kind: str,
        tag: str,
        nesting: Literal[-1, 0, 1],
        level: int,
        content: str = "",
        markup: str = "",
        info: str = "",
        map: list[int] | None = None,
        hidden: bool = False,
        attrs: dict[str, str | int | float] | None = None,
        children: list[Token] | None = None,
    ) -> Token:
        token = _token(kind, tag, nesting, level, True, content, markup, info)
        token.map = map
        token.hidden = hidden
        if attrs:
            token.attrs = attrs
        token.children = children
        self.tokens.append(token)
        return token

    # -- blocks ------------------------------------------------------------------------------
    def document(self, root: markdown_it_pyrs.Node) -> None:
        self._blocks(root.children, 0, 0, self.count, tight=False, item_line=-1)

    def _blocks(
        self,
        nodes: Sequence[markdown_it_pyrs.Node],
        level: int,
        indent: int,
        bound: int,
        tight: bool,
        item_line: int,
    ) -> None:
        """Block children of a container (a list item's, whose marker is on `item_line`); runs of
        inline nodes are a tight item's paragraphs."""
        if level >= _MAX_LEVEL:
            raise _Declined("nesting")
        i = 0
        while i < len(nodes):
            node = nodes[i]
            if node.name in _INLINE_NODES:
                j = i
                while j < len(nodes) and nodes[j].name in _INLINE_NODES:
                    j += 1
                if not tight:
                    raise _Declined("inline outside a paragraph")
                after = self._span(nodes[j])[0] if j < len(nodes) else bound
                # pyrs maps inline nodes loosely: the run starts with the item, or after the block
                # before it (a tight item has no blank line between its blocks)
                start = item_line if i == 0 else self._span(nodes[i - 1])[1]
                if start < 0 or self._blank(start):
                    raise _Declined("paragraph start")
                self._paragraph(nodes[i:j], start, level, indent, after, True, item_line)
                i = j
                continue
            after = self._span(nodes[i + 1])[0] if i + 1 < len(nodes) else bound
            self._block(node, level, indent, after, item_line)
            i += 1

    def _start_byte(self, node: markdown_it_pyrs.Node) -> int:
        if node.srcmap is None:
            raise _Declined(node.name)
        return node.srcmap[0]

    def _block(
        self, node: markdown_it_pyrs.Node, level: int, indent: int, after: int, item_line: int
    ) -> None:
        name = node.name
        if name == "paragraph":
            start = self._span(node)[0]
            self._paragraph(node.children, start, level, indent, after, False, item_line)
        elif name == "heading":
            self._heading(node, level)
        elif name == "lheading":
            self._lheading(node, level, indent)
        elif name in ("bullet_list", "ordered_list"):
            self._list(node, level, after)
        elif name == "fence":
            self._fence(node, level, indent)
        elif name == "code_block":
            start, end = self._span(node)
            content = str(node.meta.get("content", ""))
            self._push("code_block", "code", 0, level, content=content, map=self._map(start, end))
        elif name == "hr":
            start, _ = self._span(node)
            marker = str(node.meta["marker"])
            markup = marker * (self.lines[start].count(marker) + 1)
            self._push("hr", "hr", 0, level, markup=markup, map=self._map(start, start + 1))
        elif name == "table":
            self._table(node, level)
        else:
            raise _Declined(name)

    def _paragraph(
        self,
        children: Sequence[markdown_it_pyrs.Node],
        start: int,
        level: int,
        indent: int,
        after: int,
        hidden: bool,
        item_line: int,
    ) -> None:
        end = start + 1
        while end < min(after, self.count) and not self._blank(end):
            end += 1
        # the first line after its item's marker (its leading spaces are trimmed with the content)
        first = self.lines[start][indent:] if start == item_line else self.lines[start]
        rest = [_dedent(line, indent) for line in self.lines[start + 1 : end]]
        content = _trim("\n".join([first, *rest]))
        span = self._map(start, end)
        self._push("paragraph_open", "p", 1, level, map=span, hidden=hidden)
        self._inline(content, children, level + 1, span)
        self._push("paragraph_close", "p", -1, level, hidden=hidden)

    def _heading(self, node: markdown_it_pyrs.Node, level: int) -> None:
        start, _ = self._span(node)
        depth = int(node.meta["level"])
        text = self.data[self._start_byte(node) : self._line_end(start)].decode().lstrip(" ")[depth:]
        text = text.rstrip(" ")
        stripped = text.rstrip("#")  # a closing sequence counts only after a space
        if len(stripped) < len(text) and stripped and stripped[-1] == " ":
            text = stripped
        tag, markup = f"h{depth}", "#" * depth
        span = self._map(start, start + 1)
        self._push("heading_open", tag, 1, level, markup=markup, map=span)
        self._inline(_trim(text), node.children, level + 1, span)
        self._push("heading_close", tag, -1, level, markup=markup)

    def _lheading(self, node: markdown_it_pyrs.Node, level: int, indent: int) -> None:
        start, end = self._span(node)
        depth = int(node.meta["level"])
        marker = str(node.meta["marker"])
        first = self.data[self._start_byte(node) : self._line_end(start)].decode()
        rest = [_dedent(line, indent) for line in self.lines[start + 1 : end - 1]]
        content = _trim("\n".join([first, *rest]))
        tag = f"h{depth}"
        self._push("heading_open", tag, 1, level, markup=marker, map=self._map(start, end))
        self._inline(content, node.children, level + 1, self._map(start, end - 1))
        self._push("heading_close", tag, -1, level, markup=marker)

    def _fence(self, node: markdown_it_pyrs.Node, level: int, indent: int) -> None:
        start, end = self._span(node)
        meta = node.meta
        markup = str(meta["marker"]) * int(meta["marker_len"])
        last = self.lines[end - 1]
        closing = last.strip(" ")
        spaces = len(last) - len(last.lstrip(" "))
        unclosed = end - start < 2 or len(closing) < len(markup) or closing.strip(markup[0])
        if unclosed or not indent <= spaces < indent + 4:
            raise _Declined("unclosed fence")  # pyrs and markdown-it-py end those differently
        content, info = str(meta["content"]), str(meta["info"])
        self._push("fence", "code", 0, level, content, markup, info, map=self._map(start, end))

    def _list(self, node: markdown_it_pyrs.Node, level: int, after: int) -> None:
        ordered = node.name == "ordered_list"
        kind, tag = ("ordered_list", "ol") if ordered else ("bullet_list", "ul")
        marker = str(node.meta["marker"])
        items = node.children
        if not items or any(item.name != "list_item" for item in items):
            raise _Declined("list")
        start, _ = self._span(items[0])
        attrs: dict[str, str | int | float] = {}
        if ordered and int(node.meta["start"]) != 1:
            attrs["start"] = int(node.meta["start"])
        opening = self._push(f"{kind}_open", tag, 1, level, markup=marker, attrs=attrs)
        tight = all(child.name != "paragraph" for item in items for child in item.children)
        end = start
        for index, item in enumerate(items):
            first, end = self._span(item)
            while end > first + 1 and self._blank(end - 1):
                end -= 1  # back to its content's last line: pyrs's map may hold blank lines after it
            while end < self.count and self._blank(end):
                end += 1  # markdown-it's item ends at the next line with text (or the end)
            bound = self._span(items[index + 1])[0] if index + 1 < len(items) else after
            prefix = self.data[self.starts[first] : self._start_byte(item)].decode()
            found = _ITEM.fullmatch(self.lines[first], len(prefix))
            if prefix.strip(" ") or found is None or not found.group(3) or len(found.group(2)) > 4:
                raise _Declined("item")  # not alone on its line, empty, or starting with code
            number = found.group(1)[:-1] if ordered else ""
            content_indent = len(prefix) + len(found.group(1)) + len(found.group(2))
            span = self._map(first, end)
            self._push("list_item_open", "li", 1, level + 1, markup=marker, info=number, map=span)
            self._blocks(item.children, level + 2, content_indent, bound, tight, first)
            self._push("list_item_close", "li", -1, level + 1, markup=marker)
        opening.map = self._map(start, end)
        self._push(f"{kind}_close", tag, -1, level, markup=marker)

    def _table(self, node: markdown_it_pyrs.Node, level: int) -> None:
        start, end = self._span(node)
        rows = self.lines[start:end]
        if any("\\|" in line or "|" not in line for line in rows) or (
            end < self.count and not self._blank(end)
        ):
            raise _Declined("table")  # escaped pipes, rows without a pipe, or no blank line after it
        aligns = [_ALIGN.get(str(a)) for a in node.meta.get("alignments", [])]
        sections = node.children
        if not sections or sections[0].name != "thead" or len(sections) > 2:
            raise _Declined("table")
        self._push("table_open", "table", 1, level, map=self._map(start, end))
        self._push("thead_open", "thead", 1, level + 1, map=self._map(start, start + 1))
        self._row(sections[0].children, "th", aligns, level + 2, start)
        self._push("thead_close", "thead", -1, level + 1)
        if len(sections) == 2:
            if sections[1].name != "tbody":
                raise _Declined("table")
            self._push("tbody_open", "tbody", 1, level + 1, map=self._map(start + 2, end))
            for row in sections[1].children:
                self._row([row], "td", aligns, level + 2, self._span(row)[0])
            self._push("tbody_close", "tbody", -1, level + 1)
        self._push("table_close", "table", -1, level)

    def _row(
        self, rows: Sequence[markdown_it_pyrs.Node], tag: str, aligns: list[str | None], level: int, line: int
    ) -> None:
        if len(rows) != 1 or rows[0].name != "trow" or len(rows[0].children) != len(aligns):
            raise _Declined("table row")
        span = self._map(line, line + 1)
        self._push("tr_open", "tr", 1, level, map=span)
        for cell, align in zip(rows[0].children, aligns, strict=True):
            if cell.name != "tcell" or cell.srcmap is None:
                raise _Declined("table cell")
            attrs: dict[str, str | int | float] = {"style": f"text-align:{align}"} if align else {}
            self._push(f"{tag}_open", tag, 1, level + 1, attrs=attrs)
            content = _trim(self.data[cell.srcmap[0] : cell.srcmap[1]].decode())
            self._inline(content, cell.children, level + 2, span)
            self._push(f"{tag}_close", tag, -1, level + 1)
        self._push("tr_close", "tr", -1, level)

    # -- inline ------------------------------------------------------------------------------
    def _inline(
        self, content: str, nodes: Sequence[markdown_it_pyrs.Node], level: int, span: list[int]
    ) -> None:
        children: list[Token] = []
        _inline_tokens(children, nodes, 0, self.data)
        if ("://" in content or "`" in content) and _unsure(children):
            raise _Declined("plain-text URL or unpaired backtick")
        if "`" in content and "\n " in content:
            raise _Declined("code span over indented lines")  # pyrs drops their indent
        self._push("inline", "", 0, level, content=content, map=list(span), children=children)


def _trim(raw: str) -> str:
    """markdown-it-py's trim of a block's inline content; declined where it strips Unicode
    spaces (no-break, ideographic) that markdown-it-pyrs keeps as text."""
    trimmed = mdTrim(raw)
    if trimmed != raw.strip(" \n"):
        raise _Declined("Unicode space at an edge")
    return trimmed


def _dedent(line: str, indent: int) -> str:
    """A continuation line as markdown-it's getLines gives it: up to `indent` spaces removed."""
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, indent) :]


# A list item's first line: indent, marker, the spaces after it, and the rest.
_ITEM = re.compile(r"([-+*]|[0-9]{1,9}[.)])( *)(.*)")

_INLINE_NODES = frozenset(
    {"text", "softbreak", "hardbreak", "strong", "em", "strikethrough", "code_inline", "link", "image",
     "text_special"}
)  # fmt: skip


def _inline_tokens(out: list[Token], nodes: Sequence[markdown_it_pyrs.Node], level: int, data: bytes) -> None:
    """Inline nodes to markdown-it-py's inline tokens as they stand before its core rules run
    (adjacent text joined, as its fragments_join leaves them; escapes still apart)."""
    for node in nodes:
        name = node.name
        if name == "text":
            content = node.meta["content"]
            last = out[-1] if out else None
            if last is not None and last.type == "text":
                last.content += content
            else:
                out.append(_token("text", "", 0, level, False, content))
        elif name == "softbreak" or name == "hardbreak":
            out.append(_token(name, "br", 0, level, False))
        elif name == "strong" or name == "em" or name == "strikethrough":
            marker = node.meta["marker"]
            if name == "strong":
                kind, tag, markup = "strong", "strong", marker * 2
                # markdown-it-py empties the outer delimiter of each `**` rather than dropping
                # it: an empty text token stays around a strong pair unless text joins it.
                if not out or out[-1].type != "text":
                    out.append(_token("text", "", 0, level, False))
            elif name == "em":
                kind, tag, markup = "em", "em", marker
            else:
                kind, tag, markup = "s", "s", "~~"
            out.append(_token(kind + "_open", tag, 1, level, False, "", markup))
            _inline_tokens(out, node.children, level + 1, data)
            out.append(_token(kind + "_close", tag, -1, level, False, "", markup))
            if name == "strong":
                out.append(_token("text", "", 0, level, False))
        elif name == "text_special":
            meta = node.meta
            if meta.get("info") != "escape":
                raise _Declined("text_special")
            out.append(_token("text_special", "", 0, level, False, meta["content"], meta["markup"], "escape"))
        elif name == "code_inline":
            meta = node.meta
            content = "".join(child.meta["content"] for child in node.children)
            out.append(
                _token("code_inline", "code", 0, level, False, content, meta["marker"] * meta["marker_len"])
            )
        elif name == "link":
            meta = node.meta
            opening = _token("link_open", "a", 1, level, False)
            opening.attrs = (
                {"href": meta["url"], "title": meta["title"]} if meta.get("title") else {"href": meta["url"]}
            )
            out.append(opening)
            _inline_tokens(out, node.children, level + 1, data)
            out.append(_token("link_close", "a", -1, level, False))
        elif name == "image":
            out.append(_image(node, data))
        else:
            raise _Declined(name)


def _image(node: markdown_it_pyrs.Node, data: bytes) -> Token:
    """An image: its alt text is parsed on its own (levels from 0), and kept raw as content."""
    meta = node.meta
    children = node.children
    if node.srcmap is None:
        raise _Declined("image")
    start = node.srcmap[0] + 2
    end = children[-1].srcmap[1] if children and children[-1].srcmap else start
    if data[end : end + 2] != b"](" or b"\n" in data[start:end]:
        raise _Declined("image label")
    image = _token("image", "img", 0, 0, False, data[start:end].decode())
    image.attrs = {"src": meta["url"], "alt": ""}
    if meta.get("title"):
        image.attrs["title"] = meta["title"]
    alt: list[Token] = []
    _inline_tokens(alt, children, 0, data)
    image.children = alt or None
    return image


def _unsure(tokens: Sequence[Token]) -> bool:
    """Whether a text token (alt texts included) holds `://`, which markdown-it-py links while
    parsing inline text, or a backtick left unpaired, around which the two parsers disagree on
    what a code span or a link is."""
    return any(
        ("://" in token.content or "`" in token.content)
        if token.type == "text"
        else bool(token.children and _unsure(token.children))
        for token in tokens
    )
