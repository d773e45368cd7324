"""The collection lives in files, not in memory: a scratch file beside the .apkg, moved into the
build cache (or removed), and ATTACHed from there by the next build."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest

from ankigen.cache import CACHE_DIR
from ankigen.package.previous import load_previous
from bench.corpus import CorpusSpec, generate
from tests.anki_helpers import collection, import_package, notes_of
from tests.conftest import RunCli

EPOCH = 1_700_000_000


def _build(run_cli: RunCli, folder: Path, out: Path, *extra: str) -> bytes:
    result = run_cli("build", "notes", "-o", str(out), *extra, cwd=folder)
    assert result.code == 0, result.err
    assert [path.name for path in out.iterdir()] == ["aws-saa-c03.apkg"]  # no scratch file left
    return (out / "aws-saa-c03.apkg").read_bytes()


def _entry(folder: Path) -> list[Path]:
    """The files of the package's cache entry: its manifest first, then its collection."""
    return sorted((folder / CACHE_DIR / "packages").glob("*/*"), key=lambda path: path.suffix, reverse=True)


def _zipped_collection(package: bytes, tmp_path: Path) -> bytes:
    path = tmp_path / "package.apkg"
    path.write_bytes(package)
    with zipfile.ZipFile(path) as archive:
        return archive.read("collection.anki2")


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    return generate(CorpusSpec(60), tmp_path / "corpus")


def test_the_cache_keeps_the_zipped_collection_as_one_file(
    folder: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    package = _build(run_cli, folder, tmp_path / "first")
    manifest, kept = _entry(folder)
    assert (manifest.suffix, kept.suffix) == (".pickle", ".anki2")
    assert kept.read_bytes() == _zipped_collection(package, tmp_path)
    previous = load_previous(folder / CACHE_DIR, "aws-saa-c03.apkg")
    assert previous is not None and previous.collection == kept
    with sqlite3.connect(kept) as connection:  # a plain SQLite file, its notes those of the manifest
        ids = {nid for (nid,) in connection.execute("SELECT id FROM notes")}
    assert ids == {nid for nid, _ in previous.notes.values()}
    notes = folder / "notes" / "0000.md"
    notes.write_text(
        notes.read_text(encoding="utf-8") + "\n- **Late term** one more fact.\n", encoding="utf-8"
    )
    again = _build(run_cli, folder, tmp_path / "again")
    assert again == _build(run_cli, folder, tmp_path / "cold", "--no-cache")
    assert again != package
    newer = _entry(folder)  # the earlier collection gone, the new one kept
    assert len(newer) == 2 and kept not in newer
    assert newer[1].read_bytes() == _zipped_collection(again, tmp_path)


def test_a_damaged_or_missing_collection_file_is_a_miss(
    folder: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    first = _build(run_cli, folder, tmp_path / "first")
    _, kept = _entry(folder)
    data = kept.read_bytes()
    middle = len(data) // 2
    kept.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    assert load_previous(folder / CACHE_DIR, "aws-saa-c03.apkg") is None
    assert _build(run_cli, folder, tmp_path / "damaged") == first
    assert kept.read_bytes() == data  # written again whole
    kept.unlink()
    assert load_previous(folder / CACHE_DIR, "aws-saa-c03.apkg") is None
    assert _build(run_cli, folder, tmp_path / "missing") == first
    assert kept.read_bytes() == data


def test_the_package_streamed_from_its_file_reaches_anki(
    folder: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    _build(run_cli, folder, tmp_path / "out", "--no-cache")
    assert not (folder / CACHE_DIR / "packages").exists()
    with collection(tmp_path / "anki") as col:
        import_package(col, tmp_path / "out" / "aws-saa-c03.apkg")
        seen = notes_of(col)
        assert len(seen) > 100
        assert len({note.guid for note in seen}) == len(seen)
