"""The previous build's collection for each .apkg, kept in the build cache to reuse its rows.

One entry per package file name, under `.ankigen-cache/packages/`, named by a hash of ankigen's
code and library versions (an edited or upgraded ankigen never reuses rows it would write
differently).  An entry holds the collection and its manifest: for every note, the key of what
it was written from (`notes.note_key`), its note id and its number of cards.  Entries are written
atomically; a checksum over all of it makes a damaged entry a miss, as is anything unreadable.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import zlib
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ankigen.atomic import atomic_file
from ankigen.cache import code_fingerprint

__all__ = ["PreviousBuild", "load_previous", "save_previous"]

_FOLDER = "packages"
_FORMAT = 1
_KEY_SIZE = 16


@dataclass(frozen=True)
class PreviousBuild:
    collection: bytes
    notes: Mapping[bytes, tuple[int, int]]  # note key -> (note id, number of cards) in `collection`


def _path(cache_dir: Path, filename: str) -> Path:
    folder = hashlib.sha256(filename.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return cache_dir / _FOLDER / folder / f"{code_fingerprint()[:32]}.pickle"


def _checksum(*parts: bytes) -> int:
    value = 0
    for part in parts:
        value = zlib.crc32(part, value)
    return value


def load_previous(cache_dir: Path, filename: str) -> PreviousBuild | None:
    try:
        with _path(cache_dir, filename).open("rb") as handle:
            version, checksum, keys, ids, counts, collection = pickle.load(handle)
        if version != _FORMAT or checksum != _checksum(keys, ids, counts, collection):
            return None
        note_ids, card_counts = array("q"), array("L")
        note_ids.frombytes(ids)
        card_counts.frombytes(counts)
        if not len(keys) == _KEY_SIZE * len(note_ids) == _KEY_SIZE * len(card_counts):
            return None
        split = (keys[i : i + _KEY_SIZE] for i in range(0, len(keys), _KEY_SIZE))
        return PreviousBuild(
            collection, dict(zip(split, zip(note_ids, card_counts, strict=True), strict=True))
        )
    except Exception:  # missing, truncated, or written by another version: build afresh
        return None


def save_previous(
    cache_dir: Path,
    filename: str,
    collection: bytes,
    keys: Sequence[bytes],
    ids: Sequence[int],
    counts: Sequence[int],
) -> None:
    """Keep `collection` and its notes' keys, ids and numbers of cards for the next build."""
    joined = b"".join(keys)
    id_bytes = array("q", ids).tobytes()
    count_bytes = array("L", counts).tobytes()
    checksum = _checksum(joined, id_bytes, count_bytes, collection)
    entry = (_FORMAT, checksum, joined, id_bytes, count_bytes, collection)
    target = _path(cache_dir, filename)
    with contextlib.suppress(OSError):  # a read-only or full disk costs speed, never the build
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(target) as out:  # streamed: no second copy of the collection in memory
            pickle.dump(entry, out, protocol=pickle.HIGHEST_PROTOCOL)
        for old in target.parent.glob("*.pickle"):  # left by other versions of ankigen
            if old != target:
                old.unlink(missing_ok=True)
