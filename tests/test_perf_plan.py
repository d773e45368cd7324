"""The package plan adds each deck's note types as genanki does, whatever order its notes' kinds
come in, and with or without a previous collection to reuse rows from."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from ankigen.config import load_config
from ankigen.model import Card
from ankigen.package import DeckSpec, _collection
from ankigen.package.previous import PreviousBuild
from ankigen.pipeline import check
from bench.corpus import CorpusSpec, generate
from tests.package_helpers import EPOCH, genanki_collection, table_rows

# the table that lists each deck's note types, as well as the notes and cards
TABLES = ("col", "notes", "cards")


@pytest.fixture(scope="module")
def by_kind(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Card]]:
    folder = generate(CorpusSpec(60), tmp_path_factory.mktemp("corpus"))
    cards = check([folder / "notes"], load_config(folder), use_lock=False).cards
    kinds: dict[str, list[Card]] = {"qa": [], "cloze": []}
    for card in cards:
        kinds[card.kind].append(card)
    assert len(kinds["qa"]) >= 8 and len(kinds["cloze"]) >= 8
    return kinds


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
    theirs = table_rows(genanki_collection(spec.cards), TABLES)
    plan = _collection(spec, EPOCH, None, True, tmp_path / "fresh.anki2")
    assert table_rows((tmp_path / "fresh.anki2").read_bytes(), TABLES) == theirs
    notes = dict(zip(plan.keys, zip(plan.ids, plan.counts, strict=True), strict=True))
    replan = _collection(
        spec, EPOCH, PreviousBuild(tmp_path / "fresh.anki2", notes), True, tmp_path / "again.anki2"
    )
    assert replan.fresh == 0 and len(replan.reused) == len(cards)
    assert table_rows((tmp_path / "again.anki2").read_bytes(), TABLES) == theirs
