"""Cloze numbers are identity: Anki keeps a cloze note's card N (and its reviews) for `{{cN::...}}`.

A term keeps its number across rebuilds, wherever it moves in the sentence, and the number of a
term that was dropped is never handed to another term, whose card would otherwise inherit the
dropped term's review history.
"""

from __future__ import annotations

import re
from collections import Counter

from ankigen.similarity import CLOZE_MARKER, normalize_term

__all__ = ["renumber"]

_OPENING = re.compile(r"\{\{c(\d+)::")


def renumber(front: str, known: tuple[tuple[str, int], ...]) -> tuple[str, tuple[tuple[str, int], ...]]:
    """The cloze text with each term's number taken from `known` (term -> number), new terms
    numbered after every number used so far; and the updated term -> number table."""
    terms_of: dict[int, list[str]] = {}
    for match in CLOZE_MARKER.finditer(front):
        terms_of.setdefault(int(match.group(1)), []).append(normalize_term(match.group(2)))
    numbers = dict(known)
    next_number = max(numbers.values(), default=0) + 1
    occurrences: Counter[str] = Counter()
    new_number: dict[int, int] = {}
    for original, terms in terms_of.items():
        term = "|".join(terms)
        occurrences[term] += 1
        if occurrences[term] > 1:  # the same term hidden twice: each occurrence is its own card
            term = f"{term}#{occurrences[term]}"
        if term not in numbers:
            numbers[term] = next_number
            next_number += 1
        new_number[original] = numbers[term]
    renumbered = _OPENING.sub(lambda m: f"{{{{c{new_number.get(int(m.group(1)), m.group(1))}::", front)
    return renumbered, tuple(sorted(numbers.items()))
