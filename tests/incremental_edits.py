"""A small generated project and the edits the differential tests of incremental rebuilds
make to it (`tests/test_perf_incremental*.py`)."""

from __future__ import annotations

import json
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from ankigen.cache import CACHE_DIR
from ankigen.config import load_config
from ankigen.lockfile import LOCK_FILE
from ankigen.model import BuildResult
from ankigen.parallel import RunOptions
from ankigen.pipeline import BuildOptions, build
from ankigen.reporting import build_report
from bench.corpus import CorpusSpec, generate

SNAPSHOT = Path(CACHE_DIR) / "snapshot" / "build.pickle"
_SECTIONS_PER_PART = 12


def small_project(tmp_path: Path) -> Path:
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


def build_outputs(
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


def notes_of_project(folder: Path) -> list[Path]:
    return sorted(path for path in (folder / "notes").glob("*.md") if path.is_file())


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def _write(path: Path, lines: list[str]) -> None:
    path.write_text("".join(lines), encoding="utf-8")


def _pick(rng: random.Random, path: Path, pattern: str) -> int | None:
    hits = [i for i, line in enumerate(_lines(path)) if re.match(pattern, line)]
    return rng.choice(hits) if hits else None


def add_bullet(rng: random.Random, folder: Path) -> None:
    path = rng.choice(notes_of_project(folder))
    lines = _lines(path)
    at = _pick(rng, path, r"- ")
    bullet = f"- **Added term {rng.randrange(1000)}** keeps one more fact.\n"
    lines.insert(at if at is not None else len(lines), bullet)
    _write(path, lines)


def remove_bullet(rng: random.Random, folder: Path) -> None:
    path = rng.choice(notes_of_project(folder))
    at = _pick(rng, path, r"\s*- ")
    if at is not None:
        lines = _lines(path)
        del lines[at]
        _write(path, lines)


def _extend_line(rng: random.Random, folder: Path, pattern: str, ending: Callable[[], str]) -> None:
    """One line of a random notes file that matches `pattern`, with `ending()` added to it."""
    path = rng.choice(notes_of_project(folder))
    at = _pick(rng, path, pattern)
    if at is not None:
        lines = _lines(path)
        lines[at] = lines[at].rstrip("\n") + ending() + "\n"
        _write(path, lines)


def edit_bullet(rng: random.Random, folder: Path) -> None:
    _extend_line(rng, folder, r"\s*- .*\*\*", lambda: f" Also true in region {rng.randrange(9)}.")


def edit_answer(rng: random.Random, folder: Path) -> None:
    _extend_line(rng, folder, r"A: |### Q: ", lambda: " (reworded)")


def rename_heading(rng: random.Random, folder: Path) -> None:
    _extend_line(rng, folder, r"#{2,3} ", lambda: " revisited")


def _section(rng: random.Random, path: Path) -> tuple[list[str], int, int] | None:
    lines = _lines(path)
    starts = [i for i, line in enumerate(lines) if line.startswith("### ")]
    if not starts:
        return None
    start = rng.choice(starts)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("#")), len(lines))
    return lines, start, end


def _copy_section(rng: random.Random, folder: Path, *, keep: bool) -> None:
    """A `###` section of one notes file appended to another; dropped from the first unless `keep`."""
    if len(notes_of_project(folder)) < 2:
        return
    source, target = rng.sample(notes_of_project(folder), 2)
    found = _section(rng, source)
    if found:
        lines, start, end = found
        _write(target, [*_lines(target), "\n", *lines[start:end]])
        if not keep:
            _write(source, lines[:start] + lines[end:])


def move_section(rng: random.Random, folder: Path) -> None:
    _copy_section(rng, folder, keep=False)


def duplicate_question(rng: random.Random, folder: Path) -> None:
    _copy_section(rng, folder, keep=True)


def repeat_section(rng: random.Random, folder: Path) -> None:
    """A section written twice in its file, the second time a little different: notes that share
    a key, told apart by content (and a warning)."""
    path = rng.choice(notes_of_project(folder))
    found = _section(rng, path)
    if found:
        lines, start, end = found
        again = [line.replace(" is ", " is still ", 1) for line in lines[start:end]]
        _write(path, [*lines[:end], "\n", *again, *lines[end:]])


def copy_file(rng: random.Random, folder: Path) -> None:
    """Every question of a file asked again in another: keys shared across files."""
    source = rng.choice(notes_of_project(folder))
    shutil.copy(source, source.with_name(f"{rng.randrange(100, 999)}-copy.md"))


def copy_heading(rng: random.Random, folder: Path) -> None:
    """One section written again in another file under the same headings."""
    if len(notes_of_project(folder)) < 2:
        return
    source, target = rng.sample(notes_of_project(folder), 2)
    found = _section(rng, source)
    if found:
        lines, start, end = found
        heads = [line for line in lines[:start] if re.match(r"#{1,2} ", line)]
        _write(target, [*_lines(target), "\n", *heads[:1], "\n", *heads[-1:], "\n", *lines[start:end]])


def break_file(rng: random.Random, folder: Path) -> None:
    """A notes file that cannot be read (a dangling link): its notes are not shipped as removed."""
    if len(notes_of_project(folder)) <= 3:  # it goes in the next round: some files are kept
        return
    path = rng.choice(notes_of_project(folder))
    path.unlink()
    path.symlink_to(folder / "nowhere.md")


def settle(folder: Path) -> None:
    """A copied or unreadable file lasts one round, then it is deleted (so that it does not keep
    every later round on the full path)."""
    for path in (folder / "notes").glob("*.md"):
        if path.name.endswith("-copy.md") or not path.exists():
            path.unlink()


def delete_file(rng: random.Random, folder: Path) -> None:
    if len(notes_of_project(folder)) > 3:
        rng.choice(notes_of_project(folder)).unlink()


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
