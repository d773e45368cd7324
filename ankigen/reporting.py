"""What the commands report, as text lines and JSON, apart from how the CLI prints it."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ankigen import __version__
from ankigen.atomic import atomic_file
from ankigen.classify import GENERAL, unclassified
from ankigen.errors import OutputError
from ankigen.media.audit import report_json
from ankigen.model import BuildResult, Card, Diagnostic
from ankigen.pipeline import CheckResult

__all__ = ["build_report", "check_lines", "placement_lines", "problems", "write_report"]


def problems(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    return f"{errors} error(s), {warnings} warning(s)"


def write_report(path: Path, data: dict[str, Any]) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        with atomic_file(path) as stream:
            stream.write(text.encode("utf-8"))
    except OSError as exc:
        raise OutputError(f"{path}: cannot write the report: {exc.strerror or exc}") from None


def check_lines(result: CheckResult) -> list[str]:
    """What `ankigen check` prints: per file the cards by rule and the sections that made none,
    then the notes per exam and domain."""
    lines = []
    for report in result.files:
        qa = sum(card.kind == "qa" for card in report.cards)
        rules = Counter(card.rule for card in report.cards)
        by_rule = ", ".join(f"{name} {count}" for name, count in sorted(rules.items()))
        lines.append(
            f"{report.source.display}: {qa} Q/A, {len(report.cards) - qa} cloze"
            + (f" ({by_rule})" if by_rule else "")
        )
        for silent in report.silent:
            lines.append(f"  line {silent.line}: no cards from {silent.context}: {silent.reason}")
    return lines + placement_lines(result.cards)


def placement_lines(cards: Sequence[Card]) -> list[str]:
    """Notes per exam and domain, then the sections no service or category placed."""
    lines = []
    exams: dict[str, Counter[str]] = {}
    for card in cards:
        exams.setdefault(card.exam, Counter())[card.domain] += 1
    for exam, domains in exams.items():
        listed = ", ".join(f"{domain} {count}" for domain, count in sorted(domains.items()))
        label = f"{exam} (no exam found; see default_exam)" if exam == GENERAL else exam
        lines.append(f"{label}: {sum(domains.values())} notes in {len(domains)} domains ({listed})")
    sections = unclassified(cards)
    if sections:
        lines.append(
            f"{len(sections)} sections in {GENERAL} (no service or category found in their headings or text):"
        )
        for section in sections:
            notes = f"{section.cards} note" + ("s" if section.cards > 1 else "")
            lines.append(f"  {section.location}: {section.context or '(no heading)'} ({notes})")
    return lines


def build_report(result: BuildResult) -> dict[str, Any]:
    """The JSON report of `ankigen build --report`."""
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
        "removed_notes": len(result.removed),
        "note_changes": dict(result.counts),  # "new", "changed", "removed" since ankigen.lock
        "warnings": [
            {"file": d.path, "line": d.line, "message": d.message, "severity": d.severity}
            for d in result.diagnostics
        ],
    }
