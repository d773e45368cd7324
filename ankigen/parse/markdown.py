"""Markdown to a section tree, from markdown-it-py's token stream.

Each file is tokenised once; every block keeps the Markdown source of its inline content so
that the card rules can render exactly the part they need.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import yaml
from bs4 import BeautifulSoup, Tag
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from ankigen.model import Block, Diagnostic, Document, ImageRef, ListItem, Section, SourceFile

__all__ = ["new_markdown", "outline_images", "parse_markdown"]

_PINNED_ID = re.compile(r"<!--\s*id:\s*([\w.:-]+)\s*-->")


def new_markdown() -> MarkdownIt:
    """The one Markdown dialect ankigen reads and renders: CommonMark, tables, math, front matter."""
    md = MarkdownIt("commonmark", {"linkify": True, "typographer": False})
    md.enable(["table", "strikethrough", "linkify"])
    md.use(front_matter_plugin).use(dollarmath_plugin, double_inline=True)
    return md


@dataclass
class _Heading:
    title: str
    level: int
    line: int
    blocks: list[Block] = field(default_factory=list)
    children: list[_Heading] = field(default_factory=list)
    pinned_id: str | None = None

    def freeze(self) -> Section:
        return Section(
            title=self.title,
            level=self.level,
            line=self.line,
            blocks=tuple(self.blocks),
            children=tuple(child.freeze() for child in self.children),
            pinned_id=self.pinned_id,
        )


def parse_markdown(text: str, source: SourceFile, md: MarkdownIt | None = None) -> Document:
    md = md or new_markdown()
    tokens = md.parse(text)
    front_matter: dict[str, object] = {}
    diagnostics: list[Diagnostic] = []
    preamble = _Heading("", 0, 1)
    stack = [preamble]
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "front_matter":
            front_matter = _front_matter(token.content)
            i += 1
        elif token.type == "heading_open":
            level = int(token.tag[1])
            heading = _Heading(tokens[i + 1].content.strip(), level, _line(token))
            while stack[-1].level >= level:
                stack.pop()
            stack[-1].children.append(heading)
            stack.append(heading)
            i += 3
        else:
            blocks, i = _block(md, tokens, i)
            for block in blocks:
                pinned = _PINNED_ID.search(block.text) if block.kind == "html" else None
                if pinned:
                    stack[-1].pinned_id = pinned.group(1)
                else:
                    stack[-1].blocks.append(block)
    sections = [preamble.freeze()] if preamble.blocks else []
    sections.extend(child.freeze() for child in preamble.children)
    return Document(
        source=source,
        sections=tuple(sections),
        front_matter=front_matter,
        images=tuple(_images(tokens)),
        diagnostics=tuple(diagnostics),
    )


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


def _front_matter(content: str) -> dict[str, object]:
    """Front matter is YAML; anything but a mapping at its top is ignored."""
    try:
        data = yaml.safe_load(content)
    except yaml.YAMLError:
        return {}
    return {str(key): value for key, value in data.items()} if isinstance(data, dict) else {}


def _closing(tokens: Sequence[Token], start: int) -> int:
    """Index of the token that closes the one opened at `start`."""
    depth = 0
    for j in range(start, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _block(md: MarkdownIt, tokens: Sequence[Token], i: int) -> tuple[list[Block], int]:
    """The block starting at token i, and the index after it."""
    token = tokens[i]
    line = _line(token)
    kind = token.type
    if kind == "paragraph_open":
        return [Block("paragraph", line, tokens[i + 1].content)], i + 3
    if kind in ("bullet_list_open", "ordered_list_open"):
        end = _closing(tokens, i)
        ordered = "ordered" if kind == "ordered_list_open" else "bullet"
        return [Block("list", line, info=ordered, items=tuple(_items(md, tokens, i + 1, end)))], end + 1
    if kind in ("fence", "code_block"):
        return [Block("code", line, token.content, info=token.info.strip())], i + 1
    if kind == "math_block":
        return [Block("math", line, token.content.strip())], i + 1
    if kind == "html_block":
        return [Block("html", line, token.content)], i + 1
    if kind == "table_open":
        end = _closing(tokens, i)
        html = md.renderer.render(list(tokens[i : end + 1]), md.options, {})
        return [Block("table", line, html)], end + 1
    if kind == "blockquote_open":
        end = _closing(tokens, i)
        return [Block("quote", line, children=tuple(_blocks(md, tokens, i + 1, end)))], end + 1
    # hr, stray closers and anything the notes cannot turn into a card
    return [], (i + 1 if token.nesting != 1 else _closing(tokens, i) + 1)


def _blocks(md: MarkdownIt, tokens: Sequence[Token], start: int, end: int) -> list[Block]:
    blocks: list[Block] = []
    i = start
    while i < end:
        found, i = _block(md, tokens, i)
        blocks.extend(found)
    return blocks


def _items(md: MarkdownIt, tokens: Sequence[Token], start: int, end: int) -> list[ListItem]:
    items = []
    i = start
    while i < end:
        if tokens[i].type != "list_item_open":
            i += 1
            continue
        close = _closing(tokens, i)
        body = _blocks(md, tokens, i + 1, close)
        text = ""
        if body and body[0].kind == "paragraph":
            text, body = body[0].text, body[1:]
        items.append(ListItem(text=text, line=_line(tokens[i]), children=tuple(body)))
        i = close + 1
    return items


def outline_images(sections: Sequence[Section], md: MarkdownIt | None = None) -> tuple[ImageRef, ...]:
    """The Markdown images written in the points of a plain-text outline (its items are inline
    Markdown too, so the cards show them)."""
    md = md or new_markdown()
    found: list[ImageRef] = []

    def visit(blocks: Sequence[Block]) -> None:
        for block in blocks:
            for item in block.items:
                found.extend(_images(md.parseInline(item.text, {}), item.line))
                visit(item.children)

    for section in sections:
        visit(section.blocks)
        found.extend(outline_images(section.children, md))
    return tuple(found)


def _images(tokens: Sequence[Token], first_line: int = 0) -> list[ImageRef]:
    """Every image the notes show: `![alt](src "title")`, and `<img>` in inline or block HTML."""
    found: list[ImageRef] = []
    for token in tokens:
        if token.type == "html_block":
            found.extend(_html_images(token.content, _line(token)))
        if token.type != "inline" or not token.children:
            continue
        line = first_line or _line(token)
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "image" and child.attrs.get("src"):
                alt = "".join(t.content for t in child.children or [] if t.type in ("text", "code_inline"))
                title = str(child.attrs.get("title", ""))
                found.append(ImageRef(src=str(child.attrs["src"]), alt=alt, line=line, title=title))
            elif child.type == "html_inline":
                found.extend(_html_images(child.content, line))
    return found


def _html_images(fragment: str, line: int) -> list[ImageRef]:
    """The <img src> tags in a piece of raw HTML, each on its own line."""
    if "<img" not in fragment.lower():
        return []
    found = []
    for tag in BeautifulSoup(fragment, "html.parser").find_all("img"):
        if not isinstance(tag, Tag):
            continue
        src, alt, title = (tag.get(name) for name in ("src", "alt", "title"))
        if isinstance(src, str) and src.strip():
            found.append(
                ImageRef(
                    src=src.strip(),
                    alt=alt if isinstance(alt, str) else "",
                    line=line + (tag.sourceline or 1) - 1,
                    title=title if isinstance(title, str) else "",
                )
            )
    return found
