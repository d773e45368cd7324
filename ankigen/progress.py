"""A progress bar for long builds, on a terminal only: CI logs and pipes stay quiet."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import TextIO

import click

__all__ = ["SHOW_AFTER_SECONDS", "terminal_progress"]

SHOW_AFTER_SECONDS = 1.0  # a build that finishes sooner never shows a bar


def terminal_progress(stream: TextIO | None = None) -> Callable[[int], Callable[[int], None]] | None:
    """A progress factory for `RunOptions.progress` when `stream` (stderr) is a terminal, else None."""
    out = stream or sys.stderr
    if not out.isatty() or os.environ.get("CI"):
        return None

    def start(total: int) -> Callable[[int], None]:
        started = time.monotonic()
        done = 0
        bar: click._termui_impl.ProgressBar[int] | None = None

        def tick(count: int) -> None:
            nonlocal done, bar
            done += count
            if bar is None and time.monotonic() - started >= SHOW_AFTER_SECONDS and done < total:
                bar = click.progressbar(
                    length=total, label="Reading notes", file=out, show_eta=True, show_pos=True
                )
                count = done
            if bar is not None:
                bar.update(count)
                if done >= total:
                    bar.render_finish()

        return tick

    return start
