"""`ankigen check` reports the images that need attention; and the naming rules hold for any name."""

from __future__ import annotations

import base64
import io
import json
import os
import re
from pathlib import Path

import click
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from ankigen.cli import cli
from ankigen.media import OVERSIZED_BYTES, MediaOptions, stored_name
from ankigen.media.audit import human_size
from ankigen.media.files import image_suffix
from ankigen.media.locate import ref_kind, remote_url
from tests.conftest import RunCli
from tests.media_support import STORED_NAME, image_bytes, line_of, write


def noisy_png(size: tuple[int, int]) -> bytes:
    """A PNG that does not compress, so its file size is about 3 bytes a pixel."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_check_reports_every_kind_of_image_problem(tmp_path: Path, run_cli: RunCli) -> None:
    root = tmp_path / "project"
    write(root / "ankigen.toml", "")
    write(tmp_path / "outside.png", image_bytes("PNG"))
    write(root / "media/used.png", image_bytes("PNG", (3, 3, 3)))
    write(root / "media/old.png", image_bytes("PNG", (4, 4, 4)))
    write(root / "media/drafts/older.gif", image_bytes("GIF"))
    big = write(root / "notes/big.png", noisy_png((700, 600)))
    assert big.stat().st_size > OVERSIZED_BYTES
    text = (
        "# Used\n\nFrom the media folder.\n\n![used](used.png)\n\n"
        "# Big\n\nA huge screenshot.\n\n![big](big.png)\n\n"
        "# Lost\n\nGone.\n\n![lost](lost.png)\n\n"
        "# Out\n\nOutside.\n\n![out](../../outside.png)\n\n"
        "# Web\n\nHosted.\n\n![web](https://example.invalid/x.png)\n\n"
        "# Ftp\n\nOld school.\n\n![ftp](ftp://example.invalid/x.png)\n"
    )
    write(root / "notes/n.md", text)
    result = run_cli("check", cwd=root)
    assert result.code == 0, result.err
    at = {name: f"notes/n.md:{line_of(text, f'![{name}]')}" for name in ("lost", "out", "web", "ftp", "big")}
    size = f"{human_size(big.stat().st_size)} > {human_size(OVERSIZED_BYTES)}"
    assert _image_lines(result.out) == [
        "images: 2 embedded, 1 missing, 1 refused, 1 invalid, 1 remote, 2 unused, 1 oversized",
        f"  missing: {at['lost']}: lost.png",
        f"  refused: {at['out']}: ../../outside.png",
        f"  invalid: {at['ftp']}: ftp://example.invalid/x.png (not a file or http(s) URL)",
        f"  remote: {at['web']}: https://example.invalid/x.png",
        "  unused: media/drafts/older.gif",
        "  unused: media/old.png",
        f"  oversized: notes/big.png: big.png ({size})",
    ]
    assert result.err.splitlines() == [
        f"{at['lost']}: image not found: lost.png",
        f"{at['out']}: image outside the project root refused: ../../outside.png",
        f"{at['ftp']}: image reference not supported: ftp://example.invalid/x.png",
    ]
    assert not (root / "dist").exists()
    assert run_cli("check", "--strict", cwd=root).code == 1

    result = run_cli("build", "-o", "out", "--report", "report.json", cwd=root)
    media = json.loads((root / "report.json").read_text(encoding="utf-8"))["media"]
    assert media["embedded"] == 2
    assert [i["ref"] for i in media["unused"]] == ["media/drafts/older.gif", "media/old.png"]
    assert [i["location"] for i in media["oversized"]] == ["notes/big.png"]


def test_check_help_states_the_oversized_threshold() -> None:
    command = cli.commands["check"]
    assert command.help and f"over\n    {human_size(OVERSIZED_BYTES)}," in command.help
    fetch = next(p for p in command.params if p.name == "fetch_remote")
    defaults = MediaOptions()
    assert isinstance(fetch, click.Option) and fetch.help
    assert f"{defaults.timeout:g} s timeout, {human_size(defaults.max_remote_bytes)} cap" in fetch.help


@settings(max_examples=60, deadline=None)
@given(name=st.text(min_size=0, max_size=300), data=st.binary(max_size=64))
def test_stored_names_are_short_flat_and_content_addressed(name: str, data: bytes) -> None:
    stored = stored_name(name.replace("/", "_").replace("\0", "") + ".PNG", data, ".png")
    assert len(stored) < 100 and STORED_NAME.match(stored), stored
    assert stored_name("x.png", data, ".png") != stored_name("x.png", data + b"!", ".png")


def test_image_kind_comes_from_the_content() -> None:
    assert [image_suffix(image_bytes(fmt)) for fmt in ("PNG", "JPEG", "GIF", "WEBP", "SVG")] == [
        ".png",
        ".jpg",
        ".gif",
        ".webp",
        ".svg",
    ]
    assert image_suffix(b"<html><body>no</body></html>") is None
    assert image_suffix(image_bytes("PNG")[:40]) is None  # truncated
    assert image_suffix(b'<svg xmlns="http://www.w3.org/2000/svg"></svg>') == ".svg"
    assert re.fullmatch(r"\d+ KB|\d+(\.\d)? MB", human_size(OVERSIZED_BYTES))


def test_inline_data_images_are_named_not_dumped(tmp_path: Path, run_cli: RunCli) -> None:
    root = tmp_path / "project"
    write(root / "ankigen.toml", "")
    payload = base64.b64encode(image_bytes("PNG", size=(64, 64))).decode("ascii")
    write(
        root / "notes/n.md",
        f"# Pasted\n\nA pasted screenshot.\n\n![pasted](data:image/png;base64,{payload})\n",
    )
    result = run_cli("check", cwd=root)
    [warning] = result.err.splitlines()
    assert warning.startswith(
        "notes/n.md:5: inline data: image not supported, save it as a file and link that: "
    )
    assert len(warning) < 250


def test_reference_kinds() -> None:
    assert [ref_kind(s) for s in ("a.png", "/notes/a.png", "C:/x.png", "HTTPS://h/x.png", "//h/x.png")] == [
        "local",
        "local",
        "local",
        "remote",
        "remote",
    ]
    assert ref_kind("file:///etc/x.png") == ref_kind("mailto:x@y") == "unsupported"
    assert remote_url("//h/x.png") == "https://h/x.png"


def test_check_names_images_no_card_shows(tmp_path: Path, run_cli: RunCli) -> None:
    root = tmp_path / "project"
    write(root / "ankigen.toml", "")
    write(root / "notes/cover.png", image_bytes("PNG", (1, 9, 1)))
    write(root / "notes/shown.png", image_bytes("PNG", (9, 1, 9)))
    text = "# Topic ![cover](cover.png)\n\nBody text.\n\n![shown](shown.png)\n"  # headings show no images
    write(root / "notes/n.md", text)
    result = run_cli("check", cwd=root)
    assert result.code == 0 and result.err == ""
    assert _image_lines(result.out) == [
        "images: 1 embedded, 1 on no card",
        "  on no card: notes/n.md:1: cover.png",
    ]
    run_cli("build", "-o", "out", "--report", "report.json", cwd=root)
    media = json.loads((root / "report.json").read_text(encoding="utf-8"))["media"]
    assert media["embedded"] == 1
    assert media["unshown"] == [{"location": "notes/n.md:1", "ref": "cover.png", "detail": ""}]


def _image_lines(out: str) -> list[str]:
    """The image report `check` prints after the files and their exams and domains."""
    lines = out.splitlines()
    return lines[next(i for i, line in enumerate(lines) if line.startswith("images:")) :]
