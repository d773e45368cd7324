"""The field guard's answers from the previous build, so a rebuild sanitises only new fields.

Packaging passes every field of every note through nh3 (`ankigen.sanitize`), which is pure: the
same input always gives the same field.  After a build the answers it needed are kept next to
the per-file cache (`.ankigen-cache/`), under a name that hashes ankigen's code and library
versions, so an edited or upgraded ankigen never reuses them.  Only the fields the build used
are kept, so the file never grows past one build's worth.  Anything unreadable is an empty memo.
"""

from __future__ import annotations

import contextlib
import pickle
from collections.abc import Callable
from pathlib import Path

from ankigen.cache import code_fingerprint, replace_entry

__all__ = ["FieldMemo", "load_field_memo", "save_field_memo"]

_FOLDER = "fields"


class FieldMemo:
    """Sanitised fields by (guard, input): those known from the last build, and those used now."""

    def __init__(self, known: dict[str, str] | None = None) -> None:
        self._known = known or {}
        self.used: dict[str, str] = {}

    def field(self, guard: Callable[[str], str], name: str, text: str) -> str:
        """`guard(text)`, remembered under the guard's `name`."""
        key = f"{name}\x00{text}"
        value = self.used.get(key)
        if value is None:
            value = self._known.get(key)
            if value is None:
                value = guard(text)
            self.used[key] = value
        return value


def _path(cache_dir: Path) -> Path:
    return cache_dir / _FOLDER / f"{code_fingerprint()[:32]}.pickle"


def load_field_memo(cache_dir: Path) -> FieldMemo:
    try:
        with _path(cache_dir).open("rb") as handle:
            known = pickle.load(handle)
        if not isinstance(known, dict):
            return FieldMemo()
    except Exception:  # missing, truncated, or written by another version: start afresh
        return FieldMemo()
    return FieldMemo(known)


def save_field_memo(cache_dir: Path, memo: FieldMemo) -> None:
    """Keep the fields this build used, replacing what other versions of ankigen left."""
    target = _path(cache_dir)
    with contextlib.suppress(OSError):  # a read-only or full disk costs speed, never the build
        replace_entry(target, pickle.dumps(memo.used, protocol=pickle.HIGHEST_PROTOCOL))
