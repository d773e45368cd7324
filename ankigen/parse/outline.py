"""Plain-text outlines (no Markdown at all) to the same section tree Markdown gives.

A short line at column 0 starts a topic (a Section; a long sentence there is a paragraph);
the indented lines under it are its points, nested by indent (and by the number of dots in a
`.`/`..`/`...` leader); a point ending in `:` takes the deeper lines below it as its
children; lines of `___`, `...` or `....` end a topic.  Nesting deeper than MAX_LIST_DEPTH is
flattened onto the deepest level: the text is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ankigen.model import Block, Diagnostic, Document, ListItem, Section, SourceFile
from ankigen.parse.prose import LIST_MARKER, indent_of

__all__ = [
    "MAX_LIST_DEPTH",
    "Point",
    "looks_like_outline",
    "nest",
    "opens_with_front_matter",
    "parse_outline",
    "points",
]

MAX_LIST_DEPTH = 16

_SEPARATOR = re.compile(r"^[ \t]*(?:_{3,}|\.{3,}|-{3,}|={3,}|\*{3,}|~{3,})[ \t]*$")
# `.`, `..`, `...` (two or three dots may touch the text: `..point`, but `.NET` is a word), `:>`,
# `->`, `=>`, bullets, and `>` quote marks.
_LEADER = re.compile(
    r"^(?:(?P<dots>\.{1,3})[ \t]+|(?P<tight>\.{2,3})(?=[^\W\d_])|[:=-]>[ \t]*|[-*+•][ \t]+|>+[ \t]*)"
)
# Markdown's own block syntax: any of it and the file is read as Markdown.  Front matter is
# checked apart: an outline may open with it too.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n")
_MARKDOWN_BLOCKS = re.compile(
    r"^ {0,3}(?:#{1,6}[ \t]+\S|```|~~~|\|.*\|[ \t]*$)"  # ATX heading, fence, table row
    r"|^\S.*\n {0,3}={2,}[ \t]*$",  # setext heading
    re.M,
)


@dataclass(frozen=True)
class Point:
    """One outline line: how deep it sits, where it is, and its text without the leader."""

    depth: tuple[int, int]  # (indent column, leader dots): compared as a pair
    line: int
    text: str


def looks_like_outline(text: str, front_matter: bool = False) -> bool:
    """True when the text is structured by indentation and leaders rather than Markdown.

    Markdown headings, fences, tables or setext underlines mean Markdown, and so does front
    matter unless `front_matter` (the caller reads it apart).  Otherwise the file is an outline
    when its indented or dot-led lines clearly outnumber its top-level list lines.
    """
    if (not front_matter and _FRONT_MATTER.match(text)) or _MARKDOWN_BLOCKS.search(text):
        return False
    outline_lines = markdown_lines = topics = 0
    for line in text.split("\n"):
        if not line.strip() or _SEPARATOR.match(line):
            continue
        if LIST_MARKER.match(line) and line[0] not in " \t":
            markdown_lines += 1
        elif line[0] in " \t" or _LEADER.match(line):
            outline_lines += 1
        else:
            topics += 1
    return outline_lines >= 2 and topics >= 1 and outline_lines > 2 * markdown_lines


def opens_with_front_matter(text: str) -> bool:
    return _FRONT_MATTER.match(text) is not None


def points(lines: Iterable[str], first_line: int) -> list[Point]:
    """The non-blank lines as points, numbered from `first_line`."""
    found = []
    for number, raw in enumerate(lines, start=first_line):
        text = raw.strip()
        if not text:
            continue
        leader = _LEADER.match(text)
        dots = len(leader.group("dots") or leader.group("tight") or "") if leader else 0
        stripped = text[leader.end() :].strip() if leader else text
        found.append(Point((indent_of(raw), dots), number, stripped or text))
    return found


@dataclass
class _Node:
    depth: tuple[int, int]
    item: ListItem
    children: list[_Node] = field(default_factory=list)

    def freeze(self) -> ListItem:
        if not self.children:
            return self.item
        items = tuple(child.freeze() for child in self.children)
        nested = Block("list", items[0].line, info="bullet", items=items)
        return ListItem(self.item.text, self.item.line, (*self.item.children, nested))


def nest(
    found: Sequence[Point], max_depth: int = MAX_LIST_DEPTH, flattened: list[int] | None = None
) -> tuple[ListItem, ...]:
    """Points to nested list items: each point belongs to the nearest shallower one above it.

    Points deeper than `max_depth` join the deepest level; their lines go to `flattened`.
    """
    root = _Node((-1, -1), ListItem("", 0))
    stack = [root]
    for point in found:
        while len(stack) > 1 and stack[-1].depth >= point.depth:
            stack.pop()
        if len(stack) > max_depth + 1:  # past the deepest level: siblings of the last one there
            del stack[max_depth + 1 :]
            if flattened is not None:
                flattened.append(point.line)
        node = _Node(point.depth, ListItem(point.text, point.line))
        stack[-1].children.append(node)
        stack.append(node)
    return tuple(child.freeze() for child in root.children)


def _list(found: Sequence[Point], flattened: list[int]) -> tuple[Block, ...]:
    items = nest(found, flattened=flattened)
    return (Block("list", items[0].line, info="bullet", items=items),) if items else ()


def parse_outline(text: str, source: SourceFile) -> Document:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    sections: list[Section] = []
    title, title_line, body, pending = "", 1, list[Block](), list[Point]()
    flattened: list[int] = []

    def close_list() -> None:
        body.extend(_list(pending, flattened))
        pending.clear()

    def close_topic() -> None:
        close_list()
        if title or body:
            level = 1 if title else 0
            sections.append(Section(title=title, level=level, line=title_line, blocks=tuple(body)))

    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        if _SEPARATOR.match(raw):
            if raw[0] in " \t":
                continue  # an indented rule only spaces points out
            close_topic()
            title, title_line, body = "", number, []
        elif raw[0] in " \t" or _LEADER.match(raw):
            pending.extend(points([raw], number))
        elif _starts_topic(raw):
            close_topic()
            title, title_line, body = raw.strip().rstrip(":").strip() or raw.strip(), number, []
        else:
            close_list()
            body.append(Block("paragraph", number, raw.strip()))
    close_topic()
    diagnostics = [Diagnostic(source.display, 0, "no topics found in outline")] if not sections else []
    if flattened:
        message = f"nested deeper than {MAX_LIST_DEPTH} levels: flattened from here on, text kept"
        diagnostics.append(Diagnostic(source.display, flattened[0], message))
    return Document(source=source, sections=tuple(sections), diagnostics=tuple(diagnostics))


def _starts_topic(raw: str) -> bool:
    """A column-0 line is a topic title unless it reads as a sentence: long, or ending in a period."""
    text = raw.strip()
    return len(text.split()) <= 12 and not text.endswith((".", "\u3002"))
