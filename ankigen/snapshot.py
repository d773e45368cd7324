"""The last build's whole-corpus state, kept in the build cache so that the next build, when only
some files changed, gives GUIDs and lock lines to those files' notes only (`ankigen.incremental`).

It is read and deleted at the start of every build that uses the cache, and written again only
by a build that finished and left `ankigen.lock` exactly as the snapshot says: a build that
failed, stopped under --strict or --locked, or left the lock as it was for an unread file leaves
no snapshot, so the next build takes the full path.  Anything unreadable is no snapshot.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ankigen.atomic import atomic_file
from ankigen.cache import code_fingerprint
from ankigen.config import Config
from ankigen.model import Diagnostic

__all__ = ["FileState", "Snapshot", "guard_of", "lock_digest", "save_snapshot", "take_snapshot"]

_FOLDER = "snapshot"
_FILE = "build.pickle"
_FORMAT = 2


@dataclass(frozen=True)
class FileState:
    """One notes file as the last build saw it."""

    key: str  # the cache key of its per-file result
    guids: tuple[str, ...]  # the GUID of each of its notes, in build order
    mtimes: tuple[int, ...]  # and their modification times
    keys: frozenset[str]  # every identity key its notes had on the way (`independence.file_keys`)
    warnings: tuple[Diagnostic, ...] = ()  # identity's, about its notes that share a key
    # the package key of each of its notes (`package.notes.note_key`, 16 bytes each, joined) and
    # its deck, in build order; empty when some note's key depended on the build's time
    note_keys: bytes = b""
    decks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Snapshot:
    guard: str  # what else the build depended on (`guard_of`)
    lock_digest: str  # of `ankigen.lock` as the build left it
    guids: tuple[str, ...]  # every entry of that lock, in its order (one line each)
    tombstones: frozenset[str]  # the GUIDs of its removed notes that the build's paths cover
    files: Mapping[str, FileState]  # by the file's display path


def guard_of(config: Config, salt: str, paths: Sequence[Path]) -> str:
    """A hash of everything besides the files and the lock that a build's identities depend on."""
    scope = sorted(str(path.resolve()) for path in paths)
    parts = (_FORMAT, code_fingerprint(), repr(config), salt, scope, str(config.root.resolve()))
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def lock_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _path(cache_dir: Path) -> Path:
    return cache_dir / _FOLDER / _FILE


def take_snapshot(cache_dir: Path, guard: str) -> Snapshot | None:
    """The snapshot the last build left, if it was made under `guard`; it is deleted either way,
    before this build touches the cache (see the module's docstring)."""
    path = _path(cache_dir)
    try:
        with path.open("rb") as handle:
            version, snapshot = pickle.load(handle)
    except Exception:  # missing, truncated, or from another version of ankigen
        return None
    finally:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    if version != _FORMAT or not isinstance(snapshot, Snapshot) or snapshot.guard != guard:
        return None
    return snapshot


def save_snapshot(cache_dir: Path, snapshot: Snapshot) -> None:
    path = _path(cache_dir)
    with contextlib.suppress(OSError):  # a read-only or full disk costs speed, never the build
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(path) as out:
            pickle.dump((_FORMAT, snapshot), out, protocol=pickle.HIGHEST_PROTOCOL)
