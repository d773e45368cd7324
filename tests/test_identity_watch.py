"""`ankigen watch` rebuilds on change, survives a bad file, and does not trigger itself."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ankigen.config import load_config
from ankigen.lockfile import read_lock
from ankigen.pipeline import BuildOptions
from ankigen.watch import Rebuild, summary, watch

NOTE = (
    "---\nexam: SAA-C03\n---\n# Compute\n\n## AWS Lambda\n\n"
    "Lambda runs functions; a call lasts at most **15 minutes**.\n"
)
QUIET = 1.5  # seconds with no event that show the watch is idle


@pytest.fixture
def watching(project: Path) -> Iterator[queue.Queue[Rebuild]]:
    """A watch over the whole project (so its own output lies inside what it watches)."""
    (project / "notes" / "lambda.md").write_text(NOTE, encoding="utf-8")
    events: queue.Queue[Rebuild] = queue.Queue()
    stop = threading.Event()
    config = load_config(project)
    options = BuildOptions(project / "dist")
    thread = threading.Thread(
        target=watch, args=([project], config, options, events.put, stop, 50), daemon=True
    )
    thread.start()
    try:
        yield events
    finally:
        stop.set()
        thread.join(timeout=10)
        assert not thread.is_alive()


def after(events: queue.Queue[Rebuild], change: Callable[[], object]) -> Rebuild:
    """The rebuild a change causes; repeats the change until the watcher, starting up, sees it."""
    for _ in range(20):
        change()
        try:
            return events.get(timeout=1)
        except queue.Empty:
            continue
    raise AssertionError("the watch never rebuilt")


def test_watch_rebuilds_and_survives_a_bad_file(project: Path, watching: queue.Queue[Rebuild]) -> None:
    first = watching.get(timeout=30)
    assert first.result is not None and not first.changed and len(first.result.cards) == 2
    assert "built 2 notes in 1 packages: 2 new" in summary(first)

    notes = project / "notes"
    edited = after(
        watching, lambda: (notes / "lambda.md").write_text(NOTE + "\nMore text.\n", encoding="utf-8")
    )
    assert edited.result is not None and edited.changed == ("notes/lambda.md",)
    assert "1 changed" in summary(edited)
    # writing the decks and the lock file did not start another build
    with pytest.raises(queue.Empty):
        watching.get(timeout=QUIET)

    # a file that cannot be read: reported, the other notes still built, the watch goes on
    broken = after(watching, lambda: (notes / "bad.md").symlink_to(project / "nowhere.md"))
    assert broken.result is not None and len(broken.result.cards) == 2
    errors = [d.message for d in broken.result.diagnostics if d.severity == "error"]
    assert len(errors) == 1 and "cannot read" in errors[0]
    assert "1 errors" in summary(broken)
    fixed = after(watching, lambda: (notes / "bad.md").unlink())
    assert fixed.result is not None and not fixed.result.diagnostics
    assert {entry.title for entry in read_lock(project).entries} >= {"AWS Lambda"}


def test_summary_of_a_failed_build_names_the_error() -> None:
    line = summary(Rebuild(("notes/a.md",), error="notes: no such file or folder"), clock=lambda: 0.0)
    assert line.endswith("build failed (notes/a.md): notes: no such file or folder")
