"""Handing the memory a build let go back to the system before it packages the decks.

glibc keeps the heap memory a process frees for the process's own later use, so the documents,
lock entries and identity's working that a build drops before packaging would still count
against it while SQLite builds and serialises the collection (memory of another shape, which
rarely fits in those holes).  `malloc_trim(0)` returns the free pages of the heap to the system:
~80 MB at 10k sections.  Elsewhere (another C library, another system) this does nothing.

The C library is the process's own, looked up by `dlopen(NULL)`: `ctypes.util.find_library`
runs `ldconfig` in a child process, a fork of a build holding hundreds of MB, which a memory
sampler summing a process tree counts twice.
"""

from __future__ import annotations

import ctypes
import sys

__all__ = ["trim_heap"]


def trim_heap() -> None:
    """Return the free pages of the C heap to the system, where the C library can (glibc)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the symbols already loaded: libc's among them
    except (OSError, AttributeError):  # no glibc (musl has no malloc_trim)
        return
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    trim(0)
