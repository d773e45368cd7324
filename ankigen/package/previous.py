"""The previous build's collection for each .apkg, kept in the build cache to reuse its rows.

One entry per package file name, under `.ankigen-cache/packages/`, named by a hash of ankigen's
code and library versions (an edited or upgraded ankigen never reuses rows it would write
differently).  An entry holds the collection (a file, ATTACHed by the next build as it is) and
its manifest: for every note, the key of what it was written from (`notes.note_key`), its note id
and its number of cards.  Both are written atomically, the collection first; the manifest holds
the collection's CRC-32 and a checksum over all of it, so a damaged or mismatched entry is a
miss, as is anything unreadable.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import zlib
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ankigen.atomic import atomic_file, is_temporary, temp_name
from ankigen.cache import code_fingerprint

__all__ = ["PreviousBuild", "load_previous", "save_previous", "scratch_file"]

_FOLDER = "packages"
_FORMAT = 2
_KEY_SIZE = 16
_CHUNK = 1 << 20


@dataclass(frozen=True)
class PreviousBuild:
    collection: Path
    notes: Mapping[bytes, tuple[int, int]]  # note key -> (note id, number of cards) in `collection`


def _path(cache_dir: Path, filename: str) -> Path:
    folder = hashlib.sha256(filename.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return cache_dir / _FOLDER / folder / f"{code_fingerprint()[:32]}.pickle"


def _collection_path(manifest: Path, crc: int) -> Path:
    """Named by its content too: a concurrent build never swaps it under a manifest it passed."""
    return manifest.with_name(f"{manifest.stem}.{crc:08x}.anki2")


def _file_crc(path: Path) -> int:
    value = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            value = zlib.crc32(chunk, value)
    return value


def _checksum(*parts: bytes) -> int:
    value = 0
    for part in parts:
        value = zlib.crc32(part, value)
    return value


def scratch_file(cache_dir: Path, filename: str) -> Path | None:
    """A new empty file in the package's cache entry, to build the collection in and then keep
    (`save_previous` moves it); None where the cache cannot be written.  It has the temporary
    name of the manifest, so one a killed build left is removed by a later build's save."""
    try:
        manifest = _path(cache_dir, filename)
        manifest.parent.mkdir(parents=True, exist_ok=True)
        scratch = temp_name(manifest)
        scratch.touch(exist_ok=False)
    except OSError:
        return None
    return scratch


def load_previous(cache_dir: Path, filename: str) -> PreviousBuild | None:
    try:
        manifest = _path(cache_dir, filename)
        with manifest.open("rb") as handle:
            version, checksum, keys, ids, counts, crc = pickle.load(handle)
        if version != _FORMAT or checksum != _checksum(keys, ids, counts, crc.to_bytes(4, "big")):
            return None
        collection = _collection_path(manifest, crc)
        if _file_crc(collection) != crc:
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
    collection: Path,
    crc: int,
    keys: Sequence[bytes],
    ids: Sequence[int],
    counts: Sequence[int],
) -> None:
    """Keep the collection file (moved here: it is a scratch file of the build), of CRC-32 `crc`,
    and its notes' keys, ids and numbers of cards for the next build."""
    joined = b"".join(keys)
    id_bytes = array("q", ids).tobytes()
    count_bytes = array("L", counts).tobytes()
    checksum = _checksum(joined, id_bytes, count_bytes, crc.to_bytes(4, "big"))
    entry = (_FORMAT, checksum, joined, id_bytes, count_bytes, crc)
    target = _path(cache_dir, filename)
    kept = _collection_path(target, crc)
    with contextlib.suppress(OSError):  # a read-only or full disk costs speed, never the build
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(collection, kept)
        except OSError:  # on another file system: copied
            with atomic_file(kept) as out, collection.open("rb") as source:
                shutil.copyfileobj(source, out, _CHUNK)
        with atomic_file(target) as out:
            pickle.dump(entry, out, protocol=pickle.HIGHEST_PROTOCOL)
        for old in target.parent.iterdir():  # left by earlier builds and other versions of ankigen
            if old not in (target, kept) and not is_temporary(old.name):
                old.unlink(missing_ok=True)
