"""Notes' rows made straight from the cards (`ankigen.package.rows`) are genanki's own rows.

Every row of the collection is compared with the collection genanki writes for the same notes
(through its Note objects and write path), for notes that exercise every part of it: Q/A notes,
cloze notes with several, repeated, renumbered, zero, none and out-of-order clozes, notes with
no card at all, unicode and empty tags, empty and numeric fields, removed (suspended) notes,
notes with and without their own time, and many decks.  The package then imports into real
Anki exactly as genanki's package does.
"""

from __future__ import annotations

import dataclasses
import itertools
import warnings
import zlib
from pathlib import Path

import genanki
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ankigen.model import Card, SourceFile
from ankigen.package import DeckSpec, _collection, deck_id, write_package
from ankigen.package.models import CLOZE_MODEL, QA_MODEL
from ankigen.package.notes import genanki_note
from ankigen.package.previous import PreviousBuild
from ankigen.package.rows import card_ordinals, check_markup, may_warn
from tests.anki_helpers import SeenNote, collection, import_package, notes_of
from tests.package_helpers import EPOCH, genanki_collection, table_rows

TABLES = ("col", "notes", "cards")
SOURCE = SourceFile(Path("/project/notes/topic.md"), "notes/topic.md", Path("/project"))


def _card(kind: str, front: str, back: str = "", **changes: object) -> Card:
    fields: dict[str, object] = {
        "kind": kind,
        "rule": "test",
        "key": front,
        "front": front,
        "back": back,
        "context": "Storage › S3",
        "heading_path": ("Storage", "S3"),
        "source": SOURCE,
        "line": 3,
        "tags": ("aws", "saa::storage"),
        "guid": f"g{zlib.crc32(f'{kind} {front} {back}'.encode()):08x}",
    }
    fields.update(changes)
    return Card(**fields)  # type: ignore[arg-type]


NOTES = [
    _card("qa", "What is S3?", "Object storage"),
    _card("qa", "42", "a numeric sort field", tags=()),
    _card("qa", "", "", context=""),  # nothing on the front: genanki makes no card
    _card("qa", "", "only a back"),  # the context alone is enough for a card
    _card("qa", "Front only", "", context="", tags=("été", "日本語::試験", "ünïcödé")),
    _card("cloze", "{{c1::S3}} stores {{c2::objects}} in {{c3::buckets}}", "extra"),
    _card("cloze", "{{c1::a}} {{c3::b}} {{c9::c}} {{c1::d}}"),  # repeated and renumbered
    _card("cloze", "{{c9::nine}} before {{c1::one}}", mtime=1_600_000_000),  # a set's order, not sorted
    _card("cloze", "{{c10::ten}} {{c2::two}} {{c17::x}}", removed=True),  # suspended cards
    _card("cloze", "{{c2::<b>bold</b>\nover a line}} and {{c0::zero}}"),
    _card("cloze", "no cloze at all: genanki makes no card", guid=""),
    _card("qa", "Removed?", "yes", removed=True, mtime=1_650_000_000, tags=("ankigen::removed",)),
    _card("cloze", "{{c1::<code>x</code>}} &amp; {{c4::y}}", "<i>more</i>", context=""),
]


def _spread(notes: list[Card], decks: int) -> tuple[tuple[str, Card], ...]:
    """The notes over `decks` decks, interleaved, each used three times (with new GUIDs)."""
    return tuple(
        (f"AWS::Deck {at % decks} é", dataclasses.replace(card, guid=f"{card.guid}-{i}"))
        for at, (i, card) in enumerate(itertools.product(range(3), notes))
    )


@pytest.mark.parametrize("decks", [1, 2, 7])
def test_rows_are_genanki_rows(decks: int, tmp_path: Path) -> None:
    spec = DeckSpec("x.apkg", _spread(NOTES, decks))
    theirs = table_rows(genanki_collection(spec.cards), TABLES)
    plan = _collection(spec, EPOCH, None, True, tmp_path / "fresh.anki2")
    ours = table_rows((tmp_path / "fresh.anki2").read_bytes(), TABLES)
    for table in TABLES:  # row by row, so that a failure names the first row that differs
        assert len(ours[table]) == len(theirs[table])
        for mine, genankis in zip(ours[table], theirs[table], strict=True):
            assert mine == genankis
    assert sum(plan.counts) == len(theirs["cards"]) and 0 in plan.counts
    # and reused whole, from that collection, the same bytes
    notes = dict(zip(plan.keys, zip(plan.ids, plan.counts, strict=True), strict=True))
    previous = PreviousBuild(tmp_path / "fresh.anki2", notes)
    again = _collection(spec, EPOCH, previous, True, tmp_path / "a.anki2")
    assert again.fresh == 0
    assert (tmp_path / "a.anki2").read_bytes() == (tmp_path / "fresh.anki2").read_bytes()
    # and all written afresh beside a previous collection (through TEMP, not straight into `main`)
    nothing = PreviousBuild(tmp_path / "fresh.anki2", {})
    afresh = _collection(spec, EPOCH, nothing, True, tmp_path / "b.anki2")
    assert afresh.fresh == len(spec.cards) and not afresh.reused
    assert (tmp_path / "b.anki2").read_bytes() == (tmp_path / "fresh.anki2").read_bytes()


_CLOZE_PIECE = st.one_of(
    st.builds(
        lambda number, text: f"{{{{c{number}::{text}}}}}",
        st.integers(0, 70),
        st.text(alphabet="ab{}:\n", max_size=4),
    ),
    st.text(alphabet="ab{}c:1\n ", max_size=6),
)
_FIELD = st.lists(_CLOZE_PIECE, max_size=6).map("".join)
_MODELS = [
    QA_MODEL,
    CLOZE_MODEL,
    genanki.BASIC_MODEL,
    genanki.BASIC_AND_REVERSED_CARD_MODEL,
    genanki.BASIC_OPTIONAL_REVERSED_CARD_MODEL,
    genanki.BASIC_TYPE_IN_THE_ANSWER_MODEL,
    genanki.CLOZE_MODEL,
]


@given(st.sampled_from(_MODELS), st.lists(_FIELD, min_size=4, max_size=4))
def test_card_ordinals_are_genankis(model: genanki.Model, fields: list[str]) -> None:
    fields = fields[: len(model.fields)]
    theirs = tuple(card.ord for card in genanki.Note(model=model, fields=fields).cards)
    assert card_ordinals(model, fields) == theirs


_MARKUP = st.lists(st.text(alphabet="<>/a1 !-[CDAT\n\x1f", max_size=12), min_size=1, max_size=4)


@given(_MARKUP)
def test_markup_is_checked_whenever_genanki_would_warn(fields: list[str]) -> None:
    """Searching the joined fields once finds every field genanki's check warns about."""
    if any(genanki.Note._find_invalid_html_tags_in_field(field) for field in fields):
        assert may_warn("\x1f".join(fields))


def test_invalid_markup_warns_as_genanki_does() -> None:
    with pytest.warns(UserWarning, match="invalid HTML tags"):
        check_markup(QA_MODEL, ("a <b\nc> d", "", "", ""))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_markup(QA_MODEL, ("<b>bold</b> <br/> <!-- x -->", "", "", ""))


def test_a_tag_with_a_space_is_refused_as_genanki_refuses_it(tmp_path: Path) -> None:
    spec = DeckSpec("x.apkg", (("Deck", _card("qa", "Q", "A", tags=("two words",))),))
    with pytest.raises(ValueError, match="contains a space"):
        genanki_note(spec.cards[0][1])
    with pytest.raises(ValueError, match="contains a space"):
        _collection(spec, EPOCH, None, False, tmp_path / "x.anki2")


def _seen(folder: Path, package: Path) -> tuple[list[SeenNote], list[tuple[object, ...]]]:
    with collection(folder) as col:
        import_package(col, package)
        cards: list[tuple[object, ...]] = sorted(
            (card.note().guid, card.ord, card.queue, card.due, card.type, col.decks.name(card.did))
            for card in (col.get_card(cid) for cid in col.find_cards(""))
        )
        return sorted(notes_of(col), key=lambda note: (note.guid, note.fields.get("Source", ""))), cards


def test_the_package_imports_into_anki_as_genankis_does(tmp_path: Path) -> None:
    spec = DeckSpec("ours.apkg", _spread(NOTES, 3))
    write_package(spec, tmp_path, EPOCH)
    decks: dict[str, genanki.Deck] = {}
    for position, (name, card) in enumerate(spec.cards, start=1):
        decks.setdefault(name, genanki.Deck(deck_id(name), name)).add_note(genanki_note(card, position))
    genanki.Package(list(decks.values())).write_to_file(str(tmp_path / "genanki.apkg"), timestamp=EPOCH)
    ours = _seen(tmp_path / "anki-ours", tmp_path / "ours.apkg")
    theirs = _seen(tmp_path / "anki-genanki", tmp_path / "genanki.apkg")
    assert ours == theirs
    seen_notes, seen_cards = ours
    assert any("été" in note.tags for note in seen_notes)
    assert len(seen_cards) > len(seen_notes) / 2
