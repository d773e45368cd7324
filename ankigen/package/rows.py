"""A card's note row, and what its card rows are made from, exactly as genanki writes them.

genanki makes a Note object per card and writes it through a cursor, one statement per row,
working its cards out again for every note; at 56,856 notes that was most of packaging.  Here
each note's row comes straight from the card, as genanki 0.13 would give `INSERT INTO notes`
(`genanki/note.py` `Note.write_to_db`): id, guid, mid, mod (the note's own time, as
`notes.TimedNote` stamps it), usn -1, tags as ' a b ', the fields joined with \\x1f, the sort
field, csum 0 (genanki writes 0, never Anki's checksum), flags 0, data '' (the constants written
into the statement, `NOTE_VALUES`).

Its cards are not rows here: a note's card ordinals are kept as a JSON array beside its ids,
due and queue (`Staged`), and SQLite makes one card row per ordinal (`collection`), with ids
following the note id in the order genanki's `Note.cards` lists them.  What those ordinals are
is worked out as genanki does, from genanki's own models: the cloze numbers of the fields the
first template's `{{cloze:...}}` names (a set, listed in the set's own order), or the
templates whose required fields (`Model._req`) are filled.  `tests/test_package_rows.py` holds
every row to genanki's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import genanki

from ankigen.model import Card
from ankigen.note_fields import note_fields

__all__ = ["NOTE_VALUES", "NoteRow", "NoteRows", "Staged", "card_ordinals", "check_markup", "may_warn"]

# (id, guid, mid, mod, tags, flds, sfld): genanki's notes row but its constants (`NOTE_INSERT`)
NoteRow = tuple[int, str, int, int, str, str, str]
# genanki's notes row, its constants written out: usn -1, csum 0 (genanki writes 0, not Anki's
# checksum), flags 0, data ''
NOTE_VALUES = "VALUES (?, ?, ?, ?, -1, ?, ?, ?, 0, 0, '')"
# (note id, deck id, mod, queue, due, card ordinals as a JSON array): a note's cards, to be made
Staged = tuple[int, int, int, int, int, str]

# genanki's own patterns (note.py `Note._cloze_cards`), compiled once rather than per note
_CLOZE_FIELD = (re.compile(r"{{[^}]*?cloze:(?:[^}]?:)*(.+?)}}"), re.compile("<%cloze:(.+?)%>"))
_CLOZE_NUMBER = re.compile(r"{{c(\d+)::.+?}}", re.DOTALL)
# genanki's check for markup it warns about (`Note._check_invalid_html_tags_in_fields`)
_INVALID_TAG = genanki.Note._INVALID_HTML_TAG_RE


@dataclass(frozen=True)
class _Shape:
    """What genanki reads from a model to write a note of it."""

    model: genanki.Model
    cloze: bool
    cloze_fields: tuple[int, ...]  # cloze: the fields its clozes are counted in, in genanki's order
    required: tuple[tuple[int, bool, tuple[int, ...]], ...]  # else: (ord, all?, fields) per template


def _shape(model: genanki.Model) -> _Shape:
    if model.model_type == model.CLOZE:
        qfmt = model.templates[0]["qfmt"]
        # a set, iterated as genanki iterates it (the same strings inserted in the same order)
        names = set(_CLOZE_FIELD[0].findall(qfmt) + _CLOZE_FIELD[1].findall(qfmt))
        indexes = [next((i for i, f in enumerate(model.fields) if f["name"] == n), -1) for n in names]
        return _Shape(model, True, tuple(indexes), ())
    if model.model_type != model.FRONT_BACK:
        raise ValueError("Expected model_type CLOZE or FRONT_BACK")
    required = tuple((ord_, how == "all", tuple(fields)) for ord_, how, fields in model._req)
    return _Shape(model, False, (), required)


def _cloze_numbers(shape: _Shape, fields: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """The cloze numbers genanki finds in a note's fields, field by field, in order."""
    return tuple([tuple(_CLOZE_NUMBER.findall(fields[i] if i >= 0 else "")) for i in shape.cloze_fields])


def _cloze_ordinals(found: tuple[tuple[str, ...], ...]) -> tuple[int, ...]:
    # genanki's set, its numbers added in the same order (so listed in the same order);
    # genanki then compares it with {} (never equal): a note with no cloze has no card
    return tuple({number - 1 for numbers in found for number in map(int, numbers) if number > 0})


def _ordinals(shape: _Shape, fields: Sequence[str]) -> tuple[int, ...]:
    return tuple(
        ord_ for ord_, every, indexes in shape.required if (all if every else any)(fields[i] for i in indexes)
    )


def card_ordinals(model: genanki.Model, fields: Sequence[str]) -> tuple[int, ...]:
    """The ordinals of the cards genanki makes for a note of `model` with `fields`, in its order."""
    shape = _shape(model)
    return _cloze_ordinals(_cloze_numbers(shape, fields)) if shape.cloze else _ordinals(shape, fields)


def may_warn(joined: str) -> bool:
    """Whether genanki could warn about the markup of a note whose fields joined (by \\x1f) are
    `joined`: one search of them all finds every match a search field by field finds (a match
    is a `<`, not followed by a tag name and a `>` on its line or comment, then a `>` further on
    in its field; joining the fields adds no `>` before the line ends), so the fields are
    checked one by one only when this one search matches."""
    return "<" in joined and _INVALID_TAG.search(joined) is not None


def check_markup(model: genanki.Model, fields: Sequence[str]) -> None:
    """genanki's check of a note's fields, which warns (from genanki's module, as it always did)
    about markup that is not HTML; ankigen's field guard leaves none."""
    genanki.Note(model=model, fields=list(fields))._check_invalid_html_tags_in_fields()


def _described(ordinals: tuple[int, ...]) -> tuple[int, str]:
    """A note's number of cards, and their ordinals as a JSON array (`Staged`)."""
    return len(ordinals), "[" + ",".join(map(str, ordinals)) + "]"


class NoteRows:
    """Makes the rows of one package's notes (`__call__`), keeping what its notes share: what
    genanki reads from each note type, the text of each tags tuple (checked once, as genanki
    checks it) and of each list of ordinals."""

    def __init__(self, timestamp: float) -> None:
        self._timestamp = timestamp
        self._shapes: dict[int, _Shape] = {}  # by the id of a model (which each shape holds)
        self._tags: dict[tuple[str, ...], str] = {}
        # a note's number of cards and their ordinals as JSON, by what they depend on: a cloze
        # note's cloze numbers (found in order), another's ordinals
        self._cards: dict[tuple[object, ...], tuple[int, str]] = {}

    def _tags_text(self, tags: tuple[str, ...]) -> str:
        text = self._tags.get(tags)
        if text is None:
            genanki.Note(tags=tags)  # genanki's own check: a tag with a space is refused (ValueError)
            text = self._tags[tags] = " " + " ".join(tags) + " "
        return text

    def __call__(
        self, card: Card, model: genanki.Model, position: int, note_id: int, deck_id: int
    ) -> tuple[NoteRow, Staged, int]:
        """The note row of `card` (of the note type `model`, the `position`-th note of its
        package, of id `note_id`, in the deck `deck_id`), what its cards are made from, and how
        many cards it has."""
        fields = note_fields(card)
        if len(fields) != len(model.fields):  # genanki's check; never fails for ankigen's models
            raise ValueError(f"{len(fields)} fields for a note type of {len(model.fields)}")
        joined = "\x1f".join(fields)
        if may_warn(joined):
            check_markup(model, fields)
        shape = self._shapes.get(id(model))
        if shape is None:
            shape = self._shapes[id(model)] = _shape(model)
        if shape.cloze:
            found = _cloze_numbers(shape, fields)
            cards = self._cards.get((id(shape), found))
            if cards is None:
                cards = self._cards[id(shape), found] = _described(_cloze_ordinals(found))
        else:
            ordinals = _ordinals(shape, fields)
            cards = self._cards.get((id(shape), ordinals))
            if cards is None:
                cards = self._cards[id(shape), ordinals] = _described(ordinals)
        mod = int(card.mtime or self._timestamp)  # the note's own time, as `notes.TimedNote` gives it
        row: NoteRow = (
            note_id,
            card.guid,
            model.model_id,
            mod,
            self._tags_text(card.tags),
            joined,
            fields[0] or fields[model.sort_field_index],  # genanki's `Note.sort_field`, given fields[0]
        )
        # a removed note's cards are suspended (queue -1), as `notes.genanki_note` marks them
        return row, (note_id, deck_id, mod, -1 if card.removed else 0, position, cards[1]), cards[0]
