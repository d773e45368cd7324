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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import orjson

from ankigen.atomic import StagedFile, atomic_file
from ankigen.errors import InputError, OutputError
from ankigen.model import CardKind, Diagnostic

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


@dataclass(frozen=True)
class LockEntry:
    """One note as last built."""

    guid: str
    key: str  # the card's identity key when it was last built
    kind: CardKind
    fingerprint: str  # of the note's content as shipped; a change bumps `mtime`
    mtime: int  # when the content last changed (seconds): Anki updates a note only if this is newer
    title: str = ""  # the note's own heading, plain text (for similarity and for removed notes)
    text: str = ""  # a plain-text sketch of the content (cloze: with its {{cN::...}} markers)
    source: str = ""  # the notes file it came from
    exam: str = ""
    domain: str = ""
    pin: str = ""  # the id pinned in the notes with <!-- id: ... -->
    tags: tuple[str, ...] = ()  # as shipped, so that a removed note keeps them
    clozes: tuple[tuple[str, int], ...] = ()  # cloze term -> its number, retired ones included
    removed: bool = False  # gone from the notes, shipped tagged ankigen::removed
    # The line this entry was read from, written back as it was while the entry is unchanged.
    # Not an __init__ field, so that every new or replace()d entry has none and is serialised.
    # UTF-8: a line with one `›` in it would take two bytes a character as a str.
    line: bytes = field(default=b"", init=False, compare=False, repr=False)

    @property
    def next_cloze(self) -> int:
        return max((number for _, number in self.clozes), default=0) + 1


@dataclass(frozen=True)
class Lock:
    entries: tuple[LockEntry, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = field(default=(), compare=False)

    def by_guid(self) -> dict[str, LockEntry]:
        return {entry.guid: entry for entry in self.entries}


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
    or an entry line that `_orjson_entry` takes; None otherwise (before reading the rest).

    The same lines: without a CR, text mode's newlines are b"\\n" alone, and b"\\n" is in no
    multi-byte UTF-8 sequence.  The same stripping: a line whose ASCII whitespace stripped off
    leaves `{` or `#` at its ends is what `str.strip` leaves.  The same text: orjson takes only
    UTF-8 (as the text reading does), a comment is checked to be UTF-8, and an entry line's
    bytes are the UTF-8 of its text."""
    entries: dict[str, LockEntry] = {}
    shared: dict[object, Any] = {}  # see `_typed_entry`
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
        entry = _orjson_entry(stripped, shared)
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


def _orjson_entry(line: bytes, shared: dict[object, Any] | None = None) -> LockEntry | None:
    """`_quick_entry(line.decode())`, with orjson: what it decodes, json decodes alike where
    `_typed_entry` takes it (it makes a float of an integer json keeps whole, when too big for
    64 bits, but takes no float; it refuses what json alone takes: NaN, lone surrogates...)."""
    try:
        raw = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if type(raw) is not dict:
        return None
    entry = _typed_entry(raw, shared)
    if entry is not None:
        object.__setattr__(entry, "line", line)  # frozen: set once, here, where the entry is made
    return entry


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
    return _quick_entry(line) or _checked_entry(line, display, number)


_DECODER = json.JSONDecoder()  # what json.loads uses: raw_decode is json.loads but for the wrapper


def _quick_entry(line: str) -> LockEntry | None:
    """The entry of a line as ankigen writes them, where every value already has the type
    `_checked_entry` would make of it; None for any other line, which `_checked_entry` reads
    (or names what is wrong with).  A lock holds one line per note: this is most of reading it,
    and one type check per kind of value is a third of the cost of a check per value."""
    try:
        raw, end = _DECODER.raw_decode(line)  # `line` is stripped: json.loads would start at 0 too
    except ValueError:
        return None
    if end != len(line) or type(raw) is not dict:
        return None
    entry = _typed_entry(raw)
    if entry is not None:
        object.__setattr__(entry, "line", line.encode("utf-8"))  # frozen: set once, where it is made
    return entry


def _typed_entry(raw: dict[str, Any], shared: dict[object, Any] | None = None) -> LockEntry | None:
    """The entry of a line's JSON object, where every value has the type `_checked_entry` would
    make of it (its line not set yet); None otherwise.  `shared`: the file, exam, domain and
    tags of the entries read so far, each value once, for this entry to share (a lock's notes
    have a few of each: at 50k sections, a copy for each of 283k entries was ~100 MB)."""
    get: Callable[..., Any] = raw.get  # a missing key gives None: no string
    strings: tuple[Any, ...] = (
        guid := get("guid"),
        key := get("key"),
        fingerprint := get("fp"),
        title := get("title", ""),
        text := get("text", ""),
        source := get("file", ""),
        exam := get("exam", ""),
        domain := get("domain", ""),
        pin := get("pin", ""),
    )
    kind, mtime, tags, clozes, removed = (
        get("kind"),
        get("mod"),
        get("tags", []),
        get("clozes", {}),
        get("removed", False),
    )
    if (
        kind not in ("qa", "cloze")
        or type(mtime) is not int
        or type(removed) is not bool
        or type(tags) is not list
        or type(clozes) is not dict
        or (clozes and not all(type(number) is int for number in clozes.values()))
    ):
        return None
    try:  # every one a string (JSON makes no subclass of str): joining checks it in one call
        "".join(strings)
        "".join(tags)
    except TypeError:
        return None
    listed = tuple(tags)
    if shared is not None:
        share = shared.setdefault
        source, exam, domain, listed = (
            share(source, source),
            share(exam, exam),
            share(domain, domain),
            share(listed, listed),
        )
    # positional: LockEntry's fields in order (a call by keyword spends a tenth of it on names)
    return LockEntry(
        guid,
        key,
        kind,
        fingerprint,
        mtime,
        title,
        text,
        source,
        exam,
        domain,
        pin,
        listed,
        tuple(sorted(clozes.items())),
        removed,
    )


def _checked_entry(line: str, display: str, number: int) -> LockEntry:
    try:
        raw = json.loads(line)
        if not isinstance(raw, dict):
            raise ValueError("expected one JSON object per line")
        data = cast(dict[str, Any], raw)
        kind = data["kind"]
        if kind not in ("qa", "cloze"):
            raise ValueError(f"unknown kind {kind!r}")
        clozes = cast(Mapping[str, int], data.get("clozes", {}))
        entry = LockEntry(
            guid=_str(data["guid"]),
            key=_str(data["key"]),
            kind=kind,
            fingerprint=_str(data["fp"]),
            mtime=int(data["mod"]),
            title=_str(data.get("title", "")),
            text=_str(data.get("text", "")),
            source=_str(data.get("file", "")),
            exam=_str(data.get("exam", "")),
            domain=_str(data.get("domain", "")),
            pin=_str(data.get("pin", "")),
            tags=tuple(_str(tag) for tag in data.get("tags", [])),
            clozes=tuple(sorted((_str(term), int(n)) for term, n in clozes.items())),
            removed=bool(data.get("removed", False)),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        what = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
        raise InputError(
            display, f"unreadable lock entry ({what}); fix or remove this line", number
        ) from None
    object.__setattr__(entry, "line", line.encode("utf-8"))  # frozen: set once, here, where the entry is made
    return entry


def parse_line(line: str, number: int = 0) -> LockEntry:
    """One entry line of the lock file (`number`: where it is, for the error message)."""
    return _entry(line.strip(), LOCK_FILE, number)


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


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
