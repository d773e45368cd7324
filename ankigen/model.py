"""The plain, immutable data that flows between the pipeline's stages.

discover -> SourceFile; parse -> Document (a tree of Section with Block bodies);
extract -> Card; media -> MediaRef; classify -> Card with exam/domain/service;
package -> DeckFile.  Every stage takes these and returns new ones; none mutates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

BlockKind = Literal["paragraph", "list", "code", "table", "html", "math", "quote"]
CardKind = Literal["qa", "cloze"]
Severity = Literal["warning", "error"]

# Joins a card's heading path, as cards show it: "Databases › Amazon Redshift".
PATH_SEPARATOR = " › "


@dataclass(frozen=True)
class Diagnostic:
    """A problem in the input, located by file and line (line 0: the file as a whole)."""

    path: str
    line: int
    message: str
    severity: Severity = "warning"
    detail: str = ""  # e.g. the traceback behind an error, shown only with --debug

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class SourceFile:
    """One notes file found by discovery."""

    path: Path  # absolute
    display: str  # the path as shown to the user in messages and in the Source field
    root: Path  # the project root that root-absolute image paths resolve against


@dataclass(frozen=True)
class ImageRef:
    """An image the notes point at, as written."""

    src: str
    alt: str
    line: int
    title: str = ""


@dataclass(frozen=True)
class ListItem:
    """One bullet: its own inline Markdown, then whatever is nested under it."""

    text: str
    line: int
    children: tuple[Block, ...] = ()


@dataclass(frozen=True)
class Block:
    """A piece of a section's body.

    `text` is inline Markdown for paragraphs, the literal content for code and math,
    and sanitisable HTML for tables and raw HTML.  Lists carry their items instead.
    """

    kind: BlockKind
    line: int
    text: str = ""
    info: str = ""  # code: the fence's language; list: "ordered" or "bullet"
    items: tuple[ListItem, ...] = ()
    children: tuple[Block, ...] = ()  # quote: the quoted blocks


@dataclass(frozen=True)
class Section:
    """A heading and the body under it, with its subsections."""

    title: str  # inline Markdown of the heading ("" for a file's preamble)
    level: int  # 1-6 for headings, 0 for the preamble before the first heading
    line: int
    blocks: tuple[Block, ...] = ()
    children: tuple[Section, ...] = ()
    pinned_id: str | None = None  # from `<!-- id: ... -->` in the section


@dataclass(frozen=True)
class Document:
    """A parsed notes file: its sections in source order, and what the parse had to say."""

    source: SourceFile
    sections: tuple[Section, ...]
    front_matter: Mapping[str, object] = field(default_factory=dict)
    images: tuple[ImageRef, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    # `[label]: url "title"` definitions, as markdown-it keeps them (label -> href, title), for
    # rendering the document's `[text][label]` links
    references: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class MediaRef:
    """An image resolved to a file on disk and the flat name it gets in Anki's media folder."""

    src: str  # as written in the notes
    path: Path | None  # the file embedded, None when remote
    stored_name: str  # the name in the package, or the URL when remote


@dataclass(frozen=True)
class Card:
    """One Anki note to be, with everything the later stages need to place it."""

    kind: CardKind
    rule: str  # the extraction rule that made it
    key: str  # what identifies this note across rebuilds, before the lock file is consulted
    front: str  # HTML; for cloze the text with {{cN::...}} markers
    back: str  # HTML; for cloze the Extra field
    context: str  # the heading path, as plain text joined with " › "
    heading_path: tuple[str, ...]
    source: SourceFile
    line: int
    media: tuple[MediaRef, ...] = ()
    exam: str = ""
    domain: str = ""
    service: str = ""
    tags: tuple[str, ...] = ()
    guid: str = ""
    pinned_id: str | None = None  # the section's `<!-- id: ... -->`, identity that survives renames
    mtime: int = 0  # when the content last changed (from the lock file); 0: not yet assigned
    removed: bool = False  # gone from the notes, still shipped so that Anki can tag it
    # The front and back fields as packaged, made by the per-file work with what they were made
    # from: (kind, front, back, Front field, Back field); see ankigen.note_fields.
    guarded: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @property
    def location(self) -> str:
        return f"{self.source.display}:{self.line}"


@dataclass(frozen=True)
class DeckFile:
    """One .apkg written by the build."""

    path: Path
    deck_names: tuple[str, ...]
    note_count: int
    media_count: int


@dataclass(frozen=True)
class ImageIssue:
    """One image worth telling the user about, where it is referenced (or the file itself)."""

    location: str  # "file:line" of the reference, or the file's path for unused files
    ref: str  # as written in the notes, or the file's path
    detail: str = ""


@dataclass(frozen=True)
class MediaReport:
    """The images of a whole run: how many were embedded, and those that need attention."""

    embedded: int = 0  # distinct files stored
    remote: tuple[ImageIssue, ...] = ()  # kept as links (detail: why a fetch failed)
    missing: tuple[ImageIssue, ...] = ()
    refused: tuple[ImageIssue, ...] = ()  # outside the project root
    invalid: tuple[ImageIssue, ...] = ()  # not an image ankigen can embed
    unused: tuple[ImageIssue, ...] = ()  # files in media/ that no checked note references
    oversized: tuple[ImageIssue, ...] = ()
    unshown: tuple[ImageIssue, ...] = ()  # resolved, but in a part of the notes no card shows


@dataclass(frozen=True)
class BuildResult:
    decks: tuple[DeckFile, ...]
    cards: tuple[Card, ...]
    diagnostics: tuple[Diagnostic, ...]
    media: MediaReport = field(default_factory=MediaReport)
    removed: tuple[Card, ...] = ()  # notes gone from the sources, shipped tagged ankigen::removed
    lock_changed: bool = False  # the build wrote (or, with --locked, refused to write) ankigen.lock
    counts: Mapping[str, int] = field(default_factory=dict)  # notes "new", "changed", "removed" vs the lock
    incremental: bool = False  # GUIDs and lock lines were worked out for the changed files only


@dataclass(frozen=True)
class SilentSection:
    """A section of the notes that made no card, and why: what `ankigen check` lists."""

    context: str  # the heading path, joined with " › "
    line: int
    reason: str
