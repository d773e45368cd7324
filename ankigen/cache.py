"""A content-addressed cache of per-file results, so that a rebuild re-parses only edited files.

An entry is found by a key over everything a file's result depends on: the file's bytes and
where it sits (its path, display name and project root), the config, the ankigen code itself
(a hash of its sources, so an edited or upgraded ankigen never serves old results) and the
versions of the libraries that shape the cards.  The images a file shows are checked again on
every hit, since they live in other files: a changed, added or removed image is a miss.

The cache lives in `.ankigen-cache/` under the project root (gitignored, and marked with a
CACHEDIR.TAG so backup tools skip it); deleting it is always safe.  Entries are pickles written
to a temporary file and renamed into place, so concurrent builds never see half an entry, and
each source file keeps only its newest entry.  Anything unreadable is treated as a miss.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import stat
import sys
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Protocol, cast

from ankigen.atomic import atomic_file
from ankigen.config import Config
from ankigen.media import ImageMemo, MediaResolution, resolve_media
from ankigen.model import Document, SourceFile

__all__ = [
    "CACHE_DIR",
    "CachedReport",
    "FileCache",
    "Lookup",
    "code_fingerprint",
    "entry_blob",
    "replace_entry",
    "report_of",
]

CACHE_DIR = ".ankigen-cache"
_FORMAT = 1
_LIBRARIES = (
    "markdown-it-py",
    "mdit-py-plugins",
    "linkify-it-py",
    "nh3",
    "Pygments",
    "ftfy",
    "genanki",
    "markdown-it-pyrs",  # builds the token stream when it provably matches markdown-it-py's
)
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# Created by ankigen: its build cache.\n"


class CachedReport(Protocol):
    """What the cache needs of a per-file result: the document it was made from, and that
    document as far as its images go (which a hit checks, without needing the rest of it)."""

    @property
    def document(self) -> Document: ...

    def image_document(self) -> Document: ...


@dataclass(frozen=True)
class Lookup:
    """A file's cache key, and its cached result when there was a valid one."""

    key: str
    report: object | None


@functools.cache
def code_fingerprint() -> str:
    """A hash of ankigen's own sources and of the versions of the libraries that shape its output.

    Worked out once per process (a build asks for it five times): the code a process runs does
    not change under it."""
    digest = hashlib.sha256(f"{_FORMAT}|{sys.version}".encode())
    package = resources.files("ankigen")
    for path in sorted(_sources(package), key=str):
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(name.encode())
    return digest.hexdigest()


def _sources(folder: resources.abc.Traversable, prefix: str = "") -> list[Path]:
    found: list[Path] = []
    for entry in folder.iterdir():
        if entry.is_dir() and entry.name != "__pycache__":
            found.extend(_sources(entry, f"{prefix}{entry.name}/"))
        elif entry.name.endswith(".py") or prefix.startswith("data"):
            found.append(Path(str(entry)))
    return found


class FileCache:
    """The cache for one project, one config and one set of options (the salt)."""

    def __init__(self, folder: Path, config: Config, salt: str = "") -> None:
        self.folder = folder / f"v{_FORMAT}"
        digest = hashlib.sha256(f"{code_fingerprint()}|{config!r}|{salt}".encode())
        self._salt = digest.hexdigest().encode()
        self._images = ImageMemo()  # a cache lives for one run: its images are checked once per run

    def lookup(self, source: SourceFile) -> Lookup:
        """The key of `source` as it is now, and its cached result if it is still valid."""
        key = self.key(source)
        return Lookup(key, self.load(source, key) if key else None)

    def key(self, source: SourceFile) -> str:
        """The key of `source` as it is now; "" when it cannot be read (nothing to cache)."""
        try:
            if not stat.S_ISREG(source.path.stat().st_mode):  # a FIFO would block the read
                return ""
            data = source.path.read_bytes()
        except OSError:
            return ""  # processing it reports the error; nothing to cache
        digest = hashlib.sha256(self._salt)
        digest.update(repr(source).encode())
        digest.update(data)
        return digest.hexdigest()

    def holds(self, source: SourceFile, key: str) -> bool:
        """Whether there is an entry for `key`, valid or not: `load` tells."""
        return bool(key) and self._entry(source, key).is_file()

    def _entry(self, source: SourceFile, key: str) -> Path:
        return self.folder / hashlib.sha256(str(source.path).encode()).hexdigest()[:24] / f"{key}.pickle"

    def load(self, source: SourceFile, key: str) -> object | None:
        """The cached result for `key`, if there is one and the images it shows are as they were."""
        try:
            with self._entry(source, key).open("rb") as handle:
                entry = pickle.load(handle)
            images, report = entry
            document = report.image_document()
        except Exception:  # missing, truncated, or from another version: a miss in every case
            return None
        if not isinstance(document, Document) or resolve_media(document, memo=self._images) != images:
            return None
        return cast(object, report)

    def store(self, source: SourceFile, key: str, blob: bytes) -> None:
        """Keep `blob` (from `entry_blob`) as the entry for `key`, replacing older ones of the file."""
        if not key:
            return
        target = self._entry(source, key)
        try:
            self._ensure_tagged()
            replace_entry(target, blob)
        except OSError:
            pass  # a read-only or full disk costs speed, never the build

    def _ensure_tagged(self) -> None:
        tag = self.folder.parent / "CACHEDIR.TAG"
        if not tag.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            tag.write_text(_TAG, encoding="ascii")


def replace_entry(target: Path, blob: bytes) -> None:
    """Write `blob` to `target` atomically and drop the other entries beside it, which only an
    older version of the same thing can have left."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(target) as out:
        out.write(blob)
    for old in target.parent.glob("*.pickle"):
        if old != target:
            old.unlink(missing_ok=True)


def entry_blob(report: CachedReport) -> bytes:
    """A result as a cache entry: with how its images resolved, to check them again on the next hit.

    The work's own resolution serves when it has one (`FileReport.media`: made the same way,
    unless remote images were fetched, and then the check only misses, never wrongly hits)."""
    made = getattr(report, "media", None)
    images = made if isinstance(made, MediaResolution) else resolve_media(report.document)
    return pickle.dumps((images, report), protocol=pickle.HIGHEST_PROTOCOL)


def report_of(blob: bytes) -> object:
    return pickle.loads(blob)[1]
