"""Differential: each shortcut of the per-file hot path answers exactly what the long way answers."""

from __future__ import annotations

import dataclasses
import gc
import re
from pathlib import Path

import nh3
from bs4 import BeautifulSoup, Tag
from hypothesis import given, settings
from hypothesis import strategies as st

from ankigen import sanitize
from ankigen.config import Config, load_config
from ankigen.discover import discover
from ankigen.extract.context import SectionContext, lines_of
from ankigen.extract.term import find_terms
from ankigen.inline_memo import InlineMemoMarkdown
from ankigen.media.html import image_sources
from ankigen.model import SourceFile
from ankigen.parallel import RunOptions, run_files
from ankigen.parse import parse_text
from ankigen.parse.markdown import new_markdown
from ankigen.pipeline import FileReport, process_file
from ankigen.render import Renderer, marked_terms
from ankigen.render_rules import prepare, strip_break
from bench.corpus import CorpusSpec, generate

# Text made of what the shortcuts look for: marks, tags, entities, braces, breaks, odd spaces.
_PIECES = st.sampled_from(
    [
        "S3", "bucket", " ", "\n", "\t", "**", "__", "==", "*", "_", "=", "<u>", "</u>", "<br>", "<br/>",
        "<b>", "</b>", "<img src='a.png'>", "<", ">", "&", "&amp;", "&#61;", "&lt;", "&nbsp;", "\xa0",
        "{{c1::", "}}", "{", "}", "`", "\\", "\x00", "\x1f", "\r", "\ufeff", "\ufdd0", "é", '"', "'",
    ]
)  # fmt: skip
_MARKED = st.one_of(st.lists(_PIECES, max_size=12).map("".join), st.text(max_size=30))


def _nh3(fragment: str) -> str:
    """The sanitiser as it was: every fragment through nh3.clean, controls dropped first."""
    return nh3.clean(
        fragment.translate(sanitize._CONTROLS),
        tags=set(sanitize.TAGS),
        attributes=sanitize.ATTRIBUTES,
        attribute_filter=sanitize._keep_attribute,
        url_schemes=set(sanitize.URL_SCHEMES),
        filter_style_properties=set(sanitize.STYLE_PROPERTIES),
        link_rel="noopener noreferrer",
    )


def _placeholders_out(text: str) -> str:
    return "".join(ch for ch in text if ch not in "\ufdd0\ufdd1\ufdd2")


_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})
_HTMLISH = st.lists(
    st.one_of(
        _PIECES,
        st.sampled_from(
            [
                '<a href="https://x.io/?a=1&b=2" onclick="x()">l</a>', '<a href="javascript:x()">j</a>',
                '<span style="color: red; background: url(x.png)">s</span>', '<div style="color:red">d</div>',
                "<script>alert(1)</script>", "<p>", "</p>", "<pre><code>x</code></pre>", "<!-- c -->",
                '<img src="a.png" onerror="x()" width="2">', "<table><tr><td>c</td></tr></table>",
                "<iframe src=x></iframe>", "<strong>", "</strong>", "<mark>m</mark>", "<ol start=3>",
            ]
        ),
    ),
    max_size=10,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.one_of(_MARKED, _HTMLISH))
def test_sanitising_matches_plain_nh3_clean(text: str) -> None:
    assert sanitize.clean_html(text) == _nh3(_placeholders_out(text))
    assert sanitize.sanitize(text) == _nh3(_placeholders_out(text)).translate(_BRACES)
    assert sanitize.strip_cloze_placeholders(text) == _placeholders_out(text)
    assert sanitize._clean(text, braces=False) == _nh3(text)  # cloze placeholders kept, as finish_cloze does


def test_nh3_still_runs_on_markup() -> None:
    assert sanitize.clean_html("<script>x</script>a > b\xa0c") == "a &gt; b&nbsp;c"
    assert sanitize.clean_html('<a href="javascript:x()">j</a>\x00') == '<a rel="noopener noreferrer">j</a>'


@settings(max_examples=300, deadline=None)
@given(_MARKED)
def test_strip_break_as_the_regex_says(line: str) -> None:
    assert strip_break(line) == re.sub(r"(?:\s*<br\s*/?>\s*)+$", "", line.strip(), flags=re.I)


def _terms_from_tokens(source: str) -> list[str]:
    """Bold terms the long way: tokenise every text with a fresh parser."""
    tokens = new_markdown().parseInline(source, {})
    return marked_terms(prepare(tokens[0].children or []) if tokens else [])


@settings(max_examples=200, deadline=None)
@given(st.lists(_MARKED, min_size=1, max_size=3))
def test_bold_terms_and_rendering_match_a_fresh_parse(texts: list[str]) -> None:
    renderer = Renderer()  # one renderer asked about several texts, some twice
    for text in [*texts, *texts]:
        assert renderer.bold_terms(text) == _terms_from_tokens(text)
        assert renderer.inline(text) == Renderer().inline(text)
        assert renderer.cloze(text, 3) == Renderer().cloze(text, 3)


def test_terms_marked_only_through_entities_are_found() -> None:
    assert Renderer().bold_terms("cost &#61;&#61;low&#61;&#61; here") == ["low"]
    assert Renderer().bold_terms("no marks at all") == []


def test_code_blocks_share_a_lexer_per_renderer_and_render_alike() -> None:
    renderer = Renderer()
    first = renderer.code("x = 1\n", "python")
    assert renderer.code("x = 1\n", "python") == first == Renderer().code("x = 1\n", "python")
    assert renderer.code("x = 1\n", "no-such-language") == Renderer().code("x = 1\n", "")


def _soup_sources(fragment: str) -> set[str]:
    soup = BeautifulSoup(fragment, "html.parser")
    return {str(tag["src"]) for tag in soup.find_all("img") if isinstance(tag, Tag) and tag.get("src")}


_HTML = st.lists(
    st.sampled_from(
        [
            '<img src="a.png">', "<img src='b&amp;c.png' alt=x>", "<IMG SRC=d.png/>", '<img src="">',
            "<img>", '<img src="e.png" src="f.png">', "<p>", "</p>", "<!-- <img src=g.png> -->",
            "<script><img src=h.png></script>", "text", "&lt;img src=i.png&gt;", "<", "<img src=j",
            '<a href="x"><img alt="y" src="k%20l.png"></a>', "<br/>", '"',
        ]
    ),
    max_size=8,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(_HTML)
def test_image_sources_as_beautifulsoup_reads_them(fragment: str) -> None:
    assert image_sources(fragment) == _soup_sources(fragment)


def _contexts(tmp_path: Path, text: str) -> list[SectionContext]:
    path = tmp_path / "notes.md"
    path.write_text(text, encoding="utf-8")
    md = new_markdown()
    document = parse_text(text, SourceFile(path, "notes.md", tmp_path), md)
    config = Config(root=tmp_path)
    renderer = Renderer(md)
    return [SectionContext(document, s, (s.title,), renderer, config) for s in document.sections]


def test_section_memo_is_not_carried_into_a_copy(tmp_path: Path) -> None:
    # A list that names the document's headings is a table of contents: a copy of the section
    # that knows the headings leaves it out, so its lines and terms must be worked out anew.
    text = "# Contents\n\n- Alpha: first\n- Beta: second\n\n# Alpha: first\n\nA.\n\n# Beta: second\n\nB.\n"
    ctx = _contexts(tmp_path, text)[0]
    before = [line.text for line in ctx.lines()]
    assert before == ["Alpha: first", "Beta: second"] == [line.text for line in lines_of(ctx.section.blocks)]
    assert [hit.term for hit in find_terms(ctx)] == ["Alpha", "Beta"]
    knowing = dataclasses.replace(ctx, headings=frozenset({"alpha: first", "beta: second"}))
    assert [line.text for line in knowing.lines()] == []
    assert list(find_terms(knowing)) == []
    assert [line.text for line in ctx.lines()] == before  # each copy keeps its own answers
    assert [hit.term for hit in find_terms(ctx)] == ["Alpha", "Beta"]


_MARKDOWN_PIECES = st.sampled_from(
    [
        "S3", " ", "\n", "\t", "\r", "\x00", "**b**", "*e*", "`c`", "$x$", "$$y$$", "~~s~~", "\\*",
        "&amp;", "&ngE;", "&#x1F600;", "&nbsp;", "&bogus;", "[l](https://x.io/%41%zz)", "[r][ref]",
        "![alt **b**](i.png 't')", "<https://xn--bcher-kva.example/%E2%82%AC>", "<a@b.io>", "<b>", "</b>",
        "<u>", "<!-- c -->", "www.xn--bcher-kva.com/a%20b", "http://example.com/%F0%9F%98%80", "a@b.io",
        "mailto:x@y.io", "(c)", "...", '"q"', "  \n", "\\\n", "==h==",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_MARKDOWN_PIECES, max_size=12).map("".join))
def test_what_a_reader_sees_is_never_longer_than_the_markdown(markdown: str) -> None:
    # ankigen.extract.split relies on it to skip rendering text too short to be too long
    assert len(Renderer().plain(markdown)) <= len(markdown)


def test_each_file_leaves_no_garbage_behind_for_the_next(tmp_path: Path) -> None:
    # A file's parser and its memo of tokens form a cycle: freed as soon as the file is done,
    # not whenever a full collection comes round (while the files after it are worked on).
    folder = generate(CorpusSpec(400), tmp_path)
    config = load_config(folder)
    sources = discover([folder / "notes"], config.root)
    parsers_alive: list[int] = []

    def work(source: SourceFile, config: Config) -> FileReport:
        parsers_alive.append(sum(isinstance(o, InlineMemoMarkdown) for o in gc.get_objects()))
        return process_file(source, config)

    assert gc.isenabled()
    reports = run_files(work, sources, config, RunOptions(workers=1))
    assert gc.isenabled()
    assert len(sources) == 4 and parsers_alive == [0, 0, 0, 0]
    assert [r.cards for r in reports] == [process_file(s, config).cards for s in sources]
