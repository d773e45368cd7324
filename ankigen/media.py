"""Resolve the images a document references to files, and give each a flat, content-addressed name."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ankigen.model import Card, Diagnostic, Document, MediaRef

__all__ = ["IMAGE_SUFFIXES", "MediaResolution", "attach_media", "resolve_media", "stored_name"]

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"})
_REMOTE = re.compile(r"^https?://", re.I)


@dataclass(frozen=True)
class MediaResolution:
    refs: dict[str, MediaRef]  # keyed by the src as written
    diagnostics: tuple[Diagnostic, ...]


def stored_name(path: Path, data: bytes) -> str:
    """`<slug>-<sha256:12>.<ext>`: equal files share a name, different files never collide."""
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")[:60] or "image"
    digest = hashlib.sha256(data).hexdigest()[:12]
    return f"{slug}-{digest}{path.suffix.lower()}"


def resolve_media(document: Document, media_dir: Path | None = None) -> MediaResolution:
    root = document.source.root
    fallback = media_dir or root / "media"
    refs: dict[str, MediaRef] = {}
    diagnostics: list[Diagnostic] = []
    for image in document.images:
        if image.src in refs:
            continue
        if _REMOTE.match(image.src):
            refs[image.src] = MediaRef(image.src, None, image.src)
            continue
        found = _locate(image.src, document.source.path.parent, root, fallback)
        if found is None:
            diagnostics.append(
                Diagnostic(document.source.display, image.line, f"image not found: {image.src}")
            )
            continue
        if not found.resolve().is_relative_to(root):
            message = f"image outside the project root refused: {image.src}"
            diagnostics.append(Diagnostic(document.source.display, image.line, message))
            continue
        data = found.read_bytes()
        refs[image.src] = MediaRef(image.src, found.resolve(), stored_name(found, data))
    return MediaResolution(refs, tuple(diagnostics))


def _locate(src: str, folder: Path, root: Path, fallback: Path) -> Path | None:
    path = unquote(urlsplit(src).path)
    if not path:
        return None
    candidates = [root / path.lstrip("/")] if path.startswith("/") else [folder / path]
    candidates.append(fallback / Path(path).name)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None


def attach_media(card: Card, refs: dict[str, MediaRef]) -> Card:
    """The card with the media its fields show; the renderer wrote each as `src="<stored name>"`."""
    shown = card.front + card.back
    used = tuple(
        {
            ref.stored_name: ref for ref in refs.values() if ref.path and f'src="{ref.stored_name}"' in shown
        }.values()
    )
    return dataclasses.replace(card, media=used) if used else card
