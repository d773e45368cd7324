"""Shortcuts a rebuild takes must give exactly what the long way gives."""

from __future__ import annotations

import gc
import html
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


def test_rebuild_with_cached_fields_writes_the_same_package(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = generate(CorpusSpec(200), tmp_path)
    _build(run_cli, folder, tmp_path / "first")
    edited = folder / "notes" / "0001.md"
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\n- **Edited** one more fact.\n", encoding="utf-8"
    )
    cached = _build(run_cli, folder, tmp_path / "cached")
    fresh = _build(run_cli, folder, tmp_path / "fresh", "--no-cache")
    assert cached == fresh
    with collection(tmp_path / "anki") as col:
        import_package(col, next((tmp_path / "cached").glob("*.apkg")))
        assert any("Edited" in text for note in notes_of(col) for text in note.fields.values())


def test_cached_files_without_a_collection_to_reuse_write_the_same_package(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = generate(CorpusSpec(100), tmp_path)
    _build(run_cli, folder, tmp_path / "first")
    shutil.rmtree(folder / CACHE_DIR / "packages")  # every note written by genanki from cached fields
    cached = _build(run_cli, folder, tmp_path / "cached")
    fresh = _build(run_cli, folder, tmp_path / "fresh", "--no-cache")
    assert cached == fresh


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
