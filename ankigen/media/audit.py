"""The run's images as a whole: what was embedded, and what needs the user's attention."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ankigen.model import Card, ImageIssue, MediaReport

if TYPE_CHECKING:
    from ankigen.media import MediaResolution

__all__ = ["OVERSIZED_BYTES", "audit_media", "human_size", "report_json", "report_lines"]

# Above this an image makes the collection slow to sync and heavy to review on a phone; a
# screenshot or diagram for a flashcard rarely needs more.
OVERSIZED_BYTES = 1024 * 1024


def audit_media(
    files: Sequence[tuple[MediaResolution, Sequence[Card]]], root: Path, oversized_bytes: int
) -> MediaReport:
    """Sum up each checked note's images and the cards made from it; look for unused files in media/."""
    resolutions = [resolution for resolution, _ in files]
    stored: dict[str, tuple[Path, str]] = {}  # stored name -> (file, first place it is used)
    unshown: list[ImageIssue] = []
    for resolution, cards in files:
        on_cards = {ref.stored_name: ref for card in cards for ref in card.media}
        for ref in on_cards.values():
            if ref.path is not None:
                stored.setdefault(ref.stored_name, (ref.path, ref.src))
        unshown.extend(
            ImageIssue(use.location, use.ref) for use in resolution.shown if use.detail not in on_cards
        )
    oversized = []
    for path, src in stored.values():
        size = path.stat().st_size if path.is_file() else 0
        if size > oversized_bytes:
            oversized.append(
                ImageIssue(_shown(path, root), src, f"{human_size(size)} > {human_size(oversized_bytes)}")
            )
    referenced = {ref.path for r in resolutions for ref in r.refs.values() if ref.path is not None}
    return MediaReport(
        embedded=len(stored),
        remote=tuple(issue for r in resolutions for issue in r.remote),
        missing=tuple(issue for r in resolutions for issue in r.missing),
        refused=tuple(issue for r in resolutions for issue in r.refused),
        invalid=tuple(issue for r in resolutions for issue in r.invalid),
        unused=tuple(
            ImageIssue(_shown(p, root), _shown(p, root)) for p in _unused(root / "media", referenced)
        ),
        oversized=tuple(oversized),
        unshown=tuple(unshown),
    )


def _unused(folder: Path, used: set[Path]) -> list[Path]:
    if not folder.is_dir():
        return []
    files = (p for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith("."))
    return [p for p in files if p.resolve() not in used]


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def human_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"


def report_lines(report: MediaReport) -> list[str]:
    """The media part of `ankigen check`: a count line, then one line per image needing attention."""
    groups = {
        "missing": report.missing,
        "refused": report.refused,
        "invalid": report.invalid,
        "remote": report.remote,
        "unused": report.unused,
        "oversized": report.oversized,
        "on no card": report.unshown,
    }
    if not report.embedded and not any(groups.values()):
        return []
    counts = ", ".join(f"{len(items)} {name}" for name, items in groups.items() if items)
    lines = [f"images: {report.embedded} embedded" + (f", {counts}" if counts else "")]
    for name, items in groups.items():
        for issue in items:
            where = issue.location if issue.location == issue.ref else f"{issue.location}: {issue.ref}"
            lines.append(f"  {name}: {where}" + (f" ({issue.detail})" if issue.detail else ""))
    return lines


def report_json(report: MediaReport) -> dict[str, object]:
    """The media part of the JSON report."""

    def issues(items: tuple[ImageIssue, ...]) -> list[dict[str, str]]:
        return [{"location": i.location, "ref": i.ref, "detail": i.detail} for i in items]

    return {
        "embedded": report.embedded,
        "remote": issues(report.remote),
        "missing": issues(report.missing),
        "refused": issues(report.refused),
        "invalid": issues(report.invalid),
        "unused": issues(report.unused),
        "oversized": issues(report.oversized),
        "unshown": issues(report.unshown),
    }
