"""The content-addressed build cache: a rebuild re-processes exactly the files that changed."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from PIL import Image

from ankigen.cache import CACHE_DIR
from ankigen.config import Config, load_config
from ankigen.discover import discover
from ankigen.model import SourceFile
from ankigen.parallel import RunOptions, run_files
from ankigen.pipeline import FileReport, process_file
from tests.anki_helpers import collection, import_package, notes_of
from tests.conftest import RunCli

NOTES = {
    "s3.md": "# Storage\n\n## Amazon S3\n\nObjects up to **5 TB**.\n\n![bucket](bucket.png)\n",
    "ec2.md": "# Compute\n\n## Amazon EC2\n\n- **Spot** capacity can be reclaimed.\n",
    "sqs.md": "# Integration\n\n## Amazon SQS\n\n- A **dead-letter queue** keeps failed messages.\n",
}


def _project(root: Path) -> Path:
    (root / "notes").mkdir(parents=True)
    for name, text in NOTES.items():
        (root / "notes" / name).write_text(text, encoding="utf-8")
    _png(root / "notes" / "bucket.png", "red")
    return root


def _png(path: Path, colour: str) -> None:
    Image.new("RGB", (8, 8), colour).save(path, format="PNG")


class Counting:
    """process_file, counting the files it really processes (serial runs only)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, source: SourceFile, config: Config) -> FileReport:
        self.seen.append(source.path.name)
        return process_file(source, config)


def _run(root: Path, config: Config | None = None) -> tuple[list[FileReport], list[str]]:
    config = config or load_config(root)
    work = Counting()
    sources = discover([root / "notes"], config.root)
    reports = run_files(work, sources, config, RunOptions(cache_dir=root / CACHE_DIR, workers=1))
    return reports, work.seen


def test_rebuild_processes_only_the_edited_file_and_matches_a_fresh_build(tmp_path: Path) -> None:
    root = _project(tmp_path)
    first, seen = _run(root)
    assert sorted(seen) == sorted(NOTES)
    again, seen = _run(root)
    assert seen == [] and again == first
    (root / "notes" / "ec2.md").write_text(NOTES["ec2.md"] + "- **Reserved** for steady load.\n", "utf-8")
    edited, seen = _run(root)
    assert seen == ["ec2.md"]
    config = load_config(root)
    fresh = [process_file(s, config) for s in discover([root / "notes"], root)]
    assert edited == fresh
    assert (root / CACHE_DIR / "CACHEDIR.TAG").is_file()
    entries = list((root / CACHE_DIR).rglob("*.pickle"))
    assert len(entries) == len(NOTES), "each file keeps only its newest entry"


def test_config_change_and_changed_image_are_misses(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _run(root)
    _, seen = _run(root, Config(root=root.resolve(), deck_prefix="Other"))
    assert sorted(seen) == sorted(NOTES)
    _run(root)
    _png(root / "notes" / "bucket.png", "blue")
    reports, seen = _run(root)
    assert seen == ["s3.md"], "only the file showing the image is redone"
    media = [ref for report in reports for card in report.cards for ref in card.media]
    blue = (root / "notes" / "bucket.png").read_bytes()
    assert media and all(ref.path and ref.path.read_bytes() == blue for ref in media)


def test_damaged_entries_are_misses_and_get_replaced(tmp_path: Path) -> None:
    root = _project(tmp_path)
    first, _ = _run(root)
    for entry in (root / CACHE_DIR).rglob("*.pickle"):
        entry.write_bytes(entry.read_bytes()[:20])
    again, seen = _run(root)
    assert sorted(seen) == sorted(NOTES) and again == first
    for entry in (root / CACHE_DIR).rglob("*.pickle"):
        pickle.loads(entry.read_bytes())  # whole again


def test_cli_rebuild_from_cache_is_identical_in_anki(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = _project(tmp_path / "project")
    assert run_cli("build", "--no-cache", "-o", "cold", cwd=root).code == 0
    assert not (root / CACHE_DIR).exists(), "--no-cache neither reads nor writes the cache"
    assert run_cli("build", "-o", "warm", cwd=root).code == 0
    assert run_cli("build", "-o", "cached", cwd=root).code == 0
    [cold], [cached] = sorted((root / "cold").glob("*.apkg")), sorted((root / "cached").glob("*.apkg"))
    assert cold.read_bytes() == cached.read_bytes()
    with collection(tmp_path / "col") as col:
        import_package(col, cached)
        seen = notes_of(col)
    assert {note.fields.get("Source", "").split(":")[0] for note in seen} >= {f"notes/{n}" for n in NOTES}


def test_check_writes_no_cache(tmp_path: Path, run_cli: RunCli) -> None:
    root = _project(tmp_path)
    assert run_cli("check", cwd=root).code == 0
    assert not (root / CACHE_DIR).exists()
    assert sorted(os.listdir(root)) == ["notes"]
