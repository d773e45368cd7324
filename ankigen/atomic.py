"""Write a file so that readers only ever see the old version or the whole new one.

The new content goes to a temporary file in the target's own folder (a rename is only atomic
within one file system), is flushed to disk, and is renamed over the target.  Where the system
allows it (Linux), the temporary file is anonymous (O_TMPFILE) and gets a name only once it is
complete, so a build killed with SIGKILL while writing leaves nothing behind at all.  Elsewhere
it is a hidden `.NAME.XXXX.ankigen-tmp` file, which no glob for `*.apkg` picks up, and which a
later write of the same target removes once it is clearly abandoned.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["TEMP_SUFFIX", "StagedFile", "atomic_file", "is_temporary", "temp_name"]

TEMP_SUFFIX = ".ankigen-tmp"
# A temp file untouched this long belongs to a build that died: live ones are written continuously
# and renamed within moments of their last write.
_ABANDONED_AFTER = 15 * 60


def is_temporary(name: str) -> bool:
    """Whether a file name seen in a folder is one of these writes in progress: the hidden temp
    name, or `#<inode>`, the name file watchers report for an anonymous (O_TMPFILE) file."""
    return name.endswith(TEMP_SUFFIX) or (name.startswith("#") and name[1:].isdigit())


def temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}")


@contextlib.contextmanager
def atomic_file(target: Path) -> Iterator[BinaryIO]:
    """A binary stream whose content replaces `target` when the block ends without an error."""
    staged = StagedFile(target)
    try:
        yield staged.stream
    except BaseException:
        staged.discard()
        raise
    staged.commit()


class StagedFile:
    """A new version of `target`, written now (`stream`) and put in place later (`commit`), or
    dropped (`discard`): `atomic_file` with the rename left to the caller, so that a file can be
    written and let go of before other work, and still appear only if that work succeeds."""

    def __init__(self, target: Path) -> None:
        _remove_abandoned(target)
        fd, self._named = _open_temp(target)
        self._target = target
        self.stream: BinaryIO = os.fdopen(fd, "w+b")

    def commit(self) -> None:
        try:
            with self.stream:
                self.stream.flush()
                os.fsync(self.stream.fileno())
                if self._named is None:
                    self._named = _name_anonymous(self.stream, self._target)
            os.replace(self._named, self._target)
            self._named = None
        finally:
            self.discard()
        _sync_folder(self._target.parent)

    def discard(self) -> None:
        self.stream.close()
        if self._named is not None:
            with contextlib.suppress(OSError):
                self._named.unlink()
            self._named = None


def _open_temp(target: Path) -> tuple[int, Path | None]:
    anonymous = getattr(os, "O_TMPFILE", 0)
    if anonymous:
        with contextlib.suppress(OSError):  # the file system or kernel may not support it
            return os.open(target.parent, anonymous | os.O_RDWR, 0o666), None
    named = temp_name(target)
    return os.open(named, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o666), named


def _name_anonymous(stream: BinaryIO, target: Path) -> Path:
    """Give the complete anonymous file a (hidden, temporary) name, to rename over the target."""
    named = temp_name(target)
    try:
        os.link(f"/proc/self/fd/{stream.fileno()}", named, follow_symlinks=True)
    except OSError:  # no /proc: copy it out instead
        stream.seek(0)
        fd = os.open(named, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        with os.fdopen(fd, "wb") as copy:
            shutil.copyfileobj(stream, copy)
            copy.flush()
            os.fsync(copy.fileno())
    return named


def _remove_abandoned(target: Path) -> None:
    cutoff = time.time() - _ABANDONED_AFTER
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; not every system can open a folder for this."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
