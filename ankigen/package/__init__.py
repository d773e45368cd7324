"""Package cards into .apkg files with genanki, written atomically; the only genanki user.

Under SOURCE_DATE_EPOCH every id, time and zip entry is fixed, so the same notes and lock give
the same bytes.  With a build cache, a package reuses the rows of the notes that did not change
since the previous build (`previous`, `collection`): genanki writes only the others, and the
bytes are those of a build that wrote them all.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import genanki

from ankigen.atomic import atomic_file
from ankigen.errors import OutputError
from ankigen.field_memo import FieldMemo
from ankigen.model import Card, DeckFile
from ankigen.package.archive import write_apkg
from ankigen.package.collection import CollectionError, PlannedNote, assemble
from ankigen.package.models import (
    CLOZE_FIELDS,
    CLOZE_MODEL,
    CLOZE_MODEL_ID,
    CLOZE_TEMPLATES,
    CSS,
    QA_FIELDS,
    QA_MODEL,
    QA_MODEL_ID,
    QA_TEMPLATES,
)
from ankigen.package.notes import genanki_note, model_of, note_key
from ankigen.package.previous import PreviousBuild, load_previous, save_previous

__all__ = [
    "CLOZE_FIELDS",
    "CLOZE_MODEL_ID",
    "CLOZE_TEMPLATES",
    "CSS",
    "QA_FIELDS",
    "QA_MODEL_ID",
    "QA_TEMPLATES",
    "DeckSpec",
    "deck_id",
    "write_package",
]

_QA_MODEL = QA_MODEL  # the names tests/test_package.py checks the frozen lists against
_CLOZE_MODEL = CLOZE_MODEL


@dataclass(frozen=True)
class DeckSpec:
    """One .apkg to write: its file name and its cards, each already placed in a deck by name."""

    filename: str
    cards: tuple[tuple[str, Card], ...]  # (deck name, card)


def deck_id(name: str) -> int:
    """A stable deck id derived from the deck's name (Anki ids are positive 63-bit ints)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:7], "big") or 1


def write_package(
    spec: DeckSpec,
    out_dir: Path,
    timestamp: float | None = None,
    memo: FieldMemo | None = None,
    cache_dir: Path | None = None,
) -> DeckFile:
    """Write one .apkg atomically: a temporary file in the same folder, then a rename.

    A build killed at any moment leaves the previous .apkg as it was (and no partial file), and
    two builds writing into one folder each rename a complete file of their own into place.
    `memo` holds fields already sanitised (by a previous build), which need not be again.
    With `cache_dir`, the previous build's collection of this package is read from it (its
    unchanged notes reused) and this one's is kept there for the next build.
    """
    memo = memo or FieldMemo()
    when = time.time() if timestamp is None else timestamp
    target = out_dir / spec.filename
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: the output folder is a file")
    if target.is_dir():
        raise OutputError(f"{target}: is a folder, so the deck cannot be written there")
    previous = load_previous(cache_dir, spec.filename) if cache_dir else None
    decks, notes = _plan(spec, when, memo, previous)
    try:
        collection = assemble(notes, list(decks.values()), when, previous.collection if previous else None)
    except (CollectionError, OverflowError, sqlite3.DatabaseError):
        # the previous collection was not what its manifest said: write every note afresh
        decks, notes = _plan(spec, when, memo, None)
        collection = assemble(notes, list(decks.values()), when)
    media = {
        ref.stored_name: ref.path for _, card in spec.cards for ref in card.media if ref.path is not None
    }
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with atomic_file(target) as stream:
            write_apkg(collection, media, stream, when)
    except OSError as exc:
        where = exc.filename if exc.filename and exc.filename != str(target) else out_dir
        raise OutputError(f"{where}: cannot write {spec.filename}: {exc.strerror or exc}") from None
    if cache_dir:
        save_previous(cache_dir, spec.filename, collection, [(n.key, n.note_id, n.cards) for n in notes])
    return DeckFile(target, tuple(decks), len(spec.cards), len(media))


def _plan(
    spec: DeckSpec, timestamp: float, memo: FieldMemo, previous: PreviousBuild | None
) -> tuple[dict[str, genanki.Deck], list[PlannedNote]]:
    """Every note in the order genanki writes them (deck by deck, each deck's notes in the
    package's order), with the ids genanki's counter gives them."""
    by_deck: dict[str, list[tuple[int, Card, bytes]]] = {}
    for position, (deck_name, card) in enumerate(spec.cards, start=1):
        by_deck.setdefault(deck_name, []).append((position, card, note_key(card, deck_name, timestamp)))
    known = previous.notes if previous else {}
    memo.expect(4 * sum(key not in known for entries in by_deck.values() for _, _, key in entries))
    decks: dict[str, genanki.Deck] = {}
    notes: list[PlannedNote] = []
    next_id = int(timestamp * 1000)
    for deck_name, entries in by_deck.items():
        deck = decks[deck_name] = genanki.Deck(deck_id(deck_name), deck_name)
        for position, card, key in entries:
            deck.add_model(model_of(card))
            reused = known.get(key)
            if reused is None:
                fresh = genanki_note(card, position, memo)
                note = PlannedNote(key, next_id, len(fresh.cards), position, deck.deck_id, fresh=fresh)
            else:
                note = PlannedNote(key, next_id, reused[1], position, deck.deck_id, previous_id=reused[0])
            notes.append(note)
            next_id += 1 + note.cards
    return decks, notes
