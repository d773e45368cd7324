"""Differential: more of the per-file work's shortcuts (issue 7) answer what the long way answers."""

from __future__ import annotations

import re
from pathlib import Path

import markdown_it_pyrs
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from ankigen import sanitize
from ankigen.extract import cloze
from ankigen.model import ImageRef
from ankigen.parse import markdown
from ankigen.parse.accelerated import _pyrs_parser, _pyrs_tree, parse_tokens
from ankigen.parse.markdown import new_markdown
from bench.corpus import CorpusSpec, generate

# What a renderer or a notes author's inline HTML writes, and what would make nh3 change it:
# every tag the skip takes, nested or not, closed or not, with attributes, in capitals, entities,
# quotes, no-break spaces and cloze placeholders.
_TAGS = ("strong", "em", "code", "s", "b", "i", "u", "del", "mark", "sub", "sup", "p", "span")
_FRAGMENT_PIECES = st.sampled_from(
    [
        *(f"<{tag}>" for tag in _TAGS), *(f"</{tag}>" for tag in _TAGS), "<B>", "<sup >", "<u/>",
        '<i class="x">', "<br>", "S3", " ", "\n", "&amp;", "&lt;", "&gt;", "&quot;", "&#61;", "&",
        "<", ">", '"', "\xa0", "\ufdd0", "\ufdd2", "1\ufdd1", "é",
    ]
)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(_FRAGMENT_PIECES, max_size=16).map("".join))
def test_fragments_with_any_skipped_tag_come_out_as_nh3_gives_them(fragment: str) -> None:
    cleaned = sanitize._CLEANER.clean(fragment)
    if sanitize._kept_by_nh3(fragment):
        assert cleaned == fragment
    assert sanitize._clean(fragment, braces=False) == cleaned


def test_the_inline_tags_an_author_writes_skip_nh3_when_nh3_keeps_them() -> None:
    for tag in ("b", "i", "u", "del", "mark", "sub", "sup"):
        fragment = f"a <{tag}>x &amp; <strong>y</strong></{tag}> b"
        assert sanitize._kept_by_nh3(fragment)
        assert sanitize._CLEANER.clean(fragment) == fragment
        assert not sanitize._kept_by_nh3(f"<{tag}>open")  # nh3 closes it


_CLOZE_PIECES = st.sampled_from(
    [
        sanitize.cloze_open(1), sanitize.cloze_open(12), sanitize.CLOZE_CLOSE, "\ufdd0", "\ufdd1",
        "7", "\ufdd0x\ufdd1", "S3", " ", "<strong>", "</strong>", "\\1", "{{", "}}",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_CLOZE_PIECES, max_size=12).map("".join))
def test_cloze_markers_restored_by_a_function_as_by_the_template(fragment: str) -> None:
    template = sanitize._OPEN_PLACEHOLDER.sub(r"{{c\1::", fragment).replace(sanitize.CLOZE_CLOSE, "}}")
    assert sanitize.restore_cloze_markers(fragment) == template


def _finished_the_long_way(fragment: str) -> str:
    """`finish_cloze` as it was: every marker walked as a match object, lone ones cut out."""
    cleaned = sanitize._clean(fragment)
    opened: list[re.Match[str]] = []
    lone: list[re.Match[str]] = []
    for match in sanitize._PLACEHOLDER.finditer(cleaned):
        if match.group(1):
            opened.append(match)
        elif opened:
            opened.pop()
        else:
            lone.append(match)
    for match in sorted([*opened, *lone], key=lambda m: m.start(), reverse=True):
        cleaned = cleaned[: match.start()] + cleaned[match.end() :]
    return sanitize._OPEN_PLACEHOLDER.sub(r"{{c\1::", cleaned).replace(sanitize.CLOZE_CLOSE, "}}")


@settings(max_examples=600, deadline=None)
@given(st.lists(st.one_of(_CLOZE_PIECES, _FRAGMENT_PIECES), max_size=14).map("".join))
def test_a_cloze_finished_quickly_is_the_cloze_finished_the_long_way(fragment: str) -> None:
    assert sanitize.finish_cloze(fragment) == _finished_the_long_way(fragment)


def test_lone_and_unclosed_markers_are_still_dropped() -> None:
    open1, close = sanitize.cloze_open(1), sanitize.CLOZE_CLOSE
    assert not sanitize._balanced(f"{close}{open1}x{close}")
    assert sanitize.finish_cloze(f"{close}a {open1}x{close} {open1}y") == "a {{c1::x}} y"
    assert sanitize.finish_cloze(f"{open1}a {open1}x{close}{close}") == "{{c1::a {{c1::x}}}}"


def _kept_the_long_way(text: str) -> bool:
    """`_kept_by_nh3` as it was: the fragment without its kept tags and entities holds nothing
    nh3 changes, and the tags nest."""
    kept = re.compile(f"<(/?)({'|'.join(sanitize._KEPT_TAGS)})>|&(?:amp|lt|gt);")
    if sanitize._NEEDS_NH3.search(kept.sub("", text)):
        return False
    opened: list[str] = []
    for closing, tag in kept.findall(text):
        if not tag:
            continue
        if not closing:
            opened.append(tag)
        elif not opened or opened.pop() != tag:
            return False
    return not opened


@settings(max_examples=600, deadline=None)
@given(st.lists(_FRAGMENT_PIECES, max_size=16).map("".join))
def test_what_the_skip_takes_is_what_it_took_before(fragment: str) -> None:
    assert sanitize._kept_by_nh3(fragment) == _kept_the_long_way(fragment)


def _fresh_tree(text: str) -> str:
    parser = markdown_it_pyrs.MarkdownIt("commonmark").enable_many(["table", "strikethrough"])
    return str(parser.tree(text).pretty(attrs=True, srcmap=True, meta=True))


def _cached_tree(text: str) -> str:
    return str(_pyrs_tree(text).pretty(attrs=True, srcmap=True, meta=True))


_MARKDOWN_PIECES = st.sampled_from(
    [
        "# H\n", "- a\n", "  - b\n", "1. c\n", "**S3** ", "*x* ", "~~y~~ ", "`z` ", "[l](u) ",
        "![i](p.png) ", "| a | b |\n| - | - |\n| 1 | 2 |\n", "```py\nx\n```\n", "\n", "text ", "\\*",
    ]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_MARKDOWN_PIECES, max_size=10).map("".join), min_size=1, max_size=4))
def test_one_parser_per_process_gives_a_fresh_parsers_trees(texts: list[str]) -> None:
    # in a row, as a file's parse and its sentences ask it: nothing is kept between calls
    assert [_cached_tree(text) for text in texts] == [_fresh_tree(text) for text in texts]


def test_one_parser_per_process_on_benchmark_notes(tmp_path: Path) -> None:
    assert _pyrs_parser() is _pyrs_parser()
    folder = generate(CorpusSpec(200), tmp_path)
    for path in sorted((folder / "notes").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert _cached_tree(text) == _fresh_tree(text)
        for line in text.splitlines()[:60]:
            assert _cached_tree(line) == _fresh_tree(line)


def _images_the_long_way(tokens: list[Token], first_line: int = 0) -> list[ImageRef]:
    """`ankigen.parse.markdown._images` as it was: every inline token's children walked."""
    found: list[ImageRef] = []
    for token in tokens:
        if token.type == "html_block":
            found.extend(markdown._html_images(token.content, markdown._line(token)))
        if token.type != "inline" or not token.children:
            continue
        line = first_line or markdown._line(token)
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "image" and child.attrs.get("src"):
                alt = "".join(t.content for t in child.children or [] if t.type in ("text", "code_inline"))
                title = str(child.attrs.get("title", ""))
                found.append(ImageRef(src=str(child.attrs["src"]), alt=alt, line=line, title=title))
            elif child.type == "html_inline":
                found.extend(markdown._html_images(child.content, line))
    return found


_IMAGE_PIECES = st.sampled_from(
    [
        "# H\n", "- a\n", "  - b\n", "text ", "\n", "\n\n", "![alt](a.png) ", '![](b.png "t") ',
        "!\\[x](c.png) ", "! [x](d.png) ", "![x][r] ", "\n[r]: e.png\n", '<img src="f.png"> ', "<b>x</b> ",
        "| a | b |\n| - | - |\n",
        "| ![c](g.png) | <img src=h.png> |\n", "```\n![x](i.png)\n```\n", '<div><img src="j.png"></div>\n',
        "**![k](k.png)** ", "[![l](l.png)](http://x) ",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_IMAGE_PIECES, max_size=12).map("".join))
def test_images_found_without_reading_lines_that_hold_none(text: str) -> None:
    tokens = new_markdown().parse(text)
    assert markdown._images(tokens) == _images_the_long_way(tokens)
    for line in text.splitlines():
        inline = new_markdown().parseInline(line, {})
        assert markdown._images(inline, 3) == _images_the_long_way(inline, 3)


def test_images_found_on_benchmark_notes_as_the_long_way(tmp_path: Path) -> None:
    folder = generate(CorpusSpec(200), tmp_path)
    md = new_markdown()
    for path in sorted((folder / "notes").glob("*.md")):
        tokens = parse_tokens(md, path.read_text(encoding="utf-8"))  # as a build parses it
        found = markdown._images(tokens)
        assert found and found == _images_the_long_way(tokens)


_SENTENCE_PIECES = st.sampled_from(
    [
        "S3", " ", "  ", "\n", "\u2003", ".", "!", "?", "\u3002", "\uff01", "\uff1f", "A", "a", "*", "**",
        "_", "__", "=", "==", "{", "{{", "}}", "{{c1::", "\\{{", "x", "\ufdd0", "1\ufdd1",
    ]
)  # fmt: skip


def _sentences_the_long_way(text: str) -> list[str]:
    parts = cloze._SENTENCE_END.split(text)
    if len(parts) == 1:
        return parts
    if all(p.count("**") % 2 == 0 and p.count("==") % 2 == 0 and p.count("__") % 2 == 0 for p in parts):
        return parts
    return [text]


@settings(max_examples=600, deadline=None)
@given(st.lists(_SENTENCE_PIECES, max_size=16).map("".join))
def test_lines_cut_into_sentences_only_where_the_split_would(text: str) -> None:
    assert cloze._sentences(text) == _sentences_the_long_way(text)
    assert sanitize.has_written_clozes(text) == (
        sanitize._PLACEHOLDER.search(sanitize.mark_clozes(text)) is not None
    )
