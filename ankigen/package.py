"""Package cards into .apkg files with genanki, written atomically.

The two note types have fixed ids and frozen field and template names: Anki treats a note type
whose fields or templates changed as a different type and refuses to update the old notes, so
any change here needs a new model id (tests/test_package.py guards this).

Each note carries its own modification time (when its content last changed, from the lock file),
not the build's: Anki updates a note on import only when the package's time is newer, so an
unchanged note is left alone and one edited in the notes always wins.  Under SOURCE_DATE_EPOCH
every id, time and zip entry is fixed, so the same notes and lock give the same bytes.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import genanki

from ankigen.atomic import atomic_file
from ankigen.errors import OutputError
from ankigen.field_memo import FieldMemo
from ankigen.model import Card, DeckFile
from ankigen.sanitize import sanitize, sanitize_cloze, text_field

__all__ = [
    "CLOZE_FIELDS",
    "CLOZE_MODEL_ID",
    "CSS",
    "QA_FIELDS",
    "QA_MODEL_ID",
    "DeckSpec",
    "deck_id",
    "write_package",
]

QA_MODEL_ID = 1_731_406_201
CLOZE_MODEL_ID = 1_731_406_202
QA_FIELDS = ("Front", "Back", "Context", "Source")
CLOZE_FIELDS = ("Text", "Extra", "Context", "Source")
QA_TEMPLATES = ("Recall",)
CLOZE_TEMPLATES = ("Cloze",)

CSS = """\
.card { font-family: -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", sans-serif;
  font-size: 20px; line-height: 1.45; text-align: left; color: #1d1d1f; background: #fff;
  max-width: 42em; margin: 0 auto; padding: 0 .6em; overflow-wrap: anywhere; }
.context { font-size: 13px; color: #6e6e73; margin-bottom: .6em; }
.source { font-size: 11px; color: #8e8e93; margin-top: 1.2em; }
.front { font-weight: 600; }
ul, ol { padding-left: 1.3em; margin: .3em 0; }
li { margin: .15em 0; }
img { max-width: 100%; height: auto; }
pre, code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85em; }
.highlight, pre { overflow-x: auto; border-radius: 6px; padding: .4em .6em; }
table { border-collapse: collapse; } td, th { border: 1px solid #c7c7cc; padding: .2em .5em; }
.cloze { font-weight: 700; color: #0a60d0; }
.missing-image { color: #8e8e93; font-style: italic; }
.nightMode.card, .night_mode .card { color: #e5e5ea; background: #1c1c1e; }
.nightMode .context, .night_mode .context { color: #98989d; }
.nightMode .cloze, .night_mode .cloze { color: #64a8ff; }
.nightMode .highlight, .night_mode .highlight, .nightMode pre, .night_mode pre { background: #f6f8fa; }
@media (max-width: 480px) { .card { font-size: 18px; } }
"""

_QA_MODEL = genanki.Model(
    QA_MODEL_ID,
    "ankigen Q/A",
    fields=[{"name": name} for name in QA_FIELDS],
    templates=[
        {
            "name": QA_TEMPLATES[0],
            "qfmt": '<div class="context">{{Context}}</div><div class="front">{{Front}}</div>',
            "afmt": '{{FrontSide}}<hr id="answer"><div class="back">{{Back}}</div>'
            '<div class="source">{{Source}}</div>',
        }
    ],
    css=CSS,
    sort_field_index=0,
)
_CLOZE_MODEL = genanki.Model(
    CLOZE_MODEL_ID,
    "ankigen Cloze",
    fields=[{"name": name} for name in CLOZE_FIELDS],
    templates=[
        {
            "name": CLOZE_TEMPLATES[0],
            "qfmt": '<div class="context">{{Context}}</div>{{cloze:Text}}',
            "afmt": '<div class="context">{{Context}}</div>{{cloze:Text}}<hr id="answer">'
            '<div class="back">{{Extra}}</div><div class="source">{{Source}}</div>',
        }
    ],
    css=CSS,
    model_type=genanki.Model.CLOZE,
)


@dataclass(frozen=True)
class DeckSpec:
    """One .apkg to write: its file name and its cards, each already placed in a deck by name."""

    filename: str
    cards: tuple[tuple[str, Card], ...]  # (deck name, card)


def deck_id(name: str) -> int:
    """A stable deck id derived from the deck's name (Anki ids are positive 63-bit ints)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:7], "big") or 1


class _TimedNote(genanki.Note):  # type: ignore[misc]
    """A genanki note stamped with its own modification time instead of the package's."""

    def __init__(self, mtime: int, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.mtime = mtime

    def write_to_db(
        self, cursor: sqlite3.Cursor, timestamp: float, deck_id: int, id_gen: Iterator[int]
    ) -> None:
        # genanki stamps the note and its cards with the timestamp it is given.
        super().write_to_db(cursor, self.mtime or timestamp, deck_id, id_gen)


def _note(card: Card, position: int = 0, memo: FieldMemo | None = None) -> genanki.Note:
    source = f"removed from {card.source.display}" if card.removed else card.location
    memo = memo or FieldMemo()
    # Every field passes the field guard here, whatever rule made it: a rule that forgot to
    # escape cannot put active content, stray braces or a field separator into the package.
    if card.kind == "qa":
        model, first = _QA_MODEL, memo.field(sanitize, "html", card.front)
    else:
        model, first = _CLOZE_MODEL, memo.field(sanitize_cloze, "cloze", card.front)
    second = memo.field(sanitize, "html", card.back)
    note = _TimedNote(
        card.mtime,
        model=model,
        fields=[
            first,
            second,
            memo.field(text_field, "text", card.context),
            memo.field(text_field, "text", source),
        ],
        guid=card.guid,
        tags=list(card.tags),
        sort_field=first,
        due=position,  # Anki shows new cards by due position: keep the notes' own order
    )
    if card.removed:  # never new cards for a first import; existing cards keep their state
        for template in note.cards:
            template.suspend = True
    return note


def write_package(
    spec: DeckSpec, out_dir: Path, timestamp: float | None = None, memo: FieldMemo | None = None
) -> DeckFile:
    """Write one .apkg atomically: a temporary file in the same folder, then a rename.

    A build killed at any moment leaves the previous .apkg as it was (and no partial file), and
    two builds writing into one folder each rename a complete file of their own into place.
    `memo` holds fields already sanitised (by a previous build), which need not be again.
    """
    memo = memo or FieldMemo()
    decks: dict[str, genanki.Deck] = {}
    media: dict[str, Path] = {}
    for position, (deck_name, card) in enumerate(spec.cards, start=1):
        deck = decks.get(deck_name)
        if deck is None:
            deck = decks[deck_name] = genanki.Deck(deck_id(deck_name), deck_name)
        deck.add_note(_note(card, position, memo))
        for ref in card.media:
            if ref.path is not None:
                media[ref.stored_name] = ref.path
    target = out_dir / spec.filename
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: the output folder is a file")
    if target.is_dir():
        raise OutputError(f"{target}: is a folder, so the deck cannot be written there")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with atomic_file(target) as stream:
            package = genanki.Package(list(decks.values()))
            _write_apkg(package, media, stream, time.time() if timestamp is None else timestamp)
    except OSError as exc:
        where = exc.filename if exc.filename and exc.filename != str(target) else out_dir
        raise OutputError(f"{where}: cannot write {spec.filename}: {exc.strerror or exc}") from None
    return DeckFile(target, tuple(decks), len(spec.cards), len(media))


def _write_apkg(package: genanki.Package, media: dict[str, Path], stream: BinaryIO, timestamp: float) -> None:
    """genanki's Package.write_to_file, made reproducible: ids counted from `timestamp`, zip
    entries in a fixed order with fixed times and permissions.  The collection is built in
    memory, so that no file but the (temporary) output is ever created."""
    connection = sqlite3.connect(":memory:")
    try:
        package.write_to_db(connection.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
        connection.commit()
        database = connection.serialize()
    finally:
        connection.close()
    names = sorted(media)
    entries: list[tuple[str, bytes]] = [
        ("collection.anki2", database),
        ("media", json.dumps({str(i): name for i, name in enumerate(names)}).encode("utf-8")),
    ]
    entries += [(str(i), media[name].read_bytes()) for i, name in enumerate(names)]
    when = time.gmtime(max(timestamp, _ZIP_EPOCH))[:6]
    with zipfile.ZipFile(stream, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)


_ZIP_EPOCH = 315_532_800  # 1980-01-01, the earliest time a zip entry can hold
