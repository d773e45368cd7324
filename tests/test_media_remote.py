"""Remote images: kept as links by default; with --fetch-remote, downloaded (carefully) and embedded.

Every request goes to a local HTTP server on 127.0.0.1, never the internet.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ankigen.media.fetch import FetchPolicy, RemoteFetcher
from tests.conftest import RunCli
from tests.media_support import digest, image_bytes, import_all, line_of, write

PNG = image_bytes("PNG", (12, 34, 56))
GIF = image_bytes("GIF", (65, 43, 21))


@dataclass
class Server:
    base: str
    requests: list[str] = field(default_factory=list)


def _routes() -> dict[str, tuple[int, str, bytes]]:
    return {
        "/pic.png": (200, "image/png", PNG),
        "/assets/0a1b2c": (200, "image/gif", GIF),  # no extension, as GitHub serves uploads
        "/page.png": (200, "text/html; charset=utf-8", b"<html>a login page</html>"),
        "/liar.png": (200, "image/png", b"<html>not what the header says</html>"),
        "/big.png": (200, "image/png", PNG + b"\0" * 5000),
    }


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    routes = _routes()
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            if self.path == "/slow.png":
                time.sleep(1.5)
            if self.path == "/to-file.png":  # a redirect must not reach the local disk
                self.send_response(302)
                self.send_header("Location", "file:///etc/hostname")
                self.end_headers()
                return
            status, content_type, body = routes.get(self.path, (404, "text/plain", b"not found"))
            chunked = self.path == "/big.png"  # no Content-Length: the cap must hold while reading
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                if not chunked:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the client gave up first, as it should

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}", seen)
    finally:
        httpd.shutdown()
        httpd.server_close()


def note_text(base: str) -> str:
    return (
        f"# Remote\n\nA hosted picture.\n\n![hosted]({base}/pic.png)\n\n"
        f"# Upload\n\nAn upload without extension.\n\n![upload]({base}/assets/0a1b2c)\n\n"
        f"# Page\n\nA page, not an image.\n\n![page]({base}/page.png)\n\n"
        f'# Dead\n\nA dead link.\n\n<img src="{base}/gone.png" width="90" alt="dead">\n'
    )


def test_remote_images_stay_links_by_default(
    tmp_path: Path, run_cli: RunCli, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANKIGEN_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "project"
    write(root / "ankigen.toml", "")
    write(root / "notes/n.md", note_text(server.base))
    result = run_cli("build", "-o", "out", "--report", "report.json", cwd=root)
    assert result.code == 0 and result.err == ""
    assert server.requests == []  # nothing fetched without --fetch-remote
    seen = import_all(root / "out", tmp_path / "col")
    assert seen.media == set()
    assert sorted(seen.srcs()) == sorted(
        f"{server.base}{path}" for path in ("/pic.png", "/assets/0a1b2c", "/page.png", "/gone.png")
    )
    report = json.loads((root / "report.json").read_text(encoding="utf-8"))
    assert [item["ref"] for item in report["media"]["remote"]] == [
        f"{server.base}/pic.png",
        f"{server.base}/assets/0a1b2c",
        f"{server.base}/page.png",
        f"{server.base}/gone.png",
    ]
    assert report["media"]["remote"][0]["location"] == "notes/n.md:5"


def test_fetch_remote_embeds_and_caches(
    tmp_path: Path, run_cli: RunCli, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("ANKIGEN_CACHE_DIR", str(cache))
    root = tmp_path / "project"
    write(root / "ankigen.toml", "")
    text = note_text(server.base)
    write(root / "notes/n.md", text)
    result = run_cli("build", "-o", "out", "--fetch-remote", "--report", "report.json", cwd=root)
    assert result.code == 0
    page, dead = line_of(text, "![page]"), line_of(text, 'alt="dead"')
    assert result.err.splitlines() == [
        f"notes/n.md:{page}: could not fetch image (content type text/html is not an image), "
        f"kept as a link: {server.base}/page.png",
        f"notes/n.md:{dead}: could not fetch image (HTTP 404 Not Found), "
        f"kept as a link: {server.base}/gone.png",
    ]
    seen = import_all(root / "out", tmp_path / "col")
    seen.assert_no_broken_images()
    hosted, upload = f"pic-{digest(PNG)}.png", f"0a1b2c-{digest(GIF)}.gif"
    assert seen.media == {hosted, upload}
    assert (seen.media_dir / hosted).read_bytes() == PNG
    assert (seen.media_dir / upload).read_bytes() == GIF
    assert [t["src"] for t in seen.images(seen.note_with("A hosted picture"))] == [hosted]
    dead_img = seen.images(seen.note_with("A dead link"))[0]
    assert (dead_img["src"], dead_img["width"]) == (f"{server.base}/gone.png", "90")
    report = json.loads((root / "report.json").read_text(encoding="utf-8"))
    assert [item["detail"] for item in report["media"]["remote"]] == [
        "content type text/html is not an image",
        "HTTP 404 Not Found",
    ]
    assert len([p for p in cache.iterdir() if not p.name.startswith(".")]) == 2

    # A second build takes the fetched images from the cache; only the failures are asked again.
    asked = len(server.requests)
    result = run_cli("build", "-o", "out2", "--fetch-remote", cwd=root)
    assert sorted(server.requests[asked:]) == ["/gone.png", "/page.png"]
    assert import_all(root / "out2", tmp_path / "col2").media == {hosted, upload}


def test_fetch_is_tried_once_per_url_per_run(tmp_path: Path, server: Server) -> None:
    fetcher = RemoteFetcher(FetchPolicy(tmp_path / "cache"))
    assert fetcher.fetch(f"{server.base}/gone.png").error == "HTTP 404 Not Found"
    assert fetcher.fetch(f"{server.base}/gone.png").error == "HTTP 404 Not Found"
    assert server.requests == ["/gone.png"]


@pytest.mark.parametrize(
    "path,policy,error",
    [
        ("/big.png", {"max_bytes": 1000}, "larger than"),  # streamed without Content-Length
        ("/pic.png", {"max_bytes": 10}, "larger than"),  # refused from Content-Length alone
        ("/liar.png", {}, "not a PNG, JPEG, GIF, WebP or SVG image"),
        ("/slow.png", {"timeout": 0.3}, "timed out"),
        ("/to-file.png", {}, "HTTP 302"),
    ],
)
def test_fetch_limits(
    tmp_path: Path, server: Server, path: str, policy: dict[str, float], error: str
) -> None:
    fetcher = RemoteFetcher(FetchPolicy(tmp_path / "cache", **policy))  # type: ignore[arg-type]
    fetched = fetcher.fetch(server.base + path)
    assert fetched.path is None
    assert error in fetched.error
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())
