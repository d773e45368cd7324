"""Differential: the per-file work's shortcuts (issue 7) answer exactly what the long way answers."""

from __future__ import annotations

import gc

from hypothesis import given, settings
from hypothesis import strategies as st

from ankigen import sanitize
from ankigen.inline_memo import InlineMemoMarkdown
from ankigen.parse.markdown import new_markdown

# What a renderer writes, and what would make nh3 change it: tags nested or not, entities,
# quotes, no-break spaces, cloze placeholders, stray brackets and ampersands.
_FRAGMENT_PIECES = st.sampled_from(
    [
        "S3", " ", "\n", "\t", "<strong>", "</strong>", "<em>", "</em>", "<code>", "</code>", "<s>",
        "</s>", "<b>", "</b>", "<strong >", "<STRONG>", "<br />", "&amp;", "&lt;", "&gt;", "&quot;",
        "&#61;", "&amp", "&", "<", ">", '"', "'", "\xa0", "\ufdd0", "\ufdd2", "1\ufdd1", "é", "=",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_FRAGMENT_PIECES, max_size=14).map("".join))
def test_fragments_nh3_keeps_skip_it_and_come_out_the_same(fragment: str) -> None:
    cleaned = sanitize._CLEANER.clean(fragment)
    if sanitize._kept_by_nh3(fragment):
        assert cleaned == fragment
    assert sanitize._clean(fragment, braces=False) == cleaned


def test_what_nh3_would_change_still_goes_through_it() -> None:
    assert sanitize.clean_html("<strong>open") == "<strong>open</strong>"
    assert sanitize.clean_html("<em><strong>x</em></strong>") == sanitize._CLEANER.clean(
        "<em><strong>x</em></strong>"
    )
    assert sanitize.clean_html("say &quot;hi&quot;") == 'say "hi"'
    assert sanitize.clean_html("<code>a&lt;b</code> &amp; c") == "<code>a&lt;b</code> &amp; c"


def test_a_forgotten_memo_leaves_no_tokens_for_the_collector() -> None:
    md = InlineMemoMarkdown(new_markdown())
    md.parse("- **a** b\n- c `d`\n")
    assert md.parseInline("**a** b")[0].children
    gc.collect()
    md.forget()
    assert md._inline_tokens == {}
    # what the file's parse remembered is asked again: tokenised again, the same
    assert [t.type for t in md.parseInline("**a** b")[0].children or []] == [
        "text", "strong_open", "text", "strong_close", "text"
    ]  # fmt: skip
