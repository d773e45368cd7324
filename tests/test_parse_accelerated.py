"""markdown-it-pyrs behind markdown-it-py's interface: the translated token stream is
markdown-it-py's own, token for token, or it is not used at all.

The property is simple because the translation declines whatever it cannot vouch for: for any
text, `accelerated_tokens` is None or equal in every field (recursively) to markdown-it-py's
`parse`.  It is checked on hypothesis-generated notes, the real corpus, the shipped notes and
the benchmark's notes, which must also actually take the accelerated path (else it buys
nothing); and cards made through it are compared with cards made by markdown-it-py alone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ankigen import load_config
from ankigen.inline_memo import InlineMemoMarkdown
from ankigen.model import SourceFile
from ankigen.parse import blocks
from ankigen.parse.accelerated import accelerated_tokens
from ankigen.parse.markdown import new_markdown, normalise
from ankigen.pipeline import process_file
from bench.corpus import CorpusSpec, generate

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "notes").rglob("*.md"))


def _md() -> MarkdownIt:
    return InlineMemoMarkdown(new_markdown())


def _dump(tokens: list[Token]) -> list[MutableMapping[str, Any]]:
    return [token.as_dict() for token in tokens]


def _difference(a: object, b: object, path: str = "") -> str | None:
    """Where two token dumps first differ (for a readable failure)."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = sorted(set(a) | set(b))
        return next((d for k in keys if (d := _difference(a.get(k), b.get(k), f"{path}.{k}"))), None)
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        pairs = enumerate(zip(a, b, strict=True))
        return next((d for i, (x, y) in pairs if (d := _difference(x, y, f"{path}[{i}]"))), None)
    return None if a == b else f"{path}: {a!r} != {b!r}"


def _agrees(text: str) -> bool:
    """Whether the accelerated path was taken; fails if it was taken and differs."""
    fast = accelerated_tokens(_md(), text)
    if fast is None:
        return False
    difference = _difference(_dump(_md().parse(text)), _dump(fast))
    assert difference is None, f"{text!r}\nmarkdown-it-py vs accelerated at {difference}"
    return True


# -- generated notes ---------------------------------------------------------------------------
_WORDS = st.sampled_from(
    ["S3", "bucket", "Lambda", "VPC", "a", "is", "the", "99.99%", "x_y", "snake_case", "例え", "データ",
     "ключ", "café", "naïve", "(see", "note)", "-", "+", "1.", "2)", "#", "!", "?", ":", ";", "|", '"q"',
     "'s", "—", "…", "example.com", "www.aws.com", "me@mail.com", "api.py", "x*y", "a_b_", "_", "*",
     "**", "~", "~~", "`", "[", "]", "(", ")", "\\", "\\*", "\\_", "\\#", "\\[", "\u00a0", "\u3000"]
)  # fmt: skip
_INLINE = st.one_of(
    _WORDS,
    _WORDS.map(lambda w: f"**{w}**"),
    _WORDS.map(lambda w: f"*{w}*"),
    _WORDS.map(lambda w: f"_{w}_"),
    _WORDS.map(lambda w: f"__{w}__"),
    _WORDS.map(lambda w: f"***{w}***"),
    _WORDS.map(lambda w: f"~~{w}~~"),
    _WORDS.map(lambda w: f"`{w}`"),
    _WORDS.map(lambda w: f"``{w} `x` ``"),
    _WORDS.map(lambda w: f"[{w}](https://docs.aws.amazon.com/{w.strip('()[]')})"),
    _WORDS.map(lambda w: f'[**{w}**](/a%20b "T {w}")'),
    _WORDS.map(lambda w: f"![{w} *em*](../images/d-{len(w)}.png)"),
    _WORDS.map(lambda w: f'![]({w}.png "title")'),
    st.just("see https://aws.amazon.com/s3 now"),
    st.just("**bold**text"),
    st.just("  "),
)
_PHRASE = st.lists(_INLINE, min_size=1, max_size=7).map(" ".join)


def _line(phrase: str, kind: int, depth: int, width: int) -> str:
    indent = " " * (depth * width)
    return [
        phrase,
        f"{indent}- {phrase}",
        f"{indent}* {phrase}",
        f"{indent}+ {phrase}",
        f"{indent}{depth + 1}. {phrase}",
        f"{indent}{depth + 1}) {phrase}",
        f"{'#' * (depth + 1)} {phrase}",
        f"{indent}{phrase}",
        "",
        "---",
        "===",
        f"| {phrase} | b |",
        "|:--|--:|",
        f"| 1 | {phrase} |",
        f"{indent}```{phrase.split(' ')[0]}",
        f"{indent}```",
        f"    code {phrase}",
        f"{phrase}  ",
        f"{indent}- Q: {phrase}",
    ][kind]


_LINES = st.lists(
    st.builds(_line, _PHRASE, st.integers(0, 18), st.integers(0, 3), st.sampled_from([2, 3, 4])),
    min_size=1,
    max_size=14,
)


@st.composite
def _notes(draw: st.DrawFn) -> str:
    text = "\n".join(draw(_LINES))
    if draw(st.booleans()):
        text = f"---\nexam: SAA-C03\ntags: [a, b]\n---\n\n{text}"
    return text + draw(st.sampled_from(["", "\n", "\n\n"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_notes())
@example("x*y ![S3 *em*](../images/d-2.png) x*y")  # an image inside emphasis sits one level down
@example("**a_b_** _S3_")  # pyrs pairs these underscores differently
def test_accelerated_tokens_are_markdown_it_pys_or_none(text: str) -> None:
    _agrees(normalise(text))


def test_the_generated_notes_mostly_take_the_accelerated_path() -> None:
    # Without this the property above could hold by declining everything.
    samples = [
        "# T\n\nSome **bold** and *it* text with `code` and [a link](https://x.org/a).\n",
        "- a\n  - **b** c\n    1. d\n- e\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n",
        "---\nexam: X\n---\n## H\n\n```python\nprint(1)\n```\n\n    indented\n\nSetext\n---\n",
        'Q: what?\nA: that, ![img *x*](a.png "t")  \nnext \\* line ~~gone~~ 例え\n',
    ]
    assert all(_agrees(text) for text in samples)


_AFTER_TABLE = st.sampled_from(
    ["- **x** y", "* x", "+ x", "# H", "## H ##", "###### H", "- - -", "* * *", "- [ ] x", "-x", "- ",
     "#H", "1. x", "2) x", "text", "  - x", "   # x", "    - x", "- x | y", "# a|b", "- `|`", "- **|**",
     "|x", "- x\n  | c | d |", "# H\n| c | d |", "- x\n\n| a |\n|-|"]
)  # fmt: skip
_TABLE = st.sampled_from(["| a | b |\n| - | - |\n| c | d |", "|a|\n|:-:|", "| a |\n|--|\n| 1 |\n| 2 |"])


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["", "# T\n\n", "- item\n\n", "- item\n"]), _TABLE, _AFTER_TABLE, _PHRASE)
def test_a_line_right_after_a_table_is_read_as_markdown_it_py_reads_it(
    before: str, table: str, after: str, phrase: str
) -> None:
    _agrees(f"{before}{table}\n{after}\n{phrase}\n")
    _agrees(f"{before}{table}\n{after} {phrase}\n")


def test_a_bullet_or_heading_right_after_a_table_takes_the_accelerated_path() -> None:
    # (a bench rebuild appends a bullet to a file ending in a table: this used to decline it)
    for after in ["- **Edited fact** is added.", "* x", "## Next"]:
        assert _agrees(f"# T\n\n| a | b |\n| - | - |\n| c | d |\n{after}\n"), after


def test_it_declines_what_it_cannot_vouch_for() -> None:
    for text in ["cost $5 a month", "<b>x</b>", "a &amp; b", "[x]: /u\n\n[x]", "\tcode", "> quote",
                 "see https://plain.url here", "- \n  empty first line"]:  # fmt: skip
        assert accelerated_tokens(_md(), text) is None, text
        _agrees(text)
    assert accelerated_tokens(MarkdownIt("commonmark"), "plain") is None, "another dialect"


# -- real notes ------------------------------------------------------------------------------
def test_shipped_notes_take_the_accelerated_path_and_agree() -> None:
    taken = [path for path in SHIPPED if _agrees(normalise(path.read_text(encoding="utf-8")))]
    assert len(taken) >= 2 * len(SHIPPED) // 3, f"{len(taken)} of {len(SHIPPED)}"


def test_the_real_corpus_agrees(corpus: Path) -> None:
    for path in sorted(corpus.iterdir()):
        _agrees(normalise(path.read_bytes().decode("utf-8", errors="replace")))


def test_benchmark_notes_all_take_the_accelerated_path(tmp_path: Path) -> None:
    folder = generate(CorpusSpec(300), tmp_path)
    files = sorted((folder / "notes").glob("*.md"))
    assert files
    assert all(_agrees(normalise(path.read_text(encoding="utf-8"))) for path in files)


def test_cards_are_those_markdown_it_py_alone_makes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = generate(CorpusSpec(200), tmp_path)
    sources = [SourceFile(path, path.name, folder) for path in sorted((folder / "notes").glob("*.md"))]
    sources += [SourceFile(path, path.name, ROOT) for path in SHIPPED[:8]]
    config = load_config(folder)
    fast = [process_file(source, config) for source in sources]
    monkeypatch.setattr(blocks, "parse_tokens", lambda md, text, env=None: md.parse(text, env))
    reference = [process_file(source, config) for source in sources]
    for one, other in zip(fast, reference, strict=True):
        assert dataclasses.astuple(one.document) == dataclasses.astuple(other.document)
        assert one.cards == other.cards
        assert one.diagnostics == other.diagnostics
