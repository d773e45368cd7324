"""The real notes in ../shared/corpus (skipped when absent): headings, no prose as code, no lost line.

These tests restate nothing from the notes: they derive what to expect from each file itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ankigen.model import Document, Section
from ankigen.parse import parse_file
from ankigen.parse.prose import looks_like_prose
from ankigen.parse.text import decode
from tests.conftest import CORPUS
from tests.parse_helpers import all_blocks, source_for, texts

FILES = sorted(CORPUS.glob("*")) if CORPUS.is_dir() else []
_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_WORD = re.compile(r"[^\W_]{3,}")


def parsed(path: Path) -> Document:
    return parse_file(source_for(path))


def source_lines(path: Path) -> list[str]:
    return decode(path.read_bytes()).text.split("\n")


def headings(lines: list[str]) -> list[str]:
    found, fenced = [], False
    for line in lines:
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := _ATX.match(line)):
            found.append(" ".join(match.group(1).split()))
    return found


def titles(sections: tuple[Section, ...]) -> list[str]:
    found = []
    for section in sections:
        found.append(" ".join(section.title.split()))
        found.extend(titles(section.children))
    return [title for title in found if title]


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_corpus_headings_all_become_sections_in_order(corpus: Path, path: Path) -> None:
    document = parsed(path)
    assert titles(document.sections) == headings(source_lines(path))
    assert [d for d in document.diagnostics if d.severity == "error"] == []


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_corpus_has_no_code_blocks_made_of_prose(corpus: Path, path: Path) -> None:
    for block in all_blocks(parsed(path)):
        if block.kind == "code":
            assert not looks_like_prose(block.text.split("\n")), f"{path.name}:{block.line}"


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_corpus_every_line_is_accounted_for(corpus: Path, path: Path) -> None:
    """Every word of every source line is somewhere in the tree (`&nbsp;` is spacing, not a word)."""
    kept = set(_WORD.findall(" ".join(texts(parsed(path)))))
    missing = [
        (number, word)
        for number, line in enumerate(source_lines(path), start=1)
        for word in _WORD.findall(line.replace("&nbsp;", " "))
        if word not in kept
    ]
    assert missing == []
