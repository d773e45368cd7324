"""`python -m bench`: ankigen against its floor and its fastest peer, side by side, on synthetic notes.

For each corpus size it times, as whole processes (interpreter start-up included for all):
ankigen cold (`--no-cache`), ankigen after a one-file edit (cache on), the genanki floor (the
same notes, written by genanki alone), markdown-it-py parsing alone, and ankdown from PyPI in
its own venv on the same sections in its own format.  Prints a Markdown report, and writes it
with the raw numbers (JSON) into the work folder.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import venv
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.corpus import CorpusSpec, generate
from bench.floor import dump_package
from bench.measure import Measurement, run

__all__ = ["main"]

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Row:
    size: int
    tool: str
    seconds: float  # median wall time
    cpu_seconds: float  # median CPU time (user + system, workers included)
    runs: int
    notes: int  # notes written (sections parsed, for the parse-only row)
    peak_rss_mb: float  # highest over the runs

    @property
    def rate(self) -> float:
        return self.notes / self.seconds if self.seconds else 0.0


def _sizes(text: str) -> list[int]:
    return [int(float(part[:-1]) * 1000) if part.endswith("k") else int(part) for part in text.split(",")]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", type=_sizes, default=[1000, 10_000, 50_000], help="e.g. 1k,10k,50k")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is kept")
    parser.add_argument("--quick", action="store_true", help="1k and 10k sections, one run each")
    parser.add_argument("--no-ankdown", action="store_true", help="skip ankdown (no venv, no PyPI)")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "ankigen-bench",
        help="corpora, outputs, ankdown's venv and the results (default: %(default)s)",
    )
    return parser


def _median(measure: Callable[[], Measurement], runs: int, what: str) -> tuple[float, float, float]:
    results = []
    for _ in range(runs):
        result = measure()
        if result.returncode not in (0, 1):  # 1: the build had warnings it counts as errors
            raise SystemExit(f"{what} failed ({result.returncode}):\n{result.stderr_tail}")
        results.append(result)
    return (
        statistics.median(r.seconds for r in results),
        statistics.median(r.cpu_seconds for r in results),
        max(r.peak_rss_mb for r in results),
    )


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # After any PYTHONPATH given, so that `PYTHONPATH=OTHER_CHECKOUT` benchmarks another ankigen.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [env.get("PYTHONPATH", ""), str(REPO)]))
    return env


def _has_no_cache_flag(env: dict[str, str], cwd: Path) -> bool:
    help_text = subprocess.run(
        [sys.executable, "-m", "ankigen", "build", "--help"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    ).stdout
    return "--no-cache" in help_text


def _ankdown(workdir: Path) -> Path | None:
    """ankdown's command, installed from PyPI into its own venv on first use; None when it cannot be."""
    folder = workdir / "ankdown-venv"
    command = folder / "bin" / "ankdown"
    if not command.exists():
        venv.create(folder, with_pip=True)
        install = subprocess.run(
            [str(folder / "bin" / "python"), "-m", "pip", "install", "-q", "ankdown"],
            capture_output=True,
            text=True,
            check=False,
        )
        if install.returncode:
            print(f"ankdown skipped: pip install failed: {install.stderr.strip()[-300:]}", file=sys.stderr)
            return None
    return command


def _edit(path: Path, original: str, run_number: int) -> None:
    """A realistic one-file edit: one bullet added to the file's last section, different each run."""
    path.write_text(
        original.rstrip("\n") + f"\n- **Edited fact {run_number}** is added by the rebuild benchmark.\n",
        encoding="utf-8",
    )


def bench_size(size: int, args: argparse.Namespace, ankdown: Path | None) -> list[Row]:
    workdir: Path = args.workdir
    corpus = generate(CorpusSpec(size), workdir)
    runs: int = args.runs
    env = _env()
    out = workdir / "out" / str(size)
    shutil.rmtree(out, ignore_errors=True)
    cache = corpus / ".ankigen-cache"
    ankigen = [sys.executable, "-m", "ankigen", "build", "notes", "-o", str(out / "ankigen")]
    no_cache = ["--no-cache"] if _has_no_cache_flag(env, corpus) else []
    rows = []

    def cold() -> Measurement:
        shutil.rmtree(cache, ignore_errors=True)
        return run([*ankigen, *no_cache], corpus, env)

    seconds, cpu, peak = _median(cold, runs, "ankigen cold build")
    packages = sorted((out / "ankigen").glob("*.apkg"))
    notes_json = out / "notes.json"
    notes = sum(dump_package(p, out / f"notes-{i}.json", out / "media") for i, p in enumerate(packages))
    if len(packages) != 1:
        raise SystemExit(f"expected one .apkg, got {len(packages)}")
    (out / "notes-0.json").rename(notes_json)
    rows.append(Row(size, "ankigen cold (--no-cache)", seconds, cpu, runs, notes, peak))

    edited = corpus / "notes" / f"{(CorpusSpec(size).files - 1) // 2:04d}.md"
    original = edited.read_text(encoding="utf-8")
    run(ankigen, corpus, env)  # fills the cache
    counter = iter(range(1, 1_000_000))

    def rebuild() -> Measurement:
        _edit(edited, original, next(counter))
        return run(ankigen, corpus, env)

    try:
        seconds, cpu, peak = _median(rebuild, runs, "ankigen rebuild")
    finally:
        edited.write_text(original, encoding="utf-8")
    rows.append(Row(size, "ankigen rebuild, 1 file edited", seconds, cpu, runs, notes + 1, peak))

    floor = [sys.executable, "-m", "bench.floor", str(notes_json), str(out / "floor.apkg")]
    seconds, cpu, peak = _median(lambda: run(floor, corpus, env), runs, "genanki floor")
    rows.append(Row(size, "floor: genanki alone, same notes", seconds, cpu, runs, notes, peak))

    parse = [sys.executable, "-m", "bench.parse_only", str(corpus / "notes")]
    seconds, cpu, peak = _median(lambda: run(parse, corpus, env), runs, "markdown-it-py parse")
    rows.append(Row(size, "markdown-it-py parse alone (sections)", seconds, cpu, runs, size, peak))

    if ankdown is not None:
        target = out / "ankdown.apkg"
        command = [str(ankdown), "-r", "notes", "-p", str(target)]
        seconds, cpu, peak = _median(lambda: run(command, corpus / "ankdown", env), runs, "ankdown")
        count = dump_package(target, out / "ankdown.json", out / "ankdown-media")
        rows.append(Row(size, "ankdown (PyPI, misaka C parser)", seconds, cpu, runs, count, peak))
    return rows


def _find(rows: Sequence[Row], size: int, prefix: str) -> Row | None:
    return next((r for r in rows if r.size == size and r.tool.startswith(prefix)), None)


def _per_note(row: Row) -> float:
    return row.seconds / row.notes


def _targets(rows: Sequence[Row]) -> list[str]:
    lines = ["| target | measured | goal | met |", "| --- | --- | --- | --- |"]

    def add(name: str, value: float | None, goal: float) -> None:
        if value is not None:
            lines.append(f"| {name} | {value:.2f} | ≤ {goal:g} | {'yes' if value <= goal else 'NO'} |")

    cold, floor, ankdown = (_find(rows, 10_000, p) for p in ("ankigen cold", "floor", "ankdown"))
    rebuild = _find(rows, 10_000, "ankigen rebuild")
    if cold and ankdown:
        add("10k cold, time per note ÷ ankdown's", _per_note(cold) / _per_note(ankdown), 1.0)
        wall = cold.seconds / ankdown.seconds
        add("10k cold, wall time ÷ ankdown's (ankdown makes fewer notes)", wall, 1.0)
    if cold and floor:
        add("10k cold ÷ genanki floor (same notes)", cold.seconds / floor.seconds, 2.0)
    if cold and rebuild:
        add("10k rebuild after a one-file edit ÷ cold", rebuild.seconds / cold.seconds, 0.1)
    cold50, floor50 = _find(rows, 50_000, "ankigen cold"), _find(rows, 50_000, "floor")
    if cold50 and floor50:
        add("50k peak memory ÷ genanki floor's", cold50.peak_rss_mb / floor50.peak_rss_mb, 2.0)
    if cold and cold50:
        add("time per note at 50k ÷ at 10k", _per_note(cold50) / _per_note(cold), 1.3)
    return lines


def report(rows: Sequence[Row]) -> str:
    lines = [
        "| sections | tool | median s | CPU s | runs | notes | notes/s | peak MB | s ÷ floor |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        floor = _find(rows, row.size, "floor")
        ratio = f"{row.seconds / floor.seconds:.2f}" if floor else ""
        lines.append(
            f"| {row.size:,} | {row.tool} | {row.seconds:.2f} | {row.cpu_seconds:.2f} | {row.runs} | "
            f"{row.notes:,} | {row.rate:,.0f} | {row.peak_rss_mb:.0f} | {ratio} |"
        )
    return "\n".join([*lines, "", *_targets(rows)])


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))
    if args.quick:
        args.sizes, args.runs = [1000, 10_000], 1
    args.workdir.mkdir(parents=True, exist_ok=True)
    ankdown = None if args.no_ankdown else _ankdown(args.workdir)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    python = sys.version.split()[0]
    print(f"ankigen benchmark: sizes {args.sizes}, {args.runs} run(s) each, {cpus} CPUs, Python {python}")
    rows: list[Row] = []
    for size in args.sizes:
        rows.extend(bench_size(size, args, ankdown))
        print(f"  {size:,} sections done", file=sys.stderr)
    text = report(rows)
    print(text)
    (args.workdir / "results.md").write_text(text + "\n", encoding="utf-8")
    (args.workdir / "results.json").write_text(
        json.dumps([asdict(row) for row in rows], indent=1) + "\n", encoding="utf-8"
    )
    print(f"\nwritten to {args.workdir / 'results.md'} and results.json")
    return 0
