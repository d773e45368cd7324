"""Term → definition cards from `Term: def`, `Term - def`, `Term = def`, `**Term**: def`, and a
bold term (or a `Term:` label) whose nested bullets explain it.

The front is the term with the bullets it sits under; the back is the definition.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ankigen.extract.context import PATH_SEPARATOR, Line, SectionContext
from ankigen.extract.split import is_link_only
from ankigen.extract.wording import is_generic, is_question, opens_with_function_word, shorten
from ankigen.model import Card
from ankigen.render_rules import strip_break

__all__ = ["TermHit", "find_terms", "rule"]

_BOLD_TERM = re.compile(
    r"^(\*\*|__)(?P<term>[^*_]+?)\1\s*(?P<sep>:|[-\u2013\u2014=]|~=)?\s*(?P<def>.*)$", re.S
)
_PLAIN_TERM = re.compile(
    r"^(?P<term>[^:\uff1a=~\n]+?)\s*(?P<sep>:(?!//)|\uff1a|~=|\s[-\u2013\u2014]{1,2}\s|\s[-\u2013\u2014]{1,2}$|=(?!=))\s*(?P<def>.*)$",
    re.S,
)
# What `_PLAIN_TERM` cannot match without (each of its separators holds one of these): most
# lines have none, and are ruled out at once instead of by its lazy scan.
_MAY_SEPARATE = re.compile(r"[:\uff1a=]|\s[-\u2013\u2014]")
_RUN_ON = 400  # characters of a multi-line definition beyond which only its first line defines the term
_NOT_TERMS = frozenset(
    [
        "note",
        "notes",
        "nb",
        "ps",
        "eg",
        "e.g",
        "ex",
        "example",
        "examples",
        "i.e",
        "ie",
        "tip",
        "tips",
        "important",
        "see",
        "link",
        "links",
        "source",
        "sources",
        "ref",
        "reference",
        "warning",
        "caution",
        "remember",
        "hint",
        "answer",
        "a",
        "q",
        "question",
        "questions",
        "step",
        "steps",
        "also",
        "update",
    ]
)
_BAD_TERM = re.compile(
    r"=>|->|<|[\[\]*`{}]|https?:|[.!?;]\s|[.!;]$|\b(is|are|was|were|has|have|can|will|should|must|does|made|than)\b",
    re.I,
)


@dataclass(frozen=True)
class TermHit:
    term: str  # plain text
    definition: str  # inline Markdown, possibly empty when the nested bullets are the definition
    line: Line


def find_terms(ctx: SectionContext) -> Iterator[TermHit]:
    """Every line of the section that defines a term (the cloze rule leaves these to this one)."""
    return iter(ctx.remember("terms", lambda: tuple(_terms(ctx))))


def _terms(ctx: SectionContext) -> Iterator[TermHit]:
    for line in ctx.lines():
        hit = _term(ctx, line)
        if hit is not None:
            yield hit


def rule(ctx: SectionContext) -> Iterator[Card]:
    if ctx.answers_heading:
        return  # the body is the answer to its heading's question, asked whole
    for hit in find_terms(ctx):
        term = html.escape(hit.term)
        above = [shorten(ctx.plain(a)) for a in hit.line.ancestors]
        # what identifies the term within its section: the bullets above it, or for a generic
        # label (`Use cases:`) the section it belongs to
        named = above or ([ctx.name] if is_generic(hit.term) else [])
        # what the front shows: the term with its context, the section's name first
        shown = ([ctx.name] if ctx.name else []) + above
        lead = "".join(f"{html.escape(a)}{PATH_SEPARATOR}" for a in shown)
        front = f"{lead}<b>{term}</b>"
        definition = ctx.renderer.inline(hit.definition) if hit.definition else ""
        back = (f"<p>{definition}</p>" if definition else "") + ctx.renderer.blocks(hit.line.children)
        key = PATH_SEPARATOR.join((*named, hit.term))
        yield ctx.card("qa", "term", key, front, back, hit.line.line)


def _term(ctx: SectionContext, line: Line) -> TermHit | None:
    text = line.text.strip()
    match = _BOLD_TERM.match(text)
    if match and not (match.group("sep") or (not match.group("def") and line.children)):
        match = None
    if match is None:
        match = _PLAIN_TERM.match(text) if _MAY_SEPARATE.search(text) else None
        if match is None or re.search(r"\*\*|__|==", match.group("term")):
            return None  # bold inside a longer lead-in marks a cloze, not a term
    term = ctx.plain(match.group("term")).strip(" \"'\u201c\u201d\u2018\u2019")
    definition = match.group("def").strip()
    if "\n" in definition and len(ctx.plain(definition)) > _RUN_ON:
        # the lines a bullet ran on into are not its definition
        definition = strip_break(definition.split("\n", 1)[0])
    if not _balanced(match.group("term")) or not _balanced(definition):
        return None
    if not _looks_like_term(term) or (not definition and not line.children):
        return None
    if not definition and not (match.group("sep") or text.startswith(("**", "__"))):
        return None
    if is_link_only(definition) and definition and not line.children:
        return None
    if is_question(term) or (not ctx.plain(definition).strip(" -\u2013\u2014:=") and not line.children):
        return None
    return TermHit(term, definition, line)


def _looks_like_term(term: str) -> bool:
    words = term.split()
    if not words or len(words) > 7 or len(term) > 60 or _BAD_TERM.search(term):
        return False
    if term.lower().strip(" .") in _NOT_TERMS or opens_with_function_word(term):
        return False
    return any(ch.isalnum() for ch in term)


def _balanced(markdown: str) -> bool:
    """Cutting a line must not cut through bold, code or a link."""
    pairs = markdown.count("[") == markdown.count("]") and markdown.count("(") == markdown.count(")")
    return pairs and all(markdown.count(mark) % 2 == 0 for mark in ("**", "__", "`"))
