"""Identity for the changed files only, when that provably gives what the whole corpus would.

A build with a cache keeps a snapshot of its whole-corpus state (`ankigen.snapshot`).  When the
next build finds `ankigen.lock` byte for byte as that snapshot says, its cards are matched to
lock entries (`ankigen.identity`) only for the files whose result did not come from the cache
under the snapshot's key, against the entries those files (and deleted ones) had and the lock's
removed notes; the other files' notes keep exactly their lock entries, and the lock is rewritten
by splicing the changed lines in among the others, kept as bytes.

Why that is the full path's answer: a snapshot is kept only when its files' notes are
independent (`ankigen.independence`): no key of one file's notes is another file's, matching by
key alone gives every note its own lock entry, and identity left every note's text as it was.
Then the full path matches each unchanged note to its own entry by key before anything else,
keeps that entry as it is, and what is left to match (the changed files' notes against the
leftover entries, in the same order) is exactly what this path matches.  A changed file whose
keys meet another file's, an error anywhere, a lock edited by hand, other options or another
ankigen: the full path runs.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, groupby, islice
from operator import attrgetter
from pathlib import Path

from ankigen.errors import InputError
from ankigen.frozen import replaced_all
from ankigen.identity import IdentityResult, assign_identity
from ankigen.independence import by_file, disjoint, file_keys, full_snapshot, settled, state_of
from ankigen.lockfile import HEADER_LINES, LOCK_FILE, Lock, LockEntry, entry_line, parse_line, render_lock
from ankigen.model import Card, Diagnostic
from ankigen.parallel import Served
from ankigen.per_file import FileReport
from ankigen.snapshot import FileState, Snapshot, lock_digest

__all__ = ["Carried", "FastIdentity", "Incremental", "fast_identity", "incremental"]

_DISPLAY = attrgetter("source.display")


@dataclass(frozen=True)
class Incremental:
    """A build with a cache and the lock: the last build's snapshot, and this build's files."""

    guard: str
    snapshot: Snapshot | None
    keys: Mapping[str, str]  # each file's cache key, by display path, in the order of the sources
    changed: frozenset[str]  # the files whose result is not the one the snapshot was made from


@dataclass(frozen=True)
class FastIdentity:
    identity: IdentityResult  # every card; `entries` only those of the part of the lock matched
    lock: Lock  # that part
    counts: dict[str, int]  # notes new, changed and removed against the whole lock
    content: bytes  # the whole lock file
    snapshot: Snapshot | None  # for the next build, when it is still provably equivalent


@dataclass(frozen=True)
class Carried:
    """What `check` hands on for writing the lock and the next snapshot."""

    base: Incremental
    raw: tuple[Card, ...]  # every card as classified, before `distinct_cards`
    distinct: tuple[Card, ...]
    in_scope: Callable[[LockEntry], bool]
    fast: FastIdentity | None = None

    def lock_content(self, identity: IdentityResult) -> bytes:
        return self.fast.content if self.fast else render_lock(identity.entries).encode("utf-8")

    def next_snapshot(self, identity: IdentityResult, content: bytes) -> Snapshot | None:
        if self.fast:
            return self.fast.snapshot
        base = self.base
        return full_snapshot(base.guard, base.keys, self.raw, self.distinct, identity, self.in_scope, content)


def incremental(
    guard: str, snapshot: Snapshot | None, served: Served[FileReport], globbed: Mapping[Path, str]
) -> Incremental:
    """What changed since `snapshot`: the files not served from the cache under the key they had
    then, and those the config's globs now place elsewhere than when their cards were placed."""
    displays = [report.source.display for report in served.results]
    if len(set(displays)) != len(displays):  # one file listed twice: files cannot be told apart
        return Incremental(guard, None, {}, frozenset())
    known = snapshot.files if snapshot else {}
    changed = frozenset(
        display
        for display, report, key, hit in zip(
            displays, served.results, served.keys, served.cached, strict=True
        )
        if not (hit and key and display in known and known[display].key == key)
        or not report.classified
        or report.globbed != globbed.get(report.source.path, "")
    )
    return Incremental(guard, snapshot, dict(zip(displays, served.keys, strict=True)), changed)


def fast_identity(
    carried: Carried, diagnostics: Sequence[Diagnostic], now: int, root: Path
) -> FastIdentity | None:
    """The identity of `carried.distinct` from the snapshot and the changed files, or None when
    it is not provably the full path's."""
    base, snapshot = carried.base, carried.base.snapshot
    if snapshot is None or any(d.severity == "error" for d in diagnostics):
        return None
    try:
        content = (root / LOCK_FILE).read_bytes()
    except OSError:
        return None
    lines = content.split(b"\n")
    if lock_digest(content) != snapshot.lock_digest or len(lines) != HEADER_LINES + len(snapshot.guids) + 1:
        return None
    changed = base.changed
    # (one pass each over every card, in C: `map`, `Counter` and `compress` run no Python per card)
    displays = list(map(_DISPLAY, carried.distinct))
    mine = list(compress(carried.distinct, map(changed.__contains__, displays)))
    raw = by_file(compress(carried.raw, map(changed.__contains__, map(_DISPLAY, carried.raw))))
    distinct = by_file(mine)
    kept = [display for display in base.keys if display not in changed]
    per_file = Counter(displays)
    if any(per_file[display] != len(snapshot.files[display].guids) for display in kept):
        return None
    new_keys = {
        display: file_keys(raw.get(display, ()), distinct.get(display, ()))
        for display in base.keys
        if display in base.changed
    }
    kept_keys = [snapshot.files[display].keys for display in kept]
    if not disjoint(new_keys.values()) or any(
        not keys.isdisjoint(other) for keys in new_keys.values() for other in kept_keys
    ):
        return None
    pool = set(snapshot.tombstones)
    for display, state in snapshot.files.items():
        if display not in base.keys or display in base.changed:  # deleted or changed
            pool.update(state.guids)
    at = _lines_of(snapshot.guids, pool)
    try:
        part = Lock(
            tuple(parse_line(lines[HEADER_LINES + i].decode("utf-8"), HEADER_LINES + i + 1) for i in at)
        )
    except (InputError, UnicodeDecodeError):
        return None
    result = assign_identity(mine, part, now, root, also_taken=snapshot.guids)
    cards = _merged(carried.distinct, result.cards, {d: snapshot.files[d] for d in kept})
    fresh = sorted((entry.guid, entry_line(entry)) for entry in result.entries)
    spliced, guids = _spliced(snapshot.guids, lines[HEADER_LINES:-1], at, fresh)
    lock = b"\n".join([*lines[:HEADER_LINES], *spliced, b""])  # (ends with a newline: one copy, not two)
    warned: dict[str, list[Diagnostic]] = defaultdict(list)
    for diagnostic in result.diagnostics:  # the notes of a changed file that share a key
        warned[diagnostic.path].append(diagnostic)
    warnings = [
        warning
        for display in base.keys
        for warning in (warned[display] if display in changed else snapshot.files[display].warnings)
    ]
    identity = IdentityResult(tuple(cards), result.removed, result.entries, result.changed, tuple(warnings))
    following = None
    stable = all(before.front == after.front for before, after in zip(mine, result.cards, strict=True))
    if stable and settled(result.cards, result.entries):
        placed = by_file(result.cards)
        files = {
            display: snapshot.files[display]
            if display not in changed
            else state_of(base.keys[display], placed.get(display, []), new_keys[display], warned[display])
            for display in base.keys
        }
        tombstones = frozenset(entry.guid for entry in result.entries if entry.removed)
        following = Snapshot(base.guard, lock_digest(lock), tuple(guids), tombstones, files)
    return FastIdentity(identity, part, result.counts(part), lock, following)


def _lines_of(guids: Sequence[str], wanted: Iterable[str]) -> list[int]:
    """Where each of the `wanted` GUIDs that is in `guids` (the lock's, sorted and distinct) is,
    in order: found by bisection, not by a walk through the whole lock."""
    found = []
    for guid in wanted:
        at = bisect_left(guids, guid)
        if at < len(guids) and guids[at] == guid:
            found.append(at)
    return sorted(found)


def _spliced(
    guids: Sequence[str], lines: Sequence[bytes], dropped: Sequence[int], fresh: Sequence[tuple[str, bytes]]
) -> tuple[list[bytes], list[str]]:
    """The lock's entry lines and their GUIDs, in GUID order, with the lines at `dropped` taken
    out and the `fresh` (GUID, line) put in: the lines in between are copied a run at a time."""
    cuts = sorted(
        [(bisect_left(guids, guid), 0, guid, line) for guid, line in fresh]
        + [(at, 1, "", b"") for at in dropped]
    )
    out: list[bytes] = []
    out_guids: list[str] = []
    start = 0
    for at, drop, guid, line in cuts:
        out.extend(lines[start:at])
        out_guids.extend(guids[start:at])
        if drop:
            start = at + 1
        else:
            out.append(line)
            out_guids.append(guid)
            start = at
    out.extend(lines[start:])
    out_guids.extend(guids[start:])
    return out, out_guids


def _merged(distinct: Sequence[Card], placed: Sequence[Card], kept: Mapping[str, FileState]) -> list[Card]:
    """Every card in order: the changed files' as `placed`, the others' with their GUID and mtime
    from the snapshot (as the full path gives them: the card, with its lock entry's)."""
    identities = {display: zip(state.guids, state.mtimes, strict=True) for display, state in kept.items()}
    changed = iter(placed)
    cards: list[Card] = []
    for display, run in groupby(distinct, key=_DISPLAY):  # a file's cards come one after another
        mine = list(run)
        pairs = identities.get(display)
        if pairs is None:
            cards.extend(islice(changed, len(mine)))
        else:
            cards.extend(replaced_all(mine, ("guid", "mtime"), islice(pairs, len(mine))))
    if len(cards) != len(distinct) or next(changed, None) is not None:
        raise ValueError("the changed files' cards are not those identity was given")
    return cards
