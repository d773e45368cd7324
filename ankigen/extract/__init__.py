"""Cards from a parsed document: an ordered registry of card rules, each a plain function.

Every rule has one signature, `rule(ctx) -> Iterable[Card]`, and sees one section at a time
with its heading path.  Rules are switched on and off by name in the config's `[rules]`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ankigen.config import Config
from ankigen.extract import cloze, topic
from ankigen.extract.context import SectionContext
from ankigen.model import Card, Document, Section
from ankigen.render import Renderer

__all__ = ["RULES", "Rule", "SectionContext", "extract"]

Rule = Callable[[SectionContext], Iterable[Card]]

RULES: tuple[tuple[str, Rule], ...] = (
    ("topic", topic.rule),
    ("cloze", cloze.rule),
)


def extract(document: Document, renderer: Renderer, config: Config) -> list[Card]:
    enabled = [fn for name, fn in RULES if config.rule_enabled(name)]
    cards: list[Card] = []
    for ctx in _walk(document, document.sections, (), renderer, config):
        for rule in enabled:
            cards.extend(rule(ctx))
    return cards


def _walk(
    document: Document,
    sections: Iterable[Section],
    parents: tuple[str, ...],
    renderer: Renderer,
    config: Config,
) -> Iterator[SectionContext]:
    for section in sections:
        title = renderer.plain(section.title) if section.title else ""
        path = (*parents, title) if title else parents
        yield SectionContext(document, section, path, renderer, config)
        yield from _walk(document, section.children, path, renderer, config)
