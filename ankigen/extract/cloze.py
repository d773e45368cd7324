"""Cloze cards: a sentence or bullet with bold terms hides each term in its own cloze."""

from __future__ import annotations

from collections.abc import Iterator

from ankigen.extract.context import SectionContext
from ankigen.model import Block, Card

__all__ = ["rule"]


def rule(ctx: SectionContext) -> Iterator[Card]:
    for text, line in _sentences(ctx.section.blocks):
        terms = ctx.renderer.bold_terms(text)
        if not terms:
            continue
        rendered, count = ctx.renderer.cloze(text)
        if count:
            yield ctx.card("cloze", "cloze", "|".join(terms), rendered, "", line)


def _sentences(blocks: tuple[Block, ...]) -> Iterator[tuple[str, int]]:
    for block in blocks:
        if block.kind == "paragraph":
            yield block.text, block.line
        elif block.kind == "list":
            for item in block.items:
                yield item.text, item.line
                yield from _sentences(item.children)
