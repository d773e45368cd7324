"""Handing the memory a build let go back to the system before it packages the decks.

glibc keeps the heap memory a process frees for the process's own later use, so the documents,
lock entries and identity's working that a build drops before packaging would still count
against it while SQLite builds and serialises the collection (memory of another shape, which
rarely fits in those holes).  `malloc_trim(0)` returns the free pages of the heap to the system:
~80 MB at 10k sections.  Elsewhere (another C library, another system) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

__all__ = ["trim_heap"]


def trim_heap() -> None:
    """Return the free pages of the C heap to the system, where the C library can (glibc)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # no glibc (musl has no malloc_trim)
        return
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    trim(0)
