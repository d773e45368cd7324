"""Topic cards: a heading with a body asks for that body."""

from __future__ import annotations

import html
from collections.abc import Iterator

from ankigen.extract.context import SectionContext
from ankigen.model import Card

__all__ = ["rule"]


def rule(ctx: SectionContext) -> Iterator[Card]:
    section = ctx.section
    if not section.title or not section.blocks:
        return
    back = ctx.renderer.blocks(section.blocks)
    front = html.escape(ctx.context)
    yield ctx.card("qa", "topic", "", front, back, section.line)
