"""The package plan adds each deck's note types as genanki does, whatever order its notes' kinds
come in, and with or without a previous collection to reuse rows from."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import genanki
import pytest

from ankigen.config import load_config
from ankigen.model import Card
from ankigen.package import DeckSpec, _collection, deck_id
from ankigen.package.notes import genanki_note
from ankigen.package.previous import PreviousBuild
from ankigen.pipeline import check
from bench.corpus import CorpusSpec, generate

EPOCH = 1_700_000_000


@pytest.fixture(scope="module")
def by_kind(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Card]]:
    folder = generate(CorpusSpec(60), tmp_path_factory.mktemp("corpus"))
    cards = check([folder / "notes"], load_config(folder), use_lock=False).cards
    kinds: dict[str, list[Card]] = {"qa": [], "cloze": []}
    for card in cards:
        kinds[card.kind].append(card)
    assert len(kinds["qa"]) >= 8 and len(kinds["cloze"]) >= 8
    return kinds


def _rows(database: bytes) -> dict[str, list[tuple[object, ...]]]:
    connection = sqlite3.connect(":memory:")
    connection.deserialize(database)
    try:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("col", "notes", "cards")
        }
    finally:
        connection.close()


def _genanki(spec: DeckSpec) -> bytes:
    decks: dict[str, genanki.Deck] = {}
    for position, (name, card) in enumerate(spec.cards, start=1):
        deck = decks.setdefault(name, genanki.Deck(deck_id(name), name))
        deck.add_note(genanki_note(card, position))
    connection = sqlite3.connect(":memory:")
    genanki.Package(list(decks.values())).write_to_db(
        connection.cursor(), EPOCH, itertools.count(EPOCH * 1000)
    )
    connection.commit()
    try:
        return connection.serialize()
    finally:
        connection.close()


@pytest.mark.parametrize(
    "layout",
    [
        # deck -> the kinds of its notes in order; the decks' notes interleaved in the package
        {"A": "cqq", "B": "qqqqc", "C": "qqq", "D": "cc"},
        {"A": "qqqq", "B": "cqcq"},
        {"A": "c", "B": "q", "C": "qc"},
    ],
)
def test_each_deck_lists_its_note_types_as_genanki_does(
    by_kind: dict[str, list[Card]], layout: dict[str, str], tmp_path: Path
) -> None:
    pools = {"q": iter(by_kind["qa"]), "c": iter(by_kind["cloze"])}
    queues = [[(f"Deck {name}", next(pools[kind])) for kind in kinds] for name, kinds in layout.items()]
    cards = tuple(pair for round_ in itertools.zip_longest(*queues) for pair in round_ if pair is not None)
    spec = DeckSpec("x.apkg", cards)
    theirs = _rows(_genanki(spec))
    plan = _collection(spec, EPOCH, None, True, tmp_path / "fresh.anki2")
    assert _rows((tmp_path / "fresh.anki2").read_bytes()) == theirs
    notes = dict(zip(plan.keys, zip(plan.ids, plan.counts, strict=True), strict=True))
    replan = _collection(
        spec, EPOCH, PreviousBuild(tmp_path / "fresh.anki2", notes), True, tmp_path / "again.anki2"
    )
    assert replan.fresh == 0 and len(replan.reused) == len(cards)
    assert _rows((tmp_path / "again.anki2").read_bytes()) == theirs
