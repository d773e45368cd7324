"""The one place the stages are composed: discover -> parse -> media -> extract -> classify
-> identity -> package (the stages up to classify run per file: `ankigen.per_file`)."""

from __future__ import annotations

import dataclasses
import functools
import os
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ankigen.classify import deck_name, package_name
from ankigen.config import Config
from ankigen.discover import discover
from ankigen.errors import LockError
from ankigen.exam_placing import globbed_exams, places_by_glob
from ankigen.extract import distinct_cards
from ankigen.gc_pause import paused_gc
from ankigen.heap import trim_heap
from ankigen.identity import IdentityResult, assign_identity
from ankigen.incremental import Carried, Incremental, fast_identity, incremental
from ankigen.lockfile import (
    LOCK_FILE,
    Lock,
    LockEntry,
    commit_lock,
    read_lock,
    stage_lock,
    write_lock_content,
)
from ankigen.media import MediaOptions, audit_media
from ankigen.model import BuildResult, Card, DeckFile, Diagnostic, MediaReport
from ankigen.note_keys import NoteKeys, note_keys
from ankigen.package import DeckSpec, write_package
from ankigen.parallel import RunOptions, run_files_served
from ankigen.per_file import FileReport, classify_reports, process_and_classify, process_file
from ankigen.snapshot import guard_of, save_snapshot, take_snapshot

__all__ = [
    "BuildOptions",
    "CheckResult",
    "FileReport",
    "RunOptions",
    "build",
    "check",
    "deck_name",
    "package_name",
    "process_and_classify",
    "process_file",
]


@dataclass(frozen=True)
class BuildOptions:
    out_dir: Path
    split: str = "exam"  # "exam": one .apkg per exam; "domain": one per exam and domain
    media: MediaOptions = field(default_factory=MediaOptions)
    lock: str = "update"  # "update": write ankigen.lock; "locked": fail if it would change; "ignore"
    strict: bool = False  # any warning or error: write nothing, leave the previous decks as they are
    run: RunOptions | None = None  # how the per-file work runs (cache, workers, progress): serial if None


@dataclass(frozen=True)
class CheckResult:
    files: tuple[FileReport, ...]
    cards: tuple[Card, ...]
    diagnostics: tuple[Diagnostic, ...]
    media: MediaReport = field(default_factory=MediaReport)
    identity: IdentityResult | None = None  # GUIDs, mtimes and removed notes, against `lock`
    lock: Lock = field(default_factory=Lock)
    # with a cache: for the next build's snapshot, and the lock as the changed files make it
    # when identity was worked out for them only (`ankigen.incremental`)
    carried: Carried | None = None


def check(
    paths: Sequence[Path],
    config: Config,
    media_options: MediaOptions | None = None,
    use_lock: bool = True,
    run: RunOptions | None = None,
) -> CheckResult:
    """Everything a build does short of writing packages.

    `run` says how the per-file work runs (cache, workers, progress); the result never depends on it.
    """
    media_options = media_options or MediaOptions()
    unreadable: list[Diagnostic] = []
    sources = discover(paths, config.root, on_error=unreadable.append)
    # each glob walked once here, not once per file in the workers
    globbed = globbed_exams([source.path for source in sources], config) if places_by_glob(config) else {}
    work = functools.partial(process_and_classify, media_options=media_options, globbed=globbed)
    run = run or RunOptions(workers=1)
    if media_options.fetch_remote:  # what the network answers may change without any file changing
        run = dataclasses.replace(run, cache_dir=None)
    salt = repr(media_options)
    guard = guard_of(config, salt, paths) if run.cache_dir is not None else ""
    # the last build's snapshot is read, and dropped, before this build changes the cache
    snapshot = take_snapshot(run.cache_dir, guard) if run.cache_dir is not None else None
    served = run_files_served(work, sources, config, run, salt=salt)
    reports = served.results
    known = incremental(guard, snapshot, served, globbed) if run.cache_dir is not None and use_lock else None
    with paused_gc():  # the whole-corpus stages: see ankigen.gc_pause
        return _check_reports(
            reports,
            unreadable,
            config,
            media_options,
            use_lock,
            _covered_by(paths, config.root),
            globbed,
            known,
        )


def _check_reports(
    reports: Sequence[FileReport],
    unreadable: Sequence[Diagnostic],
    config: Config,
    media_options: MediaOptions,
    use_lock: bool,
    in_scope: Callable[[LockEntry], bool],
    globbed: Mapping[Path, str],
    known: Incremental | None = None,
) -> CheckResult:
    media_files = [(report.media, report.cards) for report in reports if report.media is not None]
    placed = classify_reports(reports, config, globbed)
    # one question asked in two files of one deck is one card
    cards = distinct_cards(placed.cards)
    found = [*unreadable, *(d for report in reports for d in report.diagnostics), *placed.diagnostics]
    carried = Carried(known, placed.cards, tuple(cards), in_scope) if known else None
    fast = fast_identity(carried, found, _now(), config.root) if carried else None
    if carried is not None and fast is not None:
        carried = dataclasses.replace(carried, fast=fast)
        identity, lock = fast.identity, fast.lock
    else:
        lock = read_lock(config.root) if use_lock else Lock()
        identity = assign_identity(cards, lock, _now(), config.root, in_scope)
    diagnostics = [*found, *identity.diagnostics]
    media_report = audit_media(media_files, config.root, media_options.oversized_bytes)
    return CheckResult(
        tuple(reports),
        identity.cards,
        tuple(diagnostics),
        media_report,
        identity=identity,
        lock=lock,
        carried=carried,
    )


def build(paths: Sequence[Path], config: Config, options: BuildOptions) -> BuildResult:
    # One pause over the whole build (the per-file work resumes the collector): every pause that
    # ends makes the collector walk what was made during it.  See ankigen.gc_pause.
    with paused_gc():
        # What the files gave is in the cards now: their parsed documents are let go before the
        # decks are written, and inside, the lock as read and identity's entries; so no name
        # here may hold what `check` gives.
        return _write_decks(
            _without_documents(
                check(paths, config, options.media, use_lock=options.lock != "ignore", run=options.run)
            ),
            config,
            options,
        )


def _without_documents(checked: CheckResult) -> CheckResult:
    return dataclasses.replace(checked, files=())


def _write_decks(checked: CheckResult, config: Config, options: BuildOptions) -> BuildResult:
    identity = checked.identity
    assert identity is not None
    if options.strict and checked.diagnostics:  # nothing written: not the decks, not the lock
        return BuildResult((), checked.cards, checked.diagnostics, checked.media)
    carried = checked.carried
    counts = carried.fast.counts if carried and carried.fast else identity.counts(checked.lock)
    if options.lock == "locked" and identity.changed:
        raise LockError(
            f"{LOCK_FILE} is out of date with the notes ({counts['new']} new, {counts['changed']} changed,"
            f" {counts['removed']} removed notes): run `ankigen build` and commit {LOCK_FILE}"
        )
    # A file that could not be read this time has not left the notes: its notes are not shipped
    # as removed, and the lock keeps them as they were until the file reads again.
    unread = {d.path for d in checked.diagnostics if d.severity == "error"}
    removed = tuple(card for card in identity.removed if card.source.display not in unread)
    groups: dict[str, list[tuple[str, Card]]] = defaultdict(list)
    group_keys: dict[str, list[bytes | None]] = defaultdict(list)
    names: dict[tuple[str, str], tuple[str, str]] = {}  # package and deck are named by exam and domain
    placed: list[tuple[str, str, Card]] = []
    for card in (*checked.cards, *removed):
        named = names.get((card.exam, card.domain))
        if named is None:
            named = names[card.exam, card.domain] = (
                package_name(card, config, options.split),
                deck_name(card, config),
            )
        placed.append((*named, card))
    cache_dir = options.run.cache_dir if options.run else None
    keyed = _note_keys(placed[: len(checked.cards)], carried) if carried is not None and cache_dir else None
    for at, (package, deck, card) in enumerate(placed):
        groups[package].append((deck, card))
        if keyed is not None:  # the removed notes' keys are worked out when packaged
            group_keys[package].append(keyed.keys[at] if at < len(keyed.keys) else None)
    del placed
    cards, diagnostics, media = checked.cards, checked.diagnostics, checked.media
    lock_changed = identity.changed
    staged = None  # written now, so that the entries can go before the decks; in place after them
    if carried is None and options.lock == "update" and identity.changed and not unread:
        staged = stage_lock(config.root, identity.entries)
    kept = identity if carried is not None else None  # the next snapshot is made of it
    del checked, identity  # the caller holds neither: the lock as read and identity's entries go
    trim_heap()  # what they held, handed back to the system before SQLite needs memory
    timestamp = _source_date_epoch()
    try:
        decks: list[DeckFile] = [
            write_package(
                DeckSpec(filename, tuple(members), tuple(group_keys.get(filename, ()))),
                options.out_dir,
                timestamp,
                cache_dir,
            )
            for filename, members in sorted(groups.items())
        ]
    except BaseException:
        if staged is not None:
            staged.discard()
        raise
    if carried is not None and kept is not None:  # the lock rendered once, for writing it and the snapshot
        content = carried.lock_content(kept)
        if options.lock == "update" and lock_changed and not unread:
            write_lock_content(config.root, content)
        if not unread:
            _keep_snapshot(carried, kept, content, config.root, cache_dir, keyed)
    elif staged is not None:
        commit_lock(config.root, staged)
    return BuildResult(
        tuple(decks),
        cards,
        diagnostics,
        media,
        removed=removed,
        lock_changed=lock_changed,
        counts=counts,
        incremental=carried is not None and carried.fast is not None,
    )


def _note_keys(placed: Sequence[tuple[str, str, Card]], carried: Carried) -> NoteKeys:
    """The package keys of the notes, those of the files kept from the snapshot as it holds them."""
    snapshot = carried.base.snapshot if carried.fast else None
    kept = {d: s for d, s in snapshot.files.items() if d not in carried.base.changed} if snapshot else {}
    return note_keys([(deck, card) for _, deck, card in placed], kept)


def _keep_snapshot(
    carried: Carried,
    identity: IdentityResult,
    content: bytes,
    root: Path,
    cache_dir: Path | None,
    keyed: NoteKeys | None = None,
) -> None:
    """Keep this build's snapshot for the next one, if the lock file holds what it says."""
    snapshot = carried.next_snapshot(identity, content)
    if snapshot is None or cache_dir is None:
        return
    if keyed is not None:  # with each file's notes' package keys, as this build worked them out
        files = {
            display: dataclasses.replace(state, note_keys=kept[0], decks=kept[1])
            for display, state in snapshot.files.items()
            for kept in [keyed.files.get(display, (b"", ()))]
        }
        snapshot = dataclasses.replace(snapshot, files=files)
    try:
        on_disk = (root / LOCK_FILE).read_bytes()
    except OSError:
        return
    if on_disk == content:
        save_snapshot(cache_dir, snapshot)


def _now() -> int:
    """The modification time of content that changes in this build."""
    epoch = _source_date_epoch()
    return int(time.time() if epoch is None else epoch)


def _source_date_epoch() -> float | None:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    return float(value) if value and value.isdigit() else None


def _covered_by(paths: Sequence[Path], root: Path) -> Callable[[LockEntry], bool]:
    """Whether a lock entry's notes file lies under what this build reads (existing or not)."""
    scope = [path.resolve() for path in paths]

    # A lock holds one entry per note and a few notes files: resolve each file once.
    @functools.cache
    def file_covered(source: str) -> bool:
        resolved = (root / source).resolve()
        return any(resolved.is_relative_to(folder) for folder in scope)

    def covers(entry: LockEntry) -> bool:
        return file_covered(entry.source)

    return covers
