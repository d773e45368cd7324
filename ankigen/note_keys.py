"""The package key of each note (`package.notes.note_key`), carried from one build to the next
in the snapshot so that a rebuild works it out only for the notes of the files that changed.

Why a kept key is the key: the snapshot is used only when the files not changed since are
provably given the cards the full path would (`ankigen.incremental`), which are the cards of
their cached results with the GUIDs and times the snapshot holds, the same as the last build
packaged.  A key depends further on the note's deck (checked, note by note, against the one the
key was made for) and, for a note without a time of its own, on the build's time: such a file
keeps no keys.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ankigen.model import Card
from ankigen.package.notes import note_key
from ankigen.snapshot import FileState

__all__ = ["NoteKeys", "note_keys"]

_SIZE = 16  # bytes of one note_key


@dataclass(frozen=True)
class NoteKeys:
    keys: tuple[bytes | None, ...]  # one per placed card; None: to be worked out when packaged
    files: Mapping[str, tuple[bytes, tuple[str, ...]]]  # by display path: joined keys and decks


def note_keys(placed: Sequence[tuple[str, Card]], kept: Mapping[str, FileState]) -> NoteKeys:
    """The keys of the `placed` (deck name, card) pairs: those of the `kept` files' notes taken
    from their state when it fits, the others' worked out, unless they depend on the time."""
    by_file: dict[str, list[int]] = defaultdict(list)
    for at, (_, card) in enumerate(placed):
        by_file[card.source.display].append(at)
    keys: list[bytes | None] = [None] * len(placed)
    files: dict[str, tuple[bytes, tuple[str, ...]]] = {}
    for display, ats in by_file.items():
        decks = tuple(placed[at][0] for at in ats)
        if not all(placed[at][1].mtime for at in ats):  # its key would hold the build's time
            continue
        state = kept.get(display)
        if state is not None and state.decks == decks and len(state.note_keys) == _SIZE * len(ats):
            joined = state.note_keys
            for n, at in enumerate(ats):
                keys[at] = joined[_SIZE * n : _SIZE * (n + 1)]
        else:
            made = [note_key(placed[at][1], placed[at][0], 0.0) for at in ats]
            for at, key in zip(ats, made, strict=True):
                keys[at] = key
            joined = b"".join(made)
        files[display] = (joined, decks)
    return NoteKeys(tuple(keys), files)
