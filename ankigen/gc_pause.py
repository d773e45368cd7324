"""Pausing Python's cyclic garbage collector over the whole-corpus stages of a build.

Those stages hold every card, lock entry and cached result at once (millions of objects) and
make little cyclic garbage; each full collection walks all of them, which measured ~45% of a
rebuild's time at 10k sections.  Reference counting still frees everything acyclic at once, and
the collector is restored as it was on leaving, so a long-lived process (`ankigen watch`, the
tests) collects as usual between builds.  Never paused around parsing, which does make cycles.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
