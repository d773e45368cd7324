"""Place every card in its exam and domain, and tag it; name the decks and packages it goes in.

Exam, first match wins: the file's front matter `exam:`; the config's `files` globs; the deepest
heading above the card that names an exam (so one file can hold two courses); an exam code in the
file's path (`notes/saa-c03/`); the config's `default_exam`; the first exam any heading of the
file names; else `General`.

Service and domain: the deepest heading naming a service; else the file's front matter
`service:`; else the deepest heading naming a category, with the service the card's text names
most within it; else the service the text names most. The domain is the service's category, or
what the config maps the service or category to; `domain:` in front matter overrides it.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import nh3

from ankigen.config import Config, exam_of
from ankigen.exams import CATALOGUE, Exam, ExamFinder
from ankigen.model import PATH_SEPARATOR, Card, Diagnostic, Document, Section
from ankigen.services import Service, shipped_catalogue

__all__ = [
    "GENERAL",
    "Classified",
    "Unclassified",
    "classify",
    "classify_cards",
    "deck_name",
    "globbed_exams",
    "package_name",
    "places_by_glob",
    "slug",
    "unclassified",
]

GENERAL = "General"
_NO_EXAM = Exam(GENERAL, "")
_TAG_KINDS = ("exam::", "domain::", "service::", "source::")


_NOT_WORD = re.compile(r"[^\w]+")


def slug(text: str) -> str:
    return _NOT_WORD.sub("-", text.lower()).strip("-") or "none"


@dataclass(frozen=True)
class Classified:
    cards: tuple[Card, ...]
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class Unclassified:
    """A section whose cards went to the General domain: no service or category was found."""

    location: str  # file:line of the section's first card
    context: str  # its heading path
    cards: int


def classify(cards: Iterable[Card], config: Config, documents: Sequence[Document] = ()) -> list[Card]:
    return list(classify_cards(cards, config, documents).cards)


def classify_cards(
    cards: Iterable[Card],
    config: Config,
    documents: Sequence[Document] = (),
    globbed: Mapping[Path, str] | None = None,
) -> Classified:
    """Give each card its exam, domain, service and the four tags; `documents` supply front matter,
    `globbed` what the config's globs give the files (see `globbed_exams`) where known."""
    placer = _Placer(config, documents, globbed)
    placed = [placer.place(card) for card in cards]
    return Classified(tuple(placed), tuple(placer.diagnostics))


def places_by_glob(config: Config) -> bool:
    return any(exam.files for exam in config.exams)


def globbed_exams(paths: Iterable[Path], config: Config) -> dict[Path, str]:
    """The exam the config's globs give each of `paths` ("": none), walking each glob once: with
    that, a file's cards are classified by its own content alone (so in its worker, and cached)."""
    placer = _Placer(config, (), None)
    return {path: exam.code if (exam := placer.globbed_exam(path)) else "" for path in paths}


def unclassified(cards: Iterable[Card]) -> list[Unclassified]:
    """The sections whose cards landed in `General`, in source order, for `ankigen check`."""
    found: dict[tuple[str, str], Unclassified] = {}
    for card in cards:
        if card.domain != GENERAL:
            continue
        key = (card.source.display, card.context)
        seen = found.get(key)
        count = seen.cards + 1 if seen else 1
        found[key] = Unclassified(seen.location if seen else card.location, card.context, count)
    return list(found.values())


def deck_name(card: Card, config: Config) -> str:
    """`AWS SAA-C03 Solutions Architect Associate::Storage`, from the config's `deck_name`."""
    name = config.deck_name.format(**_fields(card, config))
    parts = (" ".join(part.split()) for part in name.split("::"))
    return "::".join(part for part in parts if part)


def package_name(card: Card, config: Config, split: str) -> str:
    """`aws-saa-c03.apkg`, or with `split = "domain"` `aws-saa-c03-storage.apkg`."""
    template = config.package_name
    if split == "domain" and "{domain}" not in template:
        template += "-{domain}"
    name = template.format(**_fields(card, config)).replace("::", "-")
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") + ".apkg"


def _fields(card: Card, config: Config) -> dict[str, str]:
    titles = {exam.code.upper(): exam.title for exam in CATALOGUE}
    titles.update({exam.code.upper(): exam.title for exam in config.exams})
    return {
        "prefix": config.deck_prefix,
        "code": card.exam,
        "title": titles.get(card.exam.upper(), ""),
        "domain": card.domain,
    }


class _Placer:
    """One classify run: the config's exams and globs, the catalogue, and the files' front matter."""

    def __init__(
        self, config: Config, documents: Sequence[Document], globbed: Mapping[Path, str] | None
    ) -> None:
        self.config = config
        self.known_globs = globbed or {}
        self.finder = ExamFinder(exam_of(exam) for exam in config.exams)
        self.catalogue = shipped_catalogue()
        self.documents = {document.source.path: document for document in documents}
        self.diagnostics: list[Diagnostic] = []
        self._file_exams: dict[Path, Exam | None] = {}
        self._fallbacks: dict[Path, Exam] = {}
        self._file_services: dict[Path, Service | None] = {}
        self._heading_exams: dict[str, Exam | None] = {}
        self._slugs: dict[str, str] = {}
        self._globbed: dict[str, frozenset[Path]] = {}

    def place(self, card: Card) -> Card:
        exam = self.exam(card)
        service, category = self.subject(card)
        domain = self.front_matter_domain(card.source.path) or self.domain(exam, service, category)
        kept = [tag for tag in card.tags if not tag.startswith(_TAG_KINDS)]
        tags = (
            *kept,
            f"exam::{self.slug(exam.code)}",
            f"domain::{self.slug(domain)}",
            f"service::{self.slug(service.id if service else 'none')}",
            f"source::{self.slug(card.source.path.stem)}",
        )
        return dataclasses.replace(
            card, exam=exam.code, domain=domain, service=service.id if service else "", tags=tags
        )

    # -- exam --------------------------------------------------------------------------------
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

    def slug(self, text: str) -> str:
        if text not in self._slugs:
            self._slugs[text] = slug(text)
        return self._slugs[text]

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

    # -- service and domain ------------------------------------------------------------------
    def subject(self, card: Card) -> tuple[Service | None, str]:
        text = _plain(card.front) + "\n" + _plain(card.back)
        context = " ".join(card.heading_path) + "\n" + text
        for title in reversed(card.heading_path):
            named = self.catalogue.services_in(title, context)
            if named:
                return named[0], named[0].category
        # A Q/A card whose front ends in a service ("Data Engineering › AWS Batch") is about it,
        # however often its answer names others.
        asked = _plain(card.front).rsplit(PATH_SEPARATOR, 1)[-1] if card.kind == "qa" else ""
        named = self.catalogue.services_in(asked, context)
        if named:
            return named[-1], named[-1].category
        declared = self.front_matter_service(card.source.path)
        if declared is not None:
            return declared, declared.category
        mentioned = self.catalogue.services_in(text, context)
        for title in reversed(card.heading_path):
            categories = [] if self.heading_exam(title) else self.catalogue.categories_in(title)
            if categories:
                within = [service for service in mentioned if service.category == categories[0]]
                return _most_named(within), categories[0]
        service = _most_named(mentioned)
        return service, service.category if service else GENERAL

    def front_matter_domain(self, path: Path) -> str:
        """`domain:` in front matter: the deck every card of the file goes to, e.g. an exam guide's
        own domain ("Modeling") that no service category matches."""
        document = self.documents.get(path)
        value = document.front_matter.get("domain") if document else None
        return " ".join(value.split()) if isinstance(value, str) else ""

    def front_matter_service(self, path: Path) -> Service | None:
        """`service:` in front matter: the file's service where no heading names one."""
        if path in self._file_services:
            return self._file_services[path]
        document = self.documents.get(path)
        value = document.front_matter.get("service") if document else None
        service = None
        if document is not None and value is not None:
            text = str(value).strip()
            service = self.catalogue.services.get(text) or next(iter(self.catalogue.services_in(text)), None)
            if service is None:
                message = f"front matter names an unknown service: {text} (see ankigen/data/services.toml)"
                self.diagnostics.append(Diagnostic(document.source.display, 0, message))
        self._file_services[path] = service
        return service

    def domain(self, exam: Exam, service: Service | None, category: str) -> str:
        for mapping in (exam.domains, self.config.domains):
            if service is not None and service.id in mapping:
                return mapping[service.id]
            if category in mapping:
                return mapping[category]
        return category


def _most_named(services: Sequence[Service]) -> Service | None:
    """The service named most often; of equals, the one named first."""
    if not services:
        return None
    counts = Counter(service.id for service in services)
    return max(services, key=lambda service: counts[service.id])


def _plain(fragment: str) -> str:
    """The words of a card field, for finding names in (never shown anywhere)."""
    if "<" not in fragment and "&" not in fragment:
        return fragment
    # nh3 (Rust) is fifty times faster than a Python HTML parser here; a space before each tag
    # keeps "<li>EBS</li><li>x" from reading as "EBSx".
    return html.unescape(nh3.clean(fragment.replace("<", " <"), tags=set()))


def _titles(sections: Iterable[Section]) -> Iterable[str]:
    for section in sections:
        if section.title:
            yield section.title
        yield from _titles(section.children)
