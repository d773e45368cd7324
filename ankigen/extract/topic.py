"""Topic cards: a heading with a body asks for that body.

The front names the topic (the Context field above it shows the whole heading path); a long
body is split along its own structure into several cards, each asking for its own piece.
"""

from __future__ import annotations

import dataclasses
import html
from collections import Counter
from collections.abc import Iterator

from ankigen.extract.context import PATH_SEPARATOR, SectionContext
from ankigen.extract.pairs import qa_lines
from ankigen.extract.split import Chunk, is_link_only, split_body
from ankigen.extract.term import find_terms
from ankigen.extract.wording import as_question, is_question, qualify
from ankigen.model import Block, Card

__all__ = ["body_cards", "body_of", "rule"]


def rule(ctx: SectionContext) -> Iterator[Card]:
    section = ctx.section
    if not section.title or ctx.is_toc:
        return
    if ctx.answers_heading:
        return  # the question rule asks it, in the author's words
    blocks = body_of(ctx)
    if blocks:
        yield from body_cards(ctx, "topic", blocks, f"Explain <b>{html.escape(ctx.topic)}</b>")


def body_of(ctx: SectionContext) -> tuple[Block, ...]:
    """The section's body as a card shows it: without link-only lists or Q/A pairs asked elsewhere;
    empty when nothing is left but links and separators (a diagram that resolved is content)."""
    asked = ctx.config.rule_enabled("question")
    claimed = set(qa_lines(ctx)) if asked else set()
    kept: list[Block] = []
    for block in ctx.body:
        if block.kind == "list":
            # bullets that ask a question their nested bullets answer are the question rule's
            items = tuple(
                i
                for i in block.items
                if i.line not in claimed and not (asked and i.children and is_question(ctx.plain(i.text)))
            )
            if items and not all(is_link_only(item.text) for item in items):
                kept.append(dataclasses.replace(block, items=items))
        elif not (block.kind == "paragraph" and set(_lines(block)) <= claimed):
            kept.append(block)
    if all(
        block.kind == "paragraph"
        and is_link_only(block.text)
        and "<img" not in ctx.renderer.inline(block.text)
        for block in kept
    ):
        return ()
    return tuple(kept)


def _lines(block: Block) -> range:
    return range(block.line, block.line + block.text.count("\n") + 1)


def body_cards(
    ctx: SectionContext, rule_name: str, blocks: tuple[Block, ...], first: str, asks: str = ""
) -> Iterator[Card]:
    """Cards for a body: one when it fits, else one per piece; `first` is the whole body's front.

    With `asks` (a question heading, in words), the cards show the path above the heading as
    context, since the front already is the heading, and their keys start with the question.
    """
    context = PATH_SEPARATOR.join(ctx.path[:-1]) if asks else None
    chunks = split_body(blocks, ctx.plain)
    seen: Counter[str] = Counter()
    defined = {hit.line.line for hit in find_terms(ctx)} if ctx.config.rule_enabled("term") else set()
    for index, chunk in enumerate(chunks):
        if chunk.from_bullet and chunk.line in defined and PATH_SEPARATOR not in chunk.subject:
            continue  # a term with its nested bullets: the term rule asks exactly this
        front, key = (first, "") if index == 0 and not chunk.subject else _front(ctx, chunk, first)
        seen[key] += 1
        if seen[key] > 1 and key == "continued":
            front, key = f"{first} (continued {seen[key]})", f"continued {seen[key]}"
        elif seen[key] > 1:
            front, key = f"{front} ({seen[key]})", f"{key} ({seen[key]})"
        back = ctx.renderer.blocks(chunk.blocks)
        if asks:
            key = f"{asks}{PATH_SEPARATOR}{key}" if key else asks
        line = ctx.section.line if index == 0 else chunk.line
        yield ctx.card("qa", rule_name, key, front, back, line, context)


def _front(ctx: SectionContext, chunk: Chunk, first: str) -> tuple[str, str]:
    if not chunk.subject:
        return f"{first} (continued)", "continued"
    if chunk.from_bullet and is_question(chunk.subject):
        question = qualify(as_question(chunk.subject), ctx.name)
        return html.escape(question), chunk.subject
    subject = chunk.subject
    if subject.lower() == ctx.title.lower():
        return first, ""
    if ctx.title and not is_question(ctx.title) and ctx.title.lower() not in subject.lower():
        subject = f"{ctx.title}{PATH_SEPARATOR}{subject}"
    return f"Explain <b>{html.escape(subject)}</b>", chunk.subject
