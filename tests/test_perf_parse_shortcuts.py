"""The parse's shortcuts answer as the long way does: each is checked against the code it spares.

- `may_link` is the quick linkify pretest's regex, by substring tests on ASCII text;
- `may_linkify` rules out only inline tokens markdown-it-py's linkify rule leaves as they are;
- the declined characters and normalise's rewrites are looked for only where a substring they
  need is present (so are a token stream's images: `tests/test_perf_perfile.py`);
- a list item of one one-line paragraph is read straight from its tokens (`_plain_item`).
"""

from __future__ import annotations

import copy
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore, linkify
from markdown_it.token import Token

from ankigen.model import Document, SourceFile
from ankigen.parse import blocks, markdown, parse_text
from ankigen.parse.accelerated import _DECLINED, _declined
from ankigen.parse.linkify import _MAY_LINK, QuickPretestLinkify, may_link, may_linkify
from ankigen.parse.markdown import new_markdown, normalise
from bench.corpus import CorpusSpec, generate


def _dump(tokens: list[Token]) -> list[MutableMapping[str, Any]]:
    return [token.as_dict() for token in tokens]


# -- may_link ----------------------------------------------------------------------------------
_LINKISH = st.sampled_from(
    [".", ":", "/", "@", "a", "Z", "_", "7", " ", "\n", ".com", ".Io", "localhost", "LocalHost",
     "LOCALHOST", "localho\u017ft", "\u212aey", "www.", "wWw.", "WWW", "ww.", "e.g.", ". A", "3.5",
     "例", ".例", "\u00e9", ".\u00e9", "\u0130", "\u0131"]
)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.one_of(_LINKISH, st.text(max_size=3)), max_size=10).map("".join))
def test_may_link_is_the_quick_pretests_regex(text: str) -> None:
    assert may_link(text) == (_MAY_LINK.search(text) is not None), repr(text)


# -- may_linkify --------------------------------------------------------------------------------
def _before_linkify() -> MarkdownIt:
    """ankigen's parser with the quick pretest, its linkify rule left out (run by hand below)."""
    md = new_markdown()
    md.linkify = QuickPretestLinkify()
    md.core.ruler.disable("linkify")
    return md


_MD = _before_linkify()
_WORDS = st.sampled_from(
    ["S3", "a", "is.", "e.g.", "Q:", "x/y", "api.py", "example.com", "www.aws.com", "me@mail.com",
     "localhost", "https://aws.amazon.com/s3", "http:x", "\\:", "**b**", "`c.d`", "x.y",
     "[docs](https://docs.aws.amazon.com/a)", "[aws.com](x)", "![d](i.png)", "<a href='x'>y.io</a>",
     "~~z~~", "&amp;", "1.", "-"]
)  # fmt: skip
_SEPARATOR = st.sampled_from([" ", "", "\n", "\n\n", "\n- ", "\n\n# "])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_WORDS, min_size=1, max_size=8).flatmap(
        lambda w: st.tuples(st.just(w), st.lists(_SEPARATOR, min_size=len(w), max_size=len(w)))
    )
)
def test_linkify_leaves_every_token_may_linkify_rules_out_as_it_is(
    parts: tuple[list[str], list[str]],
) -> None:
    words, separators = parts
    text = "".join(s + w for w, s in zip(words, separators, strict=True))
    tokens = _MD.parse(text)
    kept = may_linkify(_MD.linkify, tokens)
    for token in tokens:
        if any(token is k for k in kept):
            continue
        alone = copy.deepcopy(token)
        linkify(StateCore(text, _MD, {}, [alone]))
        assert _dump([alone]) == _dump([token]), text
    # and linkify on all of them is linkify on the ones it may change
    everything, some = copy.deepcopy(tokens), copy.deepcopy(tokens)
    linkify(StateCore(text, _MD, {}, everything))
    linkify(StateCore(text, _MD, {}, may_linkify(_MD.linkify, some)))
    assert _dump(everything) == _dump(some), text


def test_may_linkify_rules_out_most_benchmark_paragraphs_and_never_without_the_quick_pretest(
    tmp_path: Path,
) -> None:
    folder = generate(CorpusSpec(100), tmp_path)
    text = next((folder / "notes").rglob("*.md")).read_text()
    tokens = _MD.parse(text)
    inline = [token for token in tokens if token.type == "inline"]
    kept = may_linkify(_MD.linkify, tokens)
    assert len(kept) < 0.2 * len(inline), f"{len(kept)} of {len(inline)}"
    assert may_linkify(new_markdown().linkify, tokens) == tokens  # linkify-it's own: every token
    childless = Token("inline", "", 0, content="a.io")
    assert may_linkify(_MD.linkify, [childless]) == [childless]  # the rule's own business


# -- declined characters, normalise (images: tests/test_perf_perfile.py) ------------------------
_CHARS = st.sampled_from(
    ["a", " ", "\n", "$", "<", "&", "\t", "]", ":", "]:", "\x00", "\x08", "\x0b", "\x1f", "\x7f",
     "\x80", "\x9f", "\xa0", "\u1680", "\u2000", "\u200a", "\u200b", "\u3000", "é", "例", "•",
     "◦", "‣", "-", "*", "**", "&nbsp;", "&#160;", "&nbsp", "\r", "\r\n", "  "]
)  # fmt: skip
_TEXTS = st.lists(st.one_of(_CHARS, st.text(max_size=2)), max_size=14).map("".join)


@settings(max_examples=600, deadline=None)
@given(_TEXTS)
def test_declined_is_the_declined_pattern(text: str) -> None:
    assert _declined(text) == (_DECLINED.search(text) is not None), repr(text)


def _normalise_every_time(text: str) -> str:
    """normalise as it was: both rewrites tried on every text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = markdown._TYPOGRAPHIC_BULLET.sub(r"\1-", text)
    nbsp = markdown._NBSP
    return markdown._NBSP_BULLET.sub(lambda found: " " * len(nbsp.findall(found.group(1))) + "- ", text)


@settings(max_examples=600, deadline=None)
@given(_TEXTS)
def test_normalise_rewrites_as_when_every_text_was_tried(text: str) -> None:
    assert normalise(text) == _normalise_every_time(text), repr(text)


# -- plain list items --------------------------------------------------------------------------
ROOT = Path(__file__).resolve().parent.parent
_SOURCE = SourceFile(Path("/tmp/notes.md"), "notes.md", Path("/tmp"))
_LEADS = st.sampled_from(
    ["", "- ", "* ", "1. ", "2) ", "  - ", "   - ", "    - ", "      - ", "  ", "    ", "> - ", "-", "- # "]
)  # fmt: skip
_ENDS = st.sampled_from(["", "", "  ", "<br>", ":", "\\"])
_LINE = st.tuples(_LEADS, st.sampled_from(["a", "**b** c", "`d`", "e.f", "![g](h.png)", "", "---"]), _ENDS)
_LIST_NOTES = st.lists(_LINE, min_size=1, max_size=14).map(lambda lines: "\n".join("".join(p) for p in lines))


def _both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Document, Document]:
    quick = parse_text(text, _SOURCE)
    with monkeypatch.context() as patched:
        patched.setattr(blocks, "_plain_item", lambda stream, i: None)
        return quick, parse_text(text, _SOURCE)


@settings(max_examples=300, deadline=None)
@given(_LIST_NOTES)
def test_plain_items_are_read_as_the_long_way_reads_them(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        quick, long_way = _both_ways("# T\n\n" + text, monkeypatch)
    assert quick == long_way, text


def test_plain_items_of_benchmark_shipped_and_real_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = generate(CorpusSpec(200), tmp_path)
    paths = sorted((folder / "notes").rglob("*.md")) + sorted((ROOT / "notes").rglob("*.md"))
    corpus = ROOT.parent / "shared" / "corpus"  # (as tests/conftest.py finds the real notes)
    paths += sorted(corpus.rglob("*.md")) if corpus.is_dir() else []
    taken = 0
    original = blocks._plain_item

    def counting(stream: blocks.TokenStream, i: int) -> object:
        nonlocal taken
        found = original(stream, i)
        taken += found is not None
        return found

    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        monkeypatch.setattr(blocks, "_plain_item", counting)
        quick, long_way = _both_ways(text, monkeypatch)
        assert quick == long_way, path
    assert taken > 1000
