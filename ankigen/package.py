"""Package cards into .apkg files with genanki, written atomically.

The two note types have fixed ids and frozen field and template names: Anki treats a note type
whose fields or templates changed as a different type and refuses to update the old notes, so
any change here needs a new model id (tests/test_package.py guards this).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import genanki

from ankigen.errors import OutputError
from ankigen.model import Card, DeckFile

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


def _note(card: Card, position: int = 0) -> genanki.Note:
    model, fields = (
        (_QA_MODEL, [card.front, card.back, card.context, card.location])
        if card.kind == "qa"
        else (_CLOZE_MODEL, [card.front, card.back, card.context, card.location])
    )
    return genanki.Note(
        model=model,
        fields=fields,
        guid=card.guid,
        tags=list(card.tags),
        sort_field=card.front,
        due=position,  # Anki shows new cards by due position: keep the notes' own order
    )


def write_package(spec: DeckSpec, out_dir: Path, timestamp: float | None = None) -> DeckFile:
    """Write one .apkg atomically: a temporary file in the same folder, then a rename."""
    decks: dict[str, genanki.Deck] = {}
    media: dict[str, Path] = {}
    for position, (deck_name, card) in enumerate(spec.cards, start=1):
        deck = decks.get(deck_name)
        if deck is None:
            deck = decks[deck_name] = genanki.Deck(deck_id(deck_name), deck_name)
        deck.add_note(_note(card, position))
        for ref in card.media:
            if ref.path is not None:
                media[ref.stored_name] = ref.path
    target = out_dir / spec.filename
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".ankigen-", dir=out_dir) as staging:
            media_files = _stage_media(media, Path(staging))
            package = genanki.Package(list(decks.values()), media_files=media_files)
            partial = Path(staging) / spec.filename
            package.write_to_file(str(partial), timestamp=timestamp)
            os.replace(partial, target)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    return DeckFile(target, tuple(decks), len(spec.cards), len(media))


def _stage_media(media: dict[str, Path], staging: Path) -> Sequence[str]:
    """genanki stores media under their base names, so each file is staged under its stored name."""
    folder = staging / "media"
    folder.mkdir()
    staged = []
    for name, path in sorted(media.items()):
        target = folder / name
        try:
            os.link(path, target)
        except OSError:
            shutil.copyfile(path, target)
        staged.append(str(target))
    return staged
