"""A rebuild that works out identity for the changed files only must give exactly what the full
path gives: the same .apkg bytes, the same lock bytes and the same report, round after round
of random edits (differential test against `--no-cache` builds from the same starting state)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ankigen.lockfile import LOCK_FILE
from tests.anki_helpers import collection, import_package, notes_of
from tests.incremental_edits import (
    EDITS,
    NEVER_INCREMENTAL,
    PER_FILE,
    SNAPSHOT,
    build_outputs,
    notes_of_project,
    settle,
    small_project,
)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_rebuilds_from_the_snapshot_give_what_the_full_path_gives(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    rng = random.Random(seed)
    folder = small_project(tmp_path)
    first, *_ = build_outputs(folder, tmp_path / "first", cached=True)
    assert not first.incremental and (folder / SNAPSHOT).is_file()
    taken, narrowed = 0, False
    for round_number in range(10):
        settle(folder)
        edit = rng.choice(EDITS)
        edit(rng, folder)
        # now and then a build of one file only: the others' notes must stay as they are
        paths = [rng.choice(notes_of_project(folder))] if rng.random() < 0.15 else None
        had_snapshot = (folder / SNAPSHOT).is_file()
        before = (folder / LOCK_FILE).read_bytes()
        fast, fast_packages, fast_lock, fast_report = build_outputs(
            folder, tmp_path / f"fast{round_number}", True, paths
        )
        (folder / LOCK_FILE).write_bytes(before)
        _, full_packages, full_lock, full_report = build_outputs(
            folder, tmp_path / f"full{round_number}", False, paths
        )
        what = f"round {round_number}: {edit.__name__}{' (one file)' if paths else ''}"
        assert fast_lock == full_lock, what
        assert fast_report == full_report, what
        assert fast_packages == full_packages, what
        if edit in NEVER_INCREMENTAL:
            assert not fast.incremental, what
        elif edit in PER_FILE and had_snapshot and not paths and not narrowed:
            assert fast.incremental, what  # (a snapshot of one file's build is for that build only)
        taken += fast.incremental
        narrowed = paths is not None
    assert taken  # every seed takes the fast path at least once


def test_an_incremental_rebuild_imports_into_anki(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = small_project(tmp_path)
    build_outputs(folder, tmp_path / "first", cached=True)
    (first_package,) = (tmp_path / "first").glob("*.apkg")
    edited = notes_of_project(folder)[2]
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\n- **Glacier vault lock** makes a policy immutable.\n",
        encoding="utf-8",
    )
    result, _packages, *_ = build_outputs(folder, tmp_path / "second", cached=True)
    assert result.incremental
    with collection(tmp_path / "anki") as col:
        import_package(col, first_package)
        before = {note.guid: note for note in notes_of(col)}
        import_package(col, next((tmp_path / "second").glob("*.apkg")))
        after = {note.guid: note for note in notes_of(col)}
    assert any("Glacier vault lock" in text for note in after.values() for text in note.fields.values())
    assert not any("Glacier vault lock" in text for note in before.values() for text in note.fields.values())
    assert before.keys() <= after.keys()  # every note kept its GUID: updated in place, none duplicated
    assert len(after) == len(result.cards) + len(result.removed)
