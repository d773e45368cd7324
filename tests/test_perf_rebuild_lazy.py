"""Rebuilds: a per-file report unpickled (from the workers or the cache) unpickles its document only when
something asks for it, and is from then on the report that was pickled."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from ankigen.cache import CACHE_DIR, FileCache
from ankigen.config import load_config
from ankigen.discover import discover
from ankigen.frozen import replaced_all
from ankigen.incremental import _lines_of
from ankigen.media import resolve_media
from ankigen.model import Card, ImageRef, SourceFile
from ankigen.parallel import RunOptions, run_files_served
from ankigen.pipeline import FileReport, process_and_classify

NOTES = {
    "s3.md": "# Storage\n\n## Amazon S3\n\n- Objects up to **5 TB**.\n\n![bucket](bucket.png)\n"
    "![gone](missing.png)\n",
    "ec2.md": "# Compute\n\n## Amazon EC2\n\n- **Spot** capacity can be reclaimed.\n\n"
    "```python\nx = 1\n```\n",
}


def _project(root: Path) -> Path:
    (root / "notes").mkdir(parents=True)
    for name, text in NOTES.items():
        (root / "notes" / name).write_text(text, encoding="utf-8")
    Image.new("RGB", (8, 8), "red").save(root / "notes" / "bucket.png", format="PNG")
    return root


def _reports(root: Path) -> list[FileReport]:
    config = load_config(root)
    return [process_and_classify(source, config) for source in discover([root / "notes"], config.root)]


def _unloaded(report: FileReport) -> bool:
    return "document" not in report.__dict__


def test_an_unpickled_report_loads_its_document_when_asked_and_equals_the_report_made(tmp_path: Path) -> None:
    reports = _reports(_project(tmp_path))
    assert [len(report.document.images) for report in reports] == [0, 2]  # ec2.md, s3.md
    for made in reports:
        again = pickle.loads(pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL))
        assert _unloaded(again)
        assert again.source == made.document.source and again.cards == made.cards
        assert again.image_document().images == made.document.images
        assert resolve_media(again.image_document()) == resolve_media(made.document)
        assert _unloaded(again), "neither the source nor the images unpickle the document"
        # pickled again before it was read: still the same report, and still not unpickled
        twice = pickle.loads(pickle.dumps(again, protocol=pickle.HIGHEST_PROTOCOL))
        assert _unloaded(again) and _unloaded(twice)
        assert again.document == made.document
        assert not _unloaded(again) and again.__dict__ == made.__dict__
        assert again == made and twice == made and repr(twice) == repr(made)


def test_a_cache_hit_leaves_the_document_pickled_and_a_changed_image_is_still_a_miss(tmp_path: Path) -> None:
    root = _project(tmp_path)
    config = load_config(root)
    sources = discover([root / "notes"], config.root)
    options = RunOptions(cache_dir=root / CACHE_DIR, workers=1)
    first = run_files_served(process_and_classify, sources, config, options)
    served = run_files_served(process_and_classify, sources, config, options)
    assert served.cached == [True, True]
    assert all(_unloaded(report) for report in served.results)
    assert served.results == first.results == _reports(root)
    # the images are checked from what the report keeps of its document: a changed one misses
    Image.new("RGB", (8, 8), "blue").save(root / "notes" / "bucket.png", format="PNG")
    cache = FileCache(root / CACHE_DIR, config)
    hits = [cache.load(source, key) for source, key in zip(sources, served.keys, strict=True)]
    assert [hit is None for hit in hits] == [source.path.name == "s3.md" for source in sources]


def test_replaced_all_copies_as_dataclasses_replace_does() -> None:
    source = SourceFile(Path("/n/a.md"), "a.md", Path("/n"))
    cards = [
        Card("qa", "topic", f"k{n}", "<p>Q</p>", "<p>A</p>", "S3", ("S3",), source, n, tags=("t",))
        for n in range(3)
    ]
    rows = [(f"g{n}", n * 10) for n in range(3)]
    made = replaced_all(cards, ("guid", "mtime"), iter(rows))
    expected = [
        dataclasses.replace(card, guid=guid, mtime=mtime)
        for card, (guid, mtime) in zip(cards, rows, strict=True)
    ]
    assert made == expected and [c.__dict__ for c in made] == [c.__dict__ for c in expected]
    assert all(card.guid == "" and card.mtime == 0 for card in cards), "the originals are left as they were"
    # one of them not a plain dataclass instance (a cached_property's value in its dict): the
    # slow way, the same answer
    odd = [*cards[:2], dataclasses.replace(cards[2])]
    odd[2].__dict__["extra"] = 1
    assert replaced_all(odd, ("guid", "mtime"), rows) == expected
    ref = ImageRef("a.png", "alt", 1)
    assert replaced_all([ref, cards[0]], ("line",), [(5,), (6,)]) == [
        ImageRef("a.png", "alt", 5),
        dataclasses.replace(cards[0], line=6),
    ]
    assert replaced_all([], ("line",), []) == []
    with pytest.raises(ValueError):
        replaced_all(cards, ("guid", "mtime"), rows[:2])


@given(st.sets(st.text("abcé›", max_size=4), max_size=30), st.sets(st.text("abcé›", max_size=4), max_size=10))
@settings(max_examples=60, deadline=None)
def test_the_lock_lines_of_some_guids_are_found_as_a_walk_through_the_lock_finds_them(
    lock: set[str], wanted: set[str]
) -> None:
    guids = sorted(lock)
    some = wanted | set(guids[::3])
    assert _lines_of(guids, some) == [i for i, guid in enumerate(guids) if guid in some]
