"""`ankigen.lock`: what ankigen remembers about every note it has built, committed with the notes.

One note per line, as a JSON object, sorted by GUID.  A note's GUID never changes, so its line
never moves: two branches that touch different notes change different lines and merge cleanly.
A note that did not change keeps its line exactly as it was read (it is not serialised again:
at 10k sections that is most of the cost of writing the lock), and a lock whose bytes would not
change is not written at all.
Git's conflict markers are tolerated (both sides are kept, the newer version of a note wins),
so `ankigen.lock merge=union` in .gitattributes is safe too.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ankigen.atomic import StagedFile, atomic_file
from ankigen.errors import InputError, OutputError
from ankigen.lockentry import Lock, LockEntry, checked_entry, orjson_entry, quick_entry
from ankigen.model import Diagnostic

__all__ = [
    "HEADER_LINES",
    "LOCK_FILE",
    "Lock",
    "LockEntry",
    "commit_lock",
    "entry_line",
    "parse_line",
    "parse_lock",
    "read_lock",
    "render_lock",
    "stage_lock",
    "write_lock",
    "write_lock_content",
]

LOCK_FILE = "ankigen.lock"

_HEADER = (
    "# ankigen.lock: the identity of every note ankigen has built (GUID, content fingerprint,\n"
    "# modification time, cloze numbers). Commit it with your notes; deleting it makes every note\n"
    "# new to Anki. One note per line, sorted by GUID; on a merge conflict keep both sides' lines.\n"
)
HEADER_LINES = _HEADER.count("\n")  # the lines before the first entry of a lock ankigen wrote
_CONFLICT_MARKERS = ("<<<<<<<", "=======", ">>>>>>>", "|||||||")


def read_lock(root: Path) -> Lock:
    """The lock file at the project root; an empty lock when there is none."""
    path = root / LOCK_FILE
    try:
        # A lock as ankigen writes it is read as bytes, each entry line by orjson, and kept as it
        # is read; any other lock is read again as text, line by line, by the checked reading
        # (at 50k sections the file is 150 MB, twice that as one str: never read whole).
        with path.open("rb") as raw:
            quick = _quick_lines(raw)
        if quick is not None:
            return quick
        with path.open(encoding="utf-8") as lines:
            return _parse_lines(lines, LOCK_FILE)
    except FileNotFoundError:
        return Lock()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(LOCK_FILE, f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None


def _quick_lines(lines: Iterable[bytes]) -> Lock | None:
    """What `_parse_lines` reads from the lock's text, when every line of it is empty, a comment
    or an entry line that `orjson_entry` takes; None otherwise (before reading the rest).

    The same lines: without a CR, text mode's newlines are b"\\n" alone, and b"\\n" is in no
    multi-byte UTF-8 sequence.  The same stripping: a line whose ASCII whitespace stripped off
    leaves `{` or `#` at its ends is what `str.strip` leaves.  The same text: orjson takes only
    UTF-8 (as the text reading does), a comment is checked to be UTF-8, and an entry line's
    bytes are the UTF-8 of its text."""
    entries: dict[str, LockEntry] = {}
    shared: dict[object, Any] = {}  # see `lockentry._typed_entry`
    for line in lines:
        if b"\r" in line:
            return None
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(b"#") and _is_utf8(stripped):
            continue
        if not stripped.startswith(b"{"):
            return None
        entry = orjson_entry(stripped, shared)
        if entry is None:
            return None
        known = entries.get(entry.guid)
        if known is None or (entry.mtime, entry.fingerprint) > (known.mtime, known.fingerprint):
            entries[entry.guid] = entry
    return Lock(tuple(sorted(entries.values(), key=lambda e: e.guid)))


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def parse_lock(text: str, display: str = LOCK_FILE) -> Lock:
    return _parse_lines(io.StringIO(text, newline=None), display)


def _parse_lines(lines: Iterable[str], display: str) -> Lock:
    """Only a newline ends a line: JSON keeps U+2028 and its like raw inside a string."""
    entries: dict[str, LockEntry] = {}
    conflicted = 0
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith(_CONFLICT_MARKERS):
            conflicted = conflicted or number
            continue
        entry = _entry(stripped, display, number)
        known = entries.get(entry.guid)
        if known is None or (entry.mtime, entry.fingerprint) > (known.mtime, known.fingerprint):
            entries[entry.guid] = entry
    diagnostics = (
        (
            Diagnostic(
                display,
                conflicted,
                "merge conflict markers: both sides kept, the newer version of each note wins",
            ),
        )
        if conflicted
        else ()
    )
    return Lock(tuple(sorted(entries.values(), key=lambda e: e.guid)), diagnostics)


def _entry(line: str, display: str, number: int) -> LockEntry:
    return quick_entry(line) or checked_entry(line, display, number)


def parse_line(line: str, number: int = 0) -> LockEntry:
    """One entry line of the lock file (`number`: where it is, for the error message)."""
    return _entry(line.strip(), LOCK_FILE, number)


def render_lock(entries: Iterable[LockEntry]) -> str:
    lines = [_HEADER.rstrip("\n")]
    lines.extend(entry_line(entry).decode("utf-8") for entry in sorted(entries, key=lambda e: e.guid))
    return "\n".join(lines) + "\n"


def stage_lock(root: Path, entries: Iterable[LockEntry]) -> StagedFile:
    """`render_lock(entries)`, written line by line to a temporary file (at 50k sections the
    lock is 150 MB: it is never held whole) that `commit_lock` puts in place once the decks are
    written; `StagedFile.discard` drops it if they are not."""
    path = root / LOCK_FILE
    try:
        staged = StagedFile(path)
        try:
            write = staged.stream.write
            write(_HEADER.encode("utf-8"))
            for entry in sorted(entries, key=lambda e: e.guid):
                write(entry_line(entry))
                write(b"\n")
        except BaseException:
            staged.discard()
            raise
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return staged


def commit_lock(root: Path, staged: StagedFile) -> None:
    try:
        staged.commit()
    except OSError as exc:
        raise OutputError(f"{root / LOCK_FILE}: cannot write: {exc.strerror or exc}") from None


def entry_line(entry: LockEntry) -> bytes:
    """The entry's line in the lock file (UTF-8): as it was read while the entry is unchanged."""
    return entry.line or _line(entry).encode("utf-8")


def _line(entry: LockEntry) -> str:
    data: dict[str, object] = {
        "guid": entry.guid,
        "key": entry.key,
        "kind": entry.kind,
        "fp": entry.fingerprint,
        "mod": entry.mtime,
    }
    if entry.removed:
        data["removed"] = True
    if entry.pin:
        data["pin"] = entry.pin
    if entry.clozes:
        data["clozes"] = dict(entry.clozes)
    if entry.tags:
        data["tags"] = list(entry.tags)
    data.update(file=entry.source, exam=entry.exam, domain=entry.domain, title=entry.title, text=entry.text)
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": "))


def write_lock(root: Path, entries: Iterable[LockEntry]) -> Path:
    """Write the lock file atomically, as the decks are written; not at all if its bytes would not change."""
    return write_lock_content(root, render_lock(entries).encode("utf-8"))


def write_lock_content(root: Path, content: bytes) -> Path:
    """`write_lock` for a lock already rendered."""
    path = root / LOCK_FILE
    try:
        if _holds(path, content):
            return path
        with atomic_file(path) as out:
            out.write(content)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return path


def _holds(path: Path, content: bytes) -> bool:
    """Whether the file at `path` already holds exactly `content` (its size is checked first)."""
    try:
        if path.stat().st_size != len(content):
            return False
        return path.read_bytes() == content
    except FileNotFoundError:
        return False
