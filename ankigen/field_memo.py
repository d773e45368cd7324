"""The field guard's answers from the previous build, so a rebuild sanitises only new fields.

Packaging passes every field of every note through nh3 (`ankigen.sanitize`), which is pure: the
same input always gives the same field.  After a build the answers it needed are kept next to
the per-file cache (`.ankigen-cache/`), under a name that hashes ankigen's code and library
versions, so an edited or upgraded ankigen never reuses them.  Only the fields the build used
are kept, so the file never grows past one build's worth.  Anything unreadable is an empty memo.

A rebuild mostly reuses whole notes from the previous collection (`ankigen.package.previous`)
and sanitises only a few fields, fewer than reading the memo would cost: the memo is read only
once a build expects enough fields to sanitise (`FieldMemo.expect`), and only a memo that was
read is written back.
"""

from __future__ import annotations

import contextlib
import pickle
from collections.abc import Callable
from pathlib import Path

from ankigen.cache import code_fingerprint, replace_entry

__all__ = ["FieldMemo", "load_field_memo", "save_field_memo"]

_FOLDER = "fields"
# Reading the memo costs about as much per 10 kB of file as sanitising one field (3 ns a byte
# against ~40 us a field, measured at 10k sections): read it when that is the cheaper way.
_BYTES_PER_FIELD = 10_000


class FieldMemo:
    """Sanitised fields by (guard, input): those known from the last build, and those used now."""

    def __init__(self, known: dict[str, str] | None = None, source: Path | None = None) -> None:
        self._known = known or {}
        self._source = source  # the previous build's answers, not read yet
        self._expected = 0
        self.read = source is None and known is not None
        self.used: dict[str, str] = {}

    def expect(self, fields: int) -> None:
        """`fields` more fields are to be sanitised: read the previous answers once that pays."""
        self._expected += fields
        if self._source is None or not self._expected:
            return
        try:
            size = self._source.stat().st_size
        except OSError:
            size = 0
        if self._expected * _BYTES_PER_FIELD >= size:
            self._known = _read(self._source)
            self._source = None
            self.read = True

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


def _read(path: Path) -> dict[str, str]:
    try:
        with path.open("rb") as handle:
            known = pickle.load(handle)
    except Exception:  # missing, truncated, or written by another version: start afresh
        return {}
    return known if isinstance(known, dict) else {}


def load_field_memo(cache_dir: Path) -> FieldMemo:
    """The memo of `cache_dir`, read when a build first expects enough fields to sanitise."""
    return FieldMemo(source=_path(cache_dir))


def save_field_memo(cache_dir: Path, memo: FieldMemo) -> None:
    """Keep the fields this build used, replacing what other versions of ankigen left; a memo
    never read (the build sanitised too little to need it) is left as it was."""
    if not memo.read:
        return
    target = _path(cache_dir)
    with contextlib.suppress(OSError):  # a read-only or full disk costs speed, never the build
        replace_entry(target, pickle.dumps(memo.used, protocol=pickle.HIGHEST_PROTOCOL))
