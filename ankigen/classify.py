"""Place every card in its exam and domain, and tag it; name the decks and packages it goes in.

Exam: see `ankigen.exam_placing` (front matter, the config's globs, headings, the path, ...).

Service and domain: the deepest heading naming a service; else the file's front matter
`service:`; else the deepest heading naming a category, with the service the card's text names
most within it; else the service the text names most. The domain is the service's category, or
what the config maps the service or category to; `domain:` in front matter overrides it.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import nh3

from ankigen.config import Config
from ankigen.exam_placing import GENERAL, ExamPlacer
from ankigen.exams import CATALOGUE, Exam
from ankigen.frozen import replaced
from ankigen.model import PATH_SEPARATOR, Card, Diagnostic, Document
from ankigen.services import Service, shipped_catalogue

__all__ = [
    "GENERAL",
    "Classified",
    "Unclassified",
    "classify",
    "classify_cards",
    "deck_name",
    "package_name",
    "slug",
    "unclassified",
]

_TAG_KINDS = ("exam::", "domain::", "service::", "source::")


_NOT_WORD = re.compile(r"[^\w]+")
# Built once: nh3.clean() builds its sanitiser anew on every call, which cost more than the
# cleaning of a card's field.  A Cleaner holds no state between calls.
_TEXT_ONLY = nh3.Cleaner(tags=set())


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
    `globbed` what the config's globs give the files (see `ankigen.exam_placing.globbed_exams`)
    where known."""
    placer = _Placer(config, documents, globbed)
    placed = [placer.place(card) for card in cards]
    return Classified(tuple(placed), tuple(placer.diagnostics))


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
    """One classify run: its exams (see `ExamPlacer`), the catalogue, and the files' front matter."""

    def __init__(
        self, config: Config, documents: Sequence[Document], globbed: Mapping[Path, str] | None
    ) -> None:
        self.config = config
        self.catalogue = shipped_catalogue()
        self.documents = {document.source.path: document for document in documents}
        # one list for both halves: the warnings come in the order the cards raise them
        self.diagnostics: list[Diagnostic] = []
        self.exams = ExamPlacer(config, self.documents, globbed, self.diagnostics)
        self._file_services: dict[Path, Service | None] = {}
        self._slugs: dict[str, str] = {}
        self._titles: dict[str, list[Service] | None] = {}
        # Many cards share their tags and heading path: each kept as one object, once in memory
        # and in the cache (pickle writes an object it has seen as a reference).
        self._tags: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._contexts: dict[str, str] = {}

    def place(self, card: Card) -> Card:
        exam = self.exams.exam(card)
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
        return replaced(
            card,
            exam=exam.code,
            domain=domain,
            service=service.id if service else "",
            tags=self._tags.setdefault(tags, tags),
            context=self._contexts.setdefault(card.context, card.context),
        )

    def slug(self, text: str) -> str:
        if text not in self._slugs:
            self._slugs[text] = slug(text)
        return self._slugs[text]

    # -- service and domain ------------------------------------------------------------------
    def subject(self, card: Card) -> tuple[Service | None, str]:
        words = _Words(card)
        for title in reversed(card.heading_path):
            named = self.named_alone(title)
            if named is None:
                named = self.catalogue.services_in(title, words.context)
            if named:
                return named[0], named[0].category
        # A Q/A card whose front ends in a service ("Data Engineering › AWS Batch") is about it,
        # however often its answer names others.
        asked = words.front.rsplit(PATH_SEPARATOR, 1)[-1] if card.kind == "qa" else ""
        named = self.catalogue.services_in(asked, words.context)
        if named:
            return named[-1], named[-1].category
        declared = self.front_matter_service(card.source.path)
        if declared is not None:
            return declared, declared.category
        mentioned = self.catalogue.services_in(words.text, words.context)
        for title in reversed(card.heading_path):
            categories = [] if self.exams.heading_exam(title) else self.catalogue.categories_in(title)
            if categories:
                within = [service for service in mentioned if service.category == categories[0]]
                return _most_named(within), categories[0]
        service = _most_named(mentioned)
        return service, service.category if service else GENERAL

    def named_alone(self, title: str) -> list[Service] | None:
        """The services a heading names, when no context is needed to tell which (see
        `Catalogue.named_alone`): worked out once per heading, not once per card under it."""
        if title not in self._titles:
            self._titles[title] = self.catalogue.named_alone(title)
        return self._titles[title]

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


class _Words:
    """A card's words to find names in, each worked out only when a step of `subject` needs it
    (most cards are placed by their headings alone)."""

    def __init__(self, card: Card) -> None:
        self._card = card

    @cached_property
    def front(self) -> str:
        return _plain(self._card.front)

    @cached_property
    def text(self) -> str:
        return self.front + "\n" + _plain(self._card.back)

    @cached_property
    def context(self) -> str:
        return " ".join(self._card.heading_path) + "\n" + self.text


def _plain(fragment: str) -> str:
    """The words of a card field, for finding names in (never shown anywhere)."""
    if "<" not in fragment and "&" not in fragment:
        return fragment
    # nh3 (Rust) is fifty times faster than a Python HTML parser here; a space before each tag
    # keeps "<li>EBS</li><li>x" from reading as "EBSx".
    return html.unescape(_TEXT_ONLY.clean(fragment.replace("<", " <")))
