"""Local images, every way notes reference them, checked in a real Anki collection."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.media_support import STORED_NAME, digest, image_bytes, import_all, line_of, write

NOTE = """\
# Storage

## Buckets

Buckets hold objects.

![bucket diagram](img/bucket.png "A bucket")

## Architecture

The reference design: ![arch overview](../shared/arch.jpg)

## Flow

Steps of a request.

![flow](/notes/img/flow.gif?raw=true#top)

## Screens

Encoded: ![encoded shot](Screen%20Shot%201.webp)

Angle brackets: ![spaced shot](<Screen Shot 1.webp>)

<p align="center"><img src="Screen Shot 1.webp" width="120" alt="raw shot"></p>

## Logo

Brand mark inline <img src="logo.png" width="40" alt="logo"> in a sentence.

## Diagram

Accents: ![accented](diagrâmme.svg)

## Upper

![upper](Upper.png)

## Table

| Service | Picture |
| --- | --- |
| S3 | ![table pic](img/bucket.png) |
"""


def make_project(root: Path) -> dict[str, bytes]:
    """A project with one image per way of referencing; returns the bytes of each by short name."""
    images = {
        "bucket": image_bytes("PNG"),
        "arch": image_bytes("JPEG", (10, 120, 200)),
        "flow": image_bytes("GIF", (0, 200, 0)),
        "shot": image_bytes("WEBP", (90, 90, 0)),
        "logo": image_bytes("PNG", (1, 2, 3)),
        "diagram": image_bytes("SVG"),
        "upper": image_bytes("PNG", (250, 250, 0)),
    }
    write(root / "ankigen.toml", 'deck_prefix = "AWS"\n')
    write(root / "notes/aws/s3.md", NOTE)
    write(root / "notes/aws/img/bucket.png", images["bucket"])
    write(root / "notes/shared/arch.jpg", images["arch"])
    write(root / "notes/img/flow.gif", images["flow"])
    write(root / "notes/aws/Screen Shot 1.webp", images["shot"])
    write(root / "media/logo.png", images["logo"])
    # Written decomposed (as macOS does), referenced composed in the note.
    write(root / "notes/aws" / unicodedata.normalize("NFD", "diagrâmme.svg"), images["diagram"])
    write(root / "notes/aws/Upper.PNG", images["upper"])
    return images


def test_every_reference_style_arrives_in_anki(tmp_path: Path, run_cli: RunCli) -> None:
    root = tmp_path / "project"
    images = make_project(root)
    result = run_cli("build", "-o", "out", cwd=root)
    assert result.code == 0, result.err
    upper_line = line_of(NOTE, "![upper]")
    assert result.err.splitlines() == [
        f"notes/aws/s3.md:{upper_line}: image extension differs in case, found as Upper.PNG: Upper.png"
    ]
    seen = import_all(root / "out", tmp_path / "col")
    seen.assert_no_broken_images()

    expected = {
        "bucket": f"bucket-{digest(images['bucket'])}.png",
        "arch": f"arch-{digest(images['arch'])}.jpg",
        "flow": f"flow-{digest(images['flow'])}.gif",
        "shot": f"screen-shot-1-{digest(images['shot'])}.webp",
        "logo": f"logo-{digest(images['logo'])}.png",
        "diagram": f"diagramme-{digest(images['diagram'])}.svg",
        "upper": f"upper-{digest(images['upper'])}.png",
    }
    assert seen.media == set(expected.values())
    for short, name in expected.items():
        assert STORED_NAME.match(name) and len(name) < 100
        assert (seen.media_dir / name).read_bytes() == images[short], f"{name} not byte for byte"

    # Each image sits on the card of the section it is written in, with its attributes.
    def imgs(heading: str) -> list[dict[str, str]]:
        note = seen.note_with(f"Storage › {heading}")
        return [{k: str(v) for k, v in tag.attrs.items()} for tag in seen.images(note)]

    assert imgs("Buckets") == [{"src": expected["bucket"], "alt": "bucket diagram", "title": "A bucket"}]
    assert imgs("Architecture") == [{"src": expected["arch"], "alt": "arch overview"}]
    assert imgs("Flow") == [{"src": expected["flow"], "alt": "flow"}]
    screens = imgs("Screens")
    assert [img["src"] for img in screens] == [expected["shot"]] * 3
    assert screens[2]["width"] == "120" and screens[2]["alt"] == "raw shot"
    assert imgs("Logo") == [{"src": expected["logo"], "width": "40", "alt": "logo"}]
    assert imgs("Diagram") == [{"src": expected["diagram"], "alt": "accented"}]
    assert imgs("Upper") == [{"src": expected["upper"], "alt": "upper"}]
    assert imgs("Table") == [{"src": expected["bucket"], "alt": "table pic"}]


def test_same_file_stored_once_and_same_names_never_collide(tmp_path: Path, run_cli: RunCli) -> None:
    root = tmp_path / "project"
    first, second = image_bytes("PNG", (1, 1, 1)), image_bytes("PNG", (2, 2, 2))
    write(root / "ankigen.toml", "")
    write(root / "notes/a/diagram.png", first)
    write(root / "notes/b/diagram.png", second)
    write(
        root / "notes/a/x.md", "".join(f"# Topic {n}\n\nText {n}.\n\n![d](diagram.png)\n\n" for n in range(3))
    )
    write(root / "notes/b/y.md", "# Other\n\nText.\n\n![d](diagram.png)\n")
    result = run_cli("build", "-o", "out", cwd=root)
    assert result.code == 0, result.err
    assert "2 images" in result.out
    seen = import_all(root / "out", tmp_path / "col")
    seen.assert_no_broken_images()
    assert seen.media == {f"diagram-{digest(first)}.png", f"diagram-{digest(second)}.png"}
    srcs = seen.srcs()
    assert srcs.count(f"diagram-{digest(first)}.png") == 3
    assert srcs.count(f"diagram-{digest(second)}.png") == 1


def test_edited_image_changes_the_card_in_place(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Anki only updates a note from a package whose note is newer: the rebuild is a minute later.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = tmp_path / "project"
    write(root / "ankigen.toml", "")
    note = write(root / "notes/n.md", "# Queues\n\nMessages wait here.\n\n![queue](queue.png)\n")
    old, new = image_bytes("PNG", (5, 5, 5)), image_bytes("PNG", (6, 6, 6))
    write(root / "notes/queue.png", old)
    assert run_cli("build", "-o", "out", cwd=root).code == 0
    before = import_all(root / "out", tmp_path / "col")
    write(root / "notes/queue.png", new)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000060")
    assert run_cli("build", "-o", "out", cwd=root).code == 0
    after = import_all(root / "out", tmp_path / "col")  # the same collection: a re-import

    assert len(after.notes) == len(before.notes) == 1
    assert after.notes[0].guid == before.notes[0].guid
    assert before.srcs() == [f"queue-{digest(old)}.png"]
    assert after.srcs() == [f"queue-{digest(new)}.png"]
    assert (after.media_dir / after.srcs()[0]).read_bytes() == new
    after.assert_no_broken_images()
    assert note.read_text(encoding="utf-8").endswith("![queue](queue.png)\n")  # notes never written


def test_missing_and_unreadable_images_show_alt_text(tmp_path: Path, run_cli: RunCli) -> None:
    root = tmp_path / "project"
    write(root / "ankigen.toml", "")
    text = (
        "# Gone\n\nA lost picture.\n\n![lost diagram](nowhere/lost.png)\n\n"
        '<img src="also-lost.png" alt="raw lost" width="50">\n\n'
        "# Fake\n\nNot really an image.\n\n![fake](fake.png)\n"
    )
    write(root / "notes/n.md", text)
    write(root / "notes/fake.png", "<html>this is a web page</html>")
    result = run_cli("build", "-o", "out", cwd=root)
    assert result.code == 0
    assert result.err.splitlines() == [
        f"notes/n.md:{line_of(text, 'lost diagram')}: image not found: nowhere/lost.png",
        f"notes/n.md:{line_of(text, 'raw lost')}: image not found: also-lost.png",
        f"notes/n.md:{line_of(text, '![fake]')}: not a PNG, JPEG, GIF, WebP or SVG image: fake.png",
    ]
    seen = import_all(root / "out", tmp_path / "col")
    assert seen.srcs() == [] and seen.media == set()
    gone = seen.note_with("lost diagram")
    assert "[image: lost diagram]" in gone.fields["Back"] and "[image: raw lost]" in gone.fields["Back"]
    assert "[image: fake]" in seen.note_with("Not really").fields["Back"]
    assert run_cli("build", "-o", "out", "--strict", cwd=root).code == 1


def test_images_outside_the_project_are_refused(tmp_path: Path, run_cli: RunCli) -> None:
    root = tmp_path / "project"
    secret = image_bytes("PNG", (66, 66, 66))
    write(tmp_path / "secret.png", secret)
    inside = image_bytes("PNG", (77, 77, 77))
    write(root / "ankigen.toml", "")
    write(root / "assets/inside.png", inside)
    (root / "notes").mkdir(parents=True)
    (root / "notes/escape.png").symlink_to(tmp_path / "secret.png")
    (root / "notes/ok.png").symlink_to(root / "assets/inside.png")
    text = (
        "# Dots\n\nClimbing out.\n\n![dots](../../secret.png)\n\n"
        "# Link\n\nThrough a link.\n\n![link](escape.png)\n\n"
        "# Fine\n\nA link that stays home.\n\n![fine](ok.png)\n"
    )
    write(root / "notes/n.md", text)
    result = run_cli("build", "-o", "out", cwd=root)
    assert result.err.splitlines() == [
        f"notes/n.md:{line_of(text, '![dots]')}: image outside the project root refused: ../../secret.png",
        f"notes/n.md:{line_of(text, '![link]')}: image outside the project root refused: escape.png",
    ]
    seen = import_all(root / "out", tmp_path / "col")
    assert seen.media == {f"ok-{digest(inside)}.png"}
    assert all(digest(secret) not in name for name in seen.media)
    assert "[image: dots]" in seen.note_with("Climbing out").fields["Back"]
    assert "[image: link]" in seen.note_with("Through a link").fields["Back"]
    seen.assert_no_broken_images()
    assert run_cli("build", "-o", "out", "--strict", cwd=root).code == 1


def test_corpus_has_no_broken_images(corpus: Path, tmp_path: Path, run_cli: RunCli) -> None:
    # --no-lock: a build from the repository folder must not write the repository's ankigen.lock
    result = run_cli(
        "build", str(corpus), "-o", str(tmp_path / "out"), "--report", str(tmp_path / "r.json"), "--no-lock"
    )
    assert result.code == 0, result.err
    seen = import_all(tmp_path / "out", tmp_path / "col")
    seen.assert_no_broken_images()
    media = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["media"]
    missing = [line for line in result.err.splitlines() if ": image not found: " in line]
    assert len(missing) == len(media["missing"])
    remote_shown = {src for src in seen.srcs() if src.startswith("https://")}
    assert remote_shown and remote_shown <= {item["ref"] for item in media["remote"]}


def test_images_in_a_plain_text_outline(tmp_path: Path, run_cli: RunCli) -> None:
    root = tmp_path / "project"
    pic = image_bytes("PNG", (9, 8, 7))
    write(root / "ankigen.toml", "")
    write(root / "notes/pic.png", pic)
    text = "Load balancers\n    spread traffic ![spread](pic.png)\n    check health ![gone](gone.png)\n"
    write(root / "notes/outline.txt", text)
    result = run_cli("build", "-o", "out", cwd=root)
    assert result.err.splitlines() == ["notes/outline.txt:3: image not found: gone.png"]
    seen = import_all(root / "out", tmp_path / "col")
    seen.assert_no_broken_images()
    assert seen.srcs() == [f"pic-{digest(pic)}.png"]
    assert "[image: gone]" in seen.note_with("spread traffic").fields["Back"]
