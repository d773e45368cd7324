"""The inline texts a file's parse did not see (sentences cut out of a paragraph, and other
fragments the card rules render) are tokenised by markdown-it-pyrs only where that gives
markdown-it-py's `parseInline` token for token; linkify-it's pretest is answered at once only
where linkify-it's own would say no.  markdown-it-py and linkify-it stay the reference."""

from __future__ import annotations

import re
import sys
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ankigen import per_file
from ankigen.config import load_config
from ankigen.discover import discover
from ankigen.inline_memo import InlineMemoMarkdown
from ankigen.parse.accelerated import accelerated_inline, accelerated_tokens
from ankigen.parse.linkify import QuickPretestLinkify, pretest_is_as_assumed
from ankigen.parse.markdown import new_markdown
from bench.corpus import CorpusSpec, generate

ROOT = Path(__file__).resolve().parent.parent
_REFERENCE = new_markdown()  # plain markdown-it-py, its own linkify-it


def _dump(tokens: list[Token]) -> list[MutableMapping[str, Any]]:
    return [token.as_dict() for token in tokens]


def _agrees(text: str) -> bool:
    """Whether the accelerated path was taken; fails if it was taken and differs."""
    fast = accelerated_inline(InlineMemoMarkdown(new_markdown()), text)
    if fast is None:
        return False
    assert _dump(fast) == _dump(_REFERENCE.parseInline(text, {})), text
    return True


# -- accelerated parseInline: generated text -------------------------------------------------
_WORDS = st.sampled_from(
    ["S3", "bucket", "a", "is", "99.99%", "x_y", "例え", "ключ", "café", "(see", "note)", "-", "+",
     "1.", "2)", "#", "##", "!", "?", ":", "|", "'s", "—", "example.com", "www.aws.com", "me@mail.com",
     "x*y", "a_b_", "_", "*", "**", "***", "~", "~~", "~~~", "```", "`", "[", "]", "(", ")", "\\", "\\*",
     ">", "=", "==", "---", "===", "\u00a0", "\u0085", "\u3000", "\t", "$", "<b>", "&amp;", "[x]: /u",
     "\u00a2", "\u2192", "\U0001f680", "\u0384", "\u201c", "~~~~", "`  `", "`   `"]
)  # fmt: skip
_ATOM = st.one_of(
    _WORDS,
    _WORDS.map(lambda w: f"**{w}**"),
    _WORDS.map(lambda w: f"*{w}*"),
    _WORDS.map(lambda w: f"_{w}_"),
    _WORDS.map(lambda w: f"__{w}__"),
    _WORDS.map(lambda w: f"~~{w}~~"),
    _WORDS.map(lambda w: f"`{w}`"),
    _WORDS.map(lambda w: f"[{w}](https://docs.aws.amazon.com/{w.strip('()[]<>')})"),
    _WORDS.map(lambda w: f'![{w} **b**](i-{len(w)}.png "t")'),
    st.just("see https://aws.amazon.com/s3 now"),
)
_SEPARATOR = st.sampled_from([" ", " ", "", "  ", "\n", ". ", "  \n"])
_EDGE = st.sampled_from(["", "", "", " ", "  ", "    ", "\t", "\n", "\u00a0", "- ", "1. ", "# ", "> "])


@st.composite
def _inline_texts(draw: st.DrawFn) -> str:
    atoms = draw(st.lists(_ATOM, min_size=1, max_size=6))
    text = atoms[0] + "".join(draw(_SEPARATOR) + atom for atom in atoms[1:])
    return str(draw(_EDGE) + text + draw(_EDGE))


@settings(max_examples=400, deadline=None)
@given(_inline_texts())
def test_accelerated_inline_is_markdown_it_pys_parse_inline_or_none(text: str) -> None:
    _agrees(text)


def test_it_takes_sentences_and_declines_what_is_not_one_paragraph() -> None:
    taken = ["**IOPS** caches access.", "a `b` [c](https://d.org/e) ![f *g*](h.png) ~~i~~ \\*", "x\\"]
    assert all(_agrees(text) for text in taken)
    declined = ["# Title", "- item", "1. item", "> quote", "***", "```py", "    code", " lead", "trail ",
                "two\nlines", "hard  \nbreak", "a <b>c</b>", "a &amp; b", "$x$", "tab\there", "[x]: /u",
                "see https://plain.url"]  # fmt: skip
    for text in declined:
        assert accelerated_inline(InlineMemoMarkdown(new_markdown()), text) is None, text
    assert accelerated_inline(MarkdownIt("commonmark"), "plain") is None, "another dialect"


@pytest.mark.parametrize(
    "text",
    [
        "S3 ~~a~~~~b~~",  # markdown-it-py: two struck words (four tildes are two delimiters); pyrs: one
        "a \x85_b_",  # NEL: whitespace to pyrs, not to markdown-it-py
        "a\u00a2_b_ and **c**\u2192d and \U0001f680*e*",  # symbols: punctuation to markdown-it-py only
        "`   `a",  # a code span of spaces: pyrs trims it
    ],
)
def test_where_pyrs_differs_both_paths_decline(text: str) -> None:
    # found by the property above; the document path shared each divergence
    md = InlineMemoMarkdown(new_markdown())
    assert accelerated_inline(md, text) is None and accelerated_tokens(md, text) is None


def test_an_image_inside_emphasis_keeps_its_level_on_both_paths() -> None:
    text = "*see ![diagram](d.png) here*"
    assert _agrees(text)
    fast = accelerated_tokens(InlineMemoMarkdown(new_markdown()), text)
    assert fast is not None and _dump(fast) == _dump(_REFERENCE.parse(text))


# -- accelerated parseInline: every text the card rules ask about ----------------------------
def _asked(notes: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text `parseInline` is asked about while cards are made from the notes under `notes`."""
    asked: list[str] = []

    class Recording(InlineMemoMarkdown):
        def parseInline(self, src: str, env: MutableMapping[str, Any] | None = None) -> list[Token]:
            asked.append(src)
            return super().parseInline(src, env)

    monkeypatch.setattr(per_file, "InlineMemoMarkdown", Recording)
    config = load_config(root)
    for source in discover([notes], config.root):
        per_file.process_file(source, config)
    return asked


def test_benchmark_fragments_agree_and_take_the_accelerated_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = generate(CorpusSpec(200), tmp_path)
    asked = sorted(set(_asked(folder / "notes", folder, monkeypatch)))
    assert len(asked) > 100
    taken = [text for text in asked if _agrees(text)]
    assert len(taken) >= 0.9 * len(asked), f"{len(taken)} of {len(asked)}"


def test_real_and_shipped_fragments_agree(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = set(_asked(corpus, corpus, monkeypatch)) | set(_asked(ROOT / "notes", ROOT, monkeypatch))
    assert asked
    for text in sorted(asked):
        _agrees(text)


# -- linkify-it's pretest --------------------------------------------------------------------
_LINKISH = st.sampled_from(
    [".", ":", "/", "//", "@", "a", "Z", "7", " ", "\n", ".com", ".COM", ".io", ".рф", ".xn--p1ai", ".12.",
     "localhost", "LOCALHOST", "localho\u017ft", "\u212a", "\u017f", "\u0130", "\u0131", "www.", "WWW.",
     "http:", "mailto:", "ftp:", "..", ". ", "x.y", "e.g.",
     "3.5", "例", "\u3002", ">", "_", "-", "(", ")", "\u00a0"]
)  # fmt: skip


_QUICK, _LINKIFY_IT = QuickPretestLinkify(), LinkifyIt()


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_LINKISH, st.text(max_size=3)), max_size=12).map("".join))
def test_quick_pretest_answers_as_linkify_its_own(text: str) -> None:
    assert _QUICK.pretest(text) == bool(_LINKIFY_IT.pretest(text))
    assert _QUICK.test(text) == bool(_LINKIFY_IT.test(text))


def test_quick_pretest_is_used_and_saves_the_search() -> None:
    linkify = QuickPretestLinkify()
    assert linkify.quick_pretest, "linkify-it's pretest changed shape: re-check ankigen.parse.linkify"
    assert not linkify.pretest("A sentence. Another one, with **bold** and `code`.")
    assert linkify.pretest("see aws.amazon.com") and linkify.pretest("mail me@x.org")


def test_every_case_variant_of_a_digit_or_tld_letter_is_a_word_character() -> None:
    # What the quick test's `\.\w` relies on: linkify-it matches those case-insensitively.
    tld_starts = "".join(sorted({tld[0] for tld in LinkifyIt().re["src_tlds"].split("|")}))
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    matched = re.findall(f"[0-9{re.escape(tld_starts)}]|\\d", every, re.IGNORECASE)
    assert len(matched) > 300
    assert all(re.fullmatch(r"\w", char) for char in matched)


def test_a_pretest_of_another_shape_is_never_short_cut() -> None:
    linkify = QuickPretestLinkify().add("skype", "http:")  # a schema without ':' or '/'
    assert not pretest_is_as_assumed(linkify) and not linkify.quick_pretest
    assert linkify.pretest("call skype") == bool(LinkifyIt().add("skype", "http:").pretest("call skype"))
    assert QuickPretestLinkify().add("skype:", "http:").quick_pretest
