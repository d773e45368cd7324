"""Is a raw-HTML block really HTML, or text that only looks like a tag?

Notes write placeholders such as `<bucket-name>` or `<region>`; CommonMark reads a line made of
one as an HTML block, which a sanitiser would then drop.  Real HTML starts with an element
HTML defines (or a comment).
"""

from __future__ import annotations

import re

__all__ = ["is_html"]

_FIRST_TAG = re.compile(r"^\s*<(?:!--|/?([A-Za-z][A-Za-z0-9]*)(?=[\s/>]))")


def is_html(fragment: str) -> bool:
    """True when the fragment opens with a comment or a standard HTML element."""
    tag = _FIRST_TAG.match(fragment)
    return tag is not None and (tag.group(1) is None or tag.group(1).lower() in _HTML_ELEMENTS)


_HTML_ELEMENTS = frozenset({
    "a", "abbr", "address", "area", "article", "aside", "audio", "b", "base", "bdi", "bdo",
    "blockquote", "body", "br", "button", "canvas", "caption", "center", "cite", "code", "col",
    "colgroup", "data", "datalist", "dd", "del", "details", "dfn", "dialog", "div", "dl", "dt", "em",
    "embed", "fieldset", "figcaption", "figure", "font", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "head", "header", "hr", "html", "i", "iframe", "img", "input", "ins", "kbd", "label",
    "legend", "li", "link", "main", "map", "mark", "menu", "meta", "meter", "nav", "noscript", "object",
    "ol", "optgroup", "option", "output", "p", "param", "picture", "pre", "progress", "q", "rp", "rt",
    "ruby", "s", "samp", "script", "section", "select", "small", "source", "span", "strike", "strong",
    "style", "sub", "summary", "sup", "table", "tbody", "td", "template", "textarea", "tfoot", "th",
    "thead", "time", "title", "tr", "track", "u", "ul", "var", "video", "wbr",
})  # fmt: skip
