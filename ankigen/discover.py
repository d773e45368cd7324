"""Find the notes files under the paths the user named."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from ankigen.errors import InputError
from ankigen.model import Diagnostic, SourceFile

__all__ = ["NOTE_SUFFIXES", "discover"]

NOTE_SUFFIXES = frozenset({".md", ".markdown", ".txt"})
_SKIPPED_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", "dist", "build"})


def discover(
    paths: Iterable[Path], root: Path, on_error: Callable[[Diagnostic], object] | None = None
) -> list[SourceFile]:
    """Every notes file named, or found recursively under a named folder, in a stable order.

    A path that does not exist is an InputError: it is the user's own typo, not a bad file.  A
    folder inside that cannot be read is reported to `on_error`, and the rest is still found.
    """
    found: dict[Path, SourceFile] = {}
    for given in paths:
        if not given.exists():
            raise InputError(str(given), "no such file or folder")
        files = [given] if given.is_file() else sorted(_walk(given, on_error))
        for file in files:
            absolute = file.resolve()
            display = _display(file, given, root)
            found.setdefault(absolute, SourceFile(path=absolute, display=display, root=root))
    return list(found.values())


def _walk(folder: Path, on_error: Callable[[Diagnostic], object] | None) -> Iterable[Path]:
    def unreadable(error: OSError) -> None:
        if on_error is not None:
            where = Path(error.filename or folder).as_posix()
            on_error(Diagnostic(where, 0, f"cannot read folder: {error.strerror or error}", "error"))

    for dirpath, dirnames, filenames in os.walk(folder, onerror=unreadable):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            if Path(name).suffix.lower() in NOTE_SUFFIXES:
                yield Path(dirpath) / name


def _display(file: Path, given: Path, root: Path) -> str:
    """The file's name as cards and messages show it: relative to the project root; outside it, as
    typed, except that an absolute path is cut to the named folder, so no machine's home folder
    ships in a deck."""
    absolute = file.resolve()
    if absolute.is_relative_to(root):
        return absolute.relative_to(root).as_posix()
    anchor = given.resolve().parent
    if file.is_absolute() and absolute.is_relative_to(anchor):
        return absolute.relative_to(anchor).as_posix()
    return file.as_posix()
