"""Bad input and bad places to write: one clear line naming the file, the right exit code, nothing lost."""

from __future__ import annotations

import os
import sqlite3
import zipfile
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from ankigen.model import Document, SourceFile
from ankigen.parse import parse_file
from tests.conftest import RunCli
from tests.media_support import write
from tests.robust_helpers import build_and_import, visible_text

GOOD = "# Compute\n\n## Amazon EC2\n\nVirtual servers billed by the **second**.\n"


def _write(project: Path, name: str, data: str | bytes) -> Path:
    return write(project / "notes" / name, data)


def _one_line_each(err: str) -> list[str]:
    lines = err.strip().splitlines()
    assert "Traceback" not in err
    return lines


def _seen_text(project: Path, run_cli: RunCli, *args: str) -> tuple[int, str, str]:
    built = build_and_import(project, run_cli, *args)
    text = " ".join(visible_text(value) for note in built.notes for value in note.fields.values())
    return built.code, built.err, text


@pytest.mark.parametrize("command", ["build", "check"])
def test_missing_path(project: Path, run_cli: RunCli, command: str) -> None:
    _write(project, "good.md", GOOD)
    result = run_cli(command, "notes", "notes/typo.md", cwd=project)
    assert result.code == 1
    assert _one_line_each(result.err) == ["ankigen: notes/typo.md: no such file or folder"]


def test_binary_file_is_an_error_and_the_others_still_build(project: Path, run_cli: RunCli) -> None:
    _write(project, "good.md", GOOD)
    _write(project, "diagram.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300))
    code, err, text = _seen_text(project, run_cli)
    assert code == 1
    assert _one_line_each(err) == ["notes/diagram.md: binary file, not text"]
    assert "Virtual servers billed by the second" in text


def test_unreadable_entries_are_errors_and_never_hang(project: Path, run_cli: RunCli) -> None:
    _write(project, "good.md", GOOD)
    (project / "notes" / "dangling.md").symlink_to(project / "gone.md")
    os.mkfifo(project / "notes" / "pipe.md")  # reading it would wait for a writer forever
    code, err, text = _seen_text(project, run_cli)
    assert code == 1
    assert _one_line_each(err) == [
        "gone.md: cannot read file: No such file or directory",  # discovery names the link target
        "notes/pipe.md: cannot read file: not a regular file",
    ]
    assert "Virtual servers billed by the second" in text


def test_empty_file_is_a_warning_and_strict_writes_nothing(project: Path, run_cli: RunCli) -> None:
    _write(project, "good.md", GOOD)
    assert run_cli("build", "-o", "out", cwd=project).code == 0
    previous = {p.name: p.read_bytes() for p in (project / "out").iterdir()}
    _write(project, "blank.md", "\n  \n\t\n")
    _write(project, "good.md", GOOD + "\n## Amazon ECS\n\nContainers.\n")
    result = run_cli("build", "-o", "out", cwd=project)
    assert result.code == 0 and _one_line_each(result.err) == ["notes/blank.md: empty file: no cards"]
    rebuilt = {p.name: p.read_bytes() for p in (project / "out").iterdir()}
    assert rebuilt.keys() == previous.keys() and rebuilt != previous
    _write(project, "good.md", GOOD)
    strict = run_cli("build", "-o", "out", "--strict", cwd=project)
    assert strict.code == 1
    assert _one_line_each(strict.err) == [
        "notes/blank.md: empty file: no cards",
        "ankigen: --strict: 0 error(s), 1 warning(s); no decks written",
    ]
    assert {p.name: p.read_bytes() for p in (project / "out").iterdir()} == rebuilt


def test_an_exception_in_one_file_spares_the_others(
    project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection: whatever a stage raises for one file becomes an error about that file."""

    def parse_or_fail(source: SourceFile, md: MarkdownIt | None = None) -> Document:
        if source.path.name == "cursed.md":
            raise ValueError("stage failed\non two lines")
        return parse_file(source, md)

    monkeypatch.setattr("ankigen.per_file.parse_file", parse_or_fail)
    _write(project, "good.md", GOOD)
    _write(project, "cursed.md", GOOD.replace("EC2", "Lambda"))
    code, err, text = _seen_text(project, run_cli)
    assert code == 1
    assert _one_line_each(err) == [
        "notes/cursed.md: could not be turned into cards (ValueError: stage failed on two lines); "
        "no cards from this file"
    ]
    assert "Amazon EC2" in text and "Lambda" not in text
    debug = run_cli("build", "-o", "out", "--debug", cwd=project)
    assert "Traceback" in debug.err and 'raise ValueError("stage failed' in debug.err
    assert run_cli("build", "-o", "out2", "--strict", cwd=project).code == 1
    assert not (project / "out2").exists()


ENCODED = {
    "latin-1.md": ("# Café\n\nLe café est très bon, une façade naïve.\n", "latin-1"),
    "utf-16.md": ("# Unicode\n\nSchlüssel, 東京, Ελληνικά — “quoted”.\n", "utf-16"),
    "utf-8-bom.md": ("# Bom\n\nA file saved by Notepad, with “quotes”.\n", "utf-8-sig"),
}


@pytest.mark.parametrize("name", sorted(ENCODED))
def test_encodings_are_detected_said_and_kept(project: Path, run_cli: RunCli, name: str) -> None:
    text, encoding = ENCODED[name]
    _write(project, name, text.encode(encoding))
    code, err, seen = _seen_text(project, run_cli)
    assert code == 0, err
    body = text.split("\n\n", 1)[1].strip()
    assert body in seen
    if encoding == "utf-8-sig":
        assert err == "" and "\ufeff" not in seen
    else:
        assert _one_line_each(err)[0].startswith(f"notes/{name}: not UTF-8; decoded as ")


def test_mojibake_is_repaired_and_said(project: Path, run_cli: RunCli) -> None:
    """UTF-8 once mis-read as Windows-1252 and saved again as UTF-8."""
    text = "# Café\n\nThe café costs €5 — \u2018yes\u2019.\n"
    _write(project, "moji.md", text.encode("utf-8").decode("cp1252").encode("utf-8"))
    code, err, seen = _seen_text(project, run_cli)
    assert code == 0
    assert "The café costs €5 — \u2018yes\u2019." in seen
    assert "notes/moji.md:1: repaired mis-encoded text on 2 line(s)" in err


def test_windows_1252_smart_quotes_are_kept(project: Path, run_cli: RunCli) -> None:
    text = "# Quotes\n\nShe said “hello” — it costs €5… and it\u2019s naïve.\n"
    _write(project, "cp1252.md", text.encode("cp1252"))
    _, err, seen = _seen_text(project, run_cli)
    assert "She said “hello” — it costs €5… and it\u2019s naïve." in seen
    assert "decoded as cp1252" in err


@pytest.mark.parametrize(
    "config,expected",
    [
        ("output = [\n", "ankigen.toml: invalid TOML"),
        ('output = "dist"\nsplitt = "exam"\n', "ankigen.toml:2: splitt: unknown key"),
        ('split = "everything"\n', "ankigen.toml:1: split: expected 'exam' or 'domain'"),
    ],
)
def test_config_errors(project: Path, run_cli: RunCli, config: str, expected: str) -> None:
    _write(project, "good.md", GOOD)
    (project / "ankigen.toml").write_text(config, encoding="utf-8")
    result = run_cli("build", cwd=project)
    assert result.code == 1
    [line] = _one_line_each(result.err)
    assert line.startswith("ankigen: ") and expected in line


def test_missing_explicit_config(project: Path, run_cli: RunCli) -> None:
    result = run_cli("check", "--config", "nope.toml", cwd=project)
    assert result.code == 1 and _one_line_each(result.err) == ["ankigen: nope.toml: config file not found"]


def test_unwritable_outputs(project: Path, run_cli: RunCli) -> None:
    _write(project, "good.md", GOOD)
    assert run_cli("build", "-o", "scratch", cwd=project).code == 0
    [package] = [p.name for p in (project / "scratch").glob("*.apkg")]
    (project / "taken").write_text("a file", encoding="utf-8")
    cases = {
        ("-o", "taken"): "ankigen: taken: the output folder is a file",
        ("-o", "taken/sub"): f"ankigen: taken/sub: cannot write {package}: Not a directory",
        ("-o", "out", "--report", "missing/r.json"): "ankigen: missing/r.json: cannot write the report:",
    }
    (project / "blocked" / package).mkdir(parents=True)
    cases["-o", "blocked"] = f"ankigen: blocked/{package}: is a folder, so the deck cannot be written there"
    for args, expected in cases.items():
        result = run_cli("build", *args, cwd=project)
        assert result.code == 1, args
        [line] = _one_line_each(result.err)
        assert line.startswith(expected), line
    assert (project / "taken").read_text(encoding="utf-8") == "a file"


def test_usage_errors_exit_2(project: Path, run_cli: RunCli) -> None:
    assert run_cli("build", "--split", "nonsense", cwd=project).code == 2
    assert run_cli("build", "--report", "notes", cwd=project).code == 2


def test_written_package_is_a_valid_anki_package(project: Path, run_cli: RunCli) -> None:
    _write(project, "good.md", GOOD)
    assert run_cli("build", "-o", "out", cwd=project).code == 0
    [package] = (project / "out").glob("*.apkg")
    with zipfile.ZipFile(package) as archive:
        assert archive.testzip() is None
        assert sorted(archive.namelist()) == ["collection.anki2", "media"]
        (project / "col.db").write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(project / "col.db") as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)
        assert db.execute("select count(*) from notes").fetchone() == (2,)


def test_an_internal_error_is_one_line_unless_debug(
    project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection past the per-file stages: a bug still ends in one line and exit 1."""

    def broken(*args: object) -> None:
        raise KeyError("the classifier broke")

    monkeypatch.setattr("ankigen.per_file.classify_cards", broken)
    _write(project, "good.md", GOOD)
    result = run_cli("build", "-o", "out", cwd=project)
    assert result.code == 1
    assert _one_line_each(result.err) == [
        "ankigen: internal error: KeyError: 'the classifier broke' (--debug shows more)"
    ]
    debug = run_cli("build", "-o", "out", "--debug", cwd=project)
    assert debug.code == 1 and "Traceback" in debug.err and "the classifier broke" in debug.err
    assert not (project / "out").exists()


def test_debug_shows_the_traceback_of_a_user_error(project: Path, run_cli: RunCli) -> None:
    (project / "ankigen.toml").write_text("output = [\n", encoding="utf-8")
    plain = run_cli("check", cwd=project)
    debug = run_cli("check", "--debug", cwd=project)
    assert plain.code == debug.code == 1
    assert "Traceback" not in plain.err and "Traceback" in debug.err
    assert plain.err.strip().splitlines()[-1] == debug.err.strip().splitlines()[-1]


def test_a_file_that_fails_is_not_taken_for_removed_notes(project: Path, run_cli: RunCli) -> None:
    """Notes of a file that cannot be read this time are neither flagged removed nor dropped from
    the lock: once the file reads again, nothing has changed."""
    _write(project, "good.md", GOOD)
    _write(project, "other.md", GOOD.replace("EC2", "Lambda"))
    assert run_cli("build", "-o", "out", cwd=project).code == 0
    lock = (project / "ankigen.lock").read_bytes()
    _write(project, "other.md", b"\x00\x01 not text any more")
    code, err, text = _seen_text(project, run_cli)
    assert code == 1 and "ankigen::removed" not in err
    assert "Amazon EC2" in text and "Removed from your notes" not in text
    assert (project / "ankigen.lock").read_bytes() == lock
    _write(project, "other.md", GOOD.replace("EC2", "Lambda"))
    assert run_cli("build", "-o", "out", cwd=project).code == 0
    assert (project / "ankigen.lock").read_bytes() == lock


def test_a_folder_that_cannot_be_read_is_an_error_and_the_rest_still_builds(
    project: Path, run_cli: RunCli
) -> None:
    """A folder nested past the system's path length limit cannot be listed, even by root (for
    whom permission bits would not stop it): the build names it and builds everything else."""
    _write(project, "ok.md", GOOD)
    before = Path.cwd()
    os.chdir(project / "notes")
    try:
        for _ in range(20):  # 20 x 250 characters: past PATH_MAX (4096) on every common system
            os.mkdir("d" * 250)
            os.chdir("d" * 250)
        Path("deep.md").write_text(GOOD, encoding="utf-8")
    finally:
        os.chdir(before)
    result = run_cli("build", "-o", "out", "--no-lock", "--no-cache", cwd=project)
    assert result.code == 1
    assert "cannot read folder" in result.err
    assert list((project / "out").glob("*.apkg")), "the readable file still builds"
