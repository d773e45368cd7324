"""Properties: no text ever makes parsing raise, and prose never loses a word."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ankigen.model import SourceFile
from ankigen.parse import parse_file, parse_text
from tests.parse_helpers import all_blocks, shape, texts

SOURCE = SourceFile(Path("/tmp/notes.md"), "notes.md", Path("/tmp"))

# Characters that steer Markdown and outline parsing, so examples hit the interesting paths.
_SYNTAX = st.text(alphabet=" \t\n\r-*+#>.:_`~|=1234567890abc<>![](){}$\\&;※•\u00e2\u20ac", max_size=300)
_WORD = st.from_regex(r"[a-z]{2,8}", fullmatch=True)
_LEAD = st.sampled_from(
    ["", " ", "  ", "    ", "\t", "\t\t", "        ", "- ", "* ", "1. ", "  - ", ". ", ".. "]
)
_LINE = st.tuples(_LEAD, st.lists(_WORD, min_size=1, max_size=6), st.sampled_from(["", ":", "."]))


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=300), _SYNTAX))
@example("\r-")  # markdown-it counts a lone CR as a line break
@example("- a\r  2. b\rc<br>\r")
def test_any_text_parses_without_raising(text: str) -> None:
    parse_text(text, SOURCE)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_parse_without_raising(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("bytes") / "notes.md"
    path.write_bytes(data)
    parse_file(SourceFile(path, "notes.md", path.parent))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(_LINE, st.just(None)), min_size=1, max_size=25))
def test_every_word_of_plain_prose_is_kept(lines: list[tuple[str, list[str], str] | None]) -> None:
    text = "\n".join("" if line is None else f"{line[0]}{' '.join(line[1])}{line[2]}" for line in lines)
    document = parse_text(text, SOURCE)
    kept = set(re.findall(r"[a-z]+", " ".join(texts(document))))
    assert set(re.findall(r"[a-z]+", text)) <= kept


# -- an outline and the Markdown it stands for give the same tree ------------------------------
_KEYWORDS = {"def", "import", "function", "var", "const", "sudo", "cd", "ls", "git", "pip", "npm"}
_PLAIN = _WORD.filter(lambda word: word not in _KEYWORDS)
_TEXT = st.lists(_PLAIN, min_size=1, max_size=4).map(" ".join)
_POINTS = st.recursive(
    st.tuples(_TEXT, st.just(())),
    lambda deeper: st.tuples(_TEXT, st.lists(deeper, min_size=1, max_size=3).map(tuple)),
    max_leaves=6,
)
_TOPICS = st.lists(st.tuples(_TEXT, st.lists(_POINTS, min_size=1, max_size=4)), min_size=1, max_size=4)

Point = tuple[str, tuple["Point", ...]]


def _lines(points: list[Point] | tuple[Point, ...], depth: int, indent: str, marker: str) -> list[str]:
    out = []
    for text, children in points:
        out.append(indent * depth + marker + text)
        out.extend(_lines(children, depth + 1, indent, marker))
    return out


def _shape(text: str) -> list[object]:
    return shape(parse_text(text, SOURCE))


@settings(max_examples=40, deadline=None)
@given(_TOPICS, st.sampled_from(["\t", "    ", "  "]))
def test_outline_and_equivalent_markdown_give_the_same_tree(
    topics: list[tuple[str, list[Point]]], indent: str
) -> None:
    outline = "\n".join(f"{title}\n" + "\n".join(_lines(points, 1, indent, "")) for title, points in topics)
    markdown = "\n\n".join(
        f"# {title}\n" + "\n".join(_lines(points, 0, "  ", "- ")) for title, points in topics
    )
    if sum(len(_lines(points, 0, "", "")) for _, points in topics) >= 2:
        assert _shape(outline) == _shape(markdown)
    assert "code" not in {block.kind for block in all_blocks(parse_text(outline, SOURCE))}
