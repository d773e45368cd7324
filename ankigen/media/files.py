"""What an image file is, and the flat, content-addressed name it is stored under in Anki."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings
from pathlib import PurePath
from xml.etree import ElementTree

from PIL import Image

__all__ = ["IMAGE_SUFFIXES", "MAX_STORED_NAME", "image_suffix", "stored_name"]

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"})
MAX_STORED_NAME = 100  # Anki's media folder is flat and some file systems and clients choke on long names
_RASTER_SUFFIX = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "WEBP": ".webp"}
_SLUG_CHARS = 60


def image_suffix(data: bytes) -> str | None:
    """The canonical suffix of the image `data` holds, or None when it is no PNG, JPEG, GIF, WebP or SVG.

    The content decides, not the file name: a JPEG saved as `.png` is stored as `.jpg`, so Anki and
    the mobile clients pick the right decoder.
    """
    try:
        with warnings.catch_warnings():
            # Huge images are still images; ankigen reports them as oversized instead.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(_RASTER_SUFFIX)) as image:
                found = image.format or ""
                image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return ".svg" if _is_svg(data) else None
    return _RASTER_SUFFIX.get(found)


def _is_svg(data: bytes) -> bool:
    """True when the data is XML whose root element is <svg>: only the first start tag is read."""
    try:
        for _event, element in ElementTree.iterparse(io.BytesIO(data), events=("start",)):
            return element.tag in ("svg", "{http://www.w3.org/2000/svg}svg")
    except ElementTree.ParseError:
        return False
    return False


def stored_name(name: str | PurePath, data: bytes, suffix: str | None = None) -> str:
    """`<slug>-<sha256:12><suffix>`: equal files share a name, different files never collide.

    The slug keeps the original name readable in Anki's media folder (ASCII only, so every
    client and file system agrees on it); the digest makes an edited image a new file, so the
    note that shows it changes and a re-import carries the new picture.
    """
    path = PurePath(name)
    ascii_stem = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_stem.lower()).strip("-")[:_SLUG_CHARS].strip("-") or "image"
    digest = hashlib.sha256(data).hexdigest()[:12]
    return f"{slug}-{digest}{(suffix or path.suffix).lower()}"
