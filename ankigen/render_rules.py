"""markdown-it render rules and token passes for card fields: clozes, highlights, math and literal `<...>`.

Plain functions over tokens, so that one parser serves every document.  The renderer runs
`prepare()` over a paragraph's inline tokens before rendering them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from markdown_it.token import Token

from ankigen.sanitize import CLOZE_CLOSE, cloze_open

__all__ = ["PASS_THROUGH_TAGS", "RULES", "escape_unknown_tags", "prepare", "pseudo_bullet", "strip_break"]

# Tags a note may write as HTML and mean as HTML; nh3 keeps or drops them.  Any other `<...>` is
# text the author wants shown, like `<bucket-name>` in a URL pattern, so it is escaped instead.
PASS_THROUGH_TAGS = frozenset(
    {
        "a", "abbr", "b", "big", "blockquote", "br", "center", "code", "del", "details", "div", "em",
        "font", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "s", "small", "span",
        "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
        "tr", "tt", "u", "ul",
    }
)  # fmt: skip
_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)([^<>]*)>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HIGHLIGHT = re.compile(r"==(?=\S)(.+?)(?<=\S)==")
_CURRENCY_WORD = re.compile(r"[A-Za-z]{2,}\s")
# `&nbsp;&nbsp;** item<br>` or `• item`: a bullet typed into a paragraph, which Markdown cannot see.
_PSEUDO_BULLET = re.compile(r"^(?:&nbsp;|\s)*(?:\*{1,2}|[-•·▪\u2013])\s+(?=\S)")
_BREAK = re.compile(r"(?:\s*<br\s*/?>\s*)+$", re.I)


def pseudo_bullet(line: str) -> str | None:
    """The text of a paragraph line typed as a bullet, or None when it is not one."""
    match = _PSEUDO_BULLET.match(line)
    if match is None or (
        line.count("**") % 2 == 0 and line[match.start() : match.end()].strip(" &nbsp;") == "**"
    ):
        return None
    return strip_break(line[match.end() :])


def strip_break(line: str) -> str:
    """A line without the `<br>` the author ended it with."""
    stripped = line.strip()
    return _BREAK.sub("", stripped) if stripped.endswith(">") else stripped  # most lines end in text


def escape_unknown_tags(fragment: str) -> str:
    """Escape every `<...>` that is not one of the HTML tags notes use, keeping the rest as is."""

    def one(match: re.Match[str]) -> str:
        name = match.group(2).lower()
        return match.group(0) if name in PASS_THROUGH_TAGS else html.escape(match.group(0))

    return _TAG.sub(one, _COMMENT.sub("", fragment))


def prepare(children: Sequence[Token]) -> list[Token]:
    """Inline tokens ready to render: `==x==` becomes a highlight, and bold runs that only a space
    separates (`**managed** **service**`) become one, since the author meant one term."""
    if not any(token.type == "html_inline" or "==" in token.content for token in children):
        return _join_bold(list(children))  # most texts: no `<u>` nor `==` to turn into marks
    return _join_bold(list(_highlights(_underlines(children))))


def _underlines(children: Iterable[Token]) -> Iterable[Token]:
    """`<u>term</u>` marks a term as much as bold does."""
    for token in children:
        tag = token.content.strip().lower() if token.type == "html_inline" else ""
        if tag in ("<u>", "</u>"):
            yield Token("u_close" if tag == "</u>" else "u_open", "u", -1 if tag == "</u>" else 1, markup=tag)
        else:
            yield token


def _highlights(children: Iterable[Token]) -> Iterable[Token]:
    for token in children:
        if token.type != "text" or "==" not in token.content:
            yield token
            continue
        last = 0
        for match in _HIGHLIGHT.finditer(token.content):
            if match.start() > last:
                yield _text(token.content[last : match.start()])
            yield Token("mark_open", "mark", 1, markup="==")
            yield _text(match.group(1), level=1)
            yield Token("mark_close", "mark", -1, markup="==")
            last = match.end()
        if last < len(token.content):
            yield _text(token.content[last:])


def _join_bold(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if (
            token.type == "strong_close"
            and i + 2 < len(tokens)
            and tokens[i + 1].type == "text"
            and tokens[i + 1].content.isspace()
            and tokens[i + 2].type == "strong_open"
        ):
            out.append(_text(" ", level=1))
            i += 3
            continue
        out.append(token)
        i += 1
    return out


def _text(content: str, level: int = 0) -> Token:
    token = Token("text", "", 0, content=content)
    token.level = level
    return token


# -- render rules ------------------------------------------------------------------------------
def _html_inline(tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return escape_unknown_tags(tokens[idx].content)


def _math_inline(tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    content = tokens[idx].content
    # `costs $0.005 an hour, or $3000 a month` is money, not math: keep the dollars as written.
    if content != content.strip() or (content[:1].isdigit() and _CURRENCY_WORD.search(content)):
        return html.escape(f"${content}$")
    return f"\\({html.escape(content)}\\)"


def _math_display(tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return f"\\[{html.escape(tokens[idx].content.strip())}\\]"


def _cloze_open(kind: str) -> Any:
    def render(tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        if "cloze_next" not in env:
            return f"<{kind}>"
        if env.get("cloze_open"):
            return ""
        env["cloze_open"] = True
        return cloze_open(env["cloze_next"])  # a placeholder until sanitised: see ankigen.sanitize

    return render


def _cloze_close(kind: str) -> Any:
    def render(tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        if "cloze_next" not in env:
            return f"</{kind}>"
        if tokens[idx].level > 0 or not env.get("cloze_open"):
            return ""
        env["cloze_open"] = False
        env["cloze_next"] += 1
        return CLOZE_CLOSE

    return render


RULES: dict[str, Any] = {
    "html_inline": _html_inline,
    "math_inline": _math_inline,
    "math_inline_double": _math_display,
    "math_block": _math_display,
    "strong_open": _cloze_open("strong"),
    "strong_close": _cloze_close("strong"),
    "mark_open": _cloze_open("mark"),
    "mark_close": _cloze_close("mark"),
    "u_open": _cloze_open("u"),
    "u_close": _cloze_close("u"),
}
