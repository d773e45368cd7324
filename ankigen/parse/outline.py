"""Plain-text outlines (no Markdown at all) to the same section tree Markdown gives.

A line at column 0 starts a topic; indented lines under it are its points, nested by indent.
"""

from __future__ import annotations

import re

from ankigen.model import Block, Document, ListItem, Section, SourceFile

__all__ = ["looks_like_outline", "parse_outline"]

_MARKDOWN_SIGNS = re.compile(r"^\s{0,3}(#{1,6}\s|[-*+]\s|\d+[.)]\s|```|>|\|)|^[=-]{3,}\s*$", re.M)
_LEADER = re.compile(r"^(?:\.{1,4}|:>|->|=>)\s*")


def looks_like_outline(text: str, suffix: str) -> bool:
    """True when the text has indented structure but none of Markdown's block syntax."""
    if _MARKDOWN_SIGNS.search(text):
        return False
    lines = [line for line in text.split("\n") if line.strip()]
    indented = sum(1 for line in lines if line[:1] in (" ", "\t"))
    return indented >= max(2, len(lines) // 5)


def _depth(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


def parse_outline(text: str, source: SourceFile) -> Document:
    sections: list[Section] = []
    title, title_line, points = "", 1, list[tuple[int, int, str]]()

    def flush() -> None:
        if title or points:
            items = _nest(points)
            blocks = (Block("list", points[0][1], info="bullet", items=items),) if items else ()
            sections.append(Section(title=title, level=1 if title else 0, line=title_line, blocks=blocks))

    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        if raw[0] not in (" ", "\t"):
            flush()
            title, title_line, points = raw.strip().rstrip(":"), number, []
        else:
            points.append((_depth(raw), number, _LEADER.sub("", raw.strip())))
    flush()
    return Document(source=source, sections=tuple(sections))


def _nest(points: list[tuple[int, int, str]]) -> tuple[ListItem, ...]:
    """Indented lines to nested list items: deeper lines belong to the nearest shallower one."""
    if not points:
        return ()
    base = points[0][0]
    items: list[ListItem] = []
    i = 0
    while i < len(points):
        depth, line, text = points[i]
        j = i + 1
        while j < len(points) and points[j][0] > max(depth, base):
            j += 1
        children = _nest(points[i + 1 : j])
        nested = (Block("list", points[i + 1][1], info="bullet", items=children),) if children else ()
        items.append(ListItem(text=text, line=line, children=nested))
        i = j
    return tuple(items)
