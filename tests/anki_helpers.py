"""Import packages into a real Anki collection (the `anki` package) and read back what Anki sees."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest


@dataclass(frozen=True)
class SeenNote:
    guid: str
    notetype: str
    fields: dict[str, str]
    tags: list[str]
    decks: list[str]


@contextmanager
def collection(folder: Path) -> Iterator[Collection]:
    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    try:
        yield col
    finally:
        col.close()


def import_package(col: Collection, package: Path) -> object:
    request = ImportAnkiPackageRequest(
        package_path=str(package),
        options=ImportAnkiPackageOptions(with_scheduling=True, merge_notetypes=True),
    )
    return col.import_anki_package(request)


def notes_of(col: Collection) -> list[SeenNote]:
    seen = []
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        decks = sorted({col.decks.name(card.did) for card in note.cards()})
        seen.append(
            SeenNote(
                guid=note.guid,
                notetype=str((note.note_type() or {}).get("name", "")),
                fields=dict(note.items()),
                tags=list(note.tags),
                decks=decks,
            )
        )
    return seen


def media_names(col: Collection) -> set[str]:
    return {p.name for p in Path(col.media.dir()).iterdir()}
