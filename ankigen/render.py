"""Inline Markdown and blocks to the clean HTML that goes into card fields.

Everything leaving here has been through nh3 with an allow-list of what cards need, code is
highlighted by Pygments with inline styles (mobile clients have no stylesheet for it), and
math is left in MathJax delimiters for Anki to typeset.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

from ankigen.media.html import image_html, rewrite_images
from ankigen.model import Block, ListItem, MediaRef
from ankigen.parse.markdown import new_markdown
from ankigen.render_rules import PASS_THROUGH_TAGS, escape_unknown_tags, prepare, pseudo_bullet, strip_break
from ankigen.render_rules import RULES as _CARD_RULES
from ankigen.sanitize import clean_html, cloze_numbers, finish_cloze, mark_clozes, sanitize

__all__ = ["Renderer", "marked_terms", "sanitize"]

_CODE_FORMATTER = HtmlFormatter(noclasses=True, nowrap=False, style="default")
# A term is marked by `**`/`__` (bold), `==` (highlight) or `<u>`; an entity may spell `=` or `<`.
_MAY_MARK_TERMS = re.compile(r"[*_=<&]")


class Renderer:
    """Renders one document's Markdown, with its images already resolved to media names."""

    def __init__(
        self,
        md: MarkdownIt | None = None,
        media: Mapping[str, MediaRef] | None = None,
        references: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self._md = md or new_markdown()
        self._media: Mapping[str, MediaRef] = media or {}
        # The document's `[label]: url` definitions: every text of it is parsed knowing them.
        self._references = {label: dict(definition) for label, definition in (references or {}).items()}
        # What this renderer worked out per text or name (the card rules ask about the same bullet
        # several times); it lives as long as the renderer, which serves one document.
        self._plain: dict[str, str] = {}
        self._prepared: dict[str, list[Token]] = {}
        self._lexers: dict[str, Lexer] = {}
        renderer_rules: dict[str, Any] = self._md.renderer.rules  # type: ignore[attr-defined]
        renderer_rules.update(_CARD_RULES)
        renderer_rules.update(_RULES)

    def for_media(self, media: Mapping[str, MediaRef]) -> Renderer:
        """The same renderer, for a document whose images resolved to `media`."""
        return Renderer(self._md, media, self._references)

    def for_references(self, references: Mapping[str, Mapping[str, str]]) -> Renderer:
        """The same renderer, for a document with these link reference definitions."""
        if references == self._references:
            return self
        return Renderer(self._md, self._media, references)

    # -- inline ------------------------------------------------------------------------------
    def inline(self, source: str) -> str:
        # Braces stay as written until the card is packaged: see ankigen.sanitize.clean_html.
        return clean_html(self._render_inline(source, {"media": self._media}).strip())

    def _render_inline(self, source: str, env: dict[str, Any]) -> str:
        return str(self._md.renderer.render(self._children(source), self._md.options, env))

    def _children(self, source: str) -> list[Token]:
        """The inline tokens of `source`, ready to render: they depend on the text alone (the env
        only carries what rendering reads), and neither rendering nor reading changes them."""
        known = self._prepared.get(source)
        if known is None:
            tokens = self._md.parseInline(source, self._parse_env())
            known = self._prepared[source] = prepare(tokens[0].children or []) if tokens else []
        return known

    def _parse_env(self) -> dict[str, Any]:
        return {"references": self._references} if self._references else {}

    def cloze(self, source: str, first: int = 1) -> tuple[str, int]:
        """Render with each bold or highlighted term turned into its own cloze, numbered from `first`.

        Clozes written out in the notes (`{{c1::...}}`, balanced) stay clozes; any other brace is text.

        Returns the HTML and how many clozes it holds.
        """
        env: dict[str, Any] = {"cloze_next": first, "media": self._media}
        # The markers are placeholders until sanitised, so braces the author wrote stay text.
        rendered = finish_cloze(self._render_inline(mark_clozes(source), env).strip())
        return rendered, len(cloze_numbers(rendered))

    def plain(self, source: str) -> str:
        """The text a reader sees, without any markup."""
        known = self._plain.get(source)
        if known is None:
            tokens = self._md.parseInline(source, self._parse_env())
            known = " ".join(_text_of(tokens[0].children or []).split()) if tokens else ""
            self._plain[source] = known  # the card rules ask for the same lines many times
        return known

    def bold_terms(self, source: str) -> list[str]:
        """The bold or highlighted terms of `source`, in order: what a cloze would hide."""
        if not _MAY_MARK_TERMS.search(source):
            return []  # most sentences: no need to tokenise them to know
        return marked_terms(self._children(source))

    # -- blocks ------------------------------------------------------------------------------
    def blocks(self, blocks: Sequence[Block]) -> str:
        return "".join(self.block(block) for block in blocks)

    def block(self, block: Block) -> str:
        if block.kind == "paragraph":
            return self.paragraph(block.text)
        if block.kind == "list":
            return self.items(block.items, ordered=block.info == "ordered")
        if block.kind == "code":
            return self.code(block.text, block.info)
        if block.kind == "math":
            return clean_html(f"<p>\\[{html.escape(block.text)}\\]</p>")
        if block.kind == "quote":
            return f"<blockquote>{self.blocks(block.children)}</blockquote>"
        if block.kind == "html":
            return clean_html(rewrite_images(escape_unknown_tags(block.text), self._media))
        return clean_html(rewrite_images(block.text, self._media))  # tables

    def paragraph(self, text: str) -> str:
        """A paragraph; bullets typed into it (`&nbsp;** item<br>`) are shown as the list they are."""
        lines = text.split("\n")
        if not any(pseudo_bullet(line) is not None for line in lines):
            return f"<p>{self.inline(strip_break(text))}</p>"
        out: list[str] = []
        prose: list[str] = []
        bullets: list[str] = []
        for line in [*lines, ""]:
            item = pseudo_bullet(line) if line else None
            if item is not None:
                if prose:
                    out.append(f"<p>{self.inline(strip_break(chr(10).join(prose)))}</p>")
                    prose = []
                bullets.append(f"<li>{self.inline(item)}</li>")
                continue
            if bullets:
                out.append(f"<ul>{''.join(bullets)}</ul>")
                bullets = []
            if line.strip():
                prose.append(line)
        if prose:
            out.append(f"<p>{self.inline(strip_break(chr(10).join(prose)))}</p>")
        return "".join(out)

    def items(self, items: Sequence[ListItem], ordered: bool = False) -> str:
        tag = "ol" if ordered else "ul"
        inner = "".join(
            f"<li>{self.inline(strip_break(item.text))}{self.blocks(item.children)}</li>" for item in items
        )
        return f"<{tag}>{inner}</{tag}>"

    def code(self, text: str, language: str) -> str:
        name = language.split()[0] if language else ""
        lexer = self._lexers.get(name)
        if lexer is None:  # finding a lexer by name searches every lexer Pygments has
            try:
                lexer = get_lexer_by_name(name) if name else TextLexer()
            except ClassNotFound:
                lexer = TextLexer()
            self._lexers[name] = lexer
        return clean_html(highlight(text, lexer, _CODE_FORMATTER))


# -- markdown-it render rules: plain functions, so one parser serves every document ------------
def _image(tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    src = str(token.attrs.get("src", ""))
    title = str(token.attrs.get("title", "") or "")
    return image_html(env.get("media", {}).get(src), src, _text_of(token.children or []), title)


def _html_inline(tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """Raw inline HTML; an <img> in it is pointed at its stored file like a Markdown image, and a
    `<placeholder>` that is no HTML tag is shown as written."""
    return rewrite_images(escape_unknown_tags(tokens[idx].content), env.get("media", {}))


_RULES = {"image": _image, "html_inline": _html_inline}


def marked_terms(tokens: Sequence[Token]) -> list[str]:
    """The bold or highlighted terms in prepared inline tokens, in order."""
    terms: list[str] = []
    current: list[str] = []
    depth = 0
    for token in tokens:
        if token.type in ("strong_open", "mark_open", "u_open"):
            depth += 1
        elif token.type in ("strong_close", "mark_close", "u_close"):
            depth -= 1
            if depth == 0:
                terms.append("".join(current).strip())
                current = []
        elif depth and token.type in ("text", "code_inline"):
            current.append(token.content)
    return [term for term in terms if term]


def _text_of(tokens: Sequence[Token]) -> str:
    parts = []
    for token in tokens:
        if token.type in ("text", "code_inline", "math_inline", "math_inline_double"):
            parts.append(token.content)
        elif token.type == "html_inline":
            shown = _tag_name(token.content) not in PASS_THROUGH_TAGS and not token.content.startswith("<!--")
            parts.append(token.content if shown else " ")
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.children:
            parts.append(_text_of(token.children))
    return "".join(parts)


def _tag_name(tag: str) -> str:
    return tag.strip("</>").split()[0].lower() if tag.strip("</>").split() else ""
