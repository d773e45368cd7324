"""A rebuild that works out identity for the changed files only must give exactly what the full
path gives: the same .apkg bytes, the same lock bytes and the same report, round after round
of random edits (differential test against `--no-cache` builds from the same starting state)."""

from __future__ import annotations

import json
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from ankigen.cache import CACHE_DIR
from ankigen.config import load_config
from ankigen.errors import LockError
from ankigen.lockfile import LOCK_FILE
from ankigen.model import BuildResult
from ankigen.parallel import RunOptions
from ankigen.pipeline import BuildOptions, build
from ankigen.reporting import build_report
from bench.corpus import CorpusSpec, generate
from tests.anki_helpers import collection, import_package, notes_of

_SNAPSHOT = Path(CACHE_DIR) / "snapshot" / "build.pickle"
_SECTIONS_PER_PART = 12


def _project(tmp_path: Path) -> Path:
    """A small generated project: the bench corpus's notes cut into files of a dozen sections."""
    generated = generate(CorpusSpec(100, seed=11), tmp_path / "generated")
    folder = tmp_path / "project"
    (folder / "notes").mkdir(parents=True)
    shutil.copytree(generated / "images", folder / "images")
    shutil.copy(generated / "ankigen.toml", folder / "ankigen.toml")
    number = 0
    for source in sorted((generated / "notes").glob("*.md")):
        text = source.read_text(encoding="utf-8")
        head, *sections = re.split(r"(?m)^(?=## )", text)
        for start in range(0, len(sections), _SECTIONS_PER_PART):
            number += 1
            part = head if start == 0 else head.split("\n# ", 1)[0] + f"\n# Part {number}\n\n"
            body = "".join(sections[start : start + _SECTIONS_PER_PART])
            (folder / "notes" / f"{number:03d}.md").write_text(part + body, encoding="utf-8")
    return folder


def _build(
    folder: Path, out: Path, cached: bool, paths: list[Path] | None = None
) -> tuple[BuildResult, dict[str, bytes], bytes, str]:
    config = load_config(folder)
    run = RunOptions(cache_dir=folder / CACHE_DIR if cached else None, workers=1)
    result = build(paths or [folder / "notes"], config, BuildOptions(out, run=run))
    packages = {path.name: path.read_bytes() for path in sorted(out.glob("*.apkg"))}
    report = build_report(result)
    for deck in report["decks"]:
        deck["file"] = Path(deck["file"]).name
    lock = (folder / LOCK_FILE).read_bytes() if (folder / LOCK_FILE).exists() else b""
    return result, packages, lock, json.dumps(report, indent=1)


def _notes(folder: Path) -> list[Path]:
    return sorted(path for path in (folder / "notes").glob("*.md") if path.is_file())


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def _write(path: Path, lines: list[str]) -> None:
    path.write_text("".join(lines), encoding="utf-8")


def _pick(rng: random.Random, path: Path, pattern: str) -> int | None:
    hits = [i for i, line in enumerate(_lines(path)) if re.match(pattern, line)]
    return rng.choice(hits) if hits else None


def add_bullet(rng: random.Random, folder: Path) -> None:
    path = rng.choice(_notes(folder))
    lines = _lines(path)
    at = _pick(rng, path, r"- ")
    bullet = f"- **Added term {rng.randrange(1000)}** keeps one more fact.\n"
    lines.insert(at if at is not None else len(lines), bullet)
    _write(path, lines)


def remove_bullet(rng: random.Random, folder: Path) -> None:
    path = rng.choice(_notes(folder))
    at = _pick(rng, path, r"\s*- ")
    if at is not None:
        lines = _lines(path)
        del lines[at]
        _write(path, lines)


def edit_bullet(rng: random.Random, folder: Path) -> None:
    path = rng.choice(_notes(folder))
    at = _pick(rng, path, r"\s*- .*\*\*")
    if at is not None:
        lines = _lines(path)
        lines[at] = lines[at].rstrip("\n") + f" Also true in region {rng.randrange(9)}.\n"
        _write(path, lines)


def edit_answer(rng: random.Random, folder: Path) -> None:
    path = rng.choice(_notes(folder))
    at = _pick(rng, path, r"A: |### Q: ")
    if at is not None:
        lines = _lines(path)
        lines[at] = lines[at].rstrip("\n") + " (reworded)\n"
        _write(path, lines)


def rename_heading(rng: random.Random, folder: Path) -> None:
    path = rng.choice(_notes(folder))
    at = _pick(rng, path, r"#{2,3} ")
    if at is not None:
        lines = _lines(path)
        lines[at] = lines[at].rstrip("\n") + " revisited\n"
        _write(path, lines)


def _section(rng: random.Random, path: Path) -> tuple[list[str], int, int] | None:
    lines = _lines(path)
    starts = [i for i, line in enumerate(lines) if line.startswith("### ")]
    if not starts:
        return None
    start = rng.choice(starts)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("#")), len(lines))
    return lines, start, end


def move_section(rng: random.Random, folder: Path) -> None:
    if len(_notes(folder)) < 2:
        return
    source, target = rng.sample(_notes(folder), 2)
    found = _section(rng, source)
    if found:
        lines, start, end = found
        _write(target, [*_lines(target), "\n", *lines[start:end]])
        _write(source, lines[:start] + lines[end:])


def duplicate_question(rng: random.Random, folder: Path) -> None:
    if len(_notes(folder)) < 2:
        return
    source, target = rng.sample(_notes(folder), 2)
    found = _section(rng, source)
    if found:
        lines, start, end = found
        _write(target, [*_lines(target), "\n", *lines[start:end]])


def repeat_section(rng: random.Random, folder: Path) -> None:
    """A section written twice in its file, the second time a little different: notes that share
    a key, told apart by content (and a warning)."""
    path = rng.choice(_notes(folder))
    found = _section(rng, path)
    if found:
        lines, start, end = found
        again = [line.replace(" is ", " is still ", 1) for line in lines[start:end]]
        _write(path, [*lines[:end], "\n", *again, *lines[end:]])


def copy_file(rng: random.Random, folder: Path) -> None:
    """Every question of a file asked again in another: keys shared across files."""
    source = rng.choice(_notes(folder))
    shutil.copy(source, source.with_name(f"{rng.randrange(100, 999)}-copy.md"))


def copy_heading(rng: random.Random, folder: Path) -> None:
    """One section written again in another file under the same headings."""
    if len(_notes(folder)) < 2:
        return
    source, target = rng.sample(_notes(folder), 2)
    found = _section(rng, source)
    if found:
        lines, start, end = found
        heads = [line for line in lines[:start] if re.match(r"#{1,2} ", line)]
        _write(target, [*_lines(target), "\n", *heads[:1], "\n", *heads[-1:], "\n", *lines[start:end]])


def break_file(rng: random.Random, folder: Path) -> None:
    """A notes file that cannot be read (a dangling link): its notes are not shipped as removed."""
    path = rng.choice(_notes(folder))
    path.unlink()
    path.symlink_to(folder / "nowhere.md")


def _settle(folder: Path) -> None:
    """A copied or unreadable file lasts one round, then it is deleted (so that it does not keep
    every later round on the full path)."""
    for path in (folder / "notes").glob("*.md"):
        if path.name.endswith("-copy.md") or not path.exists():
            path.unlink()


def delete_file(rng: random.Random, folder: Path) -> None:
    if len(_notes(folder)) > 3:
        rng.choice(_notes(folder)).unlink()


def add_file(rng: random.Random, folder: Path) -> None:
    number = rng.randrange(100, 999)
    text = (
        f"# Added notes {number}\n\n## Amazon S3 batch {number}\n\n"
        f"**Object lock {number}** keeps versions for a retention period.\n\n"
        f"- **Legal hold {number}** has no expiry.\n\n### Q: What does lifecycle rule {number} do?\n\n"
        "A: It moves objects to a cheaper class.\n"
    )
    (folder / "notes" / f"{number}-added.md").write_text(text, encoding="utf-8")


def hand_edit_lock(rng: random.Random, folder: Path) -> None:
    path = folder / LOCK_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = rng.randrange(3, len(lines))
    entry = json.loads(lines[at])
    entry["mod"] += 1  # as a merge would leave it: valid, just not what the last build wrote
    lines[at] = json.dumps(entry) + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def change_config(rng: random.Random, folder: Path) -> None:
    path = folder / "ankigen.toml"
    text = re.sub(r'(?m)^deck_prefix = ".*"\n', "", path.read_text(encoding="utf-8"))
    path.write_text(f'deck_prefix = "Cert{rng.randrange(100)}"\n' + text, encoding="utf-8")


def no_change(rng: random.Random, folder: Path) -> None:
    pass


Edit = Callable[[random.Random, Path], None]
# Edits after which, from a build that left a snapshot, the changed files are worked on alone
PER_FILE: tuple[Edit, ...] = (add_bullet, remove_bullet, edit_bullet, edit_answer, no_change)
EDITS: tuple[Edit, ...] = (
    *PER_FILE,
    rename_heading,
    repeat_section,
    move_section,
    duplicate_question,
    copy_file,
    copy_heading,
    break_file,
    delete_file,
    add_file,
    hand_edit_lock,
    change_config,
)
NEVER_INCREMENTAL: tuple[Edit, ...] = (hand_edit_lock, change_config)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_rebuilds_from_the_snapshot_give_what_the_full_path_gives(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    rng = random.Random(seed)
    folder = _project(tmp_path)
    first, *_ = _build(folder, tmp_path / "first", cached=True)
    assert not first.incremental and (folder / _SNAPSHOT).is_file()
    taken, narrowed = 0, False
    for round_number in range(10):
        _settle(folder)
        edit = rng.choice(EDITS)
        edit(rng, folder)
        # now and then a build of one file only: the others' notes must stay as they are
        paths = [rng.choice(_notes(folder))] if rng.random() < 0.15 else None
        had_snapshot = (folder / _SNAPSHOT).is_file()
        before = (folder / LOCK_FILE).read_bytes()
        fast, fast_packages, fast_lock, fast_report = _build(
            folder, tmp_path / f"fast{round_number}", True, paths
        )
        (folder / LOCK_FILE).write_bytes(before)
        _, full_packages, full_lock, full_report = _build(
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
    folder = _project(tmp_path)
    _build(folder, tmp_path / "first", cached=True)
    (first_package,) = (tmp_path / "first").glob("*.apkg")
    edited = _notes(folder)[2]
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\n- **Glacier vault lock** makes a policy immutable.\n",
        encoding="utf-8",
    )
    result, _packages, *_ = _build(folder, tmp_path / "second", cached=True)
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


def _options(folder: Path, out: Path, **changes: object) -> BuildOptions:
    run = RunOptions(cache_dir=folder / CACHE_DIR, workers=1)
    return BuildOptions(out, run=run, **changes)  # type: ignore[arg-type]


def test_builds_that_leave_the_lock_as_it_was_leave_no_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = _project(tmp_path)
    config = load_config(folder)
    notes = [folder / "notes"]
    _build(folder, tmp_path / "first", cached=True)
    add_bullet(random.Random(5), folder)
    with pytest.raises(LockError):  # --locked, and the lock is out of date: nothing written
        build(notes, config, _options(folder, tmp_path / "locked", lock="locked"))
    assert not (folder / _SNAPSHOT).exists()
    assert not _build(folder, tmp_path / "after-locked", cached=True)[0].incremental
    assert (folder / _SNAPSHOT).is_file()
    # --no-lock: the lock is neither read nor written, and the snapshot does not survive it
    build(notes, config, _options(folder, tmp_path / "no-lock", lock="ignore"))
    assert not (folder / _SNAPSHOT).exists()
    assert not _build(folder, tmp_path / "after-no-lock", cached=True)[0].incremental
    # --strict with a warning: no deck, no lock, no snapshot
    broken = _notes(folder)[0]
    broken.write_text(broken.read_text(encoding="utf-8") + "\n![gone](../images/missing.png)\n", "utf-8")
    strict = build(notes, config, _options(folder, tmp_path / "strict", strict=True))
    assert strict.diagnostics and not strict.decks and not (folder / _SNAPSHOT).exists()
    # and from there, the next rebuilds are the full path's, then incremental again
    before = (folder / LOCK_FILE).read_bytes()
    _, full_packages, full_lock, full_report = _build(folder, tmp_path / "full", cached=False)
    (folder / LOCK_FILE).write_bytes(before)
    again, packages, lock, report = _build(folder, tmp_path / "again", cached=True)
    assert (packages, lock, report) == (full_packages, full_lock, full_report)
    assert not again.incremental
    edit_bullet(random.Random(6), folder)
    assert _build(folder, tmp_path / "last", cached=True)[0].incremental


def test_notes_sharing_a_key_in_one_file_keep_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = _project(tmp_path)
    rng = random.Random(8)
    repeat_section(rng, folder)
    repeat_section(rng, folder)
    first, *_ = _build(folder, tmp_path / "first", cached=True)
    shared = [d for d in first.diagnostics if "would get one GUID" in d.message]
    assert shared and (folder / _SNAPSHOT).is_file()
    untouched = {d.path for d in shared}
    for round_number in range(3):
        path = next(p for p in _notes(folder) if str(p.relative_to(folder)) not in untouched)
        path.write_text(path.read_text(encoding="utf-8") + f"\n- **Edit {round_number}** here.\n", "utf-8")
        before = (folder / LOCK_FILE).read_bytes()
        fast, *fast_outputs = _build(folder, tmp_path / f"fast{round_number}", cached=True)
        (folder / LOCK_FILE).write_bytes(before)
        _, *full_outputs = _build(folder, tmp_path / f"full{round_number}", cached=False)
        assert fast.incremental and fast_outputs == full_outputs
        assert [d for d in fast.diagnostics if "would get one GUID" in d.message] == shared


def test_the_real_notes_rebuild_from_the_snapshot(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = tmp_path / "real"
    shutil.copytree(corpus, folder / "notes")
    shutil.copy(Path(__file__).parent.parent / "ankigen.toml", folder / "ankigen.toml")
    first, *_ = _build(folder, tmp_path / "first", cached=True)
    assert any("would get one GUID" in d.message for d in first.diagnostics)  # a heading written twice
    for round_number, path in enumerate(sorted((folder / "notes").iterdir())[:2]):
        path.write_text(path.read_text(encoding="utf-8") + "\n- one more point on **Amazon S3**\n", "utf-8")
        before = (folder / LOCK_FILE).read_bytes()
        fast, *fast_outputs = _build(folder, tmp_path / f"fast{round_number}", cached=True)
        (folder / LOCK_FILE).write_bytes(before)
        _, *full_outputs = _build(folder, tmp_path / f"full{round_number}", cached=False)
        assert fast.incremental and fast_outputs == full_outputs
