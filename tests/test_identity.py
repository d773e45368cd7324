"""Identity in detail: the lock file, cloze numbers, pins, duplicates, removed notes, reproducible bytes."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from ankigen.clozes import renumber
from ankigen.errors import InputError
from ankigen.lockfile import LOCK_FILE, parse_lock, read_lock
from ankigen.similarity import cloze_terms
from tests.anki_helpers import collection, import_package, notes_of
from tests.conftest import RunCli
from tests.test_regeneration import COMPUTE, STORAGE, write_notes

EC2 = """\
---
exam: SAA-C03
---
# Compute

## Amazon EC2

EC2 rents virtual machines by the second.

![instance types](types.png)

- **Reserved Instances** trade a one- or three-year commitment for a lower price.

## AWS Lambda

Lambda runs functions on demand; a call may last up to **15 minutes**.
"""


def write(project: Path, name: str, text: str) -> None:
    path = project / "notes" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def build(run_cli: RunCli, project: Path, *args: str) -> str:
    result = run_cli("build", *args, cwd=project)
    assert result.code == 0, result.err
    return result.out + result.err


def lock_guids(project: Path) -> dict[str, str]:
    """note key -> GUID, from the lock file."""
    return {entry.key: entry.guid for entry in read_lock(project).entries if not entry.removed}


@pytest.fixture
def ec2_project(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    write(project, "ec2.md", EC2)
    Image.new("RGB", (4, 3), "navy").save(project / "notes" / "types.png")
    return project


def test_same_epoch_same_bytes(ec2_project: Path, run_cli: RunCli, tmp_path: Path) -> None:
    build(run_cli, ec2_project, "-o", "one")
    build(run_cli, ec2_project, "-o", "two")
    first, second = sorted((ec2_project / "one").glob("*.apkg")), sorted((ec2_project / "two").glob("*.apkg"))
    assert first and [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
        with zipfile.ZipFile(a) as archive:
            infos = archive.infolist()
            assert [i.filename for i in infos] == ["collection.anki2", "media", "0"]
            assert {i.date_time for i in infos} == {(2023, 11, 14, 22, 13, 20)}


def test_mtimes_come_from_the_lock_not_the_clock(
    ec2_project: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(run_cli, ec2_project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700009999")
    write(ec2_project, "ec2.md", EC2.replace("by the second", "billed per second"))
    build(run_cli, ec2_project)
    mtimes = {entry.title: entry.mtime for entry in read_lock(ec2_project).entries if entry.kind == "qa"}
    assert mtimes == {"Amazon EC2": 1700009999, "AWS Lambda": 1700000000}
    with collection(tmp_path / "anki") as col:
        import_package(col, next((ec2_project / "dist").glob("*.apkg")))
        db = col.db
        assert db is not None
        assert sorted(set(db.list("select mod from notes"))) == [1700000000, 1700009999]


def test_locked_fails_when_the_lock_is_stale_and_writes_nothing(ec2_project: Path, run_cli: RunCli) -> None:
    result = run_cli("build", "--locked", cwd=ec2_project)
    assert result.code == 1 and "ankigen.lock is out of date" in result.err
    assert not (ec2_project / LOCK_FILE).exists() and not (ec2_project / "dist").exists()
    build(run_cli, ec2_project)
    lock = (ec2_project / LOCK_FILE).read_text(encoding="utf-8")
    assert run_cli("build", "--locked", cwd=ec2_project).code == 0
    write(ec2_project, "ec2.md", EC2 + "\n## Amazon ECS\n\nECS schedules containers on a cluster.\n")
    result = run_cli("build", "--locked", cwd=ec2_project)
    assert result.code == 1 and "1 new, 0 changed, 0 removed" in result.err
    assert (ec2_project / LOCK_FILE).read_text(encoding="utf-8") == lock
    assert run_cli("build", "--locked", "--no-lock", cwd=ec2_project).code == 2


def test_no_lock_neither_reads_nor_writes_it(ec2_project: Path, run_cli: RunCli) -> None:
    build(run_cli, ec2_project, "--no-lock")
    assert not (ec2_project / LOCK_FILE).exists()


def test_the_notes_tree_is_never_written(ec2_project: Path, run_cli: RunCli) -> None:
    before = {p: p.stat().st_mtime_ns for p in (ec2_project / "notes").rglob("*")}
    build(run_cli, ec2_project)
    build(run_cli, ec2_project)
    assert {p: p.stat().st_mtime_ns for p in (ec2_project / "notes").rglob("*")} == before


def test_removed_note_is_tagged_and_comes_back_with_its_guid(ec2_project: Path, run_cli: RunCli) -> None:
    build(run_cli, ec2_project)
    guids = lock_guids(ec2_project)
    without_lambda = EC2.split("## AWS Lambda")[0]
    write(ec2_project, "ec2.md", without_lambda)
    out = build(run_cli, ec2_project)
    assert "2 notes no longer in your notes" in out and "tag:ankigen::removed" in out
    removed = [entry for entry in read_lock(ec2_project).entries if entry.removed]
    assert len(removed) == 2 and all(entry.mtime == 1700000001 for entry in removed)
    write(ec2_project, "ec2.md", EC2)
    out = build(run_cli, ec2_project)
    assert "no longer in your notes" not in out
    assert lock_guids(ec2_project) == guids


def test_a_pinned_section_keeps_its_guid_through_rename_move_and_rewrite(
    project: Path, run_cli: RunCli
) -> None:
    write(
        project, "a.md", "# Databases\n\n## Amazon RDS\n<!-- id: rds -->\n\nRDS runs managed SQL engines.\n"
    )
    build(run_cli, project)
    (guid,) = lock_guids(project).values()
    (project / "notes" / "a.md").unlink()
    write(project, "b.md", "# Data\n\n## Relational\n<!-- id: rds -->\n\nFully different words now.\n")
    build(run_cli, project)
    assert list(lock_guids(project).values()) == [guid]


def test_different_pins_are_different_notes(project: Path, run_cli: RunCli) -> None:
    write(project, "a.md", "# Db\n\n## RDS\n<!-- id: one -->\n\nRDS runs managed SQL engines for you.\n")
    build(run_cli, project)
    (old,) = lock_guids(project).values()
    write(project, "a.md", "# Db\n\n## RDS\n<!-- id: two -->\n\nRDS runs managed SQL engines for you.\n")
    build(run_cli, project)
    assert old not in lock_guids(project).values()


def test_two_notes_wanting_one_guid_are_told_apart_with_a_warning(
    project: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    text = "# Networking\n\n## VPC\n\nA private network in one Region.\n\n## VPC\n\nSubnets live in one AZ.\n"
    write(project, "net.md", text)
    result = run_cli("build", cwd=project)
    assert result.code == 0 and "two notes would get one GUID" in result.err
    first = {e.text: e.guid for e in read_lock(project).entries}
    assert len(set(first.values())) == 2
    # deterministic: swapping the two sections keeps each body with its GUID
    swapped = (
        "# Networking\n\n## VPC\n\nSubnets live in one AZ.\n\n## VPC\n\nA private network in one Region.\n"
    )
    write(project, "net.md", swapped)
    assert run_cli("build", cwd=project).code == 0
    assert {e.text: e.guid for e in read_lock(project).entries} == first
    with collection(tmp_path / "anki") as col:
        import_package(col, next((project / "dist").glob("*.apkg")))
        seen = notes_of(col)
        assert len(seen) == 2 and len({note.guid for note in seen}) == 2


def test_cloze_numbers_follow_terms_and_are_never_reused() -> None:
    text, table = renumber("{{c1::gp3}} beats {{c2::gp2}}", ())
    assert table == (("gp2", 2), ("gp3", 1))
    text, table = renumber("{{c1::gp2}} lost to {{c2::gp3}}", table)
    assert text == "{{c2::gp2}} lost to {{c1::gp3}}"
    text, table = renumber("{{c1::gp3}} beats {{c2::io2}}", table)
    assert text == "{{c1::gp3}} beats {{c3::io2}}"  # gp2's number 2 stays retired
    text, _ = renumber("{{c1::<b>GP3</b>}} and {{c2::gp2::a hint}}", table)
    assert text == "{{c1::<b>GP3</b>}} and {{c2::gp2::a hint}}"


def test_lock_merge_conflicts_keep_both_sides_and_the_newer_note() -> None:
    line = '{{"guid": "{g}", "key": "k{g}", "kind": "qa", "fp": "{fp}", "mod": {mod}}}'
    text = "\n".join(
        [
            "<<<<<<< ours",
            line.format(g="agA", fp="1", mod=10),
            line.format(g="agB", fp="1", mod=10),
            "=======",
            line.format(g="agA", fp="2", mod=20),
            line.format(g="agC", fp="1", mod=10),
            ">>>>>>> theirs",
        ]
    )
    lock = parse_lock(text)
    assert [(e.guid, e.mtime) for e in lock.entries] == [("agA", 20), ("agB", 10), ("agC", 10)]
    assert lock.diagnostics and lock.diagnostics[0].line == 1


def test_unreadable_lock_line_names_file_and_line() -> None:
    with pytest.raises(InputError, match=r"ankigen.lock:3: unreadable lock entry"):
        parse_lock('# header\n\n{"guid": "agA", "kind": "qa"}\n')


def rekey_lock(project: Path) -> dict[str, str]:
    """Rewrite every key in the lock, as a change to the extract rules would; returns key -> GUID."""
    path = project / LOCK_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    guids = {}
    rewritten = []
    for line in lines:
        if line.startswith("{"):
            data = json.loads(line)
            guids[data["key"]] = data["guid"]
            data["key"] = "an-older-rule|" + data["key"][::-1]
            line = json.dumps(data, ensure_ascii=False)
        rewritten.append(line)
    path.write_text("\n".join(rewritten) + "\n", encoding="utf-8")
    return guids


def test_every_note_keeps_its_guid_when_the_rules_change_every_key(project: Path, run_cli: RunCli) -> None:
    write_notes(project, {"storage.md": STORAGE, "compute.md": COMPUTE})
    build(run_cli, project)
    before = rekey_lock(project)
    build(run_cli, project)
    assert lock_guids(project) == before


def test_the_corpus_keeps_every_guid_when_the_rules_change_every_key(
    corpus: Path, project: Path, run_cli: RunCli
) -> None:
    for source in corpus.iterdir():
        shutil.copyfile(source, project / "notes" / source.name)
    build(run_cli, project)
    before = rekey_lock(project)
    run_cli("build", cwd=project)
    after = {e.key: e.guid for e in read_lock(project).entries if not e.removed}
    assert after == before


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(["gp2", "gp3", "io1", "io2", "st1", "sc1"]), unique=True), max_size=6)
)
def test_a_term_keeps_its_number_and_numbers_are_never_reused(rebuilds: list[list[str]]) -> None:
    """Across any sequence of rebuilds of one cloze note, in any term order."""
    table: tuple[tuple[str, int], ...] = ()
    owner: dict[int, str] = {}
    for terms in rebuilds:
        text = " ".join(f"{{{{c{i}::{term}}}}}" for i, term in enumerate(terms, start=1))
        renumbered, table = renumber(text, table)
        for number, term in cloze_terms(renumbered):
            assert owner.setdefault(number, term) == term
        assert len({n for _, n in table}) == len(table)


def test_building_one_folder_leaves_the_other_folders_notes_alone(
    ec2_project: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    write(ec2_project, "saa/storage.md", STORAGE)
    build(run_cli, ec2_project, "-o", "all")
    before = read_lock(ec2_project).entries
    assert any(entry.source == "notes/saa/storage.md" for entry in before)

    # only the Compute notes: the Storage notes are neither matched nor shipped as removed
    out = build(run_cli, ec2_project, "notes/ec2.md", "-o", "part")
    assert "ankigen::removed" not in out
    assert read_lock(ec2_project).entries == before
    with collection(tmp_path / "col") as col:
        for package in sorted((ec2_project / "part").glob("*.apkg")):
            import_package(col, package)
        notes = notes_of(col)
    assert notes and not any("ankigen::removed" in note.tags for note in notes)
    assert not any("notes/saa/storage.md" in note.fields.get("Source", "") for note in notes)

    # a file deleted inside the folder built is still a removal
    (ec2_project / "notes" / "saa" / "storage.md").unlink()
    out = build(run_cli, ec2_project, "notes/saa", "-o", "gone")
    removed = [entry for entry in read_lock(ec2_project).entries if entry.removed]
    assert removed and {entry.source for entry in removed} == {"notes/saa/storage.md"}
