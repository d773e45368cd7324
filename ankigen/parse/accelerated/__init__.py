"""markdown-it-py's token stream, built from markdown-it-pyrs's tree when that is provably the same.

markdown-it-py is the reference and stays so: `parse_tokens` is the one place that chooses, and
it falls back to `md.parse` whenever this module declines.  markdown-it-pyrs (the Rust port of
markdown-it, by markdown-it-py's maintainers) builds its syntax tree some ten times faster; this
module turns that tree into the tokens markdown-it-py's block and inline rules would have made
(types, tags, nesting, levels, line maps, contents, markups, infos, attributes, hidden tight
paragraphs), then runs markdown-it-py's own remaining core rules on them (linkify, text join,
the inline memo), so linkification and everything after it is the reference's own code.

It declines, up front or on meeting any node it does not know, everything where the two parsers
are not known to agree: another dialect than ankigen's, math (`$`, which pyrs lacks), raw HTML
and autolinks (`<`), entities (`&`), link reference definitions (`]:`), tabs, control
characters and Unicode spaces, block quotes, footnotes, plain-text URLs (`://` outside link
destinations: the reference links those while parsing inline text), unpaired backticks,
unclosed fences, empty list items, very deep nesting, and inputs that make pyrs panic.
A differential test holds it to token-for-token identity with markdown-it-py.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

import markdown_it_pyrs
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore, linkify, text_join
from markdown_it.token import Token

from ankigen.gc_pause import paused_gc
from ankigen.parse.accelerated._blocks import Translator
from ankigen.parse.accelerated._tokens import Declined, inline_tokens, new_token, unsure_inline
from ankigen.parse.linkify import may_linkify

__all__ = ["accelerated_inline", "accelerated_tokens", "new_token", "parse_tokens"]

# ankigen's dialect (ankigen.parse.markdown.new_markdown), rule by rule: any other parser is
# left to markdown-it-py, so a change of dialect can never be served by a stale translation.
_CORE = ("normalize", "block", "inline", "linkify", "text_join")
_CORE_EXTRA = ((), ("ankigen_inline_memo",))
_BLOCK = (
    "front_matter", "table", "code", "math_block", "fence", "blockquote", "hr", "list", "reference",
    "html_block", "heading", "lheading", "paragraph",
)  # fmt: skip
_INLINE = (
    "text", "linkify", "newline", "math_inline", "escape", "backticks", "strikethrough", "emphasis",
    "link", "image", "autolink", "html_inline", "entity",
)  # fmt: skip
_INLINE2 = ("balance_pairs", "strikethrough", "emphasis", "fragments_join")
_OPTIONS = {"maxNesting": 40, "html": True, "linkify": True, "typographer": False}

# Characters and sequences whose handling differs between the parsers, or that start constructs
# this module does not translate.
_DECLINED = re.compile(
    r"[$<&\t\x00-\x08\x0b-\x1f\x7f-\x9f\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]|\]:"
)
# The same for ASCII text, where only its ASCII characters can occur: one bitmap test a
# character, where the whole class is a list of ranges tried in turn and `]:` an alternative.
_DECLINED_ASCII = re.compile(r"[$<&\x00-\x09\x0b-\x1f\x7f]")


def _declined(text: str) -> bool:
    """`_DECLINED.search(text) is not None`, with a quicker pattern when the text is ASCII."""
    if "]:" in text:
        return True
    return (_DECLINED_ASCII if text.isascii() else _DECLINED).search(text) is not None


def parse_tokens(md: MarkdownIt, text: str, env: dict[str, Any] | None = None) -> list[Token]:
    """`md.parse(text, env)`: from markdown-it-pyrs when it provably gives the same tokens, else
    from md (which alone fills `env`: link reference definitions are always declined here)."""
    tokens = accelerated_tokens(md, text)
    return md.parse(text, env) if tokens is None else tokens


def accelerated_tokens(md: MarkdownIt, text: str) -> list[Token] | None:
    """The tokens `md.parse(text)` gives, built from markdown-it-pyrs's tree; None when declined."""
    if not _is_ankigen_dialect(md) or _declined(text):
        return None
    lines = text.split("\n")
    tokens: list[Token] = []
    first = 0
    if text.startswith("-"):
        front = _front_matter(md, lines)
        if front is None:
            return None
        if front:
            tokens.append(front[0])
            first = front[1]
    body = text[sum(len(line) + 1 for line in lines[:first]) :] if first else text
    # The translation makes ~100k acyclic objects per 10k lines and no cycles: collecting
    # during it only walks the heap (it was a third of its time).
    with paused_gc():
        try:
            Translator(body, first, tokens).document(_pyrs_tree(body))
        except Declined:
            return None
        state = StateCore(text, md, {}, tokens)
        _after_inline(md, state)  # markdown-it-py's own: linkify, text join, ankigen's inline memo
    return state.tokens


def accelerated_inline(md: MarkdownIt, text: str) -> list[Token] | None:
    """The tokens `md.parseInline(text)` gives, built from markdown-it-pyrs's tree; None when declined.

    pyrs parses documents, not inline text, so it is asked only about text that is provably one
    paragraph whose content is the text itself: one line (a line break, a setext underline or a
    table needs two), nothing to trim at either end, and a tree of one paragraph spanning it
    all (any block-starting prefix, `#`, `-`, `1.`, `>`, a fence, makes another block).  The
    inline translation and its gate are the document path's; then markdown-it-py's own core
    rules after "inline" run on it, in inline mode, as `parseInline` runs them.
    """
    if not text or "\n" in text or text.strip() != text or not _is_ankigen_dialect(md) or _declined(text):
        return None
    try:
        tree = _pyrs_tree(text)
        paragraph = tree.children[0] if len(tree.children) == 1 else None
        data = text.encode()
        if paragraph is None or paragraph.name != "paragraph" or paragraph.srcmap != (0, len(data)):
            return None
        children: list[Token] = []
        inline_tokens(children, paragraph.children, 0, data)
    except Declined:
        return None
    if unsure_inline(text, children):
        return None
    inline = new_token("inline", "", 0, 0, False, text)
    inline.map = [0, 1]
    inline.children = children
    state = StateCore(text, md, {}, [inline])
    state.inlineMode = True
    _after_inline(md, state)  # markdown-it-py's own: linkify, text join (the memo skips inline mode)
    return state.tokens


def _after_inline(md: MarkdownIt, state: StateCore) -> None:
    """Run markdown-it-py's core rules after "inline" on translated tokens, but text join only
    where it has something to do: it turns escapes (`text_special`) into text and joins texts
    side by side, and the translation leaves neither without a backslash in the source
    (entities, the other `text_special`, are declined; adjacent texts are joined as made, and
    linkify puts a link between the texts it cuts one into).  Linkify is given only the inline
    tokens it may change (`may_linkify`; it reads each on its own): most paragraphs of notes
    hold no text that could be a link, and linkify-it's pretest of them was most of its time."""
    names = md.core.ruler.get_active_rules()
    joins = "\\" in state.src
    for rule in md.core.ruler.getRules("")[names.index("inline") + 1 :]:
        if rule is linkify:
            rule(StateCore(state.src, md, state.env, may_linkify(md.linkify, state.tokens)))
        elif joins or rule is not text_join:
            rule(state)


@functools.cache
def _pyrs_parser() -> markdown_it_pyrs.MarkdownIt:
    """One parser per process: building it (its rule chains) cost about half of parsing a
    sentence, and `tree` keeps nothing between calls (a test compares its trees with a fresh
    parser's)."""
    return markdown_it_pyrs.MarkdownIt("commonmark").enable_many(["table", "strikethrough"])


def _pyrs_tree(text: str) -> markdown_it_pyrs.Node:
    try:
        return _pyrs_parser().tree(text)
    except BaseException as exc:
        # markdown-it-pyrs 0.4 panics on some inputs (code spans in table cells): PyO3 raises
        # its PanicException, a BaseException, which means only "not this way".
        if type(exc).__name__ == "PanicException":
            raise Declined("markdown-it-pyrs failed") from exc
        raise


def _is_ankigen_dialect(md: MarkdownIt) -> bool:
    core = tuple(md.core.ruler.get_active_rules())
    return (
        any(core == (*_CORE, *extra) for extra in _CORE_EXTRA)
        and tuple(md.block.ruler.get_active_rules()) == _BLOCK
        and tuple(md.inline.ruler.get_active_rules()) == _INLINE
        and tuple(md.inline.ruler2.get_active_rules()) == _INLINE2
        and all(md.options.get(name) == value for name, value in _OPTIONS.items())
    )


def _front_matter(md: MarkdownIt, lines: Sequence[str]) -> tuple[Token, int] | tuple[()] | None:
    """The document's front matter token and the line after it, by markdown-it-py's own rule run
    on the lines up to its closing marker; () when there is none; None when unsure."""
    rule = next(r.fn for r in md.block.ruler.__rules__ if r.name == "front_matter")
    head: list[Token] = []
    if not rule(StateBlock(lines[0], md, {}, head), 0, 1, True):
        return ()
    close = next(
        (i for i in range(1, len(lines)) if lines[i].lstrip(" ").startswith("---") or lines[i][:3] == "..."),
        None,
    )
    if close is None:
        return None
    state = StateBlock("\n".join(lines[: close + 1]), md, {}, head)
    if not rule(state, 0, state.lineMax, False) or len(head) != 1 or head[0].map != [0, close + 1]:
        return None
    return head[0], close + 1
