"""Question cards: headings written as questions or scenarios (their body, less a leading `A:`, is
the answer), `Q:`/`A:` pairs anywhere, and bullets asking a question that their nested bullets answer.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence

from ankigen.extract.context import Line, SectionContext
from ankigen.extract.pairs import ANSWER, qa_pairs
from ankigen.extract.topic import body_cards, body_of
from ankigen.extract.wording import as_question, clean_title, is_question, qualify
from ankigen.model import Block, Card

__all__ = ["rule"]


def rule(ctx: SectionContext) -> Iterator[Card]:
    yield from _heading_question(ctx)
    for pair in qa_pairs(ctx):
        question = "<br>".join(ctx.renderer.inline(text) for text in pair.question)
        key = " ".join(ctx.plain(text) for text in pair.question)
        yield ctx.card("qa", "question", key, question, render_lines(ctx, pair.answer), pair.lines[0])
    for line in ctx.lines():
        if not (line.bullet and line.children and is_question(ctx.plain(line.text))):
            continue
        parent = ctx.plain(line.ancestors[-1]) if line.ancestors else ctx.name
        question = qualify(as_question(ctx.plain(line.text)), clean_title(parent))
        back = ctx.renderer.blocks(line.children)
        yield ctx.card("qa", "question", question, html.escape(question), back, line.line)


def render_lines(ctx: SectionContext, lines: Sequence[Line]) -> str:
    """Lines as they were written: runs of bullets as lists, runs of other lines as paragraphs."""
    runs: list[list[Line]] = []
    for line in lines:
        last = runs[-1][-1] if runs else None
        if last is not None and last.bullet == line.bullet and (line.bullet or line.line == last.line + 1):
            runs[-1].append(line)
        else:
            runs.append([line])
    out: list[str] = []
    for run in runs:
        if run[0].bullet:
            items = (f"<li>{ctx.renderer.inline(x.text)}{ctx.renderer.blocks(x.children)}</li>" for x in run)
            out.append(f"<ul>{''.join(items)}</ul>")
        elif any(x.text for x in run):
            out.append("<p>" + "<br>".join(ctx.renderer.inline(x.text) for x in run if x.text) + "</p>")
    return "".join(out)


def _heading_question(ctx: SectionContext) -> Iterator[Card]:
    if not ctx.section.title or not is_question(ctx.title):
        return
    blocks = body_of(ctx)
    if not blocks:
        return
    first = blocks[0]
    if first.kind == "paragraph":
        answer = ANSWER.match(first.text)
        if answer:
            text = answer.group("text").strip()
            blocks = ((Block("paragraph", first.line, text),) if text else ()) + blocks[1:]
    parent = clean_title(ctx.path[-2]) if len(ctx.path) > 1 else ""
    question = qualify(as_question(ctx.title), parent)
    if blocks:
        yield from body_cards(ctx, "question", blocks, html.escape(question), asks=question)
