"""Stable note identity: the GUID, cloze numbers and modification time a note keeps across rebuilds.

Anki matches an imported note to the one in the collection by GUID, and updates it only when the
package's modification time is newer.  So each card is matched to what the lock file remembers:

1. by identity key: the section's pinned id (`<!-- id: ... -->`) if any, else the key the
   extract rule gave it (rule + heading path + term/question);
2. the notes left over on both sides are paired by content similarity (an edited answer, a
   renamed heading, a section moved to another file, a cloze reworded around its term)
   (1 and 2: `ankigen.matching`);
3. whatever is still unmatched is new and gets a GUID derived from its key.

A note's mtime changes only when its content does; notes that vanished from the notes are kept,
tagged `ankigen::removed`.  ankigen never writes into the notes: all of this lives in the lock.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ankigen.clozes import renumber
from ankigen.frozen import replaced
from ankigen.identity_quick import TagsMemo, in_place, kept_card, strictly_by_guid
from ankigen.lockfile import Lock, LockEntry
from ankigen.matching import anchor, card_text, match_cards
from ankigen.model import Card, Diagnostic, SourceFile

__all__ = ["REMOVED_SEARCH", "REMOVED_TAG", "IdentityResult", "assign_identity", "guid_for"]

REMOVED_TAG = "ankigen::removed"
REMOVED_SEARCH = f"tag:{REMOVED_TAG}"
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Two base-62 digits at a time: half the divisions of a first build's GUIDs.
_DIGIT_PAIRS = tuple(high + low for high in _ALPHABET for low in _ALPHABET)


def guid_for(key: str) -> str:
    """A short, deterministic GUID for an identity key: "ag" and an 80-bit hash in base 62."""
    number = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:10], "big")
    pairs = []
    while number:
        number, rest = divmod(number, len(_DIGIT_PAIRS))
        pairs.append(_DIGIT_PAIRS[rest])
    return "ag" + "".join(reversed(pairs)).lstrip(_ALPHABET[0])


@dataclass(frozen=True)
class IdentityResult:
    cards: tuple[Card, ...]  # with guid, mtime and stable cloze numbers
    removed: tuple[Card, ...]  # notes the lock knows that the notes no longer make
    entries: tuple[LockEntry, ...]  # the lock file's new content, sorted by GUID
    changed: bool  # whether `entries` differ from the lock that was read
    diagnostics: tuple[Diagnostic, ...]

    def counts(self, lock: Lock) -> dict[str, int]:
        """How many notes are new, changed and newly removed compared with `lock`."""
        old = lock.by_guid()
        new = sum(card.guid not in old for card in self.cards)
        changed = sum(card.guid in old and card.mtime != old[card.guid].mtime for card in self.cards)
        removed = sum(not old[card.guid].removed for card in self.removed)
        return {"new": new, "changed": changed, "removed": removed}


def assign_identity(
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
    places: list[int] = []  # where each of `entries` is in the lock
    elsewhere: list[LockEntry] = []
    for place, locked in enumerate(lock.entries):
        if in_scope(locked):
            entries.append(locked)
            places.append(place)
        else:
            elsewhere.append(locked)
    matches, ambiguous = match_cards(cards, entries)
    diagnostics = [*lock.diagnostics, *ambiguous]

    taken: set[str] | None = None  # made when a new note first needs a GUID (most builds: never)
    tags_of: TagsMemo = {}
    out_cards, records = [], []
    for i, card in enumerate(cards):
        j = matches.get(i)
        entry = entries[j] if j is not None else None
        if entry is not None:
            kept = kept_card(card, entry, tags_of)
            if kept is not None:  # most notes of a build with a lock: as `_place` would keep it
                out_cards.append(kept)
                records.append(entry)
                continue
            guid = entry.guid  # (one of the lock's GUIDs: taken already)
        else:
            if taken is None:
                taken = {*also_taken, *(locked.guid for locked in lock.entries)}
            guid = _fresh_guid(anchor(card), taken)
            taken.add(guid)
        placed, record = _place(card, guid, entry, now)
        out_cards.append(placed)
        records.append(record)
    gone: dict[int, LockEntry] = {}  # the notes no card is, by their index in `entries`
    if len(matches) < len(entries):
        claimed = set(matches.values())
        for j, entry in enumerate(entries):
            if j not in claimed:
                gone[j] = (
                    entry
                    if entry.removed
                    else dataclasses.replace(entry, removed=True, mtime=_bump(entry, now))
                )
    removed = [_removed_card(entry, root) for entry in gone.values()]
    if strictly_by_guid(lock.entries):
        out_entries = in_place(lock.entries, places, matches, records, gone)
    else:  # (only a lock made by hand: one read is in GUID order)
        out_entries = [*records, *gone.values(), *elsewhere]
        out_entries.sort(key=lambda e: e.guid)
    changed = tuple(out_entries) != lock.entries
    return IdentityResult(tuple(out_cards), tuple(removed), tuple(out_entries), changed, tuple(diagnostics))


def _fresh_guid(key: str, taken: set[str]) -> str:
    guid, n = guid_for(key), 1
    while guid in taken:
        n += 1
        guid = guid_for(f"{key}#{n}")
    return guid


def _bump(entry: LockEntry, now: int) -> int:
    """A modification time newer than the entry's, so that Anki takes the new version."""
    return max(now, entry.mtime + 1)


def _fingerprint(card: Card, front: str, tags: tuple[str, ...]) -> str:
    """The hash of what a note shows, with `front` (its renumbered clozes) for the card's own and
    `tags` its tags, sorted."""
    # The Source field's line number is left out: a note that only moved down its file is not
    # re-imported (the stale line number is the price of keeping edits made in Anki).
    parts = (card.kind, front, card.back, card.context, card.source.display, " ".join(tags))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _place(card: Card, guid: str, entry: LockEntry | None, now: int) -> tuple[Card, LockEntry]:
    tags = tuple(sorted(card.tags))
    title = card.heading_path[-1] if card.heading_path else ""
    if entry is not None and _unchanged(card, tags, title, entry):
        # Most notes of a rebuild: the lock entry is kept as it is, line and all.
        return replaced(card, guid=entry.guid, mtime=entry.mtime), entry
    clozes: tuple[tuple[str, int], ...] = ()
    front = card.front
    if card.kind == "cloze":
        front, clozes = renumber(card.front, entry.clozes if entry else ())
    fingerprint = _fingerprint(card, front, tags)
    if entry is None:
        mtime = now
    elif entry.fingerprint == fingerprint and not entry.removed:
        mtime = entry.mtime
    else:
        mtime = _bump(entry, now)
    if entry is not None and entry.fingerprint == fingerprint and entry.title == title:
        # The sketch text is made of what the fingerprint hashes (kind, front, back, context):
        # an unchanged note has the text it had, and is spared an HTML parse of its fields.
        text = entry.text
    else:
        text = card_text(card, front)
    record = LockEntry(
        guid=guid,
        key=anchor(card),
        kind=card.kind,
        fingerprint=fingerprint,
        mtime=mtime,
        title=title,
        text=text,
        source=card.source.display,
        exam=card.exam,
        domain=card.domain,
        pin=card.pinned_id or "",
        clozes=clozes,
        tags=tags,
    )
    if entry is not None and record == entry:  # unchanged after all: its clozes renumbered as before
        record = entry  # which keeps its line
    return replaced(card, front=front, guid=guid, mtime=mtime), record


def _unchanged(card: Card, tags: tuple[str, ...], title: str, entry: LockEntry) -> bool:
    """Whether `card` is exactly the note `entry` records, without renumbering its clozes.

    A front that hashes to the entry's fingerprint as it is, is the front last shipped, whose
    cloze numbers are the entry's own (renumbering it would change nothing); every other field
    of the entry is compared as such.
    """
    return (
        not entry.removed
        and entry.kind == card.kind
        and entry.title == title
        and entry.source == card.source.display
        and entry.exam == card.exam
        and entry.domain == card.domain
        and entry.pin == (card.pinned_id or "")
        and entry.tags == tags
        and entry.key == anchor(card)
        and entry.fingerprint == _fingerprint(card, card.front, tags)
        and (card.kind == "cloze" or not entry.clozes)
    )


def _removed_card(entry: LockEntry, root: Path) -> Card:
    """What is shipped for a note that left the notes: its last text, flagged, with its GUID."""
    notice = f"<p><em>Removed from your notes (it was in {html.escape(entry.source)}).</em></p>"
    text = html.escape(entry.text)
    front, back = (
        (text, notice) if entry.kind == "cloze" else (html.escape(entry.title), notice + f"<p>{text}</p>")
    )
    return Card(
        kind=entry.kind,
        rule="removed",
        key=entry.key,
        front=front,
        back=back,
        context=entry.title,
        heading_path=(entry.title,) if entry.title else (),
        source=SourceFile(root / entry.source, entry.source, root),
        line=0,
        exam=entry.exam,
        domain=entry.domain,
        tags=(*entry.tags, REMOVED_TAG),
        guid=entry.guid,
        pinned_id=entry.pin or None,
        mtime=entry.mtime,
        removed=True,
    )
