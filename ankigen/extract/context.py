"""What a card rule sees: one section, where it sits, and how to render it."""

from __future__ import annotations

from dataclasses import dataclass

from ankigen.config import Config
from ankigen.model import Card, CardKind, Document, Section
from ankigen.render import Renderer

__all__ = ["PATH_SEPARATOR", "SectionContext"]

PATH_SEPARATOR = " › "


@dataclass(frozen=True)
class SectionContext:
    document: Document
    section: Section
    path: tuple[str, ...]  # plain-text heading path, this section's own title last
    renderer: Renderer
    config: Config

    @property
    def context(self) -> str:
        return PATH_SEPARATOR.join(self.path)

    def card(self, kind: CardKind, rule: str, key: str, front: str, back: str, line: int) -> Card:
        """A card from this section; `key` need only be unique within the section and rule."""
        return Card(
            kind=kind,
            rule=rule,
            key=f"{rule}|{self.context}|{key}",
            front=front,
            back=back,
            context=self.context,
            heading_path=self.path,
            source=self.document.source,
            line=line,
            pinned_id=self.section.pinned_id,
        )
