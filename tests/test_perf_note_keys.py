"""A rebuild from the snapshot takes the unchanged files' package keys (`ankigen.note_keys`) from
it instead of working them out: the keys kept must be those of the notes as packaged, and a
rebuild must give the full path's bytes when the build's time moves on between builds."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from ankigen.classify import deck_name
from ankigen.config import load_config
from ankigen.lockfile import LOCK_FILE
from ankigen.package.notes import note_key
from ankigen.snapshot import Snapshot
from tests.incremental_edits import SNAPSHOT, build_outputs, notes_of_project, settle, small_project


def _snapshot(folder: Path) -> Snapshot:
    with (folder / SNAPSHOT).open("rb") as handle:
        _version, snapshot = pickle.load(handle)
    assert isinstance(snapshot, Snapshot)
    return snapshot


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_the_snapshot_keeps_each_notes_package_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = small_project(tmp_path)
    build_outputs(folder, tmp_path / "first", cached=True)
    settle(folder)
    _append(notes_of_project(folder)[1], "\n- **Snowball Edge** moves data offline in bulk.\n")
    result, *_ = build_outputs(folder, tmp_path / "second", cached=True)
    assert result.incremental
    config = load_config(folder)
    snapshot = _snapshot(folder)
    worked_out: dict[str, list[bytes]] = {}
    decks: dict[str, list[str]] = {}
    for card in result.cards:
        deck = deck_name(card, config)
        worked_out.setdefault(card.source.display, []).append(note_key(card, deck, 0.0))
        decks.setdefault(card.source.display, []).append(deck)
    assert set(snapshot.files) == set(worked_out)
    for display, state in snapshot.files.items():
        assert state.note_keys == b"".join(worked_out[display]), display
        assert state.decks == tuple(decks[display]), display


@pytest.mark.parametrize("epochs", [("1700000000", "1800000000"), ("1800000000", "1700000000")])
def test_rebuilds_at_another_time_give_what_the_full_path_gives(
    epochs: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = small_project(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epochs[0])
    build_outputs(folder, tmp_path / "first", cached=True)
    files = notes_of_project(folder)
    for round_number, edited in enumerate([files[0], files[-1], files[0]]):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epochs[(round_number + 1) % 2])
        settle(folder)
        _append(edited, f"\n- **Added point {round_number}** holds one more fact.\n")
        before = (folder / LOCK_FILE).read_bytes()
        fast, fast_packages, fast_lock, fast_report = build_outputs(
            folder, tmp_path / f"fast{round_number}", cached=True
        )
        assert fast.incremental, round_number
        (folder / LOCK_FILE).write_bytes(before)
        _, full_packages, full_lock, full_report = build_outputs(
            folder, tmp_path / f"full{round_number}", cached=False
        )
        assert (fast_lock, fast_report) == (full_lock, full_report), round_number
        assert fast_packages == full_packages, round_number


def test_keys_kept_for_another_deck_are_worked_out_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kept state whose decks do not match (as no build leaves it) is not trusted."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = small_project(tmp_path)
    build_outputs(folder, tmp_path / "first", cached=True)
    snapshot = _snapshot(folder)
    tampered = {
        display: state.__class__(
            state.key,
            state.guids,
            state.mtimes,
            state.keys,
            state.warnings,
            state.note_keys[16:] + state.note_keys[:16],  # each note with the next one's key
            tuple(f"{deck} elsewhere" for deck in state.decks),
        )
        for display, state in snapshot.files.items()
    }
    with (folder / SNAPSHOT).open("wb") as handle:
        version = 2
        pickle.dump((version, Snapshot(**{**snapshot.__dict__, "files": tampered})), handle)
    settle(folder)
    _append(notes_of_project(folder)[2], "\n- **Storage Gateway** bridges on-premises storage.\n")
    before = (folder / LOCK_FILE).read_bytes()
    fast, fast_packages, fast_lock, _ = build_outputs(folder, tmp_path / "fast", cached=True)
    assert fast.incremental
    (folder / LOCK_FILE).write_bytes(before)
    _, full_packages, full_lock, _ = build_outputs(folder, tmp_path / "full", cached=False)
    assert fast_lock == full_lock
    assert fast_packages == full_packages
