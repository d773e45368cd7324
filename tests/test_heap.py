"""Handing freed heap back: it works in-process, without starting any other process."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

# Audit events that start a process: a child forked from a large build looks, to a sampler
# summing a process tree's memory, like a second copy of it.
_PROBE = """
import sys
started = []
spawning = {"subprocess.Popen", "os.posix_spawn", "os.fork", "os.exec", "os.system", "os.spawn"}
sys.addaudithook(lambda event, args: started.append(event) if event in spawning else None)
from ankigen.heap import trim_heap
trim_heap()
print(",".join(started))
"""


def test_trim_heap_starts_no_process() -> None:
    result = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


_FRAGMENTED = """
import sys
from ankigen.heap import trim_heap

def resident_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))

# ~200 MB of small objects freed with every 50th kept: the holes stay in the heap until trimmed.
blocks = [bytes(1000) + bytes([i % 256]) for i in range(200_000)]
kept = blocks[::50]
del blocks
before = resident_kb()
trim_heap()
print(before - resident_kb())
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_trim_heap_hands_freed_heap_back_on_glibc() -> None:
    result = subprocess.run([sys.executable, "-c", _FRAGMENTED], capture_output=True, text=True, check=True)
    assert int(result.stdout) > 50_000  # KB; ~150 MB comes back here, none without the trim
