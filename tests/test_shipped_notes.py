"""The study notes ankigen ships in notes/ build into decks a learner can use, in a real Anki collection.

The notes are built once for the module and imported into a real collection; the tests then check
what Anki holds against what the notes say, so a broken image path, a missing front matter key or a
shrinking note count fails here rather than in a learner's collection.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ankigen.cli import main
from ankigen.config import CONFIG_FILE
from ankigen.model import Block, Document, Section, SourceFile
from ankigen.parse import parse_file
from ankigen.render import Renderer
from tests.anki_helpers import SeenNote, collection, import_package, notes_of
from tests.conftest import REPO

NOTES = REPO / "notes"
MEDIA = REPO / "media"
EXAMS = {"clf-c02": "CLF-C02", "saa-c03": "SAA-C03", "mls-c01": "MLS-C01"}
MIN_NOTES = 300
MIN_IMAGES = 5
TAG_KINDS = {"exam", "domain", "service", "source"}


@dataclass(frozen=True)
class Built:
    notes: list[SeenNote]
    media: dict[str, bytes]  # file name in Anki's media folder -> its bytes
    report: dict[str, object]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """notes/ built by the CLI, every package imported into one collection."""
    # A copy of the project, so that the build writes nothing (outputs, lock file) into the repository.
    project = tmp_path_factory.mktemp("project")
    shutil.copytree(NOTES, project / "notes")
    shutil.copytree(MEDIA, project / "media")
    if (REPO / CONFIG_FILE).is_file():
        shutil.copy(REPO / CONFIG_FILE, project / CONFIG_FILE)
    out = tmp_path_factory.mktemp("decks")
    report = out / "report.json"
    before = Path.cwd()
    os.chdir(project)
    try:
        code = main(["build", "notes", "-o", str(out), "--report", str(report)])
    finally:
        os.chdir(before)
    assert code == 0
    packages = sorted(out.glob("*.apkg"))
    assert packages
    with collection(tmp_path_factory.mktemp("anki")) as col:
        for package in packages:
            import_package(col, package)
        notes = notes_of(col)
        media = {path.name: path.read_bytes() for path in Path(col.media.dir()).iterdir()}
    yield Built(notes, media, json.loads(report.read_text(encoding="utf-8")))


def note_files() -> list[Path]:
    return sorted(p for p in NOTES.rglob("*") if p.suffix in (".md", ".txt"))


def parsed(path: Path) -> Document:
    return parse_file(SourceFile(path, str(path.relative_to(REPO)), REPO))


def sections(items: tuple[Section, ...]) -> Iterator[Section]:
    for section in items:
        yield section
        yield from sections(section.children)


def texts(blocks: tuple[Block, ...]) -> Iterator[str]:
    """The inline text of every paragraph and bullet, nested bullets included."""
    for block in blocks:
        if block.kind == "paragraph":
            yield block.text
        elif block.kind == "list":
            for item in block.items:
                yield item.text
                yield from texts(item.children)


def source_lower_bound(path: Path) -> int:
    """Notes the source asks for whatever the card rules: a topic per heading with a body,
    and one note per sentence or bullet with a bold term."""
    renderer = Renderer()
    count = 0
    for section in sections(parsed(path).sections):
        count += bool(section.title and section.blocks)
        count += sum(bool(renderer.bold_terms(text)) for text in texts(section.blocks))
    return count


def referenced_images() -> dict[Path, list[str]]:
    """Each image file the notes point at (resolved as the notes intend) -> where it is used."""
    found: dict[Path, list[str]] = {}
    for path in note_files():
        for image in parsed(path).images:
            beside = (path.parent / image.src).resolve()
            target = beside if beside.is_file() else (MEDIA / Path(image.src).name).resolve()
            found.setdefault(target, []).append(f"{path.relative_to(REPO)}:{image.line} {image.src}")
    return found


def test_every_exam_has_its_folder_and_domain_files() -> None:
    folders = {p.name for p in NOTES.iterdir() if p.is_dir()}
    assert folders == set(EXAMS)
    for folder in EXAMS:
        assert len(list((NOTES / folder).glob("*.md"))) >= 4, folder


def test_front_matter_names_the_folders_exam() -> None:
    for path in sorted(NOTES.rglob("*.md")):
        exam = parsed(path).front_matter.get("exam")
        assert exam == EXAMS[path.parent.name], f"{path.relative_to(REPO)}: exam is {exam!r}"


def test_sources_ask_for_enough_notes_in_every_exam() -> None:
    per_exam = Counter({folder: 0 for folder in EXAMS})
    for path in note_files():
        per_exam[path.parent.name] += source_lower_bound(path)
    assert sum(per_exam.values()) >= MIN_NOTES
    assert all(count >= MIN_NOTES // 4 for count in per_exam.values()), per_exam


def test_at_least_300_notes_reach_anki_with_their_tags(built: Built) -> None:
    assert len(built.notes) >= MIN_NOTES
    assert len({note.guid for note in built.notes}) == len(built.notes)
    stems = {path.stem for path in note_files()}
    for note in built.notes:
        kinds = {tag.split("::")[0] for tag in note.tags}
        assert kinds >= TAG_KINDS, note.tags
        sources = {tag.split("::", 1)[1] for tag in note.tags if tag.startswith("source::")}
        assert sources <= stems, sources
    seen_sources = {
        tag.split("::", 1)[1] for n in built.notes for tag in n.tags if tag.startswith("source::")
    }
    assert seen_sources == stems


def test_no_markdown_leaks_into_shipped_cards(built: Built) -> None:
    for note in built.notes:
        shown = " ".join(note.fields.values())
        assert "**" not in shown and "![" not in shown and "](" not in shown, shown[:200]


def test_every_referenced_image_is_in_media_and_in_anki(built: Built) -> None:
    images = referenced_images()
    missing = [where for target, uses in images.items() if not target.is_file() for where in uses]
    assert not missing
    assert all(target.parent == MEDIA.resolve() for target in images)
    assert len(images) >= MIN_IMAGES
    in_anki = {hashlib.sha256(data).hexdigest(): name for name, data in built.media.items()}
    fields = [" ".join(note.fields.values()) for note in built.notes]
    for target, uses in images.items():
        name = in_anki.get(hashlib.sha256(target.read_bytes()).hexdigest())
        assert name, f"{target.name} (used at {uses[0]}) is not in Anki's media folder"
        assert any(f'src="{name}"' in field for field in fields), f"no card shows {target.name}"
    assert not any("image" in str(w.get("message", "")) for w in _warnings(built)), _warnings(built)


def test_every_media_file_is_used_and_drawn_on_white() -> None:
    used = {target.name for target in referenced_images()}
    shipped = {path.name for path in MEDIA.iterdir()}
    assert shipped == used
    for name in shipped:
        if name.endswith(".svg"):
            svg = (MEDIA / name).read_text(encoding="utf-8")
            # A white backdrop keeps the dark strokes readable in Anki's night mode.
            assert 'fill="#ffffff"' in svg and "<title>" in svg, name


def _warnings(built: Built) -> list[dict[str, object]]:
    warnings = built.report.get("warnings", [])
    assert isinstance(warnings, list)
    return [w for w in warnings if isinstance(w, dict)]


def test_the_committed_lock_matches_the_shipped_notes(tmp_path: Path) -> None:
    """The release workflow builds with --locked: a change to the notes, the card rules or the
    classifier must come with the regenerated ankigen.lock (see README, "Rebuilding")."""
    for name in ("notes", "media"):
        shutil.copytree(REPO / name, tmp_path / name)
    for name in (CONFIG_FILE, "ankigen.lock"):
        shutil.copy(REPO / name, tmp_path / name)
    before = Path.cwd()
    os.chdir(tmp_path)
    try:
        code = main(["check", "notes", "--locked"])
    finally:
        os.chdir(before)
    assert code == 0, "ankigen.lock is stale: rebuild notes/ and commit ankigen.lock"
