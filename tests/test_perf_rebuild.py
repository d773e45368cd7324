"""Shortcuts a rebuild takes must give exactly what the long way gives."""

from __future__ import annotations

import gc
import html
import pickle
import shutil
from pathlib import Path

import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ankigen.cache import CACHE_DIR
from ankigen.gc_pause import paused_gc
from ankigen.similarity import plain_text
from bench.corpus import CorpusSpec, generate
from tests.anki_helpers import collection, import_package, notes_of
from tests.conftest import RunCli


def parsed_plain_text(markup: str) -> str:
    """`plain_text` the long way: always through the HTML parser."""
    return " ".join(html.unescape(nh3.clean(markup.replace("<", " <"), tags=set())).split())


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8")))
def test_plain_text_matches_the_html_parser_on_any_text(text: str) -> None:
    assert plain_text(text) == parsed_plain_text(text)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_characters="<&\x00\ufeff", codec="utf-8")))
def test_plain_text_without_markup_skips_nothing_the_parser_would_change(text: str) -> None:
    assert plain_text(text) == parsed_plain_text(text)


def test_plain_text_edge_cases() -> None:
    for text in [
        "\ufeffBOM first",
        "a\r\nb",
        "x\x0cy\x0b",
        "a > b",
        "non\xa0breaking",
        "a\x00b",
        "&amp; <b>x</b>",
    ]:
        assert plain_text(text) == parsed_plain_text(text)


def _build(run_cli: RunCli, folder: Path, out: Path, *extra: str) -> bytes:
    result = run_cli("build", "notes", "-o", str(out), *extra, cwd=folder)
    assert result.code == 0, result.err
    (package,) = out.glob("*.apkg")
    return package.read_bytes()


def test_rebuild_with_remembered_fields_writes_the_same_package(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = generate(CorpusSpec(200), tmp_path)
    _build(run_cli, folder, tmp_path / "first")
    (memo_file,) = (folder / CACHE_DIR / "fields").glob("*.pickle")
    remembered = pickle.loads(memo_file.read_bytes())
    assert len(remembered) > 200  # every field of every note, sanitised once
    edited = folder / "notes" / "0001.md"
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\n- **Edited** one more fact.\n", encoding="utf-8"
    )
    from_memo = _build(run_cli, folder, tmp_path / "memo")
    fresh = _build(run_cli, folder, tmp_path / "fresh", "--no-cache")
    assert from_memo == fresh
    with collection(tmp_path / "anki") as col:
        import_package(col, next((tmp_path / "memo").glob("*.apkg")))
        assert any("Edited" in text for note in notes_of(col) for text in note.fields.values())


def test_a_damaged_field_memo_is_ignored(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = generate(CorpusSpec(100), tmp_path)
    _build(run_cli, folder, tmp_path / "first")
    (memo_file,) = (folder / CACHE_DIR / "fields").glob("*.pickle")
    memo_file.write_bytes(memo_file.read_bytes()[:100])
    shutil.rmtree(folder / CACHE_DIR / "packages")  # no collection to reuse: every field is sanitised
    damaged = _build(run_cli, folder, tmp_path / "damaged")
    fresh = _build(run_cli, folder, tmp_path / "fresh", "--no-cache")
    assert damaged == fresh
    assert len(pickle.loads(memo_file.read_bytes())) > 100  # rewritten whole


def test_a_build_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path, run_cli: RunCli) -> None:
    folder = generate(CorpusSpec(100), tmp_path)
    assert gc.isenabled()
    _build(run_cli, folder, tmp_path / "out")
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_gc():
        assert not gc.isenabled()
        raise RuntimeError("a failing stage")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # a caller that paused it keeps it paused
    finally:
        gc.enable()
