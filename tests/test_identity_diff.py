"""`ankigen diff` predicts exactly what Anki's importer then does."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from tests.anki_helpers import collection, import_package
from tests.conftest import RunCli
from tests.test_regeneration import COMPUTE, STORAGE, build, edited_notes, write_notes


def rename_qa_field(package: Path, target: Path) -> None:
    """A copy of `package` whose Q/A note type has a renamed field, as if someone changed it."""
    with zipfile.ZipFile(package) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    database = target.with_suffix(".anki2")
    database.write_bytes(members["collection.anki2"])
    connection = sqlite3.connect(database)
    (models_json,) = connection.execute("select models from col").fetchone()
    models = json.loads(models_json)
    for model in models.values():
        if model["name"] == "ankigen Q/A":
            model["flds"][1]["name"] = "Answer"
    connection.execute("update col set models = ?", (json.dumps(models),))
    connection.execute("update notes set mod = mod + 1000")
    connection.commit()
    connection.close()
    members["collection.anki2"] = database.read_bytes()
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def import_without_merging(col: Collection, package: Path) -> object:
    """Import as Anki does by default: "merge note types" off."""
    options = ImportAnkiPackageOptions(with_scheduling=True, merge_notetypes=False)
    return col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options))


def anki_counts(log: object) -> dict[str, int]:
    return {kind: len(getattr(log, kind)) for kind in ("new", "updated", "duplicate", "conflicting")}


def predicted(run_cli: RunCli, old: Path, new: Path) -> dict[str, list[dict[str, str]]]:
    result = run_cli("diff", str(old), str(new), "--format", "json")
    assert result.code == 0, result.err
    data: dict[str, list[dict[str, str]]] = json.loads(result.out)
    return data


@pytest.fixture
def two_builds(
    tmp_path: Path, project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path]:
    write_notes(project, {"storage.md": STORAGE, "compute.md": COMPUTE})
    (first,) = build(run_cli, project, monkeypatch, 1_700_000_000)
    old = tmp_path / "old.apkg"
    shutil.copyfile(first, old)
    write_notes(project, edited_notes())
    (new,) = build(run_cli, project, monkeypatch, 1_700_000_100)
    return old, new


def test_diff_matches_what_anki_does(two_builds: tuple[Path, Path], run_cli: RunCli, tmp_path: Path) -> None:
    old, new = two_builds
    prediction = predicted(run_cli, old, new)
    assert [n["label"] for n in prediction["removed"]] == ["Amazon FSx"]
    with collection(tmp_path / "anki") as col:
        import_package(col, old)
        counts = anki_counts(import_package(col, new).log)  # type: ignore[attr-defined]
    assert counts == {
        "new": len(prediction["added"]),
        "updated": len(prediction["updated"]) + len(prediction["removed"]),
        "duplicate": len(prediction["skipped"]),
        "conflicting": 0,
    }
    assert counts["new"] == 2 and counts["updated"] == 12 and counts["duplicate"] > 0
    text = run_cli("diff", str(old), str(new), cwd=tmp_path).out
    assert text.startswith("2 added, 11 updated, 1 marked removed,")
    assert "marked removed:\n" in text and "Glacier" in text


def test_diff_predicts_conflicts_from_a_changed_note_type(
    two_builds: tuple[Path, Path], run_cli: RunCli, tmp_path: Path
) -> None:
    old, new = two_builds
    changed = tmp_path / "changed.apkg"
    rename_qa_field(new, changed)
    prediction = predicted(run_cli, old, changed)
    with collection(tmp_path / "anki") as col:
        import_package(col, old)
        counts = anki_counts(import_without_merging(col, changed).log)  # type: ignore[attr-defined]
    assert counts["conflicting"] == len(prediction["conflicting"]) == 8
    assert counts["new"] == len(prediction["added"])
    assert counts["updated"] == len(prediction["updated"]) + len(prediction["removed"])
    assert counts["duplicate"] == len(prediction["skipped"])


def test_diff_reports_an_unreadable_package(tmp_path: Path, run_cli: RunCli) -> None:
    bogus = tmp_path / "bogus.apkg"
    bogus.write_text("not a zip", encoding="utf-8")
    result = run_cli("diff", str(bogus), str(bogus))
    assert result.code == 1 and "bogus.apkg: cannot read package" in result.err
