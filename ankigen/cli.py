"""The command line: parses arguments, calls the library, and turns errors into exit codes.

Exit codes: 0 success; 1 errors, or warnings under --strict; 2 usage errors.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

import click

from ankigen import __version__
from ankigen.cache import CACHE_DIR
from ankigen.config import Config, find_root, load_config
from ankigen.diff import predict, read_package, render
from ankigen.errors import AnkigenError, LockError, OutputError, UsageError
from ankigen.identity import REMOVED_SEARCH, REMOVED_TAG
from ankigen.lockfile import LOCK_FILE
from ankigen.media import MediaOptions
from ankigen.media.audit import report_lines
from ankigen.media.fetch import CACHE_ENV
from ankigen.model import Diagnostic
from ankigen.parallel import RunOptions
from ankigen.pipeline import BuildOptions, build, check
from ankigen.progress import terminal_progress
from ankigen.reporting import build_report, check_lines, problems, write_report

__all__ = ["cli", "main"]

_PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
_CONFIG = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Config file to use instead of ankigen.toml / [tool.ankigen] in pyproject.toml.",
)
_STRICT = click.option(
    "--strict", is_flag=True, help="Exit 1 when there is any warning; build then writes no deck."
)
_OUTPUT = click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Folder for the .apkg files (default: 'output' from the config, else dist/).",
)
_SPLIT = click.option(
    "--split",
    type=click.Choice(["exam", "domain"]),
    default=None,
    help="One .apkg per exam (default), or one per exam and domain.",
)
_DEBUG = click.option("--debug", is_flag=True, help="Show the traceback of an error.")
_FETCH_REMOTE = click.option(
    "--fetch-remote",
    is_flag=True,
    help="Download http(s) images (10 s timeout, 10 MB cap, image types only; cached in the user "
    f"cache folder or ${CACHE_ENV}) and embed them. Default: keep them as links Anki shows when online.",
)
_NO_CACHE = click.option(
    "--no-cache",
    is_flag=True,
    help=f"Re-read every file instead of reusing unchanged files' results from {CACHE_DIR}/.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ankigen")
def cli() -> None:
    """Turn Markdown and plain-text study notes into tagged Anki decks.

    Headings, bullets, bold terms and Q/A pairs in your notes become Q/A and Cloze notes,
    one .apkg per exam with a subdeck per domain. Rebuild whenever your notes change:
    re-importing updates the cards in place and keeps every review.

    \b
    Examples:
      ankigen build                      notes/ into dist/*.apkg
      ankigen build notes/saa-c03 -o out one folder, another output folder
      ankigen check --strict             what each file gives, exit 1 on any warning
      ankigen watch                      rebuild on every save
      ankigen diff old.apkg new.apkg     what re-importing will add, update, remove

    \b
    Settings: ankigen.toml at the project root, or [tool.ankigen] in pyproject.toml.
    Exit codes: 0 ok; 1 errors, or warnings with --strict; 2 usage errors.
    Note syntax: docs/note-syntax.md; every command has --help.
    """


@cli.command("build")
@_PATHS
@_OUTPUT
@_STRICT
@click.option("--report", type=click.Path(path_type=Path, dir_okay=False), help="Write a JSON report here.")
@_SPLIT
@click.option(
    "--locked",
    is_flag=True,
    help="Fail (exit 1, nothing written) if ankigen.lock is out of date with the notes. For CI.",
)
@click.option(
    "--no-lock",
    is_flag=True,
    help="Neither read nor write ankigen.lock: GUIDs from the notes alone, every note stamped now.",
)
@_CONFIG
@_DEBUG
@_FETCH_REMOTE
@_NO_CACHE
def build_command(
    paths: tuple[Path, ...],
    output: Path | None,
    strict: bool,
    report: Path | None,
    split: str | None,
    locked: bool,
    no_lock: bool,
    config_path: Path | None,
    debug: bool,
    fetch_remote: bool = False,
    no_cache: bool = False,
) -> None:
    """Build decks from PATHS (files or folders; default: notes/).

    Folders are searched recursively for *.md, *.markdown and *.txt. Prints one line per
    deck written; warnings go to stderr as file:line: message.

    \b
    Identity: ankigen.lock at the project root remembers each note's GUID, cloze numbers
    and when its content last changed, so re-importing a rebuilt deck updates edited notes
    in place (keeping their reviews) and leaves unchanged ones alone. Commit it with your
    notes. Notes that left your notes are still shipped, tagged ankigen::removed.
    Set SOURCE_DATE_EPOCH for byte-identical rebuilds.
    """
    if locked and no_lock:
        raise UsageError("--locked and --no-lock cannot be combined")
    config = load_config(find_root(Path.cwd()), config_path)
    out_dir = output or config.root / config.output
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: the output folder is a file")
    lock_mode = "locked" if locked else "ignore" if no_lock else "update"
    media = MediaOptions(fetch_remote=fetch_remote)
    run = _run_options(config, no_cache)
    options = BuildOptions(out_dir, split or config.split, media, lock=lock_mode, strict=strict, run=run)
    result = build(_paths(paths, config.root), config, options)
    _print_diagnostics(result.diagnostics, debug)
    for deck in result.decks:
        click.echo(
            f"{deck.path}: {deck.note_count} notes in {len(deck.deck_names)} decks, {deck.media_count} images"
        )
    if result.removed:
        click.echo(
            f"{len(result.removed)} notes no longer in your notes are shipped tagged {REMOVED_TAG};"
            f" find them in Anki with: {REMOVED_SEARCH}",
            err=True,
        )
    if strict and result.diagnostics:
        click.echo(f"ankigen: --strict: {problems(result.diagnostics)}; no decks written", err=True)
    if report:
        write_report(report, build_report(result))
    _finish(result.diagnostics, strict)


@cli.command("check")
@_PATHS
@_STRICT
@click.option("--locked", is_flag=True, help="Also fail if ankigen.lock is out of date with the notes.")
@_CONFIG
@_DEBUG
@_FETCH_REMOTE
def check_command(
    paths: tuple[Path, ...],
    strict: bool,
    locked: bool,
    config_path: Path | None,
    debug: bool,
    fetch_remote: bool = False,
) -> None:
    """Parse PATHS as a build would, without writing anything.

    Lists per file the cards it makes and the sections that made none, then the warnings.
    Then the images: missing, refused (outside the project root), not images, remote
    (kept as links), unused (files in media/ no checked note shows) and oversized (over
    1 MB, slow to sync and heavy on phones).
    """
    config = load_config(find_root(Path.cwd()), config_path)
    media = MediaOptions(fetch_remote=fetch_remote)
    # No cache: check writes nothing at all.
    run = _run_options(config, no_cache=True)
    result = check(_paths(paths, config.root), config, media, run=run)
    for line in check_lines(result):
        click.echo(line)
    for line in report_lines(result.media):
        click.echo(line)
    _print_diagnostics(result.diagnostics, debug)
    if locked and result.identity is not None and result.identity.changed:
        raise LockError(
            f"{LOCK_FILE} is out of date with the notes: run `ankigen build` and commit {LOCK_FILE}"
        )
    _finish(result.diagnostics, strict)


@cli.command("diff")
@click.argument("old", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.argument("new", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--format",
    "style",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    help="text (default), markdown (for release notes) or json.",
)
@_DEBUG
def diff_command(old: Path, new: Path, style: str, debug: bool) -> None:
    """Predict what importing NEW.apkg into a collection holding OLD.apkg does.

    By Anki's rules: notes are matched by GUID; a note is updated only when NEW's modification
    time is newer; a note whose note type changed is skipped as conflicting; nothing is deleted.
    Lists the notes added, updated, marked removed (tagged ankigen::removed) and conflicting.
    """
    click.echo(render(predict(read_package(old), read_package(new)), style), nl=False)


@cli.command("watch")
@_PATHS
@_OUTPUT
@_SPLIT
@click.option(
    "--debounce",
    type=click.IntRange(min=0),
    default=400,
    show_default=True,
    help="Milliseconds of quiet after a change before rebuilding.",
)
@_CONFIG
@_DEBUG
def watch_command(
    paths: tuple[Path, ...],
    output: Path | None,
    split: str | None,
    debounce: int,
    config_path: Path | None,
    debug: bool,
) -> None:
    """Build, then rebuild whenever a file under PATHS (default: notes/) changes.

    Prints one line per build (what changed, notes built, new/changed/removed notes, warnings);
    a build that fails is reported and the watch goes on. Updates ankigen.lock like `build`.
    Stop with Ctrl-C.
    """
    from ankigen.watch import Rebuild, summary, watch  # watchfiles is only for this command

    config = load_config(find_root(Path.cwd()), config_path)
    out_dir = output or config.root / config.output
    # Cached, so that a rebuild after a save re-reads only the saved file; no progress bar
    # between the summary lines.
    run = _run_options(config, no_cache=False, progress=False)
    options = BuildOptions(out_dir, split or config.split, run=run)
    click.echo(f"watching {', '.join(str(p) for p in _paths(paths, config.root))}; Ctrl-C stops", err=True)

    def report(event: Rebuild) -> None:
        click.echo(summary(event))

    watch(_paths(paths, config.root), config, options, report, debounce_ms=debounce)


def _run_options(config: Config, no_cache: bool, progress: bool = True) -> RunOptions:
    """The CLI caches, uses every core when there is enough to do, and shows progress on a terminal."""
    cache_dir = None if no_cache else config.root / CACHE_DIR
    return RunOptions(cache_dir=cache_dir, progress=terminal_progress() if progress else None)


def _paths(paths: tuple[Path, ...], root: Path) -> list[Path]:
    return list(paths) if paths else [root / "notes"]


def _print_diagnostics(diagnostics: Sequence[Diagnostic], debug: bool = False) -> None:
    for diagnostic in diagnostics:
        click.echo(str(diagnostic), err=True)
        if debug and diagnostic.detail:
            click.echo(diagnostic.detail.rstrip(), err=True)


def _finish(diagnostics: Sequence[Diagnostic], strict: bool) -> None:
    errors = sum(d.severity == "error" for d in diagnostics)
    if errors or (strict and diagnostics):
        raise SystemExit(1)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code instead of exiting, so it can be called from tests."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        cli.main(args=args, prog_name="ankigen", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except AnkigenError as exc:
        if "--debug" in args:
            traceback.print_exc()
        click.echo(f"ankigen: {exc}", err=True)
        return exc.exit_code
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0
    except Exception as exc:  # a bug, not the user's doing: still one line, the traceback on request
        if "--debug" in args:
            traceback.print_exc()
        reason = " ".join(str(exc).split())[:200]
        click.echo(f"ankigen: internal error: {type(exc).__name__}: {reason} (--debug shows more)", err=True)
        return 1
    return 0
