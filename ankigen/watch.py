"""`ankigen watch`: rebuild whenever the notes change, one summary line per rebuild.

Changes are debounced by watchfiles, so an editor's burst of writes makes one rebuild.  A build
that fails (an unreadable file, a folder that vanished) is reported and the watch goes on: the
next save that fixes it rebuilds.  The build's own output (the decks, the lock file) is not
watched, or every build would start the next.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from threading import Event

import watchfiles

from ankigen.atomic import is_temporary
from ankigen.config import Config
from ankigen.errors import AnkigenError
from ankigen.lockfile import LOCK_FILE
from ankigen.model import BuildResult
from ankigen.pipeline import BuildOptions, build

__all__ = ["NotesFilter", "Rebuild", "rebuild", "summary", "watch"]


@dataclass(frozen=True)
class Rebuild:
    """One build the watch ran: its result, or the error that stopped it."""

    changed: tuple[str, ...]  # the files whose change started it (empty for the first build)
    result: BuildResult | None = None
    error: str = ""


class NotesFilter(watchfiles.DefaultFilter):
    """watchfiles' default filter (no VCS folders, editor swap files), minus the build's output."""

    def __init__(self, out_dir: Path, root: Path) -> None:
        super().__init__(ignore_paths=[out_dir.resolve(), (root / LOCK_FILE).resolve()])

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        name = Path(path).name
        return bool(super().__call__(change, path)) and not is_temporary(name)


def rebuild(
    paths: Sequence[Path], config: Config, options: BuildOptions, changed: tuple[str, ...]
) -> Rebuild:
    try:
        return Rebuild(changed, build(paths, config, options))
    except AnkigenError as exc:
        return Rebuild(changed, error=str(exc))
    except Exception as exc:  # a bug in one stage must not end a long-running watch
        return Rebuild(changed, error=f"internal error: {exc!r} (run `ankigen build --debug` for details)")


def summary(event: Rebuild, clock: Callable[[], float] = time.time) -> str:
    when = time.strftime("%H:%M:%S", time.localtime(clock()))
    what = f"{len(event.changed)} files changed" if len(event.changed) != 1 else event.changed[0]
    cause = f" ({what})" if event.changed else ""
    if event.result is None:
        return f"{when} build failed{cause}: {event.error}"
    result = event.result
    counts = ", ".join(f"{n} {kind}" for kind, n in result.counts.items() if n)
    errors = sum(d.severity == "error" for d in result.diagnostics)
    problems = [f"{errors} errors"] if errors else []
    problems += [f"{len(result.diagnostics) - errors} warnings"] if len(result.diagnostics) > errors else []
    return (
        f"{when} built {len(result.cards)} notes in {len(result.decks)} packages{cause}"
        + (f": {counts}" if counts else ": no note changed")
        + (f"; {', '.join(problems)} (run `ankigen check`)" if problems else "")
    )


def watch(
    paths: Sequence[Path],
    config: Config,
    options: BuildOptions,
    report: Callable[[Rebuild], None],
    stop: Event | None = None,
    debounce_ms: int = 400,
) -> None:
    """Build once, then again after every change under `paths`, until `stop` is set."""
    report(rebuild(paths, config, options, ()))
    watched = [path for path in paths if path.exists()] or [config.root]
    for changes in watchfiles.watch(
        *watched,
        watch_filter=NotesFilter(options.out_dir, config.root),
        debounce=debounce_ms,
        stop_event=stop,
        raise_interrupt=False,
    ):
        changed = tuple(sorted({_display(path, config.root) for _, path in changes}))
        report(rebuild(paths, config, options, changed))


def _display(path: str, root: Path) -> str:
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return path
