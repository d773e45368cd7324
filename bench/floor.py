"""The floor: the same notes as an ankigen build, written by genanki alone.

`python -m bench.floor NOTES.json OUT.apkg` loads the notes (fields, GUIDs, tags, decks, note
types and media, as taken out of ankigen's own .apkg by `dump_package`) and writes them with
genanki and nothing else: no parsing, no rendering.  It does not import ankigen.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import genanki

__all__ = ["dump_package", "main"]


def dump_package(apkg: Path, notes_json: Path, media_dir: Path) -> int:
    """Write what `apkg` holds as JSON (and its media files into media_dir); returns the note count."""
    media_dir.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(apkg) as archive, tempfile.TemporaryDirectory() as tmp:
        archive.extract("collection.anki2", tmp)
        names: dict[str, str] = json.loads(archive.read("media")) if "media" in archive.namelist() else {}
        media = []
        for number, name in names.items():
            (media_dir / name).write_bytes(archive.read(number))
            media.append(str(media_dir / name))
        db = sqlite3.connect(Path(tmp) / "collection.anki2")
        try:
            models_json, decks_json = db.execute("select models, decks from col").fetchone()
            decks = {deck["id"]: deck["name"] for deck in json.loads(decks_json).values()}
            deck_of = dict(db.execute("select nid, did from cards group by nid").fetchall())
            notes = [
                [mid, decks[deck_of[nid]], guid, tags.split(), flds.split("\x1f")]
                for nid, mid, guid, tags, flds in db.execute(
                    "select id, mid, guid, tags, flds from notes order by id"
                )
            ]
        finally:
            db.close()
    models = [
        {
            "id": model["id"],
            "name": model["name"],
            "type": model["type"],
            "css": model["css"],
            "fields": [{"name": field["name"]} for field in model["flds"]],
            "templates": [{"name": t["name"], "qfmt": t["qfmt"], "afmt": t["afmt"]} for t in model["tmpls"]],
        }
        for model in json.loads(models_json).values()
    ]
    data = {"models": models, "notes": notes, "media": sorted(media)}
    notes_json.write_text(json.dumps(data), encoding="utf-8")
    return len(notes)


def _write(data: dict[str, Any], out: Path) -> None:
    models = {
        int(m["id"]): genanki.Model(
            int(m["id"]), m["name"], fields=m["fields"], templates=m["templates"], css=m["css"],
            model_type=int(m["type"]),
        )
        for m in data["models"]
    }  # fmt: skip
    decks: dict[str, genanki.Deck] = {}
    for model_id, deck_name, guid, tags, fields in data["notes"]:
        deck = decks.get(deck_name)
        if deck is None:
            deck = decks[deck_name] = genanki.Deck(abs(hash(deck_name)) % (1 << 62) + 1, deck_name)
        deck.add_note(genanki.Note(model=models[int(model_id)], fields=fields, guid=guid, tags=tags))
    genanki.Package(list(decks.values()), media_files=data["media"]).write_to_file(str(out))


def main(argv: list[str]) -> int:
    notes_json, out = Path(argv[0]), Path(argv[1])
    _write(json.loads(notes_json.read_text(encoding="utf-8")), out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
