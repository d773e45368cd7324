"""Pausing Python's cyclic garbage collector over the whole-corpus stages of a build.

Those stages hold every card, lock entry and cached result at once (millions of objects) and
make little cyclic garbage; each full collection walks all of them, which measured ~45% of a
rebuild's time at 10k sections.  Reference counting still frees everything acyclic at once, and
the collector is restored as it was on leaving, so a long-lived process (`ankigen watch`, the
tests) collects as usual between builds.

Parsing a file does make cycles (a parser and its memo of the file's tokens), so the per-file
work is run by `collected_per_file` instead: no automatic collection while a file is worked on
(each one scanned the results of every file before it: over a third of a serial 10k build),
then one collection of the youngest generation, which holds exactly what that file made, so
its cycles are freed at once and nothing is ever left waiting for a full collection.  That
collection is explicit, so it happens inside a pause too (a whole build is one).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

__all__ = ["collected_per_file", "paused_gc"]


@contextmanager
def _paused(resume: Callable[[], None]) -> Iterator[None]:
    """The collector off for the block, and `resume()` to turn it on again if it was on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            resume()


def paused_gc() -> AbstractContextManager[None]:
    return _paused(_resume_keeping_what_was_made)


def _resume_keeping_what_was_made() -> None:
    # What the pause made and kept (a build's results) would otherwise all be walked by the
    # first collection after it, objects that survive anyway: moved to the oldest generation
    # (through the permanent one), they wait for its next full collection.
    gc.freeze()
    gc.enable()
    gc.unfreeze()


@contextmanager
def collected_per_file() -> Iterator[None]:
    """Around the work on one file: the collector paused, then the file's own garbage collected
    (from the youngest generation, where `paused_gc` would not leave it)."""
    with _paused(gc.enable):
        yield
    gc.collect(0)
