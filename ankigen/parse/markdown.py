"""Markdown to a section tree, from markdown-it-py's token stream.

Each file is tokenised once; every block keeps the Markdown source of its inline content so
that the card rules can render exactly the part they need.  Headings build the tree here;
`blocks.py` turns everything between headings into Blocks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from ankigen.model import Block, Diagnostic, Document, ImageRef, Section, SourceFile
from ankigen.parse.blocks import BlockReader, TokenStream

__all__ = [
    "MAX_NESTING",
    "FrontMatter",
    "new_markdown",
    "normalise",
    "outline_images",
    "parse_markdown",
    "read_front_matter",
]

# markdown-it silently drops whatever lies deeper than maxNesting (20 in CommonMark: ten list
# levels).  40 keeps 19 list levels and stays far from Python's recursion limit; BlockReader
# flattens anything deeper, keeping its text.
MAX_NESTING = 40

_PINNED_ID = re.compile(r"<!--\s*id:\s*([\w.:-]+)\s*-->")
# Bullets typed as the characters word processors use: the same list as `-` to a reader.
_TYPOGRAPHIC_BULLET = re.compile(r"^([ \t]*)[•◦▪‣●○](?=[ \t])", re.M)
# `&nbsp;&nbsp;** point`: a bullet indented with non-breaking spaces so that it shows indented
# on GitHub; CommonMark leaves the `**` as text.  One space per `&nbsp;` keeps the nesting.
_NBSP_BULLET = re.compile(r"^((?:&nbsp;|&#160;|\u00a0)+)(?:\*{1,2}|-|\+)[ \t]+(?=\S)", re.M)
_NBSP = re.compile(r"&nbsp;|&#160;|\u00a0")


def new_markdown() -> MarkdownIt:
    """The one Markdown dialect ankigen reads and renders: CommonMark, tables, math, front matter."""
    md = MarkdownIt("commonmark", {"linkify": True, "typographer": False, "maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough", "linkify"])
    md.use(front_matter_plugin).use(dollarmath_plugin, double_inline=True)
    return md


def normalise(text: str) -> str:
    """The source rewrites before parsing, each within one line (line numbers stay): bullets
    typed as `•` or indented with `&nbsp;` become Markdown bullets."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as markdown-it counts lines
    text = _TYPOGRAPHIC_BULLET.sub(r"\1-", text)
    return _NBSP_BULLET.sub(lambda found: " " * len(_NBSP.findall(found.group(1))) + "- ", text)


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
    text = normalise(text)
    env: dict[str, Any] = {}
    stream = TokenStream.parse(md, text, 0, env)
    references = _references(env)
    tokens = stream.tokens
    reader = BlockReader(md, text.split("\n"), source.display)
    front_matter: dict[str, object] = {}
    preamble = _Heading("", 0, 1)
    stack = [preamble]
    covered = 0  # lines before this one belong to a token already read
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.map:
            stack[-1].blocks.extend(_unread(reader.lines, covered, token.map[0], references))
            covered = max(covered, token.map[1])
        if token.type == "front_matter":
            front_matter = _front_matter(token, reader.display, reader.diagnostics)
            if not front_matter and token.content.strip():  # not metadata after all: keep it as text
                preamble.blocks.append(Block("paragraph", _line(token) + 1, token.content.strip()))
            i += 1
        elif token.type == "heading_open":
            level = int(token.tag[1])
            title, pinned = _pinned(" ".join(tokens[i + 1].content.split("\n")).strip())
            heading = _Heading(title, level, _line(token), pinned_id=pinned)
            while stack[-1].level >= level:
                stack.pop()
            stack[-1].children.append(heading)
            stack.append(heading)
            i = stream.closing[i] + 1
        else:
            blocks, i = reader.block(stream, i)
            for block in blocks:
                found = _PINNED_ID.search(block.text) if block.kind == "html" else None
                if found:
                    stack[-1].pinned_id = found.group(1)
                    rest = _PINNED_ID.sub("", block.text).strip()
                    if rest:
                        stack[-1].blocks.append(Block("html", block.line, rest))
                else:
                    reader.append(stack[-1].blocks, block)
    stack[-1].blocks.extend(_unread(reader.lines, covered, len(reader.lines), references))
    sections = [child.freeze() for child in preamble.children]
    if preamble.blocks or preamble.pinned_id:
        sections.insert(0, Section("", 0, 1, tuple(preamble.blocks), pinned_id=preamble.pinned_id))
    images = _images(tokens)
    for fragment in reader.fragments:
        images.extend(_images(fragment.tokens))
    return Document(
        source=source,
        sections=tuple(sections),
        front_matter=front_matter,
        images=tuple(images),
        diagnostics=tuple(reader.diagnostics),
        references=references,
    )


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


def _unread(lines: Sequence[str], start: int, end: int, references: Mapping[str, object]) -> list[Block]:
    """Lines no block token holds, kept as paragraphs; but link reference definitions, which
    markdown-it read into `references` (they show as the links that use them), are dropped."""
    blocks: list[Block] = []
    run: list[int] = []
    for index in range(start, min(end, len(lines)) + 1):
        if index < end and index < len(lines) and lines[index].strip():
            run.append(index)
        elif run:
            text = "\n".join(lines[number].strip() for number in run)
            if not (references and text.startswith("[")):
                blocks.append(Block("paragraph", run[0] + 1, text))
            run = []
    return blocks


def _references(env: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """markdown-it's link reference definitions, as plain strings (picklable, like the rest)."""
    found = env.get("references") or {}
    return {
        str(label): {"href": str(definition.get("href", "")), "title": str(definition.get("title") or "")}
        for label, definition in found.items()
    }


def _pinned(title: str) -> tuple[str, str | None]:
    """A heading's title without its `<!-- id: x -->`, and the id."""
    found = _PINNED_ID.search(title)
    if not found:
        return title, None
    return _PINNED_ID.sub("", title).strip(), found.group(1)


def _front_matter(token: Token, display: str, diagnostics: list[Diagnostic]) -> dict[str, object]:
    """Front matter is YAML; invalid YAML or anything but a mapping is reported (and kept as text)."""
    try:
        data = yaml.safe_load(token.content)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = _line(token) + 1 + (mark.line if mark is not None else 0)
        diagnostics.append(Diagnostic(display, line, "front matter is not valid YAML: kept as text"))
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        message = "front matter is not a mapping of keys to values: kept as text"
        diagnostics.append(Diagnostic(display, _line(token), message))
        return {}
    return {str(key): value for key, value in data.items()}


@dataclass(frozen=True)
class FrontMatter:
    data: Mapping[str, object]
    end: int  # the number of lines it takes, its closing `---` included


def read_front_matter(text: str) -> FrontMatter | None:
    """The YAML mapping a text opens with, as markdown-it's front matter rule reads it; None if
    it opens with none, or with one that is not a valid mapping (Markdown keeps that as text)."""
    md = MarkdownIt("zero").use(front_matter_plugin)
    md.disable(["paragraph", "inline", "text_join"])
    md.block.ruler.push("rest", _rest_of_text)  # the front matter rule runs first: nothing else is read
    tokens = md.parse(normalise(text))
    if not tokens or tokens[0].type != "front_matter" or not tokens[0].map:
        return None
    data = _front_matter(tokens[0], "", [])
    return FrontMatter(data, tokens[0].map[1]) if data else None


def _rest_of_text(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    state.line = end
    return True


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
        if "![" not in token.content and "<" not in token.content:
            continue  # its children are parsed from its content: no image, no HTML (most lines)
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
    from bs4 import BeautifulSoup, Tag  # imported when there is HTML to read: most notes have none

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
