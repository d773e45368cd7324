"""Which lock entry each card is (steps 1 and 2 of `ankigen.identity`): by identity key, then
by content similarity; what is left over on either side is new, or removed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ankigen.lockfile import LockEntry
from ankigen.model import Card, Diagnostic
from ankigen.similarity import Sketch, best_pairs, cloze_terms, plain_text, sketch_text

__all__ = ["anchor", "card_sketch", "match_cards"]


def anchor(card: Card) -> str:
    """The key a card is matched by: its pinned id, which survives renames and moves, else its key."""
    if not card.pinned_id:
        return card.key
    local = card.key.replace(card.context, "", 1) if card.context else card.key
    return f"pin:{card.pinned_id}|{local}"


def match_cards(
    cards: Sequence[Card], entries: Sequence[LockEntry]
) -> tuple[dict[int, int], list[Diagnostic]]:
    """Each card's lock entry, where it has one (card index -> entry index), and a warning for
    each card whose key another card has too."""
    matches: dict[int, int] = {}
    diagnostics = _match_by_key(cards, entries, matches)
    _match_by_similarity(cards, entries, matches)
    return matches, diagnostics


def _match_by_key(
    cards: Sequence[Card], entries: Sequence[LockEntry], matches: dict[int, int]
) -> list[Diagnostic]:
    """Pair cards with lock entries of the same key: the pinned anchor first, then the plain key
    (a note that just got pinned).  Several cards with one key are paired by likeness, with a warning."""
    diagnostics: list[Diagnostic] = []
    anchors = [anchor(card) for card in cards]
    groups: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(anchors):
        groups[key].append(i)
    for members in groups.values():
        for card_index in members[1:]:
            card = cards[card_index]
            diagnostics.append(
                Diagnostic(
                    card.source.display,
                    card.line,
                    f"two notes would get one GUID ({card.context or card.key}); told apart by content"
                    " and position (pin one with <!-- id: ... --> to choose)",
                )
            )
    for keys in (anchors, [card.key for card in cards]):
        if len(matches) == len(cards):  # every card has its note: nothing left to pair
            break
        by_key: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(keys):
            if i not in matches:
                by_key[key].append(i)
        free: dict[str, list[int]] = defaultdict(list)
        claimed = set(matches.values())
        for j, entry in enumerate(entries):
            if j not in claimed:
                free[entry.key].append(j)
        for key in sorted(by_key.keys() & free.keys()):
            new, old = by_key[key], free[key]
            if len(new) == 1 and len(old) == 1:
                matches[new[0]] = old[0]
                continue
            pairs = best_pairs(
                [card_sketch(cards[i]) for i in new], [_entry_sketch(entries[j]) for j in old], 0.0
            )
            for a, b, _ in pairs:
                matches[new[a]] = old[b]
    return diagnostics


def _match_by_similarity(
    cards: Sequence[Card], entries: Sequence[LockEntry], matches: dict[int, int]
) -> None:
    claimed = set(matches.values())
    new = [i for i in range(len(cards)) if i not in matches]
    old = [j for j in range(len(entries)) if j not in claimed]
    if not new or not old:
        return
    pairs = best_pairs(
        [card_sketch(cards[i]) for i in new],
        [_entry_sketch(entries[j]) for j in old],
        allowed=lambda a, b: _pins_agree(cards[new[a]], entries[old[b]]),
    )
    for a, b, _ in pairs:
        matches[new[a]] = old[b]


def _pins_agree(card: Card, entry: LockEntry) -> bool:
    """Two different pinned ids mean two different notes, however alike they look."""
    return not (card.pinned_id and entry.pin and card.pinned_id != entry.pin)


def card_sketch(card: Card) -> Sketch:
    title = card.heading_path[-1] if card.heading_path else ""
    if card.kind == "cloze":
        text = plain_text(card.front)
        return Sketch("cloze", title, text, tuple(term for _, term in cloze_terms(card.front)))
    question = plain_text(card.front)
    if card.context:
        question = question.replace(card.context, "", 1).strip()
    return Sketch("qa", title, sketch_text(f"{question} {plain_text(card.back)}".strip()))


def _entry_sketch(entry: LockEntry) -> Sketch:
    terms = tuple(term for _, term in cloze_terms(entry.text)) if entry.kind == "cloze" else ()
    return Sketch(entry.kind, entry.title, entry.text, terms)
