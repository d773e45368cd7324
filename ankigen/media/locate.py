"""Find the file a local image reference names, the way people write them in notes.

Relative to the note, `../` paths, root-absolute `/notes/img/x.png` (against the project root),
`?raw=true` and `#fragment` dropped, percent-escapes decoded, and `media/` at the project root as
the fallback for bare names.  Names are matched in Unicode NFC, so a file written on macOS (NFD)
is found from notes typed elsewhere; an extension that differs only in case is found with a note.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal
from urllib.parse import unquote, urlsplit

__all__ = ["Located", "RefKind", "boundary_of", "locate", "ref_kind", "remote_url", "shown"]

RefKind = Literal["local", "remote", "unsupported"]


@dataclass(frozen=True)
class Located:
    """Where a reference led: a file, or why not."""

    path: Path | None
    problem: Literal["", "missing", "refused"] = ""
    actual_name: str = ""  # set when only a case-insensitive extension match was found


def ref_kind(src: str) -> RefKind:
    parts = urlsplit(src)
    if parts.scheme.lower() in ("http", "https") or (not parts.scheme and parts.netloc):
        return "remote"
    # One-letter "schemes" are Windows drive letters (C:/notes/x.png): local, and found or not.
    return "unsupported" if len(parts.scheme) > 1 else "local"


def remote_url(src: str) -> str:
    """The URL to fetch: protocol-relative `//host/x.png` is taken as https."""
    return "https:" + src if src.startswith("//") else src


def shown(src: str) -> str:
    """A reference as the user wrote it, for messages: percent-escapes decoded."""
    return unquote(src)


def boundary_of(note: Path, root: Path) -> Path:
    """The folder no image may come from outside of: the project root, or for a note that lives
    outside the project, the note's own folder."""
    root = root.resolve()
    return root if note.resolve().is_relative_to(root) else note.resolve().parent


def locate(src: str, note: Path, root: Path) -> Located:
    """The file `src` (written in the note at `note`) names, if it exists and may be embedded."""
    target = unquote(urlsplit(src).path).replace("\\", "/")
    if not target.strip("/"):
        return Located(None, "missing")
    if target.startswith("/"):
        candidates = [root / target.lstrip("/")]
    else:
        candidates = [note.parent / target]
        if len(PurePosixPath(target).parts) == 1:
            candidates.append(root / "media" / target)
    for candidate in candidates:
        found = _find(candidate)
        if found is None:
            continue
        if not found.resolve().is_relative_to(boundary_of(note, root)):
            return Located(None, "refused")
        return Located(found, actual_name=found.name if _nfc(found.name) != _nfc(candidate.name) else "")
    return Located(None, "missing")


def _find(path: Path) -> Path | None:
    """The file at `path`, matching its name in NFC, else with an extension differing in case."""
    folder = path.parent
    try:
        entries = sorted(os.listdir(folder))
    except OSError:
        return None
    if path.name in entries and path.is_file():
        return path
    wanted = _nfc(path.name)
    exact = [name for name in entries if _nfc(name) == wanted]
    stem, suffix = os.path.splitext(wanted)
    loose = [
        name
        for name in entries
        if _nfc(os.path.splitext(name)[0]) == stem and os.path.splitext(name)[1].lower() == suffix.lower()
    ]
    for name in [*exact, *loose]:
        if (folder / name).is_file():
            return folder / name
    return None


def _nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name)
