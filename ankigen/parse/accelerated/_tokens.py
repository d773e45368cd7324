"""Inline nodes of markdown-it-pyrs's tree to markdown-it-py's inline tokens, and the token
constructor and the "declined" signal the block translation shares."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Literal

import markdown_it_pyrs
from markdown_it.token import Token

__all__ = ["INLINE_NODES", "Declined", "inline_tokens", "new_token", "unsure_inline"]

_blank_token = Token.__new__
# A non-ASCII character just before or after an emphasis or strikethrough delimiter.
_NEXT_TO_DELIMITER = re.compile(r"[^\x00-\x7f](?=[*_~])|(?<=[*_~])[^\x00-\x7f]")


def new_token(
    kind: str,
    tag: str,
    nesting: Literal[-1, 0, 1],
    level: int,
    block: bool,
    content: str = "",
    markup: str = "",
    info: str = "",
) -> Token:
    """`Token(kind, tag, nesting, level=level, block=block, content=..., ...)`, without the
    dataclass machinery (a third of the translation's time); every field is set, so a Token
    that grows a field fails loudly here rather than differing quietly."""
    token = _blank_token(Token)
    token.type = kind
    token.tag = tag
    token.nesting = nesting
    token.attrs = {}
    token.map = None
    token.level = level
    token.children = None
    token.content = content
    token.markup = markup
    token.info = info
    token.meta = {}
    token.block = block
    token.hidden = False
    return token


class Declined(Exception):
    """The tree holds something this module does not translate exactly."""


INLINE_NODES = frozenset(
    {"text", "softbreak", "hardbreak", "strong", "em", "strikethrough", "code_inline", "link", "image",
     "text_special"}
)  # fmt: skip


def inline_tokens(out: list[Token], nodes: Sequence[markdown_it_pyrs.Node], level: int, data: bytes) -> None:
    """Inline nodes to markdown-it-py's inline tokens as they stand before its core rules run
    (adjacent text joined, as its fragments_join leaves them; escapes still apart)."""
    for node in nodes:
        name = node.name
        if name == "text":
            content = node.meta["content"]
            last = out[-1] if out else None
            if last is not None and last.type == "text":
                last.content += content
            else:
                out.append(new_token("text", "", 0, level, False, content))
        elif name == "softbreak" or name == "hardbreak":
            out.append(new_token(name, "br", 0, level, False))
        elif name == "strong" or name == "em" or name == "strikethrough":
            marker = node.meta["marker"]
            if name == "strong":
                kind, tag, markup = "strong", "strong", marker * 2
                # markdown-it-py empties the outer delimiter of each `**` rather than dropping
                # it: an empty text token stays around a strong pair unless text joins it.
                if not out or out[-1].type != "text":
                    out.append(new_token("text", "", 0, level, False))
            elif name == "em":
                kind, tag, markup = "em", "em", marker
            else:
                kind, tag, markup = "s", "s", "~~"
            out.append(new_token(kind + "_open", tag, 1, level, False, "", markup))
            inline_tokens(out, node.children, level + 1, data)
            out.append(new_token(kind + "_close", tag, -1, level, False, "", markup))
            if name == "strong":
                out.append(new_token("text", "", 0, level, False))
        elif name == "text_special":
            meta = node.meta
            if meta.get("info") != "escape":
                raise Declined("text_special")
            out.append(
                new_token("text_special", "", 0, level, False, meta["content"], meta["markup"], "escape")
            )
        elif name == "code_inline":
            meta = node.meta
            content = "".join(child.meta["content"] for child in node.children)
            if not content.strip(" "):
                raise Declined("code span of spaces")  # pyrs trims `   ` to one space
            out.append(
                new_token(
                    "code_inline", "code", 0, level, False, content, meta["marker"] * meta["marker_len"]
                )
            )
        elif name == "link":
            meta = node.meta
            opening = new_token("link_open", "a", 1, level, False)
            opening.attrs = (
                {"href": meta["url"], "title": meta["title"]} if meta.get("title") else {"href": meta["url"]}
            )
            out.append(opening)
            inline_tokens(out, node.children, level + 1, data)
            out.append(new_token("link_close", "a", -1, level, False))
        elif name == "image":
            out.append(_image(node, data, level))
        else:
            raise Declined(name)


def _image(node: markdown_it_pyrs.Node, data: bytes, level: int) -> Token:
    """An image: its alt text is parsed on its own (levels from 0), and kept raw as content."""
    meta = node.meta
    children = node.children
    if node.srcmap is None:
        raise Declined("image")
    start = node.srcmap[0] + 2
    end = children[-1].srcmap[1] if children and children[-1].srcmap else start
    if data[end : end + 2] != b"](" or b"\n" in data[start:end]:
        raise Declined("image label")
    image = new_token("image", "img", 0, level, False, data[start:end].decode())
    image.attrs = {"src": meta["url"], "alt": ""}
    if meta.get("title"):
        image.attrs["title"] = meta["title"]
    alt: list[Token] = []
    inline_tokens(alt, children, 0, data)
    image.children = alt or None
    return image


def _unsure(tokens: Sequence[Token]) -> bool:
    """Whether a text token (alt texts included) holds `://`, which markdown-it-py links while
    parsing inline text, or a backtick left unpaired, around which the two parsers disagree on
    what a code span or a link is."""
    return any(
        ("://" in token.content or "`" in token.content)
        if token.type == "text"
        else bool(token.children and _unsure(token.children))
        for token in tokens
    )


def unsure_inline(content: str, children: Sequence[Token]) -> str | None:
    """Why the translated inline tokens of `content` may not be markdown-it-py's, or None."""
    if ("://" in content or "`" in content) and _unsure(children):
        return "plain-text URL or unpaired backtick"
    if "`" in content and "\n " in content:
        return "code span over indented lines"  # pyrs drops their indent
    if not content.isascii() and any(
        unicodedata.category(char)[0] == "S" for char in _NEXT_TO_DELIMITER.findall(content)
    ):
        # markdown-it-py counts Unicode symbols (`¢`, `±`, `→`, emoji) as punctuation when it
        # decides whether a delimiter opens or closes (as CommonMark 0.31 does); pyrs does not
        return "Unicode symbol next to a delimiter"
    if "_" in content and _mixed_underscores(content):
        return "underscores inside and at the edge of words"
    if "~~~" in content:
        # markdown-it-py cuts a run of tildes into `~~` delimiters (`a ~~b~~~~c~~` strikes two
        # words); pyrs takes the run whole
        return "run of tildes"
    return None


# `*a_b_* _c_`: pyrs pairs `_` delimiters differently from markdown-it-py when an underscore
# inside a word (never a delimiter) shares a text with one that can be.  Underscores that all
# sit inside words (`scale_pos_weight`) delimit nothing in either parser.
def _mixed_underscores(content: str) -> bool:
    inside = _INSIDE_WORD.search(content) is not None
    return inside and _INSIDE_WORD.sub("", content).count("_") > 0


_INSIDE_WORD = re.compile(r"(?<=[^\W_])_+(?=[^\W_])")
