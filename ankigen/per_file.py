"""One notes file's part of a build: parse -> media -> extract -> classify.

Depends on nothing but the file, its images and the options, so it runs in worker processes and
its result is cached by content (see `ankigen.parallel`); `ankigen.pipeline` composes the rest.
"""

from __future__ import annotations

import dataclasses
import pickle
import stat
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ankigen.classify import Classified, classify_cards
from ankigen.config import Config
from ankigen.exam_placing import globbed_exams, places_by_glob
from ankigen.extract import extract_report
from ankigen.inline_memo import InlineMemoMarkdown
from ankigen.media import MediaOptions, MediaResolution, attach_media, new_fetcher, resolve_media
from ankigen.model import Card, Diagnostic, Document, ImageRef, SilentSection, SourceFile
from ankigen.note_fields import with_guarded
from ankigen.parse import parse_file
from ankigen.parse.markdown import new_markdown
from ankigen.render import Renderer

__all__ = ["FileReport", "classify_reports", "process_and_classify", "process_file"]


@dataclass(frozen=True)
class FileReport:
    """What one notes file gave: its cards, and the warnings about it."""

    document: Document
    cards: tuple[Card, ...]
    diagnostics: tuple[Diagnostic, ...]
    silent: tuple[SilentSection, ...] = ()  # the sections that made no card, and why
    media: MediaResolution | None = None  # how its images resolved
    classified: bool = False  # `cards` already have their exam, domain, service and tags
    placement: tuple[Diagnostic, ...] = ()  # what classifying them had to say, when `classified`
    globbed: str = ""  # the exam the config's globs gave the file when its cards were classified

    # A report travels pickled (from the workers, in the cache) with its document pickled on its
    # own: a build reads the document only to classify again or for `ankigen check`'s report,
    # so an unpickled report unpickles its document the first time it is asked for it, and is
    # from then on the report it was (see `_PickledDocument`).

    @property
    def source(self) -> SourceFile:
        """`document.source`, without unpickling the document."""
        pickled = self.__dict__.get(_PICKLED)
        return pickled.source if isinstance(pickled, _PickledDocument) else self.document.source

    def image_document(self) -> Document:
        """The document as far as resolving its images goes (its source and images: see
        `ankigen.media.resolve_media`), without unpickling the rest of it."""
        pickled = self.__dict__.get(_PICKLED)
        if isinstance(pickled, _PickledDocument):
            return Document(pickled.source, (), images=pickled.images)
        return self.document

    def __getattr__(self, name: str) -> Document:
        # called only for an attribute the instance does not have: the document of an
        # unpickled report, the first time
        pickled = self.__dict__.get(_PICKLED) if name == "document" else None
        if not isinstance(pickled, _PickledDocument):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        document: Document = pickle.loads(pickled.data)
        state = self.__dict__  # frozen: the one write, which makes it the report it was pickled from
        state["document"] = document
        del state[_PICKLED]
        return document

    def __reduce__(self) -> tuple[Any, ...]:
        state = dict(self.__dict__)
        document = state.pop("document", None)
        pickled = state.pop(_PICKLED, None)
        if isinstance(document, Document):
            data = pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)
            pickled = _PickledDocument(document.source, document.images, data)
        return (_unpickled_report, (pickled, state))


_PICKLED = "_pickled_document"


@dataclass(frozen=True)
class _PickledDocument:
    """A report's document, pickled, with what is read of it without unpickling it."""

    source: SourceFile
    images: tuple[ImageRef, ...]
    data: bytes


def _unpickled_report(pickled: _PickledDocument, state: dict[str, object]) -> FileReport:
    report: FileReport = object.__new__(FileReport)
    report.__dict__.update(state)
    report.__dict__[_PICKLED] = pickled
    return report


def classify_reports(
    reports: Sequence[FileReport], config: Config, globbed: Mapping[Path, str]
) -> Classified:
    """Every card placed, in source order: as each file's own work placed them, unless the
    config's globs give some file another exam than they did then; then all at once here
    (placing a card placed already gives the same card)."""
    as_made = ((report, report.source.path) for report in reports)
    if all(report.classified and report.globbed == globbed.get(path, "") for report, path in as_made):
        return Classified(
            tuple(card for report in reports for card in report.cards),
            tuple(diagnostic for report in reports for diagnostic in report.placement),
        )
    cards = [card for report in reports for card in report.cards]
    return classify_cards(cards, config, [report.document for report in reports], globbed)


def process_and_classify(
    source: SourceFile,
    config: Config,
    media_options: MediaOptions | None = None,
    globbed: Mapping[Path, str] | None = None,
) -> FileReport:
    """`process_file`, with the cards classified too, so that a build classifies only the files it
    processes (the others' cards come from the cache already classified), and in the workers.
    `globbed`: the exams the config's globs give the files (`globbed_exams`), where known."""
    report = process_file(source, config, media_options)
    mine = (globbed or {}).get(source.path)
    if mine is None:
        mine = globbed_exams([source.path], config)[source.path] if places_by_glob(config) else ""
    placed = classify_cards(report.cards, config, [report.document], {source.path: mine})
    # the notes' fields guarded here, in the workers, so that packaging only looks them up
    cards = tuple(with_guarded(card) for card in placed.cards)
    return dataclasses.replace(
        report, cards=cards, classified=True, placement=placed.diagnostics, globbed=mine
    )


def process_file(source: SourceFile, config: Config, media_options: MediaOptions | None = None) -> FileReport:
    """One file's cards; anything that goes wrong with it becomes an error about that file alone.

    Depends on nothing but the file, its images and the options, so it may run in a worker
    process (it is top-level, hence picklable) and its result may be cached by content.
    """
    unreadable = _not_a_file(source.path)
    if unreadable:
        return FileReport(Document(source, ()), (), (Diagnostic(source.display, 0, unreadable, "error"),))
    try:
        md = InlineMemoMarkdown(new_markdown())  # one tokenisation per text, for parse and render alike
        document = parse_file(source, md)
        media = resolve_media(document, new_fetcher(media_options or MediaOptions()))
        extraction = extract_report(document, Renderer(md, media.refs), config)
        cards = [attach_media(card, media.refs) for card in extraction.cards]
        md.forget()  # its tokens are done with: freed now, not by the collector (see ankigen.gc_pause)
        notes = (*document.diagnostics, *media.diagnostics)
        return FileReport(document, tuple(cards), notes, extraction.silent, media)
    except Exception as exc:  # one bad file must not stop the others; the CLI decides on --strict
        reason = " ".join(str(exc).split())[:200] or "no details"
        message = f"could not be turned into cards ({type(exc).__name__}: {reason}); no cards from this file"
        error = Diagnostic(source.display, 0, message, "error", detail=traceback.format_exc())
        return FileReport(Document(source, ()), (), (error,))


def _not_a_file(path: Path) -> str:
    """Why `path` cannot be read as a notes file, or "" when it can: reading a FIFO would hang."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"
    return "" if stat.S_ISREG(mode) else "cannot read file: not a regular file"
