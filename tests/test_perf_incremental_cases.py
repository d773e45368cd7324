"""Incremental rebuilds around the edges: builds that leave the lock as it was, notes that share
a key, the real notes."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from ankigen.cache import CACHE_DIR
from ankigen.config import load_config
from ankigen.errors import LockError
from ankigen.lockfile import LOCK_FILE
from ankigen.parallel import RunOptions
from ankigen.pipeline import BuildOptions, build
from tests.incremental_edits import (
    SNAPSHOT,
    add_bullet,
    build_outputs,
    edit_bullet,
    notes_of_project,
    repeat_section,
    small_project,
)


def _options(folder: Path, out: Path, **changes: object) -> BuildOptions:
    run = RunOptions(cache_dir=folder / CACHE_DIR, workers=1)
    return BuildOptions(out, run=run, **changes)  # type: ignore[arg-type]


def test_builds_that_leave_the_lock_as_it_was_leave_no_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = small_project(tmp_path)
    config = load_config(folder)
    notes = [folder / "notes"]
    build_outputs(folder, tmp_path / "first", cached=True)
    add_bullet(random.Random(5), folder)
    with pytest.raises(LockError):  # --locked, and the lock is out of date: nothing written
        build(notes, config, _options(folder, tmp_path / "locked", lock="locked"))
    assert not (folder / SNAPSHOT).exists()
    assert not build_outputs(folder, tmp_path / "after-locked", cached=True)[0].incremental
    assert (folder / SNAPSHOT).is_file()
    # --no-lock: the lock is neither read nor written, and the snapshot does not survive it
    build(notes, config, _options(folder, tmp_path / "no-lock", lock="ignore"))
    assert not (folder / SNAPSHOT).exists()
    assert not build_outputs(folder, tmp_path / "after-no-lock", cached=True)[0].incremental
    # --strict with a warning: no deck, no lock, no snapshot
    broken = notes_of_project(folder)[0]
    broken.write_text(broken.read_text(encoding="utf-8") + "\n![gone](../images/missing.png)\n", "utf-8")
    strict = build(notes, config, _options(folder, tmp_path / "strict", strict=True))
    assert strict.diagnostics and not strict.decks and not (folder / SNAPSHOT).exists()
    # and from there, the next rebuilds are the full path's, then incremental again
    before = (folder / LOCK_FILE).read_bytes()
    _, full_packages, full_lock, full_report = build_outputs(folder, tmp_path / "full", cached=False)
    (folder / LOCK_FILE).write_bytes(before)
    again, packages, lock, report = build_outputs(folder, tmp_path / "again", cached=True)
    assert (packages, lock, report) == (full_packages, full_lock, full_report)
    assert not again.incremental
    edit_bullet(random.Random(6), folder)
    assert build_outputs(folder, tmp_path / "last", cached=True)[0].incremental


def test_notes_sharing_a_key_in_one_file_keep_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = small_project(tmp_path)
    rng = random.Random(8)
    repeat_section(rng, folder)
    repeat_section(rng, folder)
    first, *_ = build_outputs(folder, tmp_path / "first", cached=True)
    shared = [d for d in first.diagnostics if "would get one GUID" in d.message]
    assert shared and (folder / SNAPSHOT).is_file()
    untouched = {d.path for d in shared}
    for round_number in range(3):
        path = next(p for p in notes_of_project(folder) if str(p.relative_to(folder)) not in untouched)
        path.write_text(path.read_text(encoding="utf-8") + f"\n- **Edit {round_number}** here.\n", "utf-8")
        before = (folder / LOCK_FILE).read_bytes()
        fast, *fast_outputs = build_outputs(folder, tmp_path / f"fast{round_number}", cached=True)
        (folder / LOCK_FILE).write_bytes(before)
        _, *full_outputs = build_outputs(folder, tmp_path / f"full{round_number}", cached=False)
        assert fast.incremental and fast_outputs == full_outputs
        assert [d for d in fast.diagnostics if "would get one GUID" in d.message] == shared


def test_the_real_notes_rebuild_from_the_snapshot(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = tmp_path / "real"
    shutil.copytree(corpus, folder / "notes")
    shutil.copy(Path(__file__).parent.parent / "ankigen.toml", folder / "ankigen.toml")
    first, *_ = build_outputs(folder, tmp_path / "first", cached=True)
    assert any("would get one GUID" in d.message for d in first.diagnostics)  # a heading written twice
    for round_number, path in enumerate(sorted((folder / "notes").iterdir())[:2]):
        path.write_text(path.read_text(encoding="utf-8") + "\n- one more point on **Amazon S3**\n", "utf-8")
        before = (folder / LOCK_FILE).read_bytes()
        fast, *fast_outputs = build_outputs(folder, tmp_path / f"fast{round_number}", cached=True)
        (folder / LOCK_FILE).write_bytes(before)
        _, *full_outputs = build_outputs(folder, tmp_path / f"full{round_number}", cached=False)
        assert fast.incremental and fast_outputs == full_outputs
