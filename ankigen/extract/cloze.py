"""Cloze cards: a sentence or bullet with bold or `==highlighted==` terms hides each term in its own
cloze; a note that already holds `{{c1::...}}` is kept as written.  The heading path is the context.

A line that the term rule turns into a term card, or that belongs to a `Q:`/`A:` pair, is left to
those rules: the same fact asked twice in two shapes is a duplicate, not practice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ankigen.extract.context import SectionContext
from ankigen.extract.pairs import ANSWER, qa_lines
from ankigen.extract.term import find_terms
from ankigen.model import Card
from ankigen.sanitize import has_written_clozes

__all__ = ["rule"]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z*_=])|(?<=[\u3002\uff01\uff1f])")
# Where `_SENTENCE_END` can cut at all: an end mark followed by a space, or a CJK end mark.
_MAY_END = re.compile(r"[.!?]\s|[\u3002\uff01\uff1f]")
_NOT_LETTERS = re.compile(r"[\W_]+")
_MIN_CUE = 12  # characters left visible around the clozes: less is nothing to recall from


def rule(ctx: SectionContext) -> Iterator[Card]:
    if ctx.answers_heading:
        return  # the body is the answer to its heading's question, asked whole
    taken: set[int] = set()
    if ctx.config.rule_enabled("term"):
        taken.update(hit.line.line for hit in find_terms(ctx))
    if ctx.config.rule_enabled("question"):
        taken.update(qa_lines(ctx))
    for line in ctx.lines():
        if line.line in taken:
            continue
        answer = ANSWER.match(line.text)
        text = answer.group("text") if answer else line.text
        for sentence in _sentences(text):
            card = _cloze(ctx, sentence, line.line)
            if card is not None:
                yield card


def _sentences(text: str) -> list[str]:
    """The sentences of a line, unless cutting would split a bold or highlighted run."""
    if _MAY_END.search(text) is None:
        return [text]  # nowhere to cut (most lines): the split's lookbehinds try every position
    parts = _SENTENCE_END.split(text)
    if len(parts) == 1:
        return parts  # one sentence: nothing to cut through
    if all(p.count("**") % 2 == 0 and p.count("==") % 2 == 0 and p.count("__") % 2 == 0 for p in parts):
        return parts
    return [text]


def _cloze(ctx: SectionContext, sentence: str, line: int) -> Card | None:
    if has_written_clozes(sentence):  # balanced only: an unclosed `{{c1::` is text
        text = ctx.renderer.inline(sentence)
        return ctx.card("cloze", "cloze", ctx.plain(sentence), text, "", line)
    terms = ctx.renderer.bold_terms(sentence)
    if not terms:
        return None
    visible = ctx.plain(sentence)
    for term in terms:
        visible = visible.replace(term, "", 1)
    letters = _NOT_LETTERS.sub("", visible)
    # a CJK character says as much as a word (ASCII letters hold none: `isascii` answers at once)
    wide = 0 if letters.isascii() else sum(1 for ch in letters if ord(ch) >= 0x2E80)
    if len(letters) + 2 * wide < _MIN_CUE:
        return None  # a bold label alone: nothing around it to recall it from
    text, count = ctx.renderer.cloze(sentence)
    if not count:
        return None
    return ctx.card("cloze", "cloze", " | ".join(terms), text, "", line)
