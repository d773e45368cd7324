"""Split a long section body along its own structure into pieces one can recall.

A body that fits on one card stays whole.  A longer one is cut at its paragraphs, at its
top-level bullets that have bullets of their own, and, for a very long paragraph, at its lines
and sentences.  Each piece says what it is about when the notes say so: a paragraph that opens
with a named subject (`S3 bucket policies are ...`), or a bullet that introduces nested ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ankigen.extract.wording import clean_title, is_question, kinds_of, subject_of
from ankigen.model import Block, ListItem
from ankigen.render_rules import pseudo_bullet

__all__ = ["ANSWER_LIMIT", "Chunk", "is_link_only", "size", "split_body"]

ANSWER_LIMIT = 1300  # plain characters on a card's back before it is split (card_quality flags 1500)
_TARGET = 800  # what a split aims for per card
_LONG_BULLET = 200  # characters from which a bullet without sub-bullets is a piece of its own
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
_LINK_ONLY = re.compile(
    r"^\s*(\[[^\]]*\]\([^)]*\)|<?https?://\S+>?|!\[[^\]]*\]\([^)]*\)|<br\s*/?>|[\s,;|•·-])*\s*$"
)

Plain = Callable[[str], str]


@dataclass(frozen=True)
class Chunk:
    subject: str  # plain text; "" when the piece does not name what it is about
    blocks: tuple[Block, ...]
    line: int
    from_bullet: bool = False  # the subject is a bullet's label, not a sentence's subject


def size(blocks: tuple[Block, ...] | list[Block], plain: Plain) -> int:
    """About how many characters the blocks show."""
    total = 0
    for block in blocks:
        if block.kind == "paragraph":
            total += len(plain(block.text)) + 1
        elif block.kind == "list":
            total += sum(len(plain(i.text)) + 2 + size(i.children, plain) for i in block.items)
        elif block.kind == "quote":
            total += size(block.children, plain)
        else:
            total += len(re.sub(r"<[^>]+>", "", block.text))
    return total


def is_link_only(text: str) -> bool:
    """A line that holds nothing but links, images or separators."""
    return bool(_LINK_ONLY.match(text))


def split_body(blocks: tuple[Block, ...], plain: Plain) -> list[Chunk]:
    line = blocks[0].line if blocks else 0
    if size(blocks, plain) <= ANSWER_LIMIT:
        return [Chunk("", blocks, line)]
    chunks: list[Chunk] = []
    for unit in _units(blocks, plain):
        current = chunks[-1] if chunks else None
        fits = current is not None and size(current.blocks, plain) + size(unit.blocks, plain) <= _TARGET
        if current is not None and not unit.subject and fits:
            chunks[-1] = Chunk(
                current.subject, _join(current.blocks, unit.blocks), current.line, current.from_bullet
            )
        else:
            chunks.append(unit)
    return chunks


def _units(blocks: tuple[Block, ...], plain: Plain) -> Iterator[Chunk]:
    index = 0
    while index < len(blocks):
        block = blocks[index]
        index += 1
        after = blocks[index] if index < len(blocks) else None
        label = _label(block, plain) if after is not None and after.kind == "list" else ""
        if after is not None and label and size((block, after), plain) <= ANSWER_LIMIT:
            # `Pricing models:` and the list it introduces are one piece, named by the label
            yield Chunk(label, (block, after), block.line, from_bullet=True)
            index += 1
        elif block.kind == "paragraph":
            yield from _paragraph_units(block, plain)
        elif block.kind == "list":
            for item in block.items:
                yield from _item_units(block, item, plain)
        else:
            yield Chunk("", (block,), block.line)


def _label(block: Block, plain: Plain) -> str:
    """The text of a short paragraph that ends in `:`, introducing what follows; else ""."""
    if block.kind != "paragraph":
        return ""
    text = plain(block.text).rstrip()
    if not text.endswith(":") or len(text.split()) > 10:
        return ""
    return kinds_of(text) or clean_title(text)


def _paragraph_units(block: Block, plain: Plain) -> Iterator[Chunk]:
    if is_link_only(block.text):
        yield Chunk("", (block,), block.line)
        return
    if not _longer_than(block.text, _TARGET, plain):
        yield Chunk(_paragraph_subject(block.text, plain), (block,), block.line)
        return
    # Too long for one card: by lines (the author's `<br>` breaks), then by sentences.
    pieces: list[tuple[int, str]] = []
    for offset, text in enumerate(block.text.split("\n")):
        if _longer_than(text, _TARGET, plain):
            pieces.extend((offset, sentence) for sentence in _SENTENCE_END.split(text))
        elif text.strip():
            pieces.append((offset, text))
    group: list[str] = []
    start = block.line
    for offset, text in pieces:
        if group and _longer_than("\n".join([*group, text]), _TARGET, plain):
            yield _paragraph_chunk(group, start, plain)
            group, start = [], block.line + offset
        group.append(text)
    if group:
        yield _paragraph_chunk(group, start, plain)


def _longer_than(markdown: str, limit: int, plain: Plain) -> bool:
    """Whether the text a reader sees of `markdown` is longer than `limit` characters.

    Rendering only ever shortens text (markup, entities and runs of spaces go; a link shows its
    text), so Markdown no longer than `limit` need not be rendered to know; a test holds this.
    """
    return len(markdown) > limit and len(plain(markdown)) > limit


def _paragraph_chunk(lines: list[str], line: int, plain: Plain) -> Chunk:
    text = "\n".join(lines)
    return Chunk(_paragraph_subject(text, plain), (Block("paragraph", line, text),), line)


def _paragraph_subject(text: str, plain: Plain) -> str:
    """The subject a paragraph opens with, or the label of a `Label:` line that introduces the rest."""
    lead = text.split("\n")[0]
    first = plain(pseudo_bullet(lead) or lead)
    label = first.rstrip()
    if label.endswith(":") and len(label.split()) <= 10 and "\n" in text:
        return kinds_of(label) or clean_title(label)
    bullet = pseudo_bullet(lead)
    return subject_of(plain(bullet) if bullet is not None else plain(text))


def _item_units(parent: Block, item: ListItem, plain: Plain) -> Iterator[Chunk]:
    alone = Block("list", item.line, info=parent.info, items=(item,))
    first, _, rest = item.text.partition("\n")
    if rest.strip() and size((alone,), plain) > _TARGET:
        # a bullet that ran on into the lines after it: the bullet, then those lines as prose
        yield from _item_units(parent, ListItem(first, item.line, item.children), plain)
        yield from _paragraph_units(Block("paragraph", item.line + 1, rest), plain)
        return
    if not item.children:
        # a long bullet is a paragraph in all but name: it says what it is about
        subject = subject_of(plain(item.text)) if len(plain(item.text)) > _LONG_BULLET else ""
        yield Chunk(subject, (alone,), item.line)
        return
    label = clean_title(plain(item.text)).rstrip(" :-\u2013\u2014")
    short = len(label.split()) <= 8 and not label.endswith(".")
    subject = label if is_question(label) or short else ""
    subject = subject or subject_of(label)
    if size((alone,), plain) <= ANSWER_LIMIT:
        yield Chunk(subject, (alone,), item.line, from_bullet=True)
        return
    for part in split_body(item.children, plain):
        lead = ListItem(item.text, item.line, part.blocks)
        sub = f"{subject} › {part.subject}" if subject and part.subject else subject or part.subject
        yield Chunk(sub, (Block("list", part.line, info=parent.info, items=(lead,)),), part.line, True)


def _join(first: tuple[Block, ...], second: tuple[Block, ...]) -> tuple[Block, ...]:
    """Blocks one after the other; two lists of the same kind become one."""
    if first and second and first[-1].kind == second[0].kind == "list" and first[-1].info == second[0].info:
        merged = Block("list", first[-1].line, info=first[-1].info, items=first[-1].items + second[0].items)
        return (*first[:-1], merged, *second[1:])
    return first + second
