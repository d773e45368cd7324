"""The collection inside an .apkg, in one canonical form whether its rows are new or reused.

New notes' rows are made from the cards (`rows`: what genanki would write); the notes that did
not change are copied from the previous build's collection with SQL, given their new ids and
positions.  Either way the final database is made of the same rows inserted in the same order
(tables, the decks, then the notes in id order, then the cards in id order, then the indexes),
which SQLite lays into the same pages, so a rebuild that reused rows is byte for byte the build
that wrote them all, and the file is packed tighter than genanki's own (every page filled in
order).

genanki gives a note and then its cards consecutive ids from one counter, starting at the
build's time in milliseconds, so a card's id is its note's id plus its place among the note's
cards (for a reused note, the offset it had); the `due` of its cards is its note's position
among the package's notes.  A new note's cards are made by SQLite from one staged row per note
(`rows.Staged`), one card per entry of its JSON array of ordinals.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import genanki
from genanki.apkg_col import APKG_COL
from genanki.apkg_schema import APKG_SCHEMA

from ankigen.model import Card
from ankigen.package.rows import NOTE_VALUES, NoteRow, NoteRows, Staged

__all__ = ["CollectionError", "CollectionWriter", "Plan"]

# the columns of genanki's notes and cards tables after the ids (and, for cards, before and after `due`)
_NOTE_COLUMNS = ("guid", "mid", "mod", "usn", "tags", "flds", "sfld", "csum", "flags", "data")
_CARD_HEAD = ("did", "ord", "mod", "usn", "type", "queue")
_CARD_TAIL = ("ivl", "factor", "reps", "lapses", "left", "odue", "odid", "flags", "data")
# new notes' rows are put into SQLite this many notes at a time
_BATCH = 1000


def _columns(table: str, names: tuple[str, ...]) -> str:
    return ", ".join(f"{table}.{name}" for name in names)


class CollectionError(Exception):
    """The previous collection did not hold what its manifest promised."""


@dataclass(frozen=True)
class Plan:
    """Every note of a package, in the order genanki writes them (deck by deck)."""

    decks: tuple[genanki.Deck, ...]  # with their note types, but no notes
    fresh: int  # how many notes were written afresh (`CollectionWriter.write`)
    reused: tuple[tuple[int, int, int], ...]  # (note id in the previous collection, note id, due)
    keys: tuple[bytes, ...]  # every note's notes.note_key, its id and its number of cards
    ids: tuple[int, ...]
    counts: tuple[int, ...]


class CollectionWriter:
    """The collection of one package, written note by note (`write`), then whole (`finish`).

    Each new note's row goes into a TEMP copy of the notes table as the note is planned (or
    straight into the collection when nothing is reused, `direct`), and what its cards are made
    of into a TEMP table of staged rows, so no note is held after it is written.  SQLite keeps
    `temp` in a small page cache and spills it to an anonymous temporary file, so the rows are
    not held in memory twice (which measured ~60 MB more at 10k sections than keeping them in
    memory).

    The finished collection is copied page by page into a file (`finish`), and the previous
    build's is read from its file: the collection never exists as Python bytes, which at 50k
    sections held three ~200 MB copies at once (SQLite's pages, its serialised buffer, bytes)."""

    def __init__(self, timestamp: float, decks: Sequence[genanki.Deck], direct: bool = False) -> None:
        """A collection of `decks`; `direct` when no row is to be reused (`finish`): the new
        notes' rows then go straight into the collection, begun at once."""
        self._timestamp = timestamp
        self._decks = tuple(decks)
        self._direct = direct
        # URI filenames, for the previous collection ATTACHed read-only (`finish`)
        self._connection = sqlite3.connect("file::memory:", uri=True, isolation_level=None)
        self._rows = NoteRows(timestamp)
        self._notes: list[NoteRow] = []
        self._staged: list[Staged] = []
        connection = self._connection
        connection.executescript(APKG_SCHEMA)
        self._indexes = connection.execute(
            "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY rowid"
        ).fetchall()
        for name, _ in self._indexes:  # built after the rows, from sorted entries: packed pages, and faster
            connection.execute(f'DROP INDEX main."{name}"')
        if not direct:
            (sql,) = connection.execute("SELECT sql FROM main.sqlite_master WHERE name = 'notes'").fetchone()
            # the same table, so that a new note's row is stored (its column affinities) as in `main`
            connection.execute(sql.replace("CREATE TABLE", "CREATE TEMP TABLE", 1))
        connection.execute(
            "CREATE TEMP TABLE staged (nid INTEGER PRIMARY KEY, did INTEGER, mod INTEGER,"
            " queue INTEGER, due INTEGER, ordinals TEXT)"
        )
        if direct:
            _begin(connection, self._decks, timestamp)
        else:
            connection.execute("BEGIN")
        self._insert_note = f"INSERT INTO {'main' if direct else 'temp'}.notes {NOTE_VALUES}"

    def __enter__(self) -> CollectionWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._connection.close()

    def write(self, card: Card, model: genanki.Model, position: int, note_id: int, deck_id: int) -> int:
        """Write the note of `card` (of the note type `model`), the `position`-th of the package,
        with the ids from `note_id` on, into the deck `deck_id`; returns its number of cards."""
        row, staged, count = self._rows(card, model, position, note_id, deck_id)
        self._notes.append(row)
        self._staged.append(staged)
        if len(self._notes) >= _BATCH:
            self._flush()
        return count

    def _flush(self) -> None:
        self._connection.executemany(self._insert_note, self._notes)
        self._connection.executemany("INSERT INTO temp.staged VALUES (?,?,?,?,?,?)", self._staged)
        self._notes.clear()
        self._staged.clear()

    def finish(self, plan: Plan, target: Path, previous: Path | None = None) -> None:
        """Write the collection into the file `target` (created, empty or not there), whose
        bytes depend on nothing but the plan and the rows; `previous` is the collection file
        `plan.reused` points into."""
        self._flush()
        connection = self._connection
        if plan.decks != self._decks:
            raise CollectionError("a plan of other decks than the collection's")
        if plan.reused and (previous is None or self._direct):
            raise CollectionError("notes to reuse but no previous collection")
        notes_from, cards_from = [], []
        if plan.fresh:
            if not self._direct:  # else they are in `main` already
                notes_from.append(f"SELECT n.id, {_columns('n', _NOTE_COLUMNS)} FROM temp.notes n")
            # genanki's card row: usn -1, type 0, and no scheduling (0s, data '')
            cards_from.append(
                "SELECT s.nid + 1 + j.key, s.nid, s.did, j.value, s.mod, -1, 0, s.queue, s.due,"
                " 0, 0, 0, 0, 0, 0, 0, 0, '' FROM temp.staged s, json_each(s.ordinals) j"
            )
        if not self._direct:
            connection.execute("COMMIT")
        if plan.reused:
            assert previous is not None
            connection.execute("ATTACH ? AS previous", (previous.resolve().as_uri() + "?mode=ro",))
            connection.execute("CREATE TEMP TABLE reuse (old INTEGER, new INTEGER PRIMARY KEY, due INTEGER)")
            connection.execute("BEGIN")
            connection.executemany("INSERT INTO temp.reuse VALUES (?, ?, ?)", plan.reused)
            connection.execute("COMMIT")
            notes_from.append(
                f"SELECT r.new, {_columns('n', _NOTE_COLUMNS)}"
                " FROM temp.reuse r JOIN previous.notes n ON n.id = r.old"
            )
            cards_from.append(
                f"SELECT c.id - r.old + r.new, r.new, {_columns('c', _CARD_HEAD)}, r.due,"
                f" {_columns('c', _CARD_TAIL)} FROM temp.reuse r JOIN previous.cards c ON c.nid = r.old"
            )
        if not self._direct:  # the notes' rows in id order, after the decks, as `direct` wrote them
            _begin(connection, self._decks, self._timestamp)
            if notes_from:
                connection.execute(f"INSERT INTO main.notes {' UNION ALL '.join(notes_from)} ORDER BY 1")
        if cards_from:
            connection.execute(f"INSERT INTO main.cards {' UNION ALL '.join(cards_from)} ORDER BY 1")
        connection.execute("COMMIT")
        _complete(connection, plan, [sql for _, sql in self._indexes])
        out = sqlite3.connect(target, isolation_level=None)
        try:
            out.execute("PRAGMA journal_mode = OFF")  # a scratch file: no journal file beside it,
            out.execute("PRAGMA synchronous = OFF")  # and no wait for the disk (the .apkg is synced)
            connection.backup(out)
        finally:
            out.close()


def _begin(connection: sqlite3.Connection, decks: Sequence[genanki.Deck], timestamp: float) -> None:
    """Begin filling `main`, the same way whatever the rows' origin: nothing else touches it.
    Then come the notes' rows in id order (as new rows are written, or all at once), and then
    the cards' in id order, all in one transaction: SQLite lays the same rows inserted in the
    same order into the same pages."""
    connection.executescript(APKG_COL)
    connection.execute("BEGIN")
    cursor = connection.cursor()
    for deck in decks:  # no notes: genanki writes the deck and its note types into `col`
        deck.write_to_db(cursor, timestamp, itertools.count())


def _complete(connection: sqlite3.Connection, plan: Plan, indexes: list[str]) -> None:
    """Check the rows' counts, and build the indexes."""
    (note_count,) = connection.execute("SELECT count(*) FROM main.notes").fetchone()
    (card_count,) = connection.execute("SELECT count(*) FROM main.cards").fetchone()
    if (note_count, card_count) != (len(plan.ids), sum(plan.counts)):
        raise CollectionError(f"{note_count} notes and {card_count} cards where the plan has other counts")
    # free the sources before the indexes (whose table names must find `main`) and the copy out
    connection.execute("DROP TABLE IF EXISTS temp.notes")
    connection.execute("DROP TABLE IF EXISTS temp.staged")
    connection.execute("DROP TABLE IF EXISTS temp.reuse")
    if plan.reused:
        connection.execute("DETACH previous")
    connection.execute("BEGIN")
    for sql in indexes:
        connection.execute(sql)
    connection.execute("COMMIT")
