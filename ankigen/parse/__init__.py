"""Parse a notes file into a Document: a section tree, whatever shape the notes were written in."""

from __future__ import annotations

import dataclasses

from markdown_it import MarkdownIt

from ankigen.model import Diagnostic, Document, SourceFile
from ankigen.parse.markdown import outline_images, parse_markdown, read_front_matter
from ankigen.parse.outline import looks_like_outline, opens_with_front_matter, parse_outline
from ankigen.parse.text import decode

__all__ = ["parse_file", "parse_text"]


def parse_file(source: SourceFile, md: MarkdownIt | None = None) -> Document:
    """Read and parse one file. Unreadable files become a Document with an error diagnostic.

    `md`: the Markdown parser to use (default: a new one), so that a caller may reuse its tokens.
    """
    try:
        data = source.path.read_bytes()
    except OSError as exc:
        return _failed(source, f"cannot read file: {exc.strerror or exc}")
    try:
        decoded = decode(data)
    except ValueError as exc:
        return _failed(source, str(exc))
    notes: list[Diagnostic] = []
    if decoded.encoding not in ("utf-8", "ascii"):
        notes.append(Diagnostic(source.display, 0, f"not UTF-8; decoded as {decoded.encoding}"))
    if decoded.repaired_lines:
        first = decoded.repaired_lines[0]
        count = len(decoded.repaired_lines)
        notes.append(Diagnostic(source.display, first, f"repaired mis-encoded text on {count} line(s)"))
    document = parse_text(decoded.text, source, md)
    return dataclasses.replace(document, diagnostics=(*notes, *document.diagnostics))


def parse_text(text: str, source: SourceFile, md: MarkdownIt | None = None) -> Document:
    """Parse decoded text: an outline when its shape says so (never by file suffix), else Markdown."""
    if not text.strip():
        return Document(source, (), diagnostics=(Diagnostic(source.display, 0, "empty file: no cards"),))
    if looks_like_outline(text):
        return _outline(text, source, md)
    if opens_with_front_matter(text) and looks_like_outline(text, front_matter=True):
        head = read_front_matter(text)
        if head is not None:
            # the front matter's lines blanked, so that the outline's lines keep their numbers
            body = "\n" * head.end + "\n".join(text.split("\n")[head.end :])
            if looks_like_outline(body):
                return dataclasses.replace(_outline(body, source, md), front_matter=head.data)
    return parse_markdown(text, source, md)


def _outline(text: str, source: SourceFile, md: MarkdownIt | None) -> Document:
    outline = parse_outline(text, source)
    return dataclasses.replace(outline, images=outline_images(outline.sections, md))


def _failed(source: SourceFile, message: str) -> Document:
    return Document(source, (), diagnostics=(Diagnostic(source.display, 0, message, "error"),))
