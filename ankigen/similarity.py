"""How alike two notes are, for carrying a GUID over to the note that replaced a vanished one.

A note is compared by what a learner would recognise as "the same card": its own heading and
its text (the heading path above it is left out, so that a section moved to another file or
under another parent still matches), and for cloze notes the terms it hides.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property

import nh3

from ankigen.model import CardKind
from ankigen.sanitize import TAGS

__all__ = [
    "CLOZE_MARKER",
    "MATCH_THRESHOLD",
    "Sketch",
    "best_pairs",
    "cloze_terms",
    "plain_text",
    "similarity",
]

CLOZE_MARKER = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.S)
MATCH_THRESHOLD = 0.6
_SKETCH_LENGTH = 400
_WORD = re.compile(r"\w+")
_MIN_SHARED_WORDS = 0.2  # below this share of common words two notes are not compared further
_COMMON_WORD_LIMIT = 40  # a word in more notes than this says nothing about which note is which
# What an HTML parser would change in a fragment besides whitespace: tags, entities, NUL, and a
# leading byte-order mark.  Most cloze terms and many fields have none, and skip nh3.
_NEEDS_HTML_PARSER = re.compile(r"[<&\x00\ufeff]")
# Card fields are sanitized HTML: their tags are the field allow-list's, with plain
# double-quoted attributes, and their only entities are the five of markup escaping.  Such a
# fragment's text is what is left between its tags, so the HTML parser is only needed when
# anything else remains (another tag, a comment, another entity, a stray `<` or `&`, a control);
# tables are left to it too, whose misplaced text the parser moves.
_SIMPLE_TAGS = sorted(TAGS - {"table", "thead", "tbody", "tr", "th", "td"})
_SIMPLE_TAG = re.compile(f"</?(?:{'|'.join(_SIMPLE_TAGS)})" r"(?:\s+[a-z-]+=\"[^\"<>&]*\")*\s*/?>")
_NOT_SIMPLE = re.compile(r"[<\x00-\x08\x0b\x0e-\x1f\x7f\ufeff]|&(?!(?:amp|lt|gt|quot|#39);)")


@dataclass(frozen=True)
class Sketch:
    """What a note is compared by."""

    kind: CardKind
    title: str
    text: str
    terms: tuple[str, ...] = ()

    @cached_property
    def tokens(self) -> tuple[str, ...]:
        return tuple(_WORD.findall(self.text.casefold()))

    @cached_property
    def words(self) -> frozenset[str]:
        return frozenset(self.tokens) | frozenset(_WORD.findall(self.title.casefold()))


def plain_text(markup: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    if not _NEEDS_HTML_PARSER.search(markup):  # no markup, no entity: the text is already visible
        return " ".join(markup.split())
    # A space in place of each tag keeps words in adjacent elements (<li>a</li><li>b</li>) apart.
    simple = _SIMPLE_TAG.sub(" ", markup)
    if not _NOT_SIMPLE.search(simple):
        return " ".join(html.unescape(simple).split())
    text = html.unescape(nh3.clean(markup.replace("<", " <"), tags=set()))
    return " ".join(text.split())


def normalize_term(term_html: str) -> str:
    return plain_text(term_html).casefold()


def cloze_terms(front: str) -> list[tuple[int, str]]:
    """The (number, normalized term) of each {{cN::...}} in a cloze text, in order."""
    return [(int(m.group(1)), normalize_term(m.group(2))) for m in CLOZE_MARKER.finditer(front)]


def sketch_text(text: str) -> str:
    return text[:_SKETCH_LENGTH]


def similarity(a: Sketch, b: Sketch) -> float:
    """0..1: how likely b is a after an edit.  Compares words, not characters, to stay fast."""
    if a.kind != b.kind:
        return 0.0
    shared, either = len(a.words & b.words), len(a.words | b.words)
    if either and shared / either < _MIN_SHARED_WORDS:
        return 0.0
    matcher = SequenceMatcher(None, a.tokens, b.tokens, autojunk=False)
    score = matcher.ratio() if matcher.quick_ratio() >= _MIN_SHARED_WORDS else 0.0
    if not score:
        return 0.0
    if a.kind == "cloze" and (a.terms or b.terms):
        terms_a, terms_b = set(a.terms), set(b.terms)
        score = 0.5 * score + 0.5 * len(terms_a & terms_b) / len(terms_a | terms_b)
    title = SequenceMatcher(None, a.title.casefold(), b.title.casefold()).ratio() if a.title or b.title else 1
    return (score + 0.15 * title) / 1.15


def best_pairs(
    new: Sequence[Sketch],
    old: Sequence[Sketch],
    threshold: float = MATCH_THRESHOLD,
    allowed: Callable[[int, int], bool] = lambda i, j: True,
) -> list[tuple[int, int, float]]:
    """Pairs (new index, old index, score) scoring at least `threshold`, best first, each index once.

    Only pairs sharing a distinctive word are scored.  Ties are broken by position, so the
    result is the same on every run.
    """
    index: dict[str, list[int]] = defaultdict(list)
    for j, sketch in enumerate(old):
        for word in sketch.words:
            index[word].append(j)
    scored = []
    for i, sketch in enumerate(new):
        candidates = {
            j
            for word in sketch.words
            if len(index.get(word, ())) <= _COMMON_WORD_LIMIT
            for j in index.get(word, ())
        }
        for j in sorted(candidates):
            score = similarity(sketch, old[j]) if allowed(i, j) else 0.0
            if score >= threshold:
                scored.append((-score, i, j))
    pairs, used_new, used_old = [], set(), set()
    for negative, i, j in sorted(scored):
        if i not in used_new and j not in used_old:
            used_new.add(i)
            used_old.add(j)
            pairs.append((i, j, -negative))
    return pairs
