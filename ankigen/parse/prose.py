"""Is this run of lines prose (sentences, bullets, points) or code?

Notes often indent prose by four spaces or a tab, or fence a list of steps without a language;
CommonMark calls both code.  These line-level tests tell the two apart so that only genuine
code is shown as code.  They look at whole lines only; they never parse Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = [
    "LIST_MARKER",
    "content_column",
    "indent_of",
    "is_wrapped_paragraph",
    "looks_like_prose",
    "prose_runs",
    "split_point",
]

TAB_WIDTH = 4

LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
_LINE_BREAK = re.compile(r"<br\s*/?>\s*$", re.IGNORECASE)

# Signs that a line is code, a command or a diagram: any one of them keeps a block as code.
_CODE_SIGNS = re.compile(
    r"""
      [{};]\s*$                          # ends a block or a statement
    | ^\s*[{}]                           # opens with a brace
    | [=!]=|&&|\|\||::|\+\+|\w\(\)|-->|<--|==>  # operators, calls, diagram arrows
    | ^\s*(?:\$\s|>>>|\#!|//|/\*)          # prompts and comments
    | ^\s*(?:def|import|function|var|const|sudo|cd|ls|git|pip|npm|docker|kubectl|curl|echo|aws)\s
    | ^\s*(?:SELECT|INSERT|UPDATE|DELETE|CREATE)\s
    | ^\s*[\w.-]+=\S                        # key=value
    | ^\s*[a-z]+[_.][\w.]*\s*:              # snake_case: or dotted.key:
    | \S[ \t]{3,}\S                       # columns aligned with runs of spaces
    | ^\s*"[^"]*"\s*:                     # JSON keys
    """,
    re.VERBOSE,
)
_WORD = re.compile(r"[^\W\d_]{2,}")
_SENTENCE_END = re.compile(r"[.:;!?\u3002\uff1a]\s*$")


def indent_of(line: str) -> int:
    """The column where the line's text starts, tabs to multiples of four."""
    expanded = line.expandtabs(TAB_WIDTH)
    return len(expanded) - len(expanded.lstrip(" "))


def _is_prose_line(line: str) -> bool:
    text = LIST_MARKER.sub("x ", line, count=1).strip() if LIST_MARKER.match(line) else line.strip()
    words = _WORD.findall(text)
    if not words:
        return False
    letters = sum(len(word) for word in words)
    visible = sum(1 for char in text if not char.isspace())
    return letters >= 0.6 * visible


def prose_runs(lines: Sequence[str]) -> list[tuple[bool, list[str]]]:
    """The lines cut at blank lines into runs of prose and runs of code, each run with its kind.

    An indented block often holds both: notes indented by four spaces, then a real snippet.
    Blank lines stay with the run before them, so the runs join back into the lines.
    """
    runs: list[tuple[bool, list[str]]] = []
    chunk: list[str] = []
    for index, line in enumerate(lines):
        chunk.append(line)
        if not line.strip() and (index + 1 == len(lines) or lines[index + 1].strip()):
            _add_run(runs, chunk)
            chunk = []
    if chunk:
        _add_run(runs, chunk)
    return runs


def _add_run(runs: list[tuple[bool, list[str]]], chunk: list[str]) -> None:
    prose = looks_like_prose(chunk)
    if runs and runs[-1][0] == prose:
        runs[-1][1].extend(chunk)
    else:
        runs.append((prose, list(chunk)))


def looks_like_prose(lines: Sequence[str]) -> bool:
    """True when no line looks like code and most lines read as words."""
    filled = [line for line in lines if line.strip()]
    if not filled or any(_CODE_SIGNS.search(line) for line in filled):
        return False
    return sum(1 for line in filled if _is_prose_line(line)) >= 0.6 * len(filled)


def is_wrapped_paragraph(lines: Sequence[str]) -> bool:
    """Lines of one hard-wrapped paragraph: every line but the last is long and runs on."""
    filled = [line.strip() for line in lines if line.strip()]
    if len(filled) < 2:
        return True
    return all(len(line) >= 50 and not _SENTENCE_END.search(line) for line in filled[:-1])


def content_column(line: str) -> int:
    """Where a line's text starts, after its list marker if it has one."""
    marker = LIST_MARKER.match(line)
    return len(marker.group(0).expandtabs(TAB_WIDTH)) - 1 if marker else indent_of(line)


def split_point(source: Sequence[str]) -> int | None:
    """Index of the first line after the first where CommonMark continues the paragraph but the
    author did not: a line indented past the text, or starting a list at its indent (a nested
    list or outline: a bullet would have started a list already, so this finds `2.`, deeper
    markers and indented points), or a line left of a list item's text after an explicit
    `<br>` (the author broke the line; CommonMark's lazy continuation would glue it on)."""
    if len(source) < 2 or any(line.lstrip().startswith(">") for line in source):
        return None  # (one line has nothing after its first)
    base = content_column(source[0])
    for index in range(1, len(source)):
        line = source[index]
        column = indent_of(line)
        if column > base or (column == base and LIST_MARKER.match(line)):
            return index
        if column < base and _LINE_BREAK.search(source[index - 1]):
            return index
    return None
