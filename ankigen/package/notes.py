"""One card as a genanki note, and the key that says whether its rows can be reused.

Each note carries its own modification time (when its content last changed, from the lock file),
not the build's: Anki updates a note on import only when the package's time is newer, so an
unchanged note is left alone and one edited in the notes always wins.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
from collections.abc import Iterator

import genanki

from ankigen.model import Card
from ankigen.note_fields import note_fields
from ankigen.package.models import CLOZE_MODEL, QA_MODEL

__all__ = ["TimedNote", "genanki_note", "model_of", "note_key", "note_mod"]


class TimedNote(genanki.Note):  # type: ignore[misc]
    """A genanki note stamped with its own modification time instead of the package's."""

    def __init__(self, mtime: int, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.mtime = mtime

    def write_to_db(
        self, cursor: sqlite3.Cursor, timestamp: float, deck_id: int, id_gen: Iterator[int]
    ) -> None:
        # genanki stamps the note and its cards with the timestamp it is given.
        super().write_to_db(cursor, self.mtime or timestamp, deck_id, id_gen)


def model_of(card: Card) -> genanki.Model:
    return QA_MODEL if card.kind == "qa" else CLOZE_MODEL


def note_mod(card: Card, timestamp: float) -> int:
    """The modification time genanki writes for the note and its cards."""
    return int(card.mtime or timestamp)


def note_key(card: Card, deck_name: str, timestamp: float) -> bytes:
    """A digest of everything that shapes a note's rows in the collection but its ids and its
    position (the Source field is made of the file, the line and `removed`): equal keys, equal
    rows, given the same ankigen and libraries (which the cache entry's name is keyed by)."""
    shape = (
        card.kind,
        card.front,
        card.back,
        card.context,
        card.source.display,
        card.line,
        card.removed,
        card.guid,
        card.tags,
        int(card.mtime or timestamp),  # note_mod, inlined: this runs for every note of every build
        deck_name,
    )
    return hashlib.blake2b(pickle.dumps(shape, protocol=5), digest_size=16).digest()


def genanki_note(card: Card, position: int = 0) -> genanki.Note:
    """The note of `card`, with the fields `ankigen.note_fields` gives it."""
    fields = note_fields(card)
    note = TimedNote(
        card.mtime,
        model=model_of(card),
        fields=list(fields),
        guid=card.guid,
        tags=list(card.tags),
        sort_field=fields[0],
        due=position,  # Anki shows new cards by due position: keep the notes' own order
    )
    if card.removed:  # never new cards for a first import; existing cards keep their state
        for template in note.cards:
            template.suspend = True
    return note
