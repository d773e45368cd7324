"""Per-file work across processes gives exactly the serial result, in the same order."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ankigen import progress
from ankigen.config import load_config
from ankigen.discover import discover
from ankigen.parallel import RunOptions, run_files
from ankigen.pipeline import check, process_file
from bench.corpus import CorpusSpec, generate


def test_parallel_equals_serial_on_generated_notes(tmp_path: Path) -> None:
    folder = generate(CorpusSpec(240), tmp_path)
    config = load_config(folder)
    sources = discover([folder / "notes"], config.root)
    serial = run_files(process_file, sources, config, RunOptions(workers=1))
    parallel = run_files(process_file, sources, config, RunOptions(workers=2))
    assert [r.document.source for r in parallel] == sources
    assert parallel == serial


def test_parallel_equals_serial_on_real_corpus(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # notes are stamped with the build time
    config = load_config(tmp_path)
    serial = check([corpus], config, use_lock=False, run=RunOptions(workers=1))
    parallel = check([corpus], config, use_lock=False, run=RunOptions(workers=3))
    assert parallel == serial
    assert parallel.cards


def test_progress_only_on_a_terminal_and_never_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("CI", raising=False)
    assert progress.terminal_progress(io.StringIO()) is None
    monkeypatch.setattr(progress, "SHOW_AFTER_SECONDS", 0.0)
    screen = Terminal()
    start = progress.terminal_progress(screen)
    assert start is not None
    tick = start(4)
    tick(1)
    tick(3)
    assert "Reading notes" in screen.getvalue() and "4/4" in screen.getvalue()
    monkeypatch.setenv("CI", "true")
    assert progress.terminal_progress(Terminal()) is None
