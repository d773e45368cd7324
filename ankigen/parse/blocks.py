"""markdown-it's block tokens to Blocks, with the repairs real notes need.

CommonMark reads some common note shapes differently from what their authors meant; each
repair here works on markdown-it's own tokens and re-parses a dedented slice of the source
with markdown-it, never with a hand-written Markdown parser:

- a list or points indented under a paragraph are a paragraph continuation to CommonMark:
  split them off into a list;
- a sublist indented less than its item's text (`1. a` then `  - b`) goes under that item;
- a line after an explicit `<br>` that backs out of a list item ends the list;
- prose or bullets indented four spaces, or fenced without a language, are not code;
- a container cut off by markdown-it's nesting limit is flattened, keeping its text;
- a block that only looks like an HTML tag (`<bucket-name>`) is text.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ankigen.model import Block, Diagnostic, ListItem
from ankigen.parse.accelerated import parse_tokens
from ankigen.parse.html import is_html
from ankigen.parse.outline import MAX_LIST_DEPTH, nest, points
from ankigen.parse.prose import (
    LIST_MARKER,
    TAB_WIDTH,
    content_column,
    indent_of,
    is_wrapped_paragraph,
    looks_like_prose,
    prose_runs,
    split_point,
)

__all__ = ["BlockReader", "TokenStream"]

_MAX_REPARSE = 6  # re-parses within re-parses; deeper slices become outline points


@dataclass(frozen=True)
class TokenStream:
    """Tokens of one markdown-it parse, with where each opened token closes."""

    tokens: Sequence[Token]
    closing: Sequence[int]

    @classmethod
    def parse(cls, md: MarkdownIt, text: str, offset: int, env: dict[str, Any] | None = None) -> TokenStream:
        """Parse `text`, whose first line is line `offset` (0-based) of the document; markdown-it
        leaves what it learns of the whole text (link reference definitions) in `env`."""
        tokens = parse_tokens(md, text, env)
        closing = list(range(len(tokens)))
        stack: list[int] = []
        for index, token in enumerate(tokens):
            if offset and token.map:
                token.map = [token.map[0] + offset, token.map[1] + offset]
            if token.nesting == 1:
                stack.append(index)
            elif token.nesting == -1 and stack:
                closing[stack.pop()] = index
        for index in stack:
            closing[index] = len(tokens) - 1
        return cls(tokens, closing)


def line_of(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


@dataclass
class BlockReader:
    """Reads Blocks from token streams of one document (`lines`: its source, as parsed)."""

    md: MarkdownIt
    lines: Sequence[str]
    display: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    fragments: list[TokenStream] = field(default_factory=list)  # re-parsed slices
    depth: int = 0

    def blocks(self, stream: TokenStream, start: int, end: int) -> list[Block]:
        found: list[Block] = []
        i = start
        while i < end:
            blocks, i = self.block(stream, i)
            for block in blocks:
                self.append(found, block)
        return found

    def append(self, found: list[Block], block: Block) -> None:
        """Add `block` after `found`, under the list before it when it is that list's sublist."""
        previous = found[-1] if found else None
        if previous is None or previous.kind != "list" or block.kind != "list" or not previous.items:
            found.append(block)
        elif self._column(block.line) > self._column(previous.items[0].line):
            found[-1] = self._adopt(previous, block, self._column(block.line))
        elif self._column(block.line) == self._column(previous.items[0].line) and block.info == previous.info:
            # one list that CommonMark cut in two where a sublist was too little indented
            found[-1] = replace(previous, items=(*previous.items, *block.items))
        else:
            found.append(block)

    def _adopt(self, parent: Block, block: Block, column: int, depth: int = 0) -> Block:
        """`parent` with `block` under its last item, or under that item's own last list if
        `block` is indented past that list's markers too."""
        last = parent.items[-1]
        children = last.children
        if children and children[-1].kind == "list" and depth < MAX_LIST_DEPTH:
            nested = children[-1]
            if nested.items and self._column(nested.items[0].line) < column:
                children = (*children[:-1], self._adopt(nested, block, column, depth + 1))
                return replace(parent, items=(*parent.items[:-1], replace(last, children=children)))
        return replace(parent, items=(*parent.items[:-1], replace(last, children=(*children, block))))

    def _source(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def _column(self, line: int) -> int:
        return indent_of(self._source(line))

    def block(self, stream: TokenStream, i: int) -> tuple[list[Block], int]:
        """The blocks starting at token i, and the index after them."""
        tokens = stream.tokens
        token = tokens[i]
        line = line_of(token)
        kind = token.type
        after = stream.closing[i] + 1 if token.nesting == 1 else i + 1
        if kind == "paragraph_open":
            return self._paragraph(token, tokens[i + 1]), after
        if kind == "heading_open":  # a heading inside a list or quote: keep it as a paragraph
            return [Block("paragraph", line, tokens[i + 1].content.strip())], after
        if kind in ("bullet_list_open", "ordered_list_open"):
            ordered = "ordered" if kind == "ordered_list_open" else "bullet"
            found: list[Block] = []
            items: list[ListItem] = []
            for part in [*self._items(stream, i + 1, after - 1), None]:
                if isinstance(part, ListItem):
                    items.append(part)
                    continue
                if items:
                    found.append(Block("list", items[0].line, info=ordered, items=tuple(items)))
                    items = []
                if part is not None:
                    found.append(part)
            return found, after
        if kind == "code_block" or (kind == "fence" and not token.info.strip()):
            return self._code(token), after
        if kind == "fence":
            return [Block("code", line, token.content, info=token.info.strip())], after
        if kind == "math_block":
            return [Block("math", line, token.content.strip())], after
        if kind == "html_block":
            return [self._html(token)], after
        if kind == "table_open":
            html = self.md.renderer.render(list(tokens[i:after]), self.md.options, {})
            return [Block("table", line, html)], after
        if kind == "blockquote_open":
            if self._cut_off(stream, i):
                return [Block("quote", line, children=self._flattened(token))], after
            return [Block("quote", line, children=tuple(self.blocks(stream, i + 1, after - 1)))], after
        if kind == "front_matter":  # the document's own is read by the caller: this is a slice's
            return [Block("paragraph", line, token.content.strip())], after
        if kind == "hr" or token.nesting == -1:
            return [], after  # separators carry no content
        inline = [t for t in tokens[i:after] if t.type == "inline" and t.content.strip()]
        return [Block("paragraph", line_of(t), t.content.strip()) for t in inline], after

    # -- lists -------------------------------------------------------------------------------
    def _items(self, stream: TokenStream, start: int, end: int) -> list[ListItem | Block]:
        """The list's items, and any paragraph that only lazily continued an item (it ends the list)."""
        items: list[ListItem | Block] = []
        i = start
        while i < end:
            token = stream.tokens[i]
            close = stream.closing[i]
            if token.type != "list_item_open":
                i = close + 1 if token.nesting == 1 else i + 1
                continue
            plain = _plain_item(stream, i)
            if plain is not None:
                items.append(plain)
            elif self._cut_off(stream, i):
                flat = self._flattened(token)
                first = flat[0].items[0] if flat else ListItem("", line_of(token))
                items.append(ListItem(first.text, first.line, first.children))
            else:
                body = self.blocks(stream, i + 1, close)
                text = ""
                if body and body[0].kind == "paragraph":
                    text, body = body[0].text, body[1:]
                if not body:  # (most items: their text alone)
                    items.append(ListItem(text=text, line=line_of(token), children=()))
                else:
                    content = content_column(self._source(line_of(token)))
                    columns = [self._column(block.line) for block in body]
                    nested = [block for block, at in zip(body, columns, strict=True) if at >= content]
                    items.append(ListItem(text=text, line=line_of(token), children=tuple(nested)))
                    items.extend(block for block, at in zip(body, columns, strict=True) if at < content)
            i = close + 1
        return items

    def _cut_off(self, stream: TokenStream, i: int) -> bool:
        """markdown-it stops reading inside a container at its nesting limit: nothing follows the open."""
        token = stream.tokens[i]
        return stream.closing[i] == i + 1 and token.level + 1 >= self.md.options.maxNesting

    def _flattened(self, token: Token) -> tuple[Block, ...]:
        """The container's source lines as one flat list: nesting past the limit, text kept."""
        first, last = token.map or (0, 0)
        found = points(self.lines[first:last], first + 1)
        if found:
            message = "nested too deep: flattened from here on, text kept"
            self.diagnostics.append(Diagnostic(self.display, found[0].line, message))
        items = nest(found, max_depth=1)
        return (Block("list", items[0].line, info="bullet", items=items),) if items else ()

    # -- paragraphs, code and HTML -----------------------------------------------------------
    def _paragraph(self, token: Token, inline: Token) -> list[Block]:
        """A paragraph, split where a list or points indented under it begin."""
        line = line_of(token)
        text = inline.content.strip()
        first, last = token.map or (0, 0)
        source = self.lines[first:last]
        split = split_point(source)
        if split is None or self.depth >= _MAX_REPARSE:
            return [Block("paragraph", line, text)]
        head = "\n".join(inline.content.split("\n")[:split]).strip()
        if indent_of(source[split]) < content_column(source[0]):  # back out of a list item
            return [Block("paragraph", line, head), *self._reparse(source[split:], first + split, True)]
        base = indent_of(source[split])
        end = next((i for i in range(split + 1, len(source)) if indent_of(source[i]) < base), len(source))
        blocks = [Block("paragraph", line, head), *self._reparse(source[split:end], first + split)]
        if end < len(source):  # text back at the paragraph's indent after the indented part
            blocks.extend(self._reparse(source[end:], first + end, markdown=True))
        return blocks

    def _code(self, token: Token) -> list[Block]:
        """Indented or unlabelled code: code where it reads as code, else the notes it is."""
        lines = token.content.rstrip("\n").split("\n")
        first = (token.map or (0, 0))[0] + (1 if token.type == "fence" else 0)
        # An indented block can mix notes and a snippet; a fence is all code unless all prose.
        runs = prose_runs(lines) if token.type == "code_block" else [(looks_like_prose(lines), lines)]
        if not any(prose for prose, _ in runs):
            return [Block("code", line_of(token), token.content, info=token.info.strip())]
        blocks: list[Block] = []
        for prose, run in runs:
            if prose:
                blocks.extend(self._reparse(run, first))
            elif any(line.strip() for line in run):
                blocks.append(Block("code", first + 1, "\n".join(run).strip("\n") + "\n"))
            first += len(run)
        return blocks

    def _reparse(self, lines: Sequence[str], first: int, markdown: bool = False) -> list[Block]:
        """Blocks from a slice of source (its first line is line `first`, 0-based), dedented."""
        dedented = textwrap.dedent("\n".join(line.expandtabs(TAB_WIDTH) for line in lines)).split("\n")
        top = [line for line in dedented if line.strip() and indent_of(line) == 0]
        flat = len(top) == sum(1 for line in dedented if line.strip())
        chunks = "\n".join(dedented).split("\n\n")
        as_markdown = (
            markdown
            or any(LIST_MARKER.match(line) for line in top)
            or (flat and all(is_wrapped_paragraph(chunk.split("\n")) for chunk in chunks))
        )
        if not as_markdown or self.depth >= _MAX_REPARSE:
            items = nest(points(dedented, first + 1))
            return [Block("list", items[0].line, info="bullet", items=items)] if items else []
        stream = TokenStream.parse(self.md, "\n".join(dedented), first)
        self.fragments.append(stream)
        inner = BlockReader(self.md, self.lines, self.display, self.diagnostics, self.fragments)
        inner.depth = self.depth + 1
        return inner.blocks(stream, 0, len(stream.tokens))

    def _html(self, token: Token) -> Block:
        """Raw HTML stays HTML; a block that only looks like a tag (`<bucket-name>`) is text."""
        if is_html(token.content):
            return Block("html", line_of(token), token.content)
        return Block("paragraph", line_of(token), token.content.strip())


def _plain_item(stream: TokenStream, i: int) -> ListItem | None:
    """The item opened at token i when it is one paragraph of one line and nothing else (most
    items), else None.  What `_items` makes of it the long way: its body is that paragraph
    alone (one line has no split point), whose text becomes the item's, with no children."""
    tokens, closing = stream.tokens, stream.closing
    if closing[i] != i + 4 or closing[i + 1] != i + 3 or tokens[i + 1].type != "paragraph_open":
        return None
    span = tokens[i + 1].map
    if not span or span[1] - span[0] != 1:
        return None
    return ListItem(text=tokens[i + 2].content.strip(), line=line_of(tokens[i]), children=())
