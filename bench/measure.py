"""Run one command and measure it: wall time, and the peak memory of its whole process tree.

Peak memory is sampled from /proc every few milliseconds as the sum of the resident sets of
the process and all its descendants (a parallel build's workers count), and is never less
than the kernel's own high-water mark for the largest single process (from wait4).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Measurement", "run"]

_SAMPLE_SECONDS = 0.005


@dataclass(frozen=True)
class Measurement:
    seconds: float
    cpu_seconds: float  # user + system, of the process and the children it waited for (workers)
    peak_rss_mb: float
    returncode: int
    stderr_tail: str


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as handle:
                found.extend(int(child) for child in handle.read().split())
    except OSError:
        pass
    return found


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_rss_kb(pid: int) -> int:
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _rss_kb(current)
        todo.extend(_children(current))
    return total


def run(command: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None) -> Measurement:
    """Run `command` to its end; output goes to a pipe so that printing costs the same for every tool."""
    peak = [0]
    start = time.perf_counter()
    process = subprocess.Popen(
        list(command),
        cwd=cwd,
        env=dict(env) if env is not None else None,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(process.pid))
            stop.wait(_SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert process.stderr is not None
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stderr.close()
    peak_kb = max(peak[0], usage.ru_maxrss)
    tail = stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
    cpu = usage.ru_utime + usage.ru_stime
    return Measurement(seconds, cpu, peak_kb / 1024, process.returncode, "\n".join(tail))
