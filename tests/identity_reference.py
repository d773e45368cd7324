"""identity as it was before its quick paths (main 067d89d): `assign_identity` and the matching
by key, verbatim but for names, kept as the long way the quick paths are held to
(tests/test_identity_quick.py).  Its helpers (`_place`, the sketches, `anchor`) are the shipped ones:
the quick paths leave them as they were, and the tests compare the quick ways with them directly.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ankigen.identity import IdentityResult, _bump, _fresh_guid, _place, _removed_card
from ankigen.lockfile import Lock, LockEntry
from ankigen.matching import _entry_sketch, anchor, card_sketch
from ankigen.model import Card, Diagnostic
from ankigen.similarity import best_pairs


def reference_identity(
    cards: Sequence[Card],
    lock: Lock,
    now: int,
    root: Path,
    in_scope: Callable[[LockEntry], bool] = lambda entry: True,
    also_taken: Iterable[str] = (),
) -> IdentityResult:
    """Match `cards` to the notes in `lock`; `now` is the mtime of content that changes now.

    Only the lock's notes `in_scope` (from files this build covers) can be matched or found
    removed: building one folder of a project leaves the notes of the others as they are.
    `also_taken`: GUIDs no new note may get besides the lock's (those of notes matched elsewhere, when
    `lock` is a part of the lock file: see `ankigen.incremental`).
    """
    entries: list[LockEntry] = []
    elsewhere: list[LockEntry] = []
    for locked in lock.entries:
        (entries if in_scope(locked) else elsewhere).append(locked)
    matches, ambiguous = match_cards(cards, entries)
    diagnostics = [*lock.diagnostics, *ambiguous]

    taken = {*also_taken, *(entry.guid for entry in lock.entries)}
    out_cards, out_entries = [], []
    for i, card in enumerate(cards):
        entry = entries[matches[i]] if i in matches else None
        guid = entry.guid if entry else _fresh_guid(anchor(card), taken)
        taken.add(guid)
        placed, record = _place(card, guid, entry, now)
        out_cards.append(placed)
        out_entries.append(record)
    claimed = set(matches.values())
    removed = []
    for j, entry in enumerate(entries):
        if j not in claimed:
            gone = (
                entry if entry.removed else dataclasses.replace(entry, removed=True, mtime=_bump(entry, now))
            )
            removed.append(_removed_card(gone, root))
            out_entries.append(gone)
    out_entries.extend(elsewhere)
    out_entries.sort(key=lambda e: e.guid)
    changed = tuple(out_entries) != lock.entries
    return IdentityResult(tuple(out_cards), tuple(removed), tuple(out_entries), changed, tuple(diagnostics))


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
