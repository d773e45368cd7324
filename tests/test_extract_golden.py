"""Golden tests: every fixture under tests/fixtures/extract/ gives exactly the cards in its .json.

A change in extraction shows as a readable diff; regenerate with
`.venv/bin/python -m tests.extract_golden` once the new cards are the intended ones.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.extract_golden import cards_of, fixtures, golden_path, render_json


@pytest.mark.parametrize("path", fixtures(), ids=lambda p: p.name)
def test_fixture_gives_its_golden_cards(path: Path) -> None:
    golden = golden_path(path)
    assert golden.is_file(), f"no golden file: run `python -m tests.extract_golden` for {path.name}"
    expected = golden.read_text(encoding="utf-8")
    actual = render_json(cards_of(path))
    if actual != expected:
        # compare as data so pytest shows the differing card, not one long string
        assert json.loads(actual) == json.loads(expected)
        assert actual == expected


def test_every_shape_has_a_fixture() -> None:
    names = {p.stem for p in fixtures()}
    assert {
        "terms",
        "questions",
        "topics",
        "cloze",
        "structure",
        "render",
        "outline",
        "i18n",
        "prose",
    } <= names
