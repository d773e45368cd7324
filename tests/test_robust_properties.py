"""Properties over arbitrary input: a build never raises, and whatever it writes imports into Anki."""

from __future__ import annotations

import html
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ankigen.config import Config
from ankigen.pipeline import BuildOptions, build
from ankigen.sanitize import cloze_numbers, sanitize, sanitize_cloze, text_field
from tests.anki_helpers import collection, import_package, notes_of
from tests.robust_helpers import active_content, visible_text

# Pieces of Markdown, HTML, Anki syntax and awkward characters, so that examples hit the parser's
# and the sanitiser's corners far more often than uniformly random text would.
FRAGMENTS = [
    "# ", "## ", "###### ", "\n", "\n\n", "- ", "* ", "1. ", "> ", "    ", "\t", "**", "*", "_", "`",
    "```", "```python\n", "~~~", "|", "| a | b |\n|---|---|\n", "---\n", "$", "$$", "\\", "[", "](", ")",
    "![", "<", ">", "</", "<b>", "<script>", "<img src=x onerror=alert(1)>", "javascript:", "{{c1::",
    "{{", "}}", "::", "{{Front}}", "&lt;", "&#123;", "&amp;", "<!-- id: x -->", "---\ntitle: t\n---\n",
    "\x1f", "\x00", "\r\n", "\r", "\ufeff", "\ufdd0", "\ufdd2", "\u200b", "é", "東京", "🙂", "\U0010ffff",
]  # fmt: skip
NOTES_TEXT = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=6), max_size=40).map("".join)
SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def _build_and_check(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "notes").mkdir()
        for name, data in files.items():
            (root / "notes" / name).write_bytes(data)
        result = build([root / "notes"], Config(root=root), BuildOptions(root / "out"))
        assert all(str(d).count("\n") == 0 for d in result.diagnostics)
        with collection(root / "col") as col:
            for deck in result.decks:
                import_package(col, deck.path)
            notes = notes_of(col)
            assert len(notes) == len(result.cards)
            assert all(col.get_note(nid).cards() for nid in col.find_notes(""))
        for note in notes:
            assert len(note.fields) == 4
            for value in note.fields.values():
                assert active_content(value) == []
                assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\ufdd0-\ufdd2]", value)
            if note.notetype == "ankigen Cloze":
                assert cloze_numbers(note.fields["Text"])


@pytest.mark.parametrize("text", ["{{c1::}}", "{{c0::zero}}", "# T\n\nsome {{c1::}} text and {{c2::more}}\n"])
def test_clozes_anki_makes_no_card_of_are_text(text: str) -> None:
    """hypothesis found it: a note made only of `{{c1::}}` was a cloze note without a card."""
    _build_and_check({"empty.md": text.encode("utf-16")})


@SETTINGS
@given(NOTES_TEXT, NOTES_TEXT)
def test_any_text_builds_and_imports(first: str, second: str) -> None:
    _build_and_check(
        {
            "a.md": first.encode("utf-8", "surrogatepass"),
            "b.txt": second.encode("utf-8", "surrogatepass"),
        }
    )


@settings(max_examples=15, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["utf-16", "latin-1", "cp1252", "utf-8"]), NOTES_TEXT)
def test_any_bytes_build_and_import(noise: bytes, encoding: str, text: str) -> None:
    _build_and_check({"noise.md": noise, "encoded.md": text.encode(encoding, "replace")})


@settings(max_examples=200, deadline=None)
@given(NOTES_TEXT)
def test_the_field_guard_holds_for_any_input(text: str) -> None:
    for value in (
        sanitize(text),
        sanitize_cloze(text),
        sanitize_cloze("{{c1::" + text + "}}"),
        text_field(text),
    ):
        assert active_content(value) == []
        assert "\x1f" not in value
    # Once guarded, guarding again changes nothing: the package-level guard is safe to repeat.
    assert sanitize(sanitize(text)) == sanitize(text)
    assert html.unescape(text_field(text)) == re.sub(r"[\x00-\x08\x0b-\x1f\x7f\ufeff\ufdd0-\ufdd2]", "", text)


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=8)


@settings(max_examples=10, deadline=None)
@given(st.lists(st.tuples(WORD, st.lists(WORD, min_size=1, max_size=4)), min_size=1, max_size=6))
def test_every_word_of_plain_notes_reaches_a_card(sections: list[tuple[str, list[str]]]) -> None:
    text = "".join(
        f"## {title}\n\n" + "".join(f"- {word}\n" for word in words) + "\n" for title, words in sections
    )
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "notes").mkdir()
        (root / "notes" / "n.md").write_text(text, encoding="utf-8")
        result = build([root / "notes"], Config(root=root), BuildOptions(root / "out"))
        with collection(root / "col") as col:
            for deck in result.decks:
                import_package(col, deck.path)
            seen = " ".join(visible_text(v) for note in notes_of(col) for v in note.fields.values())
    for title, words in sections:
        assert title in seen and all(word in seen for word in words)
