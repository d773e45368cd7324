"""Package cards into .apkg files with genanki, written atomically; the only genanki user.

Under SOURCE_DATE_EPOCH every id, time and zip entry is fixed, so the same notes and lock give
the same bytes.  A note's rows are those genanki would write for it, made straight from its card
(`rows`).  With a build cache, a package reuses the rows of the notes that did not change since
the previous build (`previous`, `collection`): only the others are written afresh, and the
bytes are those of a build that wrote them all.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import genanki

from ankigen.atomic import atomic_file, temp_name
from ankigen.errors import OutputError
from ankigen.model import Card, DeckFile
from ankigen.package.archive import write_apkg
from ankigen.package.collection import CollectionError, CollectionWriter, Plan
from ankigen.package.models import (
    CLOZE_FIELDS,
    CLOZE_MODEL_ID,
    CLOZE_TEMPLATES,
    CSS,
    QA_FIELDS,
    QA_MODEL_ID,
    QA_TEMPLATES,
)
from ankigen.package.notes import model_of, note_key
from ankigen.package.previous import PreviousBuild, load_previous, save_previous, scratch_file

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


@dataclass(frozen=True)
class DeckSpec:
    """One .apkg to write: its file name and its cards, each already placed in a deck by name."""

    filename: str
    cards: tuple[tuple[str, Card], ...]  # (deck name, card)
    keys: tuple[bytes | None, ...] = ()  # each card's note_key when known already (`ankigen.note_keys`)


def deck_id(name: str) -> int:
    """A stable deck id derived from the deck's name (Anki ids are positive 63-bit ints)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:7], "big") or 1


def write_package(
    spec: DeckSpec,
    out_dir: Path,
    timestamp: float | None = None,
    cache_dir: Path | None = None,
) -> DeckFile:
    """Write one .apkg atomically: a temporary file in the same folder, then a rename.

    A build killed at any moment leaves the previous .apkg as it was (and no partial file), and
    two builds writing into one folder each rename a complete file of their own into place.
    With `cache_dir`, the previous build's collection of this package is read from it (its
    unchanged notes reused) and this one's is kept there for the next build.
    """
    when = time.time() if timestamp is None else timestamp
    target = out_dir / spec.filename
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: the output folder is a file")
    if target.is_dir():
        raise OutputError(f"{target}: is a folder, so the deck cannot be written there")
    previous = load_previous(cache_dir, spec.filename) if cache_dir else None
    keyed = cache_dir is not None
    media = {
        ref.stored_name: ref.path for _, card in spec.cards for ref in card.media if ref.path is not None
    }
    # the collection's own file: in the cache (to be kept there), else hidden and temporary
    # beside the .apkg; removed unless kept
    scratch = scratch_file(cache_dir, spec.filename) if cache_dir else None
    try:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            if scratch is None:
                scratch = temp_name(target)
                scratch.touch(exist_ok=False)
            try:
                plan = _collection(spec, when, previous, keyed, scratch)
            except (CollectionError, OverflowError, sqlite3.DatabaseError):
                # the previous collection was not what its manifest said: write every note afresh
                plan = _collection(spec, when, None, keyed, scratch)
            with atomic_file(target) as stream:
                crc = write_apkg(scratch, media, stream, when)
        except (OSError, sqlite3.OperationalError) as exc:  # a full disk, a read-only folder
            failed = getattr(exc, "filename", None)
            where = failed if failed and failed != str(target) and failed != str(scratch) else out_dir
            reason = getattr(exc, "strerror", None) or exc
            raise OutputError(f"{where}: cannot write {spec.filename}: {reason}") from None
        if cache_dir:
            save_previous(cache_dir, spec.filename, scratch, crc, plan.keys, plan.ids, plan.counts)
    finally:
        if scratch is not None:
            with contextlib.suppress(OSError):
                scratch.unlink(missing_ok=True)
    return DeckFile(target, tuple(deck.name for deck in plan.decks), len(spec.cards), len(media))


def _collection(
    spec: DeckSpec, timestamp: float, previous: PreviousBuild | None, keyed: bool, target: Path
) -> Plan:
    """The package's plan, and its collection written into the file `target`, each new note's
    rows written as it is planned (straight into the collection when there is nothing to reuse)."""
    decks, groups = _groups(spec, timestamp, previous, keyed)
    with CollectionWriter(timestamp, decks, direct=previous is None) as writer:
        plan = _plan(decks, groups, previous, timestamp, writer.write)
        writer.finish(plan, target, previous.collection if previous else None)
        return plan


# a note to plan: its position in the package, its card, its note type and its key
_Entry = tuple[int, Card, genanki.Model, bytes]


def _groups(
    spec: DeckSpec, timestamp: float, previous: PreviousBuild | None, keyed: bool
) -> tuple[tuple[genanki.Deck, ...], list[list[_Entry]]]:
    """The package's decks in the order genanki writes them (each with its note types, added in
    its notes' order, as genanki adds them), and each deck's notes in the package's order.
    Without a cache (`keyed` false) nothing is reused or kept, so no note's key is worked out."""
    by_deck: dict[str, tuple[genanki.Deck, list[_Entry]]] = {}
    given = spec.keys or (None,) * len(spec.cards)
    for position, ((deck_name, card), known_key) in enumerate(zip(spec.cards, given, strict=True), start=1):
        key = known_key or (note_key(card, deck_name, timestamp) if keyed or previous else b"")
        group = by_deck.get(deck_name)
        if group is None:
            group = by_deck[deck_name] = (genanki.Deck(deck_id(deck_name), deck_name), [])
        model = model_of(card)
        if model.model_id not in group[0].models:
            group[0].add_model(model)
        group[1].append((position, card, model, key))
    return tuple(deck for deck, _ in by_deck.values()), [entries for _, entries in by_deck.values()]


def _plan(
    decks: tuple[genanki.Deck, ...],
    groups: list[list[_Entry]],
    previous: PreviousBuild | None,
    timestamp: float,
    write: Callable[[Card, genanki.Model, int, int, int], int],
) -> Plan:
    """Every note in the order genanki writes them (deck by deck, each deck's notes in the
    package's order) with the ids genanki's counter gives them: handed to `write` (with its
    note type, position, id and deck id) when the previous collection has no note of the same
    key, reused from it otherwise."""
    known = previous.notes if previous else {}
    fresh = 0
    reused: list[tuple[int, int, int]] = []
    keys: list[bytes] = []
    ids: list[int] = []
    counts: list[int] = []
    next_id = int(timestamp * 1000)
    for deck, entries in zip(decks, groups, strict=True):
        for position, card, model, key in entries:
            found = known.get(key)
            if found is None:  # written and let go: no note is held for the whole package
                count = write(card, model, position, next_id, deck.deck_id)
                fresh += 1
            else:
                count = found[1]
                reused.append((found[0], next_id, position))
            keys.append(key)
            ids.append(next_id)
            counts.append(count)
            next_id += 1 + count
    return Plan(decks, fresh, tuple(reused), tuple(keys), tuple(ids), tuple(counts))
