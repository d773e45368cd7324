"""When a snapshot of a build may be kept: its files' notes are independent of one another.

The promises (see `ankigen.incremental` for why they make the changed files alone enough):
- no key by which a file's notes meet other notes (`file_keys`) is another file's;
- identity left every note's text as it was (no cloze renumbered), so that its lock entry is
  taken as it is next time;
- matching by key alone gives every note its own entry again (`settled`): the entries in scope
  with a note's anchor are exactly the entries of the notes with that anchor, and where several
  notes share one (a heading written twice in a file), pairing them by likeness, as matching
  does, gives each its own.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

from ankigen.identity import IdentityResult
from ankigen.lockfile import LockEntry
from ankigen.matching import _entry_sketch, anchor, card_sketch
from ankigen.model import Card, Diagnostic
from ankigen.similarity import best_pairs
from ankigen.snapshot import FileState, Snapshot, lock_digest

__all__ = ["by_file", "disjoint", "file_keys", "full_snapshot", "settled", "state_of"]

_NUMBERED = re.compile(r"(.*) \((\d+)\)", re.S)


def file_keys(raw: Iterable[Card], distinct: Iterable[Card]) -> frozenset[str]:
    """Every key by which a file's notes meet other notes: in `distinct_cards` (their keys, and
    each number it tried when it numbered a cloze's key) and in matching (their anchors)."""
    keys = {card.key for card in raw}
    as_written = frozenset(keys)
    for card in distinct:
        keys.add(card.key)
        keys.add(anchor(card))
        numbered = _NUMBERED.fullmatch(card.key) if card.key not in as_written else None
        if numbered:
            keys.update(f"{numbered[1]} ({n})" for n in range(2, int(numbered[2]) + 1))
    return frozenset(keys)


def disjoint(keys: Iterable[frozenset[str]]) -> bool:
    sets = list(keys)
    return sum(len(k) for k in sets) == len(frozenset().union(*sets))


def by_file(items: Iterable[Card]) -> dict[str, list[Card]]:
    grouped: dict[str, list[Card]] = defaultdict(list)
    for card in items:
        grouped[card.source.display].append(card)
    return grouped


def settled(cards: Sequence[Card], entries: Sequence[LockEntry]) -> bool:
    """Whether matching `cards` (with their GUIDs) by key against `entries` (every entry in
    scope, in lock order, that one of their anchors could meet) gives each its own entry."""
    anchors = [anchor(card) for card in cards]
    entries_of = Counter(entry.key for entry in entries)
    cards_of = Counter(anchors)
    guid_of = {entry.key: entry.guid for entry in entries}
    shared: dict[str, list[Card]] = defaultdict(list)
    for key, card in zip(anchors, cards, strict=True):
        if entries_of[key] != cards_of[key]:
            return False
        if cards_of[key] == 1:
            if guid_of[key] != card.guid:
                return False
        else:
            shared[key].append(card)
    owned: dict[str, list[LockEntry]] = defaultdict(list)
    if shared:
        for entry in entries:
            if entry.key in shared:
                owned[entry.key].append(entry)
    for key, members in shared.items():  # as `matching._match_by_key` pairs several notes of one key
        own = owned[key]
        pairs = best_pairs([card_sketch(card) for card in members], [_entry_sketch(e) for e in own], 0.0)
        if len(pairs) != len(members) or any(own[j].guid != members[i].guid for i, j, _ in pairs):
            return False
    return True


def state_of(
    key: str, cards: Sequence[Card], keys: frozenset[str], warnings: Sequence[Diagnostic]
) -> FileState:
    guids = tuple(card.guid for card in cards)
    return FileState(key, guids, tuple(card.mtime for card in cards), keys, tuple(warnings))


def full_snapshot(
    guard: str,
    files: Mapping[str, str],
    raw: Sequence[Card],
    distinct: Sequence[Card],
    identity: IdentityResult,
    in_scope: Callable[[LockEntry], bool],
    content: bytes,
) -> Snapshot | None:
    """The snapshot of a build that took the full path (`files`: each file's cache key, by display
    path, in order), when it keeps the promises above."""
    if len(identity.cards) != len(distinct):
        return None
    raw_by, distinct_by = by_file(raw), by_file(distinct)
    if len(raw_by.keys() | distinct_by.keys() | files.keys()) != len(files):
        return None  # cards of a file this build did not list
    keys = {display: file_keys(raw_by.get(display, ()), distinct_by.get(display, ())) for display in files}
    if not disjoint(keys.values()):
        return None
    if any(before.front != after.front for before, after in zip(distinct, identity.cards, strict=True)):
        return None
    scoped = [entry for entry in identity.entries if in_scope(entry)]
    if not settled(identity.cards, scoped):
        return None
    final_by = by_file(identity.cards)
    warned: dict[str, list[Diagnostic]] = defaultdict(list)
    for diagnostic in identity.diagnostics:  # the notes that share a key: each file's own
        warned[diagnostic.path].append(diagnostic)
    states = {
        display: state_of(key, final_by.get(display, []), keys[display], warned.get(display, []))
        for display, key in files.items()
    }
    tombstones = frozenset(entry.guid for entry in scoped if entry.removed)
    every = tuple(entry.guid for entry in identity.entries)
    return Snapshot(guard, lock_digest(content), every, tombstones, states)
