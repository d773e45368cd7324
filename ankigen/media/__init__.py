"""Resolve the images a document references to files, and give each a flat, content-addressed name.

Local images are found (see `locate`), checked to be real PNG/JPEG/GIF/WebP/SVG files, and stored
under `<slug>-<sha256:12>.<ext>`.  Remote images stay links unless `--fetch-remote` asks for them
to be downloaded (see `fetch`).  Whatever cannot be embedded is a warning, and its card shows the
alt text (see `html`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal
from urllib.parse import urlsplit

from ankigen.media.audit import OVERSIZED_BYTES, audit_media
from ankigen.media.fetch import FetchPolicy, RemoteFetcher, default_cache_dir
from ankigen.media.files import IMAGE_SUFFIXES, image_suffix, stored_name
from ankigen.media.html import image_sources
from ankigen.media.locate import boundary_of, locate, ref_kind, remote_url, shown
from ankigen.model import Card, Diagnostic, Document, ImageIssue, ImageRef, MediaRef

__all__ = [
    "IMAGE_SUFFIXES",
    "OVERSIZED_BYTES",
    "ImageMemo",
    "MediaOptions",
    "MediaResolution",
    "attach_media",
    "audit_media",
    "new_fetcher",
    "resolve_media",
    "stored_name",
]


@dataclass(frozen=True)
class MediaOptions:
    fetch_remote: bool = False
    cache_dir: Path | None = None  # None: $ANKIGEN_CACHE_DIR, else the user cache folder
    timeout: float = 10.0
    max_remote_bytes: int = 10 * 1024 * 1024
    oversized_bytes: int = OVERSIZED_BYTES


def new_fetcher(options: MediaOptions) -> RemoteFetcher | None:
    """The fetcher for one run, or None when remote images stay links."""
    if not options.fetch_remote:
        return None
    policy = FetchPolicy(options.cache_dir or default_cache_dir(), options.timeout, options.max_remote_bytes)
    return RemoteFetcher(policy)


@dataclass(frozen=True)
class MediaResolution:
    refs: dict[str, MediaRef]  # keyed by the src as written; only what a card may show
    diagnostics: tuple[Diagnostic, ...]
    remote: tuple[ImageIssue, ...] = ()
    missing: tuple[ImageIssue, ...] = ()
    refused: tuple[ImageIssue, ...] = ()
    invalid: tuple[ImageIssue, ...] = ()
    shown: tuple[ImageIssue, ...] = ()  # every place an image a card can show is used (detail: its name)


@dataclass(frozen=True)
class _Outcome:
    """What one src resolved to, before it is reported at each place it is used."""

    ref: MediaRef | None
    kind: Literal["ok", "remote", "missing", "refused", "invalid"]
    warning: str = ""  # what to warn about, said before the reference as written
    detail: str = ""


class ImageMemo:
    """The local images one run has resolved, for the other documents that show them (many notes
    show the same few images): where a src leads depends only on the src, the note's folder, the
    project root and the folder images may not leave.  Lives no longer than the images it saw stay
    unchanged: one run."""

    def __init__(self) -> None:
        self._outcomes: dict[tuple[str, Path, Path, Path], _Outcome] = {}

    def outcome(self, image: ImageRef, document: Document, boundary: Path) -> _Outcome:
        source = document.source
        key = (image.src, source.path.parent, source.root, boundary)
        known = self._outcomes.get(key)
        if known is None:
            known = self._outcomes[key] = _resolve(image, document, None)
        return known


def resolve_media(
    document: Document, fetcher: RemoteFetcher | None = None, memo: ImageMemo | None = None
) -> MediaResolution:
    """How each image of `document` resolves; `memo` remembers local images between documents."""
    boundary = boundary_of(document.source.path, document.source.root) if memo is not None else None
    outcomes: dict[str, _Outcome] = {}
    diagnostics: list[Diagnostic] = []
    found: dict[str, list[ImageIssue]] = {
        "remote": [],
        "missing": [],
        "refused": [],
        "invalid": [],
        "shown": [],
    }
    for image in document.images:
        if image.src not in outcomes:
            if memo is not None and boundary is not None and ref_kind(image.src) == "local":
                outcomes[image.src] = memo.outcome(image, document, boundary)
            else:
                outcomes[image.src] = _resolve(image, document, fetcher)
        outcome = outcomes[image.src]
        location = f"{document.source.display}:{image.line}"
        if outcome.warning:
            message = f"{outcome.warning}: {_abridged(shown(image.src))}"
            diagnostics.append(Diagnostic(document.source.display, image.line, message))
        if outcome.kind in found:
            found[outcome.kind].append(ImageIssue(location, image.src, outcome.detail))
        if outcome.ref is not None:
            found["shown"].append(ImageIssue(location, image.src, outcome.ref.stored_name))
    refs = {src: outcome.ref for src, outcome in outcomes.items() if outcome.ref is not None}
    return MediaResolution(
        refs,
        tuple(diagnostics),
        tuple(found["remote"]),
        tuple(found["missing"]),
        tuple(found["refused"]),
        tuple(found["invalid"]),
        tuple(found["shown"]),
    )


def _resolve(image: ImageRef, document: Document, fetcher: RemoteFetcher | None) -> _Outcome:
    kind = ref_kind(image.src)
    if kind == "remote":
        return _remote(image.src, fetcher)
    if kind == "unsupported":
        if image.src.lower().startswith("data:"):
            warning = "inline data: image not supported, save it as a file and link that"
            return _Outcome(None, "invalid", warning, "inline data: image")
        return _Outcome(None, "invalid", "image reference not supported", "not a file or http(s) URL")
    located = locate(image.src, document.source.path, document.source.root)
    if located.problem == "refused":
        return _Outcome(None, "refused", "image outside the project root refused")
    if located.path is None:
        return _Outcome(None, "missing", "image not found")
    try:
        data = located.path.read_bytes()
    except OSError as exc:
        return _Outcome(None, "invalid", f"image cannot be read ({exc.strerror or exc})")
    suffix = image_suffix(data)
    if suffix is None:
        return _Outcome(None, "invalid", "not a PNG, JPEG, GIF, WebP or SVG image", "not an image")
    ref = MediaRef(image.src, located.path.resolve(), stored_name(located.path, data, suffix))
    if located.actual_name:
        return _Outcome(ref, "ok", f"image extension differs in case, found as {located.actual_name}")
    return _Outcome(ref, "ok")


def _remote(src: str, fetcher: RemoteFetcher | None) -> _Outcome:
    link = MediaRef(src, None, remote_url(src))
    if fetcher is None:
        return _Outcome(link, "remote")
    fetched = fetcher.fetch(remote_url(src))
    if fetched.path is None:
        warning = f"could not fetch image ({fetched.error}), kept as a link"
        return _Outcome(link, "remote", warning, fetched.error)
    name = PurePosixPath(urlsplit(remote_url(src)).path).name or "image"
    try:
        data = fetched.path.read_bytes()
    except OSError as exc:
        return _Outcome(link, "remote", f"cached image cannot be read ({exc.strerror or exc})", "unreadable")
    return _Outcome(MediaRef(src, fetched.path, stored_name(name, data, fetched.path.suffix)), "ok")


def _abridged(ref: str, limit: int = 120) -> str:
    """A reference short enough for a one-line warning (data: URIs can be megabytes)."""
    return ref if len(ref) <= limit else ref[: limit - 1] + "…"


def attach_media(card: Card, refs: Mapping[str, MediaRef]) -> Card:
    """The card with the media its fields show: every <img> src the renderer wrote."""
    if not refs:
        return card  # a document without images: nothing to look for
    shown_srcs: set[str] = set()
    for field in (card.front, card.back):
        if "<img" in field:
            shown_srcs.update(image_sources(field))
    used = {ref.stored_name: ref for ref in refs.values() if ref.stored_name in shown_srcs}
    return dataclasses.replace(card, media=tuple(used.values())) if used else card
