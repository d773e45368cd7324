"""Shared by the media tests: real image files, and what a real Anki collection shows of them."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from PIL import Image

from tests.anki_helpers import SeenNote, collection, import_package, media_names, notes_of

SVG = (
    b'<?xml version="1.0"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>\n'
)
STORED_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*-[0-9a-f]{12}\.(png|jpg|gif|webp|svg)$")


def image_bytes(
    fmt: str, color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (6, 4)
) -> bytes:
    """A small real image in `fmt` ("PNG", "JPEG", "GIF", "WEBP"), or the SVG above for "SVG"."""
    if fmt == "SVG":
        return SVG
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line holding `needle`."""
    return next(number for number, line in enumerate(text.split("\n"), 1) if needle in line)


@dataclass(frozen=True)
class Seen:
    """What Anki has after importing every package of a build."""

    notes: list[SeenNote]
    media: set[str]
    media_dir: Path

    def images(self, note: SeenNote) -> list[Tag]:
        tags: list[Tag] = []
        for value in note.fields.values():
            tags.extend(t for t in BeautifulSoup(value, "html.parser").find_all("img") if isinstance(t, Tag))
        return tags

    def srcs(self) -> list[str]:
        return [str(tag["src"]) for note in self.notes for tag in self.images(note)]

    def note_with(self, text: str) -> SeenNote:
        matches = [note for note in self.notes if any(text in value for value in note.fields.values())]
        assert len(matches) == 1, f"{len(matches)} notes hold {text!r}"
        return matches[0]

    def assert_no_broken_images(self) -> None:
        """Every <img> in every note points at a file in Anki's media folder (or is a remote URL)."""
        for src in self.srcs():
            assert src.startswith(("http://", "https://")) or src in self.media, f"broken image: {src}"


def import_all(out_dir: Path, col_dir: Path) -> Seen:
    packages = sorted(out_dir.glob("*.apkg"))
    assert packages, f"no package in {out_dir}"
    with collection(col_dir) as col:
        for package in packages:
            import_package(col, package)
        return Seen(notes_of(col), media_names(col), Path(col.media.dir()))
