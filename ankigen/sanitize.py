"""What may reach an Anki field: an nh3 allow-list of what cards need, and nothing active.

Anki shows fields as HTML in a webview that runs scripts, so notes that come from anywhere
must never put a script, frame, plug-in, event handler or `javascript:` / `data:` link into a
field.  Two things are specific to Anki and are handled here too:

- Braces.  Anki parses `{{c1::...}}` in a cloze field and ends a cloze at the first `}}`, so a
  literal `}}` in a note (code, JSON, LaTeX) would cut a cloze short, and a literal `{{c2::`
  would make a card of its own.  Every brace the author wrote is stored as an HTML entity
  (`&#123;` / `&#125;`): the card shows the brace, Anki's parsers never see one.  Only the
  cloze markers ankigen itself makes stay real braces.
- Control characters.  Anki separates a note's fields with U+001F in its database; one inside
  a field would shift every field after it, so C0 controls other than tab and newline are dropped.
"""

from __future__ import annotations

import html
import re

import nh3

__all__ = [
    "CLOZE_CLOSE",
    "clean_html",
    "cloze_numbers",
    "cloze_open",
    "finish_cloze",
    "has_written_clozes",
    "mark_clozes",
    "restore_cloze_markers",
    "sanitize",
    "sanitize_cloze",
    "strip_cloze_placeholders",
    "text_field",
]

TAGS = frozenset(
    {
        "a", "b", "blockquote", "br", "code", "del", "div", "em", "hr", "i", "img", "li", "mark", "ol",
        "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr",
        "u", "ul",
    }
)  # fmt: skip
ATTRIBUTES = {
    "*": set(),  # nh3 otherwise allows `title` and `lang` on every tag
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "span": {"style", "class"},
    "div": {"style", "class"},
    "pre": {"style"},
    "code": {"class"},
    "td": {"style", "align"},
    "th": {"style", "align"},
    "ol": {"start"},
}
# Pygments' inline styles use `background` and `line-height`; the rest is what notes' own HTML needs.
STYLE_PROPERTIES = frozenset(
    {
        "background", "background-color", "border", "color", "font-style", "font-weight", "line-height",
        "text-align", "text-decoration",
    }
)  # fmt: skip
URL_SCHEMES = frozenset({"http", "https"})
# A style value that can fetch or run something: url()/image-set() load remote content (a tracking
# pixel at the least), expression() and behaviours ran script in old engines, and a CSS escape
# could spell any of them past a plain substring check.
_ACTIVE_STYLE = re.compile(r"url\s*\(|image-set|expression|behaviou?r|binding|javascript|@|\\", re.I)

# Cloze markers made by ankigen travel through nh3 as Unicode noncharacters, which no text should
# contain (they are stripped from the source before rendering), so no author's brace can pose as one.
_OPEN, _NUMBER_END, _CLOSE = "\ufdd0", "\ufdd1", "\ufdd2"
CLOZE_CLOSE = _CLOSE
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_NUMBER_END}|{_CLOSE}")
_OPEN_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_NUMBER_END}")
_CLOZE_NUMBER = re.compile(r"\{\{c(\d+)::")
# A cloze opens only where Anki and genanki make a card of it: numbered from 1 and not empty
# (`{{c1::}}` and `{{c0::x}}` make none, so they are text).  In Markdown, `\{{` is a literal brace.
_MARKER = re.compile(r"\{\{c(0*[1-9]\d*)::(?!\}\})|\}\}")
_MARKDOWN_MARKER = re.compile(r"(?<!\\)\{\{c(0*[1-9]\d*)::(?!\}\})|\}\}")
_CONTROLS = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0D, 0x20), 0x7F, 0xFEFF])
_PLACEHOLDERS = dict.fromkeys(map(ord, (_OPEN, _NUMBER_END, _CLOSE)))
_CONTROL_CHARS = re.compile("[" + "".join(re.escape(chr(code)) for code in _CONTROLS) + "]")
_PLACEHOLDER_CHARS = re.compile(f"[{_OPEN}{_NUMBER_END}{_CLOSE}]")
_BRACE_CHARS = re.compile("[{}]")
# What nh3 changes in a fragment without controls: tags, entities, `>` and no-break spaces.
_NEEDS_NH3 = re.compile("[<>&\xa0]")
# ...but not these, which are most of what a renderer writes: bare inline tags that nh3 allows
# (when they nest properly, checked apart) and the entities markdown-it escapes text with, other
# than `&quot;` (nh3 writes a plain `"` in text).
# (a notes author's own inline HTML too: `<b>`, `<i>`, `<u>`, `<del>`, `<mark>`, `<sub>`, `<sup>`)
_INLINE_KEPT = {"strong", "em", "code", "s", "b", "i", "u", "del", "mark", "sub", "sup"}
_KEPT_TAGS = sorted(TAGS & _INLINE_KEPT)  # only while the allow-list keeps them
_KEPT_TAG = re.compile(f"<(/?)({'|'.join(_KEPT_TAGS)})>")
# A whole fragment of those: runs of text nh3 keeps, between tags and entities it keeps.
_KEPT_BY_NH3 = re.compile(f"[^<>&\xa0]*(?:(?:{_KEPT_TAG.pattern}|&(?:amp|lt|gt);)[^<>&\xa0]*)*")
_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})
# What `text_field` changes: what html.escape escapes, braces, controls and cloze placeholders.
_TEXT_SPECIAL = re.compile(
    "[&<>{}" + "".join(re.escape(chr(code)) for code in _CONTROLS) + f"{_OPEN}{_NUMBER_END}{_CLOSE}]"
)


def cloze_open(number: int) -> str:
    """The placeholder a renderer emits where cloze `number` opens; see `restore_cloze_markers`."""
    return f"{_OPEN}{number}{_NUMBER_END}"


def strip_cloze_placeholders(source: str) -> str:
    """Source text without anything that could be taken for a cloze placeholder."""
    # (ASCII text holds none: `isascii` answers without reading it)
    if source.isascii() or not _PLACEHOLDER_CHARS.search(source):
        return source
    return source.translate(_PLACEHOLDERS)


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "style" and _ACTIVE_STYLE.search(value):
        return None
    return value


# Built once: nh3.clean() builds the same sanitiser from these sets on every call, which cost
# more than the cleaning of a short fragment.  A Cleaner holds no state between calls.
_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    attributes=ATTRIBUTES,
    attribute_filter=_keep_attribute,
    url_schemes=set(URL_SCHEMES),
    filter_style_properties=set(STYLE_PROPERTIES),
    link_rel="noopener noreferrer",
)


def sanitize(fragment: str) -> str:
    """HTML safe for any Anki field: allow-listed tags and attributes, braces as entities."""
    return _clean(strip_cloze_placeholders(fragment))


def clean_html(fragment: str) -> str:
    """`sanitize` without the brace escaping: nothing active, but a written-out `{{c1::...}}` is
    still there for the field guard to recognise when the card is packaged (`sanitize_cloze`),
    which is also where every other brace becomes text."""
    return _clean(strip_cloze_placeholders(fragment), braces=False)


def finish_cloze(fragment: str) -> str:
    """Sanitise a renderer's cloze HTML, then turn its placeholders into Anki's cloze markers.

    A marker nh3 removed with its element (say, inside a `<script>`) leaves its partner alone;
    lone markers are dropped, since an unclosed cloze would swallow the rest of the field.
    """
    cleaned = _clean(fragment)
    return restore_cloze_markers(cleaned if _balanced(cleaned) else _without_lone_markers(cleaned))


def _balanced(cleaned: str) -> bool:
    """Whether every placeholder of `cleaned` has its partner, so that `_without_lone_markers`
    would drop none: the same walk over the markers, counted on `findall`'s strings (the digits
    of an opening, "" for a closing) rather than kept as match objects, which cost more than
    the rest of a cloze's finishing (a test holds the two to the same)."""
    depth = 0
    for number in _PLACEHOLDER.findall(cleaned):
        if number:
            depth += 1
        elif depth:
            depth -= 1
        else:
            return False
    return not depth


def _without_lone_markers(cleaned: str) -> str:
    opened: list[re.Match[str]] = []
    lone: list[re.Match[str]] = []
    for match in _PLACEHOLDER.finditer(cleaned):
        if match.group(1):
            opened.append(match)
        elif opened:
            opened.pop()
        else:
            lone.append(match)
    for match in sorted([*opened, *lone], key=lambda m: m.start(), reverse=True):
        cleaned = cleaned[: match.start()] + cleaned[match.end() :]
    return cleaned


def cloze_numbers(field: str) -> set[int]:
    """The cloze numbers a cloze field holds, as Anki counts them."""
    return {int(number) for number in _CLOZE_NUMBER.findall(field)}


def _clean(fragment: str, braces: bool = True) -> str:
    # (str.translate looks every character up: only text that holds one of them pays for it)
    text = fragment.translate(_CONTROLS) if _CONTROL_CHARS.search(fragment) else fragment
    # Most fragments of a card are plain text (a cloze's terms are placeholders, not tags): nh3
    # gives those back as they are, so they skip it (a test compares the two on any text).
    cleaned = _CLEANER.clean(text) if _NEEDS_NH3.search(text) and not _kept_by_nh3(text) else text
    return cleaned.translate(_BRACES) if braces and _BRACE_CHARS.search(cleaned) else cleaned


def _kept_by_nh3(text: str) -> bool:
    """Whether nh3 gives `text` (without controls) back as it is: text, entities of
    `_KEPT_BY_NH3` and its bare tags, each closed in the order opened (a test compares the two).
    (One `fullmatch` reads the fragment without building it again without its tags.)"""
    if _KEPT_BY_NH3.fullmatch(text) is None:
        return False
    opened: list[str] = []
    for closing, tag in _KEPT_TAG.findall(text):  # tags start only where the fullmatch put them
        if not closing:
            opened.append(tag)
        elif not opened or opened.pop() != tag:
            return False
    return not opened


def restore_cloze_markers(fragment: str) -> str:
    """Each placeholder as the cloze marker it stands for: `{{cN::` and `}}`.

    Opening and closing placeholders never overlap (one starts with a character the other does
    not hold), and the markers put in for the first hold no placeholder character, so replacing
    one kind and then the other is `_PLACEHOLDER`'s single pass."""
    return _OPEN_PLACEHOLDER.sub(_open_marker, fragment).replace(_CLOSE, "}}")


def _open_marker(match: re.Match[str]) -> str:
    # A function, not the template r"{{c\1::": Python 3.11 compiles a template in Python code
    # on every `sub` and expands it in Python once per match (a test holds the two to the same).
    return "{{c" + match[1] + "::"


def sanitize_cloze(text: str) -> str:
    """`sanitize` for a cloze field whose real `{{cN::...}}` markers must survive.

    Every `{{cN::` opens a cloze and the next unmatched `}}` closes it, as Anki reads them; a `}}`
    with no cloze open is the author's text and is escaped like any other brace.
    """
    return finish_cloze(mark_clozes(text, markdown=False))


def mark_clozes(text: str, *, markdown: bool = True) -> str:
    """`text` with its balanced `{{cN::...}}` markers turned into placeholders (see `finish_cloze`).

    This is how a cloze written out in the notes (`{{c1::answer::hint}}`) stays a cloze while
    every other brace becomes text.  Markers that do not balance are all left as text: an
    unclosed cloze would swallow the rest of the field.
    """
    text = strip_cloze_placeholders(text)
    if "{{" not in text and "}}" not in text:
        return text  # no marker of either kind: most text
    parts: list[str] = []
    depth = 0
    last = 0
    for match in (_MARKDOWN_MARKER if markdown else _MARKER).finditer(text):
        parts.append(text[last : match.start()])
        if match.group(1):
            parts.append(cloze_open(int(match.group(1))))
            depth += 1
        elif depth:
            parts.append(_CLOSE)
            depth -= 1
        else:
            parts.append(match.group(0))
        last = match.end()
    parts.append(text[last:])
    return text if depth else "".join(parts)


def has_written_clozes(source: str) -> bool:
    """Whether Markdown `source` holds a written-out cloze that will stay one: `{{cN::...}}`,
    balanced.  An unclosed `{{c1::` is text, and a cloze note of it would have no card."""
    if "{" not in source:
        return False  # no marker can open (most sentences): nothing to mark
    return _PLACEHOLDER.search(mark_clozes(source)) is not None


def text_field(text: str) -> str:
    """Plain text (a heading path, a file location) as field HTML that shows exactly that text."""
    if _TEXT_SPECIAL.search(text) is None:  # most text: nothing to escape, drop or strip
        return text
    return html.escape(strip_cloze_placeholders(text).translate(_CONTROLS), quote=False).translate(_BRACES)
