"""Block nodes of markdown-it-pyrs's tree to markdown-it-py's block tokens, with their line maps."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import markdown_it_pyrs
from markdown_it.common.utils import mdTrim
from markdown_it.token import Token

from ankigen.parse.accelerated._tokens import INLINE_NODES, Declined, inline_tokens, unsure_inline

__all__ = ["Translator"]

_MAX_LEVEL = 30  # block nesting (2 per list level) kept well below markdown-it's maxNesting
_ALIGN = {"left": "left", "right": "right", "center": "center"}
_blank_token = Token.__new__


# A line that ends a top-level table in both parsers when it follows the last row directly: a
# bullet with text or an ATX heading (notes append bullets to a section that ends in a table).
_ENDS_TABLE = re.compile(r"(?:[-+*] +[^ |]|#{1,6} +[^ |#])[^|]*$")

# A list item's first line: indent, marker, the spaces after it, and the rest.
_ITEM = re.compile(r"([-+*]|[0-9]{1,9}[.)])( *)(.*)")


@dataclass
class Translator:
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
        srcmap = node.srcmap
        if srcmap is None:
            raise Declined(node.name)
        start, end = srcmap
        starts = self.starts
        return bisect_right(starts, start) - 1, bisect_right(starts, max(start, end - 1))

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
        token = _blank_token(Token)  # as `new_token` makes them, each field set once
        token.type = kind
        token.tag = tag
        token.nesting = nesting
        token.attrs = attrs or {}
        token.map = map
        token.level = level
        token.children = children
        token.content = content
        token.markup = markup
        token.info = info
        token.meta = {}
        token.block = True
        token.hidden = hidden
        self.tokens.append(token)
        return token

    # -- blocks ------------------------------------------------------------------------------
    def document(self, root: markdown_it_pyrs.Node) -> None:
        nodes = root.children
        self._blocks(nodes, [node.name for node in nodes], 0, 0, self.count, tight=False, item_line=-1)

    def _blocks(
        self,
        nodes: Sequence[markdown_it_pyrs.Node],
        names: Sequence[str],
        level: int,
        indent: int,
        bound: int,
        tight: bool,
        item_line: int,
    ) -> None:
        """Block children of a container (a list item's, whose marker is on `item_line`); runs of
        inline nodes are a tight item's paragraphs; `names`: the nodes' names, read once (each
        read of a pyrs node's field makes a new object)."""
        if level >= _MAX_LEVEL:
            raise Declined("nesting")
        i = 0
        while i < len(nodes):
            node = nodes[i]
            if names[i] in INLINE_NODES:
                j = i
                while j < len(nodes) and names[j] in INLINE_NODES:
                    j += 1
                if not tight:
                    raise Declined("inline outside a paragraph")
                after = self._span(nodes[j])[0] if j < len(nodes) else bound
                # pyrs maps inline nodes loosely: the run starts with the item, or after the block
                # before it (a tight item has no blank line between its blocks)
                start = item_line if i == 0 else self._span(nodes[i - 1])[1]
                if start < 0 or self._blank(start):
                    raise Declined("paragraph start")
                self._paragraph(nodes[i:j], start, level, indent, after, True, item_line)
                i = j
                continue
            after = self._span(nodes[i + 1])[0] if i + 1 < len(nodes) else bound
            self._block(node, level, indent, after, item_line)
            i += 1

    def _start_byte(self, node: markdown_it_pyrs.Node) -> int:
        if node.srcmap is None:
            raise Declined(node.name)
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
            raise Declined(name)

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
        limit = min(after, self.count)
        lines = self.lines
        while end < limit and lines[end].strip(" "):  # up to the next blank line
            end += 1
        # the first line after its item's marker (its leading spaces are trimmed with the content)
        raw = lines[start][indent:] if start == item_line else lines[start]
        if end > start + 1:  # and the lines it runs on to, dedented
            raw = "\n".join([raw, *(_dedent(line, indent) for line in lines[start + 1 : end])])
        content = _trim(raw)
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
            raise Declined("unclosed fence")  # pyrs and markdown-it-py end those differently
        content, info = str(meta["content"]), str(meta["info"])
        self._push("fence", "code", 0, level, content, markup, info, map=self._map(start, end))

    def _list(self, node: markdown_it_pyrs.Node, level: int, after: int) -> None:
        ordered = node.name == "ordered_list"
        kind, tag = ("ordered_list", "ol") if ordered else ("bullet_list", "ul")
        marker = str(node.meta["marker"])
        items = node.children
        if not items or any(item.name != "list_item" for item in items):
            raise Declined("list")
        spans = [self._span(item) for item in items]  # each item's, and the next one's start
        start = spans[0][0]
        attrs: dict[str, str | int | float] = {}
        if ordered and int(node.meta["start"]) != 1:
            attrs["start"] = int(node.meta["start"])
        opening = self._push(f"{kind}_open", tag, 1, level, markup=marker, attrs=attrs)
        contents = [item.children for item in items]
        names = [[child.name for child in children] for children in contents]
        tight = not any("paragraph" in item_names for item_names in names)
        end = start
        for index, item in enumerate(items):
            first, end = spans[index]
            while end > first + 1 and self._blank(end - 1):
                end -= 1  # back to its content's last line: pyrs's map may hold blank lines after it
            while end < self.count and self._blank(end):
                end += 1  # markdown-it's item ends at the next line with text (or the end)
            bound = spans[index + 1][0] if index + 1 < len(items) else after
            prefix = self.data[self.starts[first] : self._start_byte(item)].decode()
            found = _ITEM.fullmatch(self.lines[first], len(prefix))
            if prefix.strip(" ") or found is None or not found.group(3) or len(found.group(2)) > 4:
                raise Declined("item")  # not alone on its line, empty, or starting with code
            number = found.group(1)[:-1] if ordered else ""
            content_indent = len(prefix) + len(found.group(1)) + len(found.group(2))
            span = self._map(first, end)
            self._push("list_item_open", "li", 1, level + 1, markup=marker, info=number, map=span)
            self._blocks(contents[index], names[index], level + 2, content_indent, bound, tight, first)
            self._push("list_item_close", "li", -1, level + 1, markup=marker)
        opening.map = self._map(start, end)
        self._push(f"{kind}_close", tag, -1, level, markup=marker)

    def _table(self, node: markdown_it_pyrs.Node, level: int) -> None:
        start, end = self._span(node)
        rows = self.lines[start:end]
        if any("\\|" in line or "|" not in line for line in rows) or (
            end < self.count
            and not self._blank(end)
            and not (level == 0 and _ENDS_TABLE.match(self.lines[end]))
        ):
            raise Declined("table")  # escaped pipes, rows without a pipe, or what follows may be a row
        aligns = [_ALIGN.get(str(a)) for a in node.meta.get("alignments", [])]
        sections = node.children
        if not sections or sections[0].name != "thead" or len(sections) > 2:
            raise Declined("table")
        self._push("table_open", "table", 1, level, map=self._map(start, end))
        self._push("thead_open", "thead", 1, level + 1, map=self._map(start, start + 1))
        self._row(sections[0].children, "th", aligns, level + 2, start)
        self._push("thead_close", "thead", -1, level + 1)
        if len(sections) == 2:
            if sections[1].name != "tbody":
                raise Declined("table")
            self._push("tbody_open", "tbody", 1, level + 1, map=self._map(start + 2, end))
            for row in sections[1].children:
                self._row([row], "td", aligns, level + 2, self._span(row)[0])
            self._push("tbody_close", "tbody", -1, level + 1)
        self._push("table_close", "table", -1, level)

    def _row(
        self, rows: Sequence[markdown_it_pyrs.Node], tag: str, aligns: list[str | None], level: int, line: int
    ) -> None:
        if len(rows) != 1 or rows[0].name != "trow" or len(rows[0].children) != len(aligns):
            raise Declined("table row")
        span = self._map(line, line + 1)
        self._push("tr_open", "tr", 1, level, map=span)
        for cell, align in zip(rows[0].children, aligns, strict=True):
            if cell.name != "tcell" or cell.srcmap is None:
                raise Declined("table cell")
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
        inline_tokens(children, nodes, 0, self.data)
        reason = unsure_inline(content, children)
        if reason:
            raise Declined(reason)
        self._push("inline", "", 0, level, content=content, map=list(span), children=children)


def _trim(raw: str) -> str:
    """markdown-it-py's trim of a block's inline content; declined where it strips Unicode
    spaces (no-break, ideographic) that markdown-it-pyrs keeps as text."""
    trimmed = mdTrim(raw)
    if trimmed != raw.strip(" \n"):
        raise Declined("Unicode space at an edge")
    return trimmed


def _dedent(line: str, indent: int) -> str:
    """A continuation line as markdown-it's getLines gives it: up to `indent` spaces removed."""
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, indent) :]
