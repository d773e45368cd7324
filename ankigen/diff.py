"""`ankigen diff OLD.apkg NEW.apkg`: what importing NEW where OLD was imported will do, by Anki's rules.

Anki matches notes by GUID.  A matched note is updated only when NEW's modification time is newer
and its note type has the same fields and template names; a newer note whose note type changed is
skipped as conflicting (Anki's default import; with "merge note types" on, Anki merges the
types instead); an older or equal one is skipped as a duplicate.  Import never deletes, so notes
only in OLD stay in the collection.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ankigen.errors import InputError
from ankigen.identity import REMOVED_TAG
from ankigen.similarity import plain_text

__all__ = ["Outcome", "PackageNote", "Prediction", "predict", "read_package", "render"]

Outcome = Literal["added", "updated", "removed", "skipped", "conflicting", "only_old"]
OUTCOMES: tuple[Outcome, ...] = ("added", "updated", "removed", "skipped", "conflicting", "only_old")
_LABELS: Mapping[Outcome, str] = {
    "added": "added",
    "updated": "updated",
    "removed": "marked removed",
    "skipped": "unchanged (skipped)",
    "conflicting": "conflicting (note type changed: skipped)",
    "only_old": "only in OLD (kept: import never deletes)",
}


@dataclass(frozen=True)
class PackageNote:
    guid: str
    schema: tuple[str, ...]  # the note type's field names, then its template names
    notetype: int
    mtime: int
    tags: tuple[str, ...]
    label: str  # the first field as plain text


@dataclass(frozen=True)
class Prediction:
    outcomes: tuple[tuple[Outcome, PackageNote], ...]

    def count(self, outcome: Outcome) -> int:
        return sum(kind == outcome for kind, _ in self.outcomes)


def read_package(path: Path) -> dict[str, PackageNote]:
    """The notes of an .apkg written by ankigen (or any legacy-format package), by GUID."""
    try:
        with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory() as tmp:
            names = set(archive.namelist())
            member = next((n for n in ("collection.anki21", "collection.anki2") if n in names), None)
            if member is None:
                raise InputError(str(path), "no collection.anki2 inside: not a package in the legacy format")
            database = Path(archive.extract(member, tmp))
            return _notes(database)
    except (OSError, zipfile.BadZipFile, sqlite3.DatabaseError) as exc:
        raise InputError(str(path), f"cannot read package: {exc}") from None


def _notes(database: Path) -> dict[str, PackageNote]:
    connection = sqlite3.connect(database)
    try:
        (models_json,) = connection.execute("select models from col").fetchone()
        rows = connection.execute("select guid, mid, mod, tags, flds from notes order by id").fetchall()
    finally:
        connection.close()
    models: dict[str, Any] = json.loads(models_json)
    schemas = {
        int(mid): tuple(f["name"] for f in model["flds"]) + tuple(t["name"] for t in model["tmpls"])
        for mid, model in models.items()
    }
    return {
        guid: PackageNote(
            guid=guid,
            schema=schemas.get(int(mid), ()),
            notetype=int(mid),
            mtime=int(mod),
            tags=tuple(tags.split()),
            label=plain_text(fields.split("\x1f")[0])[:80],
        )
        for guid, mid, mod, tags, fields in rows
    }


def predict(old: Mapping[str, PackageNote], new: Mapping[str, PackageNote]) -> Prediction:
    old_schemas = {note.notetype: note.schema for note in old.values()}
    outcomes: list[tuple[Outcome, PackageNote]] = []
    for guid, note in new.items():
        before = old.get(guid)
        # a note type whose fields or templates changed is imported as another note type
        remapped = note.notetype in old_schemas and old_schemas[note.notetype] != note.schema
        if before is None:
            outcomes.append(("added", note))
        elif remapped:
            outcomes.append(("conflicting", note))
        elif before.mtime >= note.mtime:
            outcomes.append(("skipped", note))
        elif before.notetype != note.notetype:
            outcomes.append(("conflicting", note))
        elif REMOVED_TAG in note.tags and REMOVED_TAG not in before.tags:
            outcomes.append(("removed", note))
        else:
            outcomes.append(("updated", note))
    outcomes += [("only_old", note) for guid, note in old.items() if guid not in new]
    return Prediction(tuple(outcomes))


def render(prediction: Prediction, style: str = "text") -> str:
    if style == "json":
        data = {
            outcome: [
                {"guid": n.guid, "label": n.label} for kind, n in prediction.outcomes if kind == outcome
            ]
            for outcome in OUTCOMES
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    summary = ", ".join(f"{prediction.count(o)} {_LABELS[o].split(' (')[0]}" for o in OUTCOMES)
    lines = [f"**{summary}**" if style == "markdown" else summary]
    for outcome in ("added", "updated", "removed", "conflicting"):
        notes = sorted(n.label for kind, n in prediction.outcomes if kind == outcome)
        if notes:
            lines.append(
                f"\n### {_LABELS[outcome].capitalize()}\n" if style == "markdown" else f"{_LABELS[outcome]}:"
            )
            lines += [f"- {label}" if style == "markdown" else f"  {label}" for label in notes]
    return "\n".join(lines) + "\n"
