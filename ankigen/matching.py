"""Which lock entry each card is (steps 1 and 2 of `ankigen.identity`): by identity key, then
by content similarity; what is left over on either side is new, or removed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from ankigen.lockfile import LockEntry
from ankigen.model import Card, Diagnostic
from ankigen.similarity import Sketch, best_pairs, cloze_terms, plain_text, sketch_text

__all__ = ["anchor", "card_sketch", "card_text", "match_cards"]


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
    anchors = [anchor(card) for card in cards]
    every_card = _by_key(anchors, range(len(anchors)))
    diagnostics = [_shared_key(cards[i]) for members in every_card[1].values() for i in members[1:]]
    entry_keys = [entry.key for entry in entries]
    for keys in (anchors, None):
        if len(matches) == len(cards) or len(matches) == len(entries):  # nothing left to pair
            break
        if keys is anchors and not matches:
            one_card, cards_of = every_card
        else:
            one_card, cards_of = _unmatched([card.key for card in cards] if keys is None else keys, matches)
        one_entry, entries_of = _unmatched(entry_keys, set(matches.values()))
        for key, i in one_card.items():  # one card and one entry with the key: the two are one note
            j = one_entry.get(key)
            if j is not None:
                matches[i] = j
        if not cards_of and not entries_of:
            continue
        shared = (cards_of.keys() & (one_entry.keys() | entries_of.keys())) | (
            entries_of.keys() & one_card.keys()
        )
        for key in sorted(shared):
            new = cards_of.get(key) or [one_card[key]]
            old = entries_of.get(key) or [one_entry[key]]
            pairs = best_pairs(
                [card_sketch(cards[i]) for i in new], [_entry_sketch(entries[j]) for j in old], 0.0
            )
            for a, b, _ in pairs:
                matches[new[a]] = old[b]
    return diagnostics


def _shared_key(card: Card) -> Diagnostic:
    return Diagnostic(
        card.source.display,
        card.line,
        f"two notes would get one GUID ({card.context or card.key}); told apart by content"
        " and position (pin one with <!-- id: ... --> to choose)",
    )


_Groups = tuple[dict[str, int], dict[str, list[int]]]


def _unmatched(keys: Sequence[str], paired: Collection[int]) -> _Groups:
    """`_by_key` of the items not `paired` yet."""
    if not paired:
        return _by_key(keys, range(len(keys)))
    indexes = [i for i in range(len(keys)) if i not in paired]
    return _by_key([keys[i] for i in indexes], indexes)


def _by_key(keys: Sequence[str], indexes: Sequence[int]) -> _Groups:
    """The index of each key that one item has, and the indexes (in order) of each key that
    several have, in the order of their first: putting every item in a list of its own was
    most of matching a build's notes, where every key is one note's."""
    one = dict(zip(keys, indexes, strict=True))
    if len(one) == len(keys):
        return one, {}
    several: dict[str, list[int]] = defaultdict(list)
    for key, index in zip(keys, indexes, strict=True):
        several[key].append(index)
    for key, members in list(several.items()):
        if len(members) == 1:
            del several[key]
        else:
            del one[key]
    return one, dict(several)


def _match_by_similarity(
    cards: Sequence[Card], entries: Sequence[LockEntry], matches: dict[int, int]
) -> None:
    if len(matches) == len(cards) or len(matches) == len(entries):  # nothing left on one side
        return
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
    text = card_text(card, card.front)
    if card.kind == "cloze":
        return Sketch("cloze", title, text, tuple(term for _, term in cloze_terms(card.front)))
    return Sketch("qa", title, text)


def card_text(card: Card, front: str) -> str:
    """The text of `card_sketch`, with `front` for the card's own (its clozes renumbered): what a
    lock entry records, worked out without the sketch's cloze terms."""
    if card.kind == "cloze":
        return plain_text(front)
    question = plain_text(front)
    if card.context:
        question = question.replace(card.context, "", 1).strip()
    return sketch_text(f"{question} {plain_text(card.back)}".strip())


def _entry_sketch(entry: LockEntry) -> Sketch:
    terms = tuple(term for _, term in cloze_terms(entry.text)) if entry.kind == "cloze" else ()
    return Sketch(entry.kind, entry.title, entry.text, terms)
