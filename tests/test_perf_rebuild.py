"""Shortcuts a rebuild takes must give exactly what the long way gives."""

from __future__ import annotations

import html

import nh3
from hypothesis import given, settings
from hypothesis import strategies as st

from ankigen.similarity import plain_text


def parsed_plain_text(markup: str) -> str:
    """`plain_text` the long way: always through the HTML parser."""
    return " ".join(html.unescape(nh3.clean(markup.replace("<", " <"), tags=set())).split())


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8")))
def test_plain_text_matches_the_html_parser_on_any_text(text: str) -> None:
    assert plain_text(text) == parsed_plain_text(text)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_characters="<&\x00\ufeff", codec="utf-8")))
def test_plain_text_without_markup_skips_nothing_the_parser_would_change(text: str) -> None:
    assert plain_text(text) == parsed_plain_text(text)


def test_plain_text_edge_cases() -> None:
    for text in [
        "\ufeffBOM first",
        "a\r\nb",
        "x\x0cy\x0b",
        "a > b",
        "non\xa0breaking",
        "a\x00b",
        "&amp; <b>x</b>",
    ]:
        assert plain_text(text) == parsed_plain_text(text)
