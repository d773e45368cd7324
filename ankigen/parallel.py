"""Run the per-file work of a build: from the cache where it can, across cores where it pays.

Files are independent until cards are classified and given GUIDs, so each one is processed on
its own by a top-level function (picklable, so it runs in worker processes).  The results come
back in the order of the sources whatever the number of workers, so a parallel build is
identical to a serial one.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar, cast

from ankigen.cache import CachedReport, FileCache, entry_blob, report_of
from ankigen.config import Config
from ankigen.gc_pause import collected_per_file, paused_gc
from ankigen.model import SourceFile

__all__ = ["PARALLEL_MIN_BYTES", "RunOptions", "Served", "available_cpus", "run_files", "run_files_served"]

R = TypeVar("R", bound=CachedReport)
Work = Callable[[SourceFile, Config], R]
Progress = Callable[[int], None]  # called with how many more files are done

# Below this much Markdown to process, starting workers costs more than it saves.
PARALLEL_MIN_BYTES = 256 * 1024
_MIN_FILES = 4


@dataclass(frozen=True)
class RunOptions:
    """How a build runs its per-file work; never what it produces."""

    cache_dir: Path | None = None  # None: no cache
    workers: int = 0  # 0: one per available CPU when there is enough work; 1: serial
    progress: Callable[[int], Progress] | None = None  # given the files to process, returns a ticker


def available_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@dataclass(frozen=True)
class _Task:
    index: int
    source: SourceFile
    key: str


def _process_chunk(work: Work[R], sources: Sequence[SourceFile], config: Config) -> list[bytes]:
    """In a worker: process a chunk of files; each result comes back pickled as a cache entry."""
    blobs = []
    for source in sources:
        with collected_per_file():  # see ankigen.gc_pause
            blobs.append(entry_blob(work(source, config)))
    return blobs


def run_files(
    work: Work[R], sources: Sequence[SourceFile], config: Config, options: RunOptions, salt: str = ""
) -> list[R]:
    """`[work(source, config) for source in sources]`, served from the cache and run in parallel.

    `salt` names whatever else than the file and the config the work depends on (its options).
    """
    return run_files_served(work, sources, config, options, salt).results


@dataclass(frozen=True)
class Served(Generic[R]):
    """What `run_files_served` gives: each file's result, its cache key ("" without a cache or
    when unreadable) and whether the result came from the cache (False: processed now)."""

    results: list[R]
    keys: list[str]
    cached: list[bool]


def run_files_served(
    work: Work[R], sources: Sequence[SourceFile], config: Config, options: RunOptions, salt: str = ""
) -> Served[R]:
    """`run_files`, saying too which results the cache served, under which key."""
    cache = FileCache(options.cache_dir, config, salt) if options.cache_dir else None
    results: list[R | None] = [None] * len(sources)
    tasks = [_Task(index, source, cache.key(source) if cache else "") for index, source in enumerate(sources)]
    stored = [task for task in tasks if cache is not None and cache.holds(task.source, task.key)]
    # The files without an entry are processed before any entry is loaded: once every cached
    # result is in memory, each garbage collection that processing triggers walks all of them.
    kept = {task.index for task in stored}
    _process(work, [task for task in tasks if task.index not in kept], config, options, cache, results)
    stale: list[_Task] = []
    if cache is not None:
        with paused_gc():  # unpickling every cached result makes objects, not garbage
            for task in stored:
                report = cache.load(task.source, task.key)
                if report is None:  # damaged, or an image it shows changed
                    stale.append(task)
                else:
                    results[task.index] = cast(R, report)
    _process(work, stale, config, options, cache, results)
    served = kept - {task.index for task in stale}
    return Served(
        [cast(R, result) for result in results],
        [task.key for task in tasks],
        [index in served for index in range(len(tasks))],
    )


def _process(
    work: Work[R],
    todo: Sequence[_Task],
    config: Config,
    options: RunOptions,
    cache: FileCache | None,
    results: list[R | None],
) -> None:
    """Process the files of `todo` into `results` (and the cache), serially or in workers."""
    if not todo:
        return
    tick = options.progress(len(todo)) if options.progress else None
    workers = _workers(todo, options.workers)
    if workers <= 1:
        for task in todo:
            with collected_per_file():  # see ankigen.gc_pause
                report = results[task.index] = work(task.source, config)
            if cache is not None:
                cache.store(task.source, task.key, entry_blob(report))
            if tick:
                tick(1)
    else:
        blobs = _in_workers(work, todo, config, workers, tick)
        with paused_gc():  # unpickling the workers' results makes objects, not garbage
            for i, task in enumerate(todo):
                blob, blobs[i] = blobs[i], b""  # each let go once unpickled: not all held to the end
                results[task.index] = cast(R, report_of(blob))
                if cache is not None:
                    cache.store(task.source, task.key, blob)


def _workers(todo: Sequence[_Task], requested: int) -> int:
    if requested:
        return max(1, min(requested, len(todo)))
    if len(todo) < _MIN_FILES:
        return 1
    size = 0
    for task in todo:
        with contextlib.suppress(OSError):  # unreadable files are reported by the work itself
            size += task.source.path.stat().st_size
    return min(available_cpus(), len(todo)) if size >= PARALLEL_MIN_BYTES else 1


def _in_workers(
    work: Work[R], todo: Sequence[_Task], config: Config, workers: int, tick: Progress | None
) -> list[bytes]:
    sources = [task.source for task in todo]
    # Small contiguous chunks: enough of them to keep every worker busy to the end, few enough
    # that each pays its start-up and pickling overhead once.
    size = max(1, len(sources) // (workers * 6))
    chunks = [sources[i : i + size] for i in range(0, len(sources), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_process_chunk, work, chunk, config): len(chunk) for chunk in chunks}
        if tick:
            for future in as_completed(futures):
                tick(futures[future])
        return [blob for future in futures for blob in future.result()]
