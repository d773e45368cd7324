"""What the packaging tests share: a generated corpus's cards as packaging gets them, genanki's
own collection of them, and the rows of a collection to compare."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

import genanki

from ankigen.classify import deck_name
from ankigen.config import load_config
from ankigen.model import Card
from ankigen.package import deck_id
from ankigen.package.notes import genanki_note
from ankigen.pipeline import check
from bench.corpus import CorpusSpec, generate

EPOCH = 1_700_000_000


def corpus_cards(sections: int, parent: Path) -> tuple[tuple[str, Card], ...]:
    """The cards of a corpus generated under `parent`, each with its deck, as the pipeline hands
    them to packaging."""
    folder = generate(CorpusSpec(sections), parent)
    config = load_config(folder)
    cards = check([folder / "notes"], config, use_lock=False).cards
    return tuple((deck_name(card, config), card) for card in cards)


def genanki_collection(cards: Sequence[tuple[str, Card]]) -> bytes:
    """The collection genanki itself writes for `cards`: deck by deck, as a genanki.Package does."""
    decks: dict[str, genanki.Deck] = {}
    for position, (name, card) in enumerate(cards, start=1):
        decks.setdefault(name, genanki.Deck(deck_id(name), name)).add_note(genanki_note(card, position))
    connection = sqlite3.connect(":memory:")
    try:
        genanki.Package(list(decks.values())).write_to_db(
            connection.cursor(), EPOCH, itertools.count(EPOCH * 1000)
        )
        connection.commit()
        return connection.serialize()
    finally:
        connection.close()


def table_rows(
    database: bytes, tables: Iterable[str] = ("notes", "cards")
) -> dict[str, list[tuple[object, ...]]]:
    connection = sqlite3.connect(":memory:")
    connection.deserialize(database)
    try:
        return {table: connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in tables}
    finally:
        connection.close()
