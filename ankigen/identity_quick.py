"""The quick ways of `ankigen.identity`, each giving exactly what the long way gives (held to
it by tests/test_identity_quick.py): most notes of a build with a lock are their entry's note
unchanged, and keep its GUID, mtime and line; the new entries are mostly the lock's, in its order.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from hashlib import sha256

from ankigen.frozen import plain_fields, replaced
from ankigen.lockfile import LockEntry
from ankigen.matching import anchor
from ankigen.model import Card

__all__ = ["TagsMemo", "in_place", "kept_card", "strictly_by_guid"]

_GUID = operator.attrgetter("guid")
TagsMemo = dict[tuple[str, ...], tuple[tuple[str, ...], str]]  # tags -> sorted, and joined as fingerprinted
_CARD_FIELDS = plain_fields(Card)


def kept_card(card: Card, entry: LockEntry, tags_of: TagsMemo) -> Card | None:
    """What `identity._place(card, entry.guid, entry, now)` makes of a card that
    `identity._unchanged` finds to be its entry's note: the card with the entry's GUID and mtime
    (and the entry kept as it is); None for any other card.  The same checks, the quick way:
    a file's cards share one tags tuple, sorted and joined once here (`tags_of`, for one build),
    and the card is copied without `replaced`'s checks of what it is changed in."""
    tags = card.tags
    path = card.heading_path
    source = card.source.display
    if (
        entry.removed
        or entry.kind != card.kind
        or entry.title != (path[-1] if path else "")
        or entry.source != source
        or entry.exam != card.exam
        or entry.domain != card.domain
        or entry.pin != (card.pinned_id or "")
        or (entry.clozes and card.kind != "cloze")
        or entry.key != (anchor(card) if card.pinned_id else card.key)
    ):
        return None
    ordered = tags_of.get(tags)
    if ordered is None:
        in_order = tuple(sorted(tags))
        ordered = tags_of[tags] = (in_order, " ".join(in_order))
    if entry.tags != ordered[0]:
        return None
    # `identity._fingerprint`'s hash: its parts joined as UTF-8 (one part not ASCII made all of them UCS-2)
    parts = (card.kind, card.front, card.back, card.context, source, ordered[1])
    if entry.fingerprint != sha256(b"\x1f".join([part.encode() for part in parts])).hexdigest()[:16]:
        return None
    state = getattr(card, "__dict__", None)
    if not _CARD_FIELDS or state is None or len(state) != len(_CARD_FIELDS):  # see ankigen.frozen
        return replaced(card, guid=entry.guid, mtime=entry.mtime)
    copy: Card = object.__new__(Card)
    fields = copy.__dict__
    fields.update(state)
    fields["guid"] = entry.guid
    fields["mtime"] = entry.mtime
    return copy


def strictly_by_guid(entries: Sequence[LockEntry]) -> bool:
    guids = list(map(_GUID, entries))
    return all(map(operator.lt, guids, guids[1:]))


def in_place(
    lock: Sequence[LockEntry],
    places: Sequence[int],
    matches: Mapping[int, int],
    records: Sequence[LockEntry],
    gone: Mapping[int, LockEntry],
) -> list[LockEntry]:
    """The new entries sorted by GUID, as `sorted` would give them, from `lock` in GUID order:
    a matched note's entry, new or kept, has its lock entry's GUID and takes its place, as does
    a removed one; only new notes' entries are sorted in (sorting every entry, in the order of
    the cards, was a tenth of identity)."""
    out = list(lock)
    fresh = []
    for i, record in enumerate(records):
        j = matches.get(i)
        if j is None:
            fresh.append(record)
        else:
            out[places[j]] = record
    for j, entry in gone.items():
        out[places[j]] = entry
    if fresh:
        out.extend(fresh)
        out.sort(key=_GUID)  # two runs in order, merged
    return out
