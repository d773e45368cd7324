"""Download remote images into a local cache, carefully: a timeout, a size cap, image types only.

Only used with `--fetch-remote`.  A fetched image is kept in the user cache folder (or
$ANKIGEN_CACHE_DIR) under a name derived from its URL, so later builds work offline and do not
hit the network again.  Failures are remembered for the rest of the run, so a dead host costs one
timeout, not one per note.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from ankigen.media.files import image_suffix

__all__ = ["CACHE_ENV", "FetchPolicy", "Fetched", "RemoteFetcher", "default_cache_dir"]

CACHE_ENV = "ANKIGEN_CACHE_DIR"
_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"})
_CHUNK = 64 * 1024


def default_cache_dir() -> Path:
    """$ANKIGEN_CACHE_DIR, else the platform's user cache folder for ankigen."""
    override = os.environ.get(CACHE_ENV)
    return Path(override) if override else platformdirs.user_cache_path("ankigen") / "remote-images"


@dataclass(frozen=True)
class FetchPolicy:
    cache_dir: Path
    timeout: float = 10.0  # seconds for the whole download
    max_bytes: int = 10 * 1024 * 1024


@dataclass(frozen=True)
class Fetched:
    """A downloaded image in the cache, or why there is none."""

    path: Path | None
    error: str = ""


class _Refused(Exception):
    pass


class RemoteFetcher:
    """Fetches for one run; remembers every answer so each URL is tried at most once."""

    def __init__(self, policy: FetchPolicy) -> None:
        self._policy = policy
        self._answers: dict[str, Fetched] = {}

    def fetch(self, url: str) -> Fetched:
        if url not in self._answers:
            self._answers[url] = self._fetch(url)
        return self._answers[url]

    def _fetch(self, url: str) -> Fetched:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
        cached = sorted(self._policy.cache_dir.glob(f"{key}.*"))
        if cached:
            return Fetched(cached[0])
        try:
            data = self._download(url)
        except _Refused as exc:
            return Fetched(None, str(exc))
        except (OSError, http.client.HTTPException, ValueError) as exc:
            return Fetched(None, _reason(exc))
        suffix = image_suffix(data)
        if suffix is None:
            return Fetched(None, "not a PNG, JPEG, GIF, WebP or SVG image")
        try:
            return Fetched(self._store(key + suffix, data))
        except OSError as exc:
            return Fetched(None, f"cannot write the cache: {exc.strerror or exc}")

    def _download(self, url: str) -> bytes:
        from ankigen import __version__  # the package imports this module while it initialises

        policy = self._policy
        deadline = time.monotonic() + policy.timeout
        request = urllib.request.Request(
            url, headers={"User-Agent": f"ankigen/{__version__}", "Accept": ", ".join(sorted(_IMAGE_TYPES))}
        )
        with urllib.request.urlopen(request, timeout=policy.timeout) as response:
            if urlsplit(response.geturl()).scheme not in ("http", "https"):
                raise _Refused("redirected away from http(s)")
            content_type = response.headers.get_content_type()
            if content_type not in _IMAGE_TYPES:
                raise _Refused(f"content type {content_type} is not an image")
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > policy.max_bytes:
                raise _Refused(f"larger than {_megabytes(policy.max_bytes)}")
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read(_CHUNK):
                size += len(chunk)
                if size > policy.max_bytes:
                    raise _Refused(f"larger than {_megabytes(policy.max_bytes)}")
                if time.monotonic() > deadline:
                    raise _Refused(f"timed out after {policy.timeout:g} s")
                chunks.append(chunk)
        return b"".join(chunks)

    def _store(self, name: str, data: bytes) -> Path:
        """Write atomically, so an interrupted build never leaves half an image in the cache."""
        folder = self._policy.cache_dir
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".partial-", delete=False) as partial:
            partial.write(data)
        os.replace(partial.name, folder / name)
        return folder / name


def _reason(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    if isinstance(exc, TimeoutError):
        return "timed out"
    return str(exc) or type(exc).__name__


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB"
