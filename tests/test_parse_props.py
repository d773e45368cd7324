"""Properties: no text ever makes parsing raise, and prose never loses a word."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ankigen.model import SourceFile
from ankigen.parse import parse_file, parse_text
from tests.parse_helpers import texts

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
def test_any_text_parses_without_raising(text: str) -> None:
    parse_text(text, SOURCE)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_parse_without_raising(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("bytes") / "notes.md"
    path.write_bytes(data)
    parse_file(SourceFile(path, "notes.md", path.parent))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_LINE, st.just(None)), min_size=1, max_size=25))
def test_every_word_of_plain_prose_is_kept(lines: list[tuple[str, list[str], str] | None]) -> None:
    text = "\n".join("" if line is None else f"{line[0]}{' '.join(line[1])}{line[2]}" for line in lines)
    document = parse_text(text, SOURCE)
    kept = set(re.findall(r"[a-z]+", " ".join(texts(document))))
    assert set(re.findall(r"[a-z]+", text)) <= kept
