"""Which exam a card goes in; the first match wins: the file's front matter `exam:`; the config's
`files` globs; the deepest heading above the card that names an exam (so one file can hold two
courses); an exam code in the file's path (`notes/saa-c03/`); the config's `default_exam`; the
first exam any heading of the file names; else `General`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from ankigen.config import Config, exam_of
from ankigen.exams import Exam, ExamFinder
from ankigen.model import Card, Diagnostic, Document, Section

__all__ = ["GENERAL", "ExamPlacer", "globbed_exams", "places_by_glob"]

GENERAL = "General"
_NO_EXAM = Exam(GENERAL, "")


def places_by_glob(config: Config) -> bool:
    return any(exam.files for exam in config.exams)


def globbed_exams(paths: Iterable[Path], config: Config) -> dict[Path, str]:
    """The exam the config's globs give each of `paths` ("": none), walking each glob once: with
    that, a file's cards are classified by its own content alone (so in its worker, and cached)."""
    placer = ExamPlacer(config, {}, None, [])
    return {path: exam.code if (exam := placer.globbed_exam(path)) else "" for path in paths}


class ExamPlacer:
    """The exam half of one classify run: the config's exams and globs, and the files' front
    matter; what it has to say about them goes to `diagnostics`, in the order it is found."""

    def __init__(
        self,
        config: Config,
        documents: Mapping[Path, Document],
        globbed: Mapping[Path, str] | None,
        diagnostics: list[Diagnostic],
    ) -> None:
        self.config = config
        self.known_globs = globbed or {}
        self.finder = ExamFinder(exam_of(exam) for exam in config.exams)
        self.documents = documents
        self.diagnostics = diagnostics
        self._file_exams: dict[Path, Exam | None] = {}
        self._fallbacks: dict[Path, Exam] = {}
        self._heading_exams: dict[str, Exam | None] = {}
        self._globbed: dict[str, frozenset[Path]] = {}

    def exam(self, card: Card) -> Exam:
        path = card.source.path
        if path not in self._file_exams:
            self._file_exams[path] = self.front_matter_exam(path) or self.globbed_exam(path)
        exam = self._file_exams[path]
        if exam is not None:
            return exam
        for title in reversed(card.heading_path):
            exam = self.heading_exam(title)
            if exam is not None:
                return exam
        if path not in self._fallbacks:
            self._fallbacks[path] = self.fallback_exam(card)
        return self._fallbacks[path]

    def fallback_exam(self, card: Card) -> Exam:
        """For a card no heading places: its path, the default exam, or what the file names first."""
        in_path = self.finder.in_text(re.sub(r"[\\/_.]+", " ", card.source.display))
        if in_path is not None:
            return in_path
        if self.config.default_exam:
            code = self.config.default_exam
            return self.finder.resolve(code) or Exam(code, "")
        return self.first_exam_named(card.source.path) or _NO_EXAM

    def heading_exam(self, title: str) -> Exam | None:
        if title not in self._heading_exams:
            self._heading_exams[title] = self.finder.in_text(title)
        return self._heading_exams[title]

    def front_matter_exam(self, path: Path) -> Exam | None:
        document = self.documents.get(path)
        value = document.front_matter.get("exam") if document else None
        if document is None or value is None:
            return None
        display = document.source.display
        if not isinstance(value, str) or not value.strip():
            self.diagnostics.append(Diagnostic(display, 0, "front matter 'exam' must be one exam code"))
            return None
        exam = self.finder.resolve(value)
        if exam is None:
            self.diagnostics.append(Diagnostic(display, 0, f"front matter names an unknown exam: {value}"))
            exam = Exam(value.strip(), "")
        return exam

    def globbed_exam(self, path: Path) -> Exam | None:
        if path in self.known_globs:
            return self.finder.exams[self.known_globs[path].upper()] if self.known_globs[path] else None
        resolved = path.resolve()
        for configured in self.config.exams:
            for pattern in configured.files:
                if resolved in self._glob(pattern):
                    return self.finder.exams[configured.code.upper()]
        return None

    def _glob(self, pattern: str) -> frozenset[Path]:
        if pattern not in self._globbed:
            base = Path(pattern).anchor if Path(pattern).is_absolute() else self.config.root
            relative = str(Path(pattern).relative_to(base)) if Path(pattern).is_absolute() else pattern
            self._globbed[pattern] = frozenset(p.resolve() for p in Path(base).glob(relative) if p.is_file())
        return self._globbed[pattern]

    def first_exam_named(self, path: Path) -> Exam | None:
        document = self.documents.get(path)
        for title in _titles(document.sections if document else ()):
            exam = self.finder.in_text(title)
            if exam is not None:
                return exam
        return None


def _titles(sections: Iterable[Section]) -> Iterable[str]:
    for section in sections:
        if section.title:
            yield section.title
        yield from _titles(section.children)
