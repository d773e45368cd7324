"""Helpers for the parse tests: a Document as plain JSON-able data, and all the text it holds."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ankigen.model import Block, Document, ListItem, Section, SourceFile

JSON = dict[str, Any]


def source_for(path: Path) -> SourceFile:
    return SourceFile(path.resolve(), path.name, path.resolve().parent)


def document_data(document: Document) -> JSON:
    """The tree as nested dicts, leaving out empty fields so that goldens stay readable."""
    data: JSON = {"sections": [_section(section) for section in document.sections]}
    if document.front_matter:
        data["front_matter"] = dict(document.front_matter)
    if document.diagnostics:
        data["diagnostics"] = [str(diagnostic) for diagnostic in document.diagnostics]
    return data


def _section(section: Section) -> JSON:
    data: JSON = {"title": section.title, "level": section.level, "line": section.line}
    if section.pinned_id:
        data["pinned_id"] = section.pinned_id
    if section.blocks:
        data["blocks"] = [_block(block) for block in section.blocks]
    if section.children:
        data["children"] = [_section(child) for child in section.children]
    return data


def _block(block: Block) -> JSON:
    data: JSON = {"kind": block.kind, "line": block.line}
    if block.text:
        data["text"] = block.text
    if block.info:
        data["info"] = block.info
    if block.items:
        data["items"] = [_item(item) for item in block.items]
    if block.children:
        data["children"] = [_block(child) for child in block.children]
    return data


def _item(item: ListItem) -> JSON:
    data: JSON = {"text": item.text, "line": item.line}
    if item.children:
        data["children"] = [_block(child) for child in item.children]
    return data


def texts(document: Document) -> Iterator[str]:
    """Every piece of text the tree holds: titles, block text, item text."""
    for section in document.sections:
        yield from _section_texts(section)


def _section_texts(section: Section) -> Iterator[str]:
    yield section.title
    yield from block_texts(section.blocks)
    for child in section.children:
        yield from _section_texts(child)


def block_texts(blocks: Iterable[Block]) -> Iterator[str]:
    for block in blocks:
        yield block.text
        for item in block.items:
            yield item.text
            yield from block_texts(item.children)
        yield from block_texts(block.children)


def all_blocks(document: Document) -> Iterator[Block]:
    def walk(blocks: Iterable[Block]) -> Iterator[Block]:
        for block in blocks:
            yield block
            for item in block.items:
                yield from walk(item.children)
            yield from walk(block.children)

    def sections(items: Iterable[Section]) -> Iterator[Block]:
        for section in items:
            yield from walk(section.blocks)
            yield from sections(section.children)

    yield from sections(document.sections)


def shape(document: Document) -> list[object]:
    """The tree without line numbers: what a reader of the cards would see."""

    def items(found: tuple[ListItem, ...]) -> list[object]:
        return [(item.text, blocks(item.children)) for item in found]

    def blocks(found: tuple[Block, ...]) -> list[object]:
        return [(b.kind, b.text, b.info, items(b.items), blocks(b.children)) for b in found]

    def sections(found: tuple[Section, ...]) -> list[object]:
        return [(s.title, s.level, blocks(s.blocks), sections(s.children)) for s in found]

    return sections(document.sections)
