"""Differential: the per-file work's shortcuts (issue 7) answer exactly what the long way answers."""

from __future__ import annotations

import dataclasses
import functools
import gc
import pickle
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ankigen import sanitize
from ankigen.cache import entry_blob
from ankigen.config import Config
from ankigen.extract import term
from ankigen.extract.context import SectionContext
from ankigen.frozen import replaced
from ankigen.inline_memo import InlineMemoMarkdown
from ankigen.media import resolve_media
from ankigen.model import Block, Card, Document, ListItem, Section, SourceFile
from ankigen.parse.markdown import new_markdown
from ankigen.per_file import process_file
from ankigen.render import Renderer
from tests.media_support import image_bytes, write

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


def _card(**changes: object) -> Card:
    source = SourceFile(Path("/notes/s3.md"), "s3.md", Path("/notes"))
    card = Card("qa", "topic", "k", "<b>front</b>", "back", "S3", ("S3",), source, 3, tags=("x",))
    return dataclasses.replace(card, **changes)  # type: ignore[arg-type]


def test_a_replaced_card_is_the_card_replace_makes() -> None:
    card = _card(pinned_id="p")
    quick = replaced(card, exam="SAA-C03", domain="Storage", service="s3", tags=("a", "b"))
    slow = dataclasses.replace(card, exam="SAA-C03", domain="Storage", service="s3", tags=("a", "b"))
    assert quick == slow and type(quick) is Card
    assert vars(quick) == vars(slow)
    assert pickle.loads(pickle.dumps(quick)) == slow
    assert card.exam == "" and card.tags == ("x",)  # the original is untouched
    with pytest.raises(dataclasses.FrozenInstanceError):
        quick.exam = "x"  # type: ignore[misc]


@dataclasses.dataclass(frozen=True)
class _Remembers:
    value: int
    _memo: dict[str, int] = dataclasses.field(default_factory=dict, init=False, compare=False)

    @functools.cached_property
    def doubled(self) -> int:
        return 2 * self.value


@dataclasses.dataclass(frozen=True)
class _Checks:
    value: int

    def __post_init__(self) -> None:
        if self.value < 0:
            raise ValueError("negative")


def test_replaced_is_replace_where_a_copy_of_the_fields_would_not_be() -> None:
    remembers = _Remembers(1)
    remembers._memo["a"] = 1
    copy = replaced(remembers, value=2)
    assert copy._memo == {} and copy.doubled == 4  # a fresh memo, as replace gives
    card = _card()
    assert card.location == "s3.md:3"
    with pytest.raises(ValueError, match="negative"):
        replaced(_Checks(1), value=-1)  # __post_init__ still runs
    with pytest.raises(TypeError):
        replaced(card, no_such_field=1)  # as replace refuses it


_LINE_PIECES = st.sampled_from(
    [
        "S3", "bucket", " ", "\n", "\t", ":", "://", "\uff1a", "=", "==", "~=", "~", "-", " - ", " -",
        "\u2013", " \u2014 ", "--", "**", "__", "`", "(", ")", "e.g.", "\xa0",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINE_PIECES, max_size=12).map("".join))
def test_lines_ruled_out_as_terms_are_those_the_pattern_never_matches(line: str) -> None:
    if not term._MAY_SEPARATE.search(line):
        assert term._PLAIN_TERM.match(line) is None


@given(st.text(max_size=40))
@settings(max_examples=200, deadline=None)
def test_ascii_text_skips_the_placeholder_search_and_keeps_its_text(text: str) -> None:
    assert sanitize.strip_cloze_placeholders(text) == "".join(
        c for c in text if c not in "\ufdd0\ufdd1\ufdd2"
    )


def test_a_cache_entry_holds_the_images_as_resolving_them_again_gives(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    write(tmp_path / "images" / "vpc.png", image_bytes("PNG"))
    note = write(notes / "vpc.md", "# VPC\n\n![Subnets](../images/vpc.png)\n\n- a **subnet** is per AZ.\n")
    report = process_file(SourceFile(note, "vpc.md", tmp_path), Config(root=tmp_path))
    assert report.media is not None and report.media.refs  # the image resolved
    images, cached = pickle.loads(entry_blob(report))
    assert images == resolve_media(report.document)
    assert cached.cards == report.cards


def test_a_list_is_contents_as_the_whole_count_says_though_counting_stops_early(tmp_path: Path) -> None:
    source = SourceFile(tmp_path / "a.md", "a.md", tmp_path)
    section = Section("Index", 1, 1)
    headings = frozenset(f"topic {n}" for n in range(20))
    ctx = SectionContext(Document(source, (section,)), section, ("Index",), Renderer(), Config(root=tmp_path))
    ctx = dataclasses.replace(ctx, headings=headings)
    for size in range(2, 17):
        for named in range(size + 1):
            for first in (True, False):  # the items naming headings first, or last
                texts = [f"Topic {n}" for n in range(named)] + [f"Other {n}" for n in range(size - named)]
                items = tuple(ListItem(text, n + 1) for n, text in enumerate(texts if first else texts[::-1]))
                block = Block("list", 1, info="bullet", items=items)
                assert ctx.is_contents(block) == (named >= 0.8 * size), (size, named)


_MARKER_PIECES = st.sampled_from(
    ["\ufdd0", "\ufdd1", "\ufdd2", "1", "12", "\u0663", "{", "}", "a", " ", "::"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_MARKER_PIECES, max_size=14).map("".join))
def test_placeholders_become_markers_as_one_pass_over_both_kinds_makes_them(fragment: str) -> None:
    def marker(match: re.Match[str]) -> str:
        return f"{{{{c{match.group(1)}::" if match.group(1) else "}}"

    assert sanitize.restore_cloze_markers(fragment) == sanitize._PLACEHOLDER.sub(marker, fragment)
