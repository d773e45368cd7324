"""The HTML an image becomes on a card: an <img> naming the stored file, or its alt text.

A reference that did not resolve never becomes an <img> (Anki would show a broken-image icon);
the reader sees the alt text instead, marked as a missing image.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from html.parser import HTMLParser

from ankigen.media.locate import shown
from ankigen.model import MediaRef

__all__ = ["image_html", "image_sources", "missing_image_html", "rewrite_images"]


def image_html(ref: MediaRef | None, src: str, alt: str, title: str = "") -> str:
    """A Markdown image: `alt` and `title` are plain text."""
    if ref is None:
        return missing_image_html(alt, src)
    titled = f' title="{html.escape(title, quote=True)}"' if title else ""
    return (
        f'<img src="{html.escape(ref.stored_name, quote=True)}" alt="{html.escape(alt, quote=True)}"{titled}>'
    )


def missing_image_html(alt: str, src: str) -> str:
    return f'<span class="missing-image">[image: {html.escape(alt or shown(src))}]</span>'


def rewrite_images(fragment: str, media: Mapping[str, MediaRef]) -> str:
    """Raw HTML with every <img> pointed at its stored file (other attributes, like width, kept)."""
    if "<img" not in fragment.lower():
        return fragment
    from bs4 import BeautifulSoup, Tag  # imported when there is HTML to rewrite: most notes have none

    soup = BeautifulSoup(fragment, "html.parser")
    images = [tag for tag in soup.find_all("img") if isinstance(tag, Tag)]
    if not images:
        return fragment
    for tag in images:
        src = tag.get("src")
        ref = media.get(src.strip()) if isinstance(src, str) else None
        if ref is None:
            alt = tag.get("alt")
            missing = missing_image_html(
                alt if isinstance(alt, str) else "", src if isinstance(src, str) else ""
            )
            tag.replace_with(BeautifulSoup(missing, "html.parser"))
        else:
            tag["src"] = ref.stored_name
    return str(soup)


def image_sources(fragment: str) -> set[str]:
    """The non-empty `src` of every <img> in an HTML fragment, as BeautifulSoup would read them.

    Only the tags are needed, not a tree: this feeds the HTML parser BeautifulSoup's "html.parser"
    builder runs (same tokenizer, same attribute decoding, the last of a repeated attribute
    winning) without building one, which made attaching media a fair share of a build.
    """
    collector = _ImageSources()
    collector.feed(fragment)
    collector.close()
    return collector.sources


class _ImageSources(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sources: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            src = dict(attrs).get("src")
            if src:
                self.sources.add(src)
