"""End to end through the CLI and into a real Anki collection."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from ankigen import __version__
from ankigen.cli import cli
from tests.anki_helpers import collection, import_package, notes_of
from tests.conftest import REPO, RunCli

NOTE = """\
# Storage

## Amazon S3

Object storage in **buckets**.

- Objects up to **5 TB** each.
- **Versioning** keeps old versions.
"""


def write(project: Path, name: str, text: str) -> Path:
    path = project / "notes" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_build_imports_into_real_anki(project: Path, run_cli: RunCli, tmp_path: Path) -> None:
    write(project, "s3.md", NOTE)
    result = run_cli("build", "-o", "out", cwd=project)
    assert result.code == 0, result.err
    packages = sorted((project / "out").glob("*.apkg"))
    assert len(packages) == 1
    assert packages[0].name in result.out
    with collection(tmp_path / "col") as col:
        import_package(col, packages[0])
        notes = notes_of(col)
    kinds = sorted(note.notetype for note in notes)
    assert kinds.count("ankigen Q/A") == 1
    assert kinds.count("ankigen Cloze") == 3
    topic = next(note for note in notes if note.notetype == "ankigen Q/A")
    assert "Storage › Amazon S3" in topic.fields["Front"]
    assert "<li>" in topic.fields["Back"] and "**" not in topic.fields["Back"]
    assert topic.fields["Source"] == "notes/s3.md:3"
    clozes = [note.fields["Text"] for note in notes if note.notetype == "ankigen Cloze"]
    assert any("{{c1::5 TB}}" in text for text in clozes)
    for note in notes:
        assert {tag.split("::")[0] for tag in note.tags} >= {"exam", "domain", "service", "source"}
        assert all("::" in deck for deck in note.decks)


def test_report_and_warning_format(project: Path, run_cli: RunCli) -> None:
    write(project, "s3.md", NOTE + "\n![diagram](missing.png)\n")
    result = run_cli("build", "-o", "out", "--report", "report.json", cwd=project)
    assert result.code == 0
    assert "notes/s3.md:10: image not found: missing.png" in result.err
    report = json.loads((project / "report.json").read_text())
    assert report["notes"] == sum(deck["notes"] for deck in report["decks"]) > 0
    assert report["warnings"] == [
        {"file": "notes/s3.md", "line": 10, "message": "image not found: missing.png", "severity": "warning"}
    ]


def test_strict_turns_warnings_into_exit_1(project: Path, run_cli: RunCli) -> None:
    write(project, "s3.md", NOTE + "\n![diagram](missing.png)\n")
    assert run_cli("build", "-o", "out", "--strict", cwd=project).code == 1
    assert run_cli("check", "--strict", cwd=project).code == 1


def test_check_writes_nothing(project: Path, run_cli: RunCli) -> None:
    write(project, "s3.md", NOTE)
    result = run_cli("check", cwd=project)
    assert result.code == 0
    assert "notes/s3.md: 1 Q/A, 3 cloze" in result.out
    assert not (project / "dist").exists()


def test_missing_path_is_one_line_error(project: Path, run_cli: RunCli) -> None:
    result = run_cli("build", "nowhere", cwd=project)
    assert result.code == 1
    assert result.err.strip() == "ankigen: nowhere: no such file or folder"


def test_usage_error_exits_2(run_cli: RunCli) -> None:
    assert run_cli("build", "--no-such-option").code == 2
    assert run_cli("frobnicate").code == 2


def test_version(run_cli: RunCli) -> None:
    result = run_cli("--version")
    assert result.code == 0 and __version__ in result.out


def _commands(group: click.Group) -> list[tuple[str, click.Command]]:
    return [(name, command) for name, command in sorted(group.commands.items())]


@pytest.mark.parametrize("name,command", _commands(cli))
def test_every_command_has_help(name: str, command: click.Command, run_cli: RunCli) -> None:
    assert command.help and len(command.help) > 40
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{name} {param.name} has no help"
    result = run_cli(name, "--help")
    assert result.code == 0 and "Usage:" in result.out


def test_python_dash_m_works() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "ankigen", "--help"], capture_output=True, text=True, cwd=REPO
    )
    assert done.returncode == 0 and "build" in done.stdout


def test_shipped_notes_build(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("build", str(REPO / "notes"), "-o", str(tmp_path / "dist"), "--no-lock", cwd=REPO)
    assert result.code == 0, result.err
    with collection(tmp_path / "col") as col:
        for package in sorted((tmp_path / "dist").glob("*.apkg")):
            import_package(col, package)
        assert col.note_count() >= 20


def test_notes_named_by_absolute_path_outside_the_project_ship_no_absolute_path(
    project: Path, run_cli: RunCli, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp_path = tmp_path_factory.mktemp("outside")
    elsewhere = tmp_path / "elsewhere" / "course"
    elsewhere.mkdir(parents=True)
    (elsewhere / "s3.md").write_text(NOTE, encoding="utf-8")
    result = run_cli("build", str(elsewhere), "-o", "out", "--no-lock", cwd=project)
    assert result.code == 0, result.err
    with collection(tmp_path / "col") as col:
        for package in (project / "out").glob("*.apkg"):
            import_package(col, package)
        sources = {note.fields.get("Source", "") for note in notes_of(col)}
    assert sources and all(source.startswith("course/s3.md:") for source in sources), sources


def test_a_plain_outline_with_front_matter_builds_into_its_exam_and_domain(
    project: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    outline = "Amazon S3\n\tobject storage service\n\t. buckets hold objects\n\t.. up to 5 TB each\n"
    write(project, "s3.txt", "---\nexam: SAA-C03\ndomain: Storage\n---\n" + outline)
    result = run_cli("build", "-o", "out", "--no-lock", cwd=project)
    assert result.code == 0, result.err
    with collection(tmp_path / "col") as col:
        import_package(col, project / "out" / "aws-saa-c03.apkg")
        notes = notes_of(col)
    assert [note.fields["Source"] for note in notes] == ["notes/s3.txt:5"]
    assert "Amazon S3" in notes[0].fields["Front"] and "buckets hold objects" in notes[0].fields["Back"]
    assert "exam::saa-c03" in notes[0].tags and "domain::storage" in notes[0].tags
    assert notes[0].decks == ["AWS SAA-C03 Solutions Architect Associate::Storage"]
