"""Outputs are written atomically, builds do not trample each other, and notes are never written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from ankigen.atomic import TEMP_SUFFIX, atomic_file
from tests.anki_helpers import collection, import_package, notes_of
from tests.conftest import REPO, RunCli
from tests.robust_helpers import tree_hashes


def _notes(folder: Path, version: str, sections: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    parts = [f"# Services {version}\n"]
    for i in range(sections):
        parts.append(f"\n## Service {i}\n\nService {i} keeps **item {i}** for version {version}.\n")
        parts.append(f"\n- It scales to **{i} units**.\n- It is billed per use.\n")
    (folder / "services.md").write_text("".join(parts), encoding="utf-8")


def _start_build(project: Path, out: Path) -> subprocess.Popen[bytes]:
    """`ankigen build` in its own process; what it says goes to project/build.log."""
    with (project / "build.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "ankigen", "build", "-o", str(out)],
            cwd=project,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


def _fronts(package: Path, scratch: Path) -> set[str]:
    with collection(scratch) as col:
        import_package(col, package)
        return {note.fields.get("Front") or note.fields["Text"] for note in notes_of(col)}


def _writing_into(pid: int, out: Path) -> bool:
    """Whether the process holds a file open in the output folder: it is writing the package."""
    try:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return False
    return any(link.startswith(f"{out}/") for link in links)


def _stopped(pid: int) -> bool:
    """Stop the process and wait until it is stopped; False when it has already ended."""
    try:
        os.kill(pid, signal.SIGSTOP)
        while True:
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                state = stat.read().rpartition(")")[2].split()[0]
            if state in ("T", "t"):
                return True
            if state in ("Z", "X"):
                return False
            time.sleep(0.0005)
    except (ProcessLookupError, FileNotFoundError):
        return False


def _only_package(out: Path) -> str:
    [package] = out.glob("*.apkg")
    return package.name


def _check_after_kill(out: Path, previous: bytes, package: str) -> bool:
    """The folder holds the previous package or a complete new one, and nothing partial."""
    leftovers = sorted(p.name for p in out.iterdir() if p.name != package)
    for name in leftovers:  # only possible between naming a complete temp file and the rename
        assert name.startswith(f".{package}.") and name.endswith(TEMP_SUFFIX), leftovers
        leftover = (out / name).read_bytes()
        assert zipfile.is_zipfile(out / name), (name, len(leftover), leftover[:4], leftover[-22:][:4])
        with zipfile.ZipFile(out / name) as archive:
            assert archive.testzip() is None
    data = (out / package).read_bytes()
    if data == previous:
        return True
    with zipfile.ZipFile(out / package) as archive:
        assert archive.testzip() is None
    return False


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see when a build writes")
def test_sigkill_at_any_moment_keeps_the_previous_package(project: Path, run_cli: RunCli) -> None:
    notes, out = project / "notes", project / "out"
    _notes(notes, "one", 3)
    assert run_cli("build", "-o", str(out), cwd=project).code == 0
    package = _only_package(out)
    previous = (out / package).read_bytes()
    before = _fronts(out / package, project / "col-before")
    _notes(notes, "two", 300)
    notes_before = tree_hashes(notes)

    # Moment one: while the package is being written, seen through the process's open files.
    caught_writing = False
    for _ in range(3):  # a fast machine may finish writing between two looks: try again
        if (out / package).read_bytes() != previous:
            (out / package).write_bytes(previous)
        build = _start_build(project, out)
        while build.poll() is None and not caught_writing:
            # Frozen while looked at: seen writing means still writing when the kill lands (a
            # build left running could finish and rename between the look and the kill).
            if not _stopped(build.pid):
                break
            caught_writing = _writing_into(build.pid, out)
            if not caught_writing:
                os.kill(build.pid, signal.SIGCONT)
                time.sleep(0.001)
        build.send_signal(signal.SIGKILL)
        build.wait()
        if caught_writing:
            break
    kept_previous = [_check_after_kill(out, previous, package)]
    # More moments, spread over a build from start to finish.
    started = time.monotonic()
    assert _start_build(project, out).wait() == 0
    duration = time.monotonic() - started
    after = _fronts(out / package, project / "col-after")
    kept_previous.append(False)
    for fraction in (0.3, 0.6, 0.9):
        if not kept_previous[-1]:  # a build finished: start again from the old package
            (out / package).write_bytes(previous)
        build = _start_build(project, out)
        time.sleep(duration * fraction)
        build.send_signal(signal.SIGKILL)
        build.wait()
        kept_previous.append(_check_after_kill(out, previous, package))

    assert caught_writing, "the build was never seen writing"
    assert kept_previous[0], "killed while writing, yet the package changed"
    assert tree_hashes(notes) == notes_before
    assert after != before
    assert _fronts(out / package, project / "col-last") in (before, after)


def test_concurrent_builds_into_one_folder(tmp_path: Path) -> None:
    projects = [tmp_path / "a", tmp_path / "b"]
    out = tmp_path / "shared-out"
    for project, version in zip(projects, ("alpha", "beta"), strict=True):
        _notes(project / "notes", version, 100)
    expected = []
    for project in projects:
        assert _start_build(project, project / "alone").wait() == 0
        package = _only_package(project / "alone")
        expected.append(_fronts(project / "alone" / package, project / "col"))
    for round_ in range(2):
        builds = [_start_build(project, out) for project in projects]
        for build in builds:
            assert build.wait() == 0, [(p / "build.log").read_text() for p in projects]
        assert sorted(p.name for p in out.iterdir()) == [package]
        assert _fronts(out / package, tmp_path / f"col-{round_}") in expected


def test_a_build_never_writes_to_the_notes_tree(project: Path, run_cli: RunCli) -> None:
    notes = project / "notes"
    _notes(notes / "deep" / "er", "x", 5)
    (notes / "outline.txt").write_text("Topic\n  point one\n  point two\n", encoding="utf-8")
    (notes / "latin.md").write_bytes("# Caf\xe9\n\nCaf\xe9 **cr\xe8me**.\n".encode("latin-1"))
    (notes / "empty.md").write_bytes(b"")
    (notes / "binary.md").write_bytes(bytes(range(256)))
    (notes / "img").mkdir()
    (notes / "img" / "d.png").write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
        )
    )
    (notes / "pic.md").write_text("# Pic\n\nSee ![d](img/d.png) here.\n", encoding="utf-8")
    (notes / "readonly.md").write_text("# RO\n\nRead **only**.\n", encoding="utf-8")
    (notes / "readonly.md").chmod(0o444)
    before = tree_hashes(notes)
    stamps = {p: p.stat().st_mtime_ns for p in notes.rglob("*")}
    assert run_cli("build", "-o", "out", "--report", "out/r.json", cwd=project).code == 1
    assert run_cli("check", cwd=project).code == 1
    assert run_cli("build", cwd=project).code == 1  # into the config's default, dist/
    assert tree_hashes(notes) == before
    assert {p: p.stat().st_mtime_ns for p in notes.rglob("*")} == stamps
    assert _only_package(project / "out") == _only_package(project / "dist")


def test_named_temp_file_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where O_TMPFILE is missing: a hidden temp file, removed when the write fails."""
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    target = tmp_path / "deck.apkg"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_file(target) as stream:
        stream.write(b"partial")
        [temp] = [p for p in tmp_path.iterdir() if p != target]
        assert temp.name.startswith(".deck.apkg.") and temp.name.endswith(TEMP_SUFFIX)
        raise RuntimeError("killed")
    assert sorted(tmp_path.iterdir()) == [target] and target.read_bytes() == b"old"
    abandoned = tmp_path / f".deck.apkg.dead{TEMP_SUFFIX}"
    abandoned.write_bytes(b"left by a killed build")
    os.utime(abandoned, (1, 1))
    recent = tmp_path / f".deck.apkg.live{TEMP_SUFFIX}"
    recent.write_bytes(b"another build, still writing")
    with atomic_file(target) as stream:
        stream.write(b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, recent.name])


def test_written_file_keeps_the_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "deck.apkg"
    with atomic_file(target) as stream:
        stream.write(b"x")
    umask = os.umask(0o022)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_decks_that_cannot_be_written_leave_the_lock_as_it_was(project: Path, run_cli: RunCli) -> None:
    """The new lock is written before the decks (so its entries can go), but put in place only
    after them: a build that fails to write a deck changes no file of the project."""
    notes = project / "notes" / "s3.md"
    notes.write_text("# Amazon S3\n\n- **Buckets** hold objects.\n", encoding="utf-8")
    assert run_cli("build", "-o", "out", cwd=project).code == 0
    lock = (project / "ankigen.lock").read_bytes()
    notes.write_text("# Amazon S3\n\n- **Buckets** hold objects.\n- **Versioning** keeps versions.\n")
    (project / "blocked").write_text("a file where the output folder should be", encoding="utf-8")
    result = run_cli("build", "-o", "blocked", cwd=project)
    assert result.code != 0 and "output folder is a file" in result.err
    assert (project / "ankigen.lock").read_bytes() == lock
    assert sorted(path.name for path in project.iterdir()) == [
        ".ankigen-cache",
        "ankigen.lock",
        "blocked",
        "notes",
        "out",
    ]
    assert run_cli("build", "-o", "out", cwd=project).code == 0  # and the next build writes it
    assert (project / "ankigen.lock").read_bytes() != lock
