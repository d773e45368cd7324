"""The command line: parses arguments, calls the library, and turns errors into exit codes.

Exit codes: 0 success; 1 errors, or warnings under --strict; 2 usage errors.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ankigen import __version__
from ankigen.classify import GENERAL, unclassified
from ankigen.config import find_root, load_config
from ankigen.errors import AnkigenError
from ankigen.media import MediaOptions
from ankigen.media.audit import report_json, report_lines
from ankigen.media.fetch import CACHE_ENV
from ankigen.model import BuildResult, Card, Diagnostic
from ankigen.pipeline import BuildOptions, CheckResult, build, check

__all__ = ["cli", "main"]

_PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
_CONFIG = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Config file to use instead of ankigen.toml / [tool.ankigen] in pyproject.toml.",
)
_STRICT = click.option("--strict", is_flag=True, help="Exit 1 when there is any warning.")
_DEBUG = click.option("--debug", is_flag=True, help="Show the traceback of an error.")
_FETCH_REMOTE = click.option(
    "--fetch-remote",
    is_flag=True,
    help="Download http(s) images (10 s timeout, 10 MB cap, image types only; cached in the user "
    f"cache folder or ${CACHE_ENV}) and embed them. Default: keep them as links Anki shows when online.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ankigen")
def cli() -> None:
    """Turn Markdown and plain-text study notes into tagged Anki decks.

    Headings, bullets, bold terms and Q/A pairs in your notes become Q/A and Cloze notes,
    one .apkg per exam with a subdeck per domain. Rebuild whenever your notes change:
    re-importing updates the cards in place and keeps every review.
    """


@cli.command("build")
@_PATHS
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the .apkg files (default: 'output' from the config, else dist/).",
)
@_STRICT
@click.option("--report", type=click.Path(path_type=Path, dir_okay=False), help="Write a JSON report here.")
@click.option(
    "--split",
    type=click.Choice(["exam", "domain"]),
    default=None,
    help="One .apkg per exam (default), or one per exam and domain.",
)
@_CONFIG
@_DEBUG
@_FETCH_REMOTE
def build_command(
    paths: tuple[Path, ...],
    output: Path | None,
    strict: bool,
    report: Path | None,
    split: str | None,
    config_path: Path | None,
    debug: bool,
    fetch_remote: bool = False,
) -> None:
    """Build decks from PATHS (files or folders; default: notes/).

    Folders are searched recursively for *.md, *.markdown and *.txt. Prints one line per
    deck written; warnings go to stderr as file:line: message.
    """
    config = load_config(find_root(Path.cwd()), config_path)
    out_dir = output or config.root / config.output
    options = BuildOptions(out_dir, split or config.split, MediaOptions(fetch_remote=fetch_remote))
    result = build(_paths(paths, config.root), config, options)
    _print_diagnostics(result.diagnostics)
    for deck in result.decks:
        click.echo(
            f"{deck.path}: {deck.note_count} notes in {len(deck.deck_names)} decks, {deck.media_count} images"
        )
    if report:
        report.write_text(
            json.dumps(_build_report(result), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    _finish(result.diagnostics, strict)


@cli.command("check")
@_PATHS
@_STRICT
@_CONFIG
@_DEBUG
@_FETCH_REMOTE
def check_command(
    paths: tuple[Path, ...], strict: bool, config_path: Path | None, debug: bool, fetch_remote: bool = False
) -> None:
    """Parse PATHS as a build would, without writing anything.

    Lists per file the cards it makes and the sections that made none, then the warnings.
    Then the images: missing, refused (outside the project root), not images, remote
    (kept as links), unused (files in media/ no checked note shows) and oversized (over
    1 MB, slow to sync and heavy on phones).
    """
    config = load_config(find_root(Path.cwd()), config_path)
    result = check(_paths(paths, config.root), config, MediaOptions(fetch_remote=fetch_remote))
    _print_check(result)
    for line in report_lines(result.media):
        click.echo(line)
    _print_diagnostics(result.diagnostics)
    _finish(result.diagnostics, strict)


def _paths(paths: tuple[Path, ...], root: Path) -> list[Path]:
    return list(paths) if paths else [root / "notes"]


def _print_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        click.echo(str(diagnostic), err=True)


def _print_check(result: CheckResult) -> None:
    for report in result.files:
        qa = sum(card.kind == "qa" for card in report.cards)
        click.echo(f"{report.document.source.display}: {qa} Q/A, {len(report.cards) - qa} cloze")
    _print_placement(result.cards)


def _print_placement(cards: Sequence[Card]) -> None:
    """Notes per exam and domain, then the sections no service or category placed."""
    exams: dict[str, Counter[str]] = {}
    for card in cards:
        exams.setdefault(card.exam, Counter())[card.domain] += 1
    for exam, domains in exams.items():
        listed = ", ".join(f"{domain} {count}" for domain, count in sorted(domains.items()))
        label = f"{exam} (no exam found; see default_exam)" if exam == GENERAL else exam
        click.echo(f"{label}: {sum(domains.values())} notes in {len(domains)} domains ({listed})")
    sections = unclassified(cards)
    if sections:
        click.echo(
            f"{len(sections)} sections in {GENERAL} (no service or category found in their headings or text):"
        )
        for section in sections:
            notes = f"{section.cards} note" + ("s" if section.cards > 1 else "")
            click.echo(f"  {section.location}: {section.context or '(no heading)'} ({notes})")


def _finish(diagnostics: Sequence[Diagnostic], strict: bool) -> None:
    errors = sum(d.severity == "error" for d in diagnostics)
    if errors or (strict and diagnostics):
        raise SystemExit(1)


def _build_report(result: BuildResult) -> dict[str, Any]:
    return {
        "version": __version__,
        "decks": [
            {
                "file": str(deck.path),
                "decks": list(deck.deck_names),
                "notes": deck.note_count,
                "media": deck.media_count,
            }
            for deck in result.decks
        ],
        "notes": len(result.cards),
        "media": report_json(result.media),
        "unclassified": [
            {"location": section.location, "context": section.context, "notes": section.cards}
            for section in unclassified(result.cards)
        ],
        "warnings": [
            {"file": d.path, "line": d.line, "message": d.message, "severity": d.severity}
            for d in result.diagnostics
        ],
    }


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
    return 0
