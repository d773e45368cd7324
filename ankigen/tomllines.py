"""Which line of a TOML file sets a key, so that config errors can point at it.

tomllib parses but keeps no positions; this only locates table headers and `key =` lines in
the text tomllib has already accepted (it never reads values), which is all an error needs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["line_of"]

_HEADER = re.compile(r"^[ \t]*(\[\[?)[ \t]*([^\[\]#]+?)[ \t]*\]\]?[ \t]*(?:#.*)?$")
KeyPath = Sequence[str | int]


def _names(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in dotted.split("."))


def _regions(lines: Sequence[str], base: tuple[str, ...]) -> list[tuple[tuple[str | int, ...], int, int]]:
    """(table path below `base`, first line index, end index) of every table; arrays get indexes."""
    headers: list[tuple[tuple[str | int, ...] | None, int]] = [((), -1) if not base else (None, -1)]
    counts: dict[tuple[str, ...], int] = {}
    for index, line in enumerate(lines):
        match = _HEADER.match(line)
        if match is None:
            continue
        names = _names(match.group(2))
        if match.group(1) == "[[":
            counts[names] = counts.get(names, -1) + 1
        concrete: list[str | int] = []
        for depth in range(len(names)):
            concrete.append(names[depth])
            if names[: depth + 1] in counts:
                concrete.append(counts[names[: depth + 1]])
        below = tuple(concrete[len(base) :]) if tuple(concrete[: len(base)]) == base else None
        headers.append((below, index))
    regions = []
    for number, (path, start) in enumerate(headers):
        end = headers[number + 1][1] if number + 1 < len(headers) else len(lines)
        if path is not None:
            regions.append((path, start, end))
    return regions


def _find(lines: Sequence[str], start: int, end: int, keys: Sequence[str]) -> int:
    """1-based line of `keys[0] =` in lines[start:end], following the rest on from there; 0 if absent."""
    first = re.compile(rf"^\s*[\"']?{re.escape(keys[0])}[\"']?\s*[=.]")
    for index in range(max(start, 0), end):
        if first.match(lines[index]):
            found = index
            for key in keys[1:]:
                later = re.compile(rf"(?<![\w-])[\"']?{re.escape(key)}[\"']?\s*=")
                found = next((i for i in range(found, end) if later.search(lines[i])), found)
            return found + 1
    return 0


def line_of(text: str, path: KeyPath, base: Sequence[str] = ()) -> int:
    """The 1-based line that sets `path` (e.g. ("exams", 1, "domains", "Storage")), 0 if unknown.

    `base` is the table the config lives in ("tool", "ankigen" in pyproject.toml). The deepest
    table that exists is searched; failing a key line, its header line is the answer.
    """
    lines = text.split("\n")
    regions = _regions(lines, tuple(base))
    for depth in range(len(path), -1, -1):
        for table, start, end in regions:
            if table != tuple(path[:depth]):
                continue
            keys = [key for key in path[depth:] if isinstance(key, str)]
            line = _find(lines, start + 1, end, keys) if keys else 0
            if line or start >= 0:
                return line or start + 1
    return 0
