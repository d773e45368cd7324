"""A lock entry, and reading one from its line in `ankigen.lock` (see `ankigen.lockfile`).

A line as ankigen writes it is read by `quick_entry` (json) or `orjson_entry` (orjson, from the
line's bytes), with one type check per kind of value; any other line by `checked_entry`, which
names what is wrong with it.  All three make the same entry of a line they take.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import orjson

from ankigen.errors import InputError
from ankigen.model import CardKind, Diagnostic

__all__ = ["Lock", "LockEntry", "checked_entry", "orjson_entry", "quick_entry"]


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


_DECODER = json.JSONDecoder()  # what json.loads uses: raw_decode is json.loads but for the wrapper


def quick_entry(line: str) -> LockEntry | None:
    """The entry of a line as ankigen writes them, where every value already has the type
    `checked_entry` would make of it; None for any other line, which `checked_entry` reads
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
    """The entry of a line's JSON object, where every value has the type `checked_entry` would
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


def checked_entry(line: str, display: str, number: int) -> LockEntry:
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


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def orjson_entry(line: bytes, shared: dict[object, Any] | None = None) -> LockEntry | None:
    """`quick_entry(line.decode())`, with orjson: what it decodes, json decodes alike where
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
