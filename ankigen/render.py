"""Inline Markdown and blocks to the clean HTML that goes into card fields.

Everything leaving here has been through nh3 with an allow-list of what cards need, code is
highlighted by Pygments with inline styles (mobile clients have no stylesheet for it), and
math is left in MathJax delimiters for Anki to typeset.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

from ankigen.media.html import image_html, rewrite_images
from ankigen.model import Block, ListItem, MediaRef
from ankigen.parse.markdown import new_markdown

__all__ = ["Renderer"]

_TAGS = {
    "a", "b", "blockquote", "br", "code", "del", "div", "em", "i", "img", "li", "ol", "p", "pre",
    "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul", "mark",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "span": {"style", "class"},
    "div": {"style", "class"},
    "pre": {"style"},
    "td": {"style", "align"},
    "th": {"style", "align"},
    "ol": {"start"},
}
_STYLES = {"color", "background-color", "font-weight", "font-style", "text-decoration", "text-align"}
_CODE_FORMATTER = HtmlFormatter(noclasses=True, nowrap=False, style="default")


def sanitize(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https"},
        filter_style_properties=_STYLES,
        link_rel="noopener noreferrer",
    )


class Renderer:
    """Renders one document's Markdown, with its images already resolved to media names."""

    def __init__(self, md: MarkdownIt | None = None, media: Mapping[str, MediaRef] | None = None) -> None:
        self._md = md or new_markdown()
        self._media: Mapping[str, MediaRef] = media or {}
        renderer_rules: dict[str, Any] = self._md.renderer.rules  # type: ignore[attr-defined]
        renderer_rules.update(_RULES)

    def for_media(self, media: Mapping[str, MediaRef]) -> Renderer:
        """The same renderer, for a document whose images resolved to `media`."""
        return Renderer(self._md, media)

    # -- inline ------------------------------------------------------------------------------
    def inline(self, source: str) -> str:
        return sanitize(self._md.renderInline(source, {"media": self._media}).strip())

    def cloze(self, source: str, first: int = 1) -> tuple[str, int]:
        """Render with each bold term turned into its own cloze, numbered from `first`.

        Returns the HTML and how many clozes it holds.
        """
        env: dict[str, Any] = {"cloze_next": first, "media": self._media}
        rendered = sanitize(self._md.renderInline(source, env).strip())
        return rendered, env["cloze_next"] - first

    def plain(self, source: str) -> str:
        """The text a reader sees, without any markup."""
        tokens = self._md.parseInline(source, {})
        return " ".join(_text_of(tokens[0].children or []).split()) if tokens else ""

    def bold_terms(self, source: str) -> list[str]:
        tokens = self._md.parseInline(source, {})
        children = tokens[0].children or [] if tokens else []
        terms: list[str] = []
        current: list[str] = []
        depth = 0
        for token in children:
            if token.type == "strong_open":
                depth += 1
            elif token.type == "strong_close":
                depth -= 1
                if depth == 0:
                    terms.append("".join(current).strip())
                    current = []
            elif depth and token.type in ("text", "code_inline"):
                current.append(token.content)
        return [term for term in terms if term]

    # -- blocks ------------------------------------------------------------------------------
    def blocks(self, blocks: Sequence[Block]) -> str:
        return "".join(self.block(block) for block in blocks)

    def block(self, block: Block) -> str:
        if block.kind == "paragraph":
            return f"<p>{self.inline(block.text)}</p>"
        if block.kind == "list":
            return self.items(block.items, ordered=block.info == "ordered")
        if block.kind == "code":
            return self.code(block.text, block.info)
        if block.kind == "math":
            return f"<p>\\[{html.escape(block.text)}\\]</p>"
        if block.kind == "quote":
            return f"<blockquote>{self.blocks(block.children)}</blockquote>"
        return sanitize(rewrite_images(block.text, self._media))  # tables and raw HTML

    def items(self, items: Sequence[ListItem], ordered: bool = False) -> str:
        tag = "ol" if ordered else "ul"
        inner = "".join(f"<li>{self.inline(item.text)}{self.blocks(item.children)}</li>" for item in items)
        return f"<{tag}>{inner}</{tag}>"

    def code(self, text: str, language: str) -> str:
        try:
            lexer = get_lexer_by_name(language.split()[0]) if language else TextLexer()
        except ClassNotFound:
            lexer = TextLexer()
        return sanitize(highlight(text, lexer, _CODE_FORMATTER))


# -- markdown-it render rules: plain functions, so one parser serves every document ------------
def _image(tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    src = str(token.attrs.get("src", ""))
    title = str(token.attrs.get("title", "") or "")
    return image_html(env.get("media", {}).get(src), src, _text_of(token.children or []), title)


def _html_inline(tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """Raw inline HTML; an <img> in it is pointed at its stored file like a Markdown image."""
    return rewrite_images(tokens[idx].content, env.get("media", {}))


def _strong_open(tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    if "cloze_next" not in env:
        return "<strong>"
    if env.get("cloze_open"):
        return ""
    env["cloze_open"] = True
    return f"{{{{c{env['cloze_next']}::"


def _strong_close(tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    if "cloze_next" not in env:
        return "</strong>"
    if tokens[idx].level > 0 or not env.get("cloze_open"):
        return ""
    env["cloze_open"] = False
    env["cloze_next"] += 1
    return "}}"


_RULES = {
    "image": _image,
    "html_inline": _html_inline,
    "strong_open": _strong_open,
    "strong_close": _strong_close,
}


def _text_of(tokens: Sequence[Token]) -> str:
    parts = []
    for token in tokens:
        if token.type in ("text", "code_inline", "html_inline"):
            parts.append(token.content if token.type != "html_inline" else " ")
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.children:
            parts.append(_text_of(token.children))
    return "".join(parts)
