"""Differential: the memoised inline parser gives exactly the cards of plain markdown-it-py."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ankigen.config import Config, load_config
from ankigen.discover import discover
from ankigen.extract import extract
from ankigen.media import attach_media, resolve_media
from ankigen.model import Card, SourceFile
from ankigen.parse import parse_file
from ankigen.parse.markdown import new_markdown
from ankigen.pipeline import process_file
from ankigen.render import Renderer
from bench.corpus import CorpusSpec, generate


def reference_cards(source: SourceFile, config: Config) -> tuple[Card, ...]:
    """The cards as the plain markdown-it-py renderer makes them: every question parses again."""
    document = parse_file(source)
    media = resolve_media(document)
    cards = extract(document, Renderer(new_markdown(), media.refs), config)
    return tuple(attach_media(card, media.refs) for card in cards)


def test_same_cards_on_generated_corpus(tmp_path: Path) -> None:
    folder = generate(CorpusSpec(200), tmp_path)
    config = load_config(folder)
    for source in discover([folder / "notes"], config.root):
        assert process_file(source, config).cards == reference_cards(source, config)


def test_same_cards_on_real_corpus(corpus: Path, tmp_path: Path) -> None:
    config = load_config(tmp_path)
    for source in discover([corpus], config.root):
        assert process_file(source, config).cards == reference_cards(source, config)


_WORD = st.sampled_from(["S3", "bucket", "Lambda", "VPC", "queue", "11 nines", "IAM role", "x_y", "a*b"])
_INLINE = st.lists(
    st.one_of(
        _WORD,
        _WORD.map(lambda w: f"**{w}**"),
        _WORD.map(lambda w: f"*{w}*"),
        _WORD.map(lambda w: f"`{w}`"),
        _WORD.map(lambda w: f"[{w}][ref]"),
        _WORD.map(lambda w: f"[{w}](https://example.com/{len(w)})"),
        _WORD.map(lambda w: f"![{w}](img.png)"),
        st.sampled_from(["**", "*", "$x^2$", "<b>raw</b>", "https://aws.amazon.com", "\\*", "~~old~~"]),
    ),
    min_size=1,
    max_size=8,
).map(" ".join)
_LINE = st.one_of(
    _INLINE,
    _INLINE.map(lambda s: f"# {s}"),
    _INLINE.map(lambda s: f"## {s}"),
    _INLINE.map(lambda s: f"- {s}"),
    _INLINE.map(lambda s: f"  - {s}"),
    _INLINE.map(lambda s: f"1. {s}"),
    _INLINE.map(lambda s: f"> {s}"),
    st.just("[ref]: https://docs.aws.amazon.com/ref"),
    st.just(""),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_LINE, min_size=1, max_size=14).map("\n".join))
def test_same_cards_on_hypothesis_notes(tmp_path: Path, text: str) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text(text + "\n", encoding="utf-8")
    (tmp_path / "img.png").write_bytes(b"\x89PNG not really")
    config = Config(root=tmp_path)
    source = SourceFile(notes, "notes.md", tmp_path)
    assert process_file(source, config).cards == reference_cards(source, config)
