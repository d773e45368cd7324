"""What a card rule sees: one section, where it sits, how to render it, and its lines of text."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar, cast

from ankigen.config import Config
from ankigen.extract.split import is_link_only
from ankigen.extract.wording import clean_title, is_question, is_toc_title, qualify
from ankigen.model import PATH_SEPARATOR, Block, Card, CardKind, Document, Section
from ankigen.render import Renderer
from ankigen.render_rules import pseudo_bullet, strip_break

__all__ = ["PATH_SEPARATOR", "Line", "SectionContext", "lines_of", "normal_title"]

_WORD = re.compile(r"\w+")
T = TypeVar("T")


@dataclass(frozen=True)
class Line:
    """One unit of text a rule may turn into a card: a bullet, or one line of a paragraph."""

    text: str  # inline Markdown
    line: int
    children: tuple[Block, ...] = ()  # what is nested under a bullet
    ancestors: tuple[str, ...] = ()  # plain text of the bullets it is nested in
    bullet: bool = False


def lines_of(blocks: tuple[Block, ...], ancestors: tuple[str, ...] = ()) -> Iterator[Line]:
    """Every bullet (with its nesting) and every paragraph line, in source order."""
    lead: tuple[str, ...] = ()  # a line ending in `:` introduces the bullets under it
    for block in blocks:
        if block.kind == "paragraph":
            lead = ()
            for offset, raw in enumerate(block.text.split("\n")):
                item = pseudo_bullet(raw)
                text = strip_break(raw) if item is None else item
                if text:
                    yield Line(text, block.line + offset, (), (*ancestors, *lead), bullet=item is not None)
                if item is None:
                    lead = (text.rstrip(" :"),) if text.endswith(":") else ()
            continue
        if block.kind == "list":
            for entry in block.items:
                text = strip_break(entry.text)
                yield Line(text, entry.line, entry.children, (*ancestors, *lead), bullet=True)
                if not entry.children:
                    continue  # most bullets: nothing nested to read
                label = text.rstrip(" :-\u2013\u2014")
                yield from lines_of(
                    entry.children, (*ancestors, *lead, label) if label else (*ancestors, *lead)
                )
        elif block.kind == "quote":
            yield from lines_of(block.children, ancestors)
        lead = ()


@dataclass(frozen=True)
class SectionContext:
    document: Document
    section: Section
    path: tuple[str, ...]  # plain-text heading path, this section's own title last
    renderer: Renderer
    config: Config
    headings: frozenset[str] = frozenset()  # every heading of the document, as `normal_title` gives
    # What the rules worked out about this section, each once: every rule asks for its lines, terms
    # and Q/A pairs again.  Not copied by `dataclasses.replace`, so it never outlives the section.
    _memo: dict[str, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def context(self) -> str:
        return PATH_SEPARATOR.join(self.path)

    @property
    def title(self) -> str:
        """This section's heading as plain text, without the author's numbering."""
        return clean_title(self.path[-1]) if self.path and self.section.title else ""

    @property
    def name(self) -> str:
        """The section's name as a card can show it: a generic heading carries its parent's."""
        parent = clean_title(self.path[-2]) if len(self.path) > 1 else ""
        return qualify(self.title, parent)

    @property
    def topic(self) -> str:
        """The section as a front names it: `Databases › Amazon Redshift`, its parent's name first."""
        parent = clean_title(self.path[-2]) if len(self.path) > 1 else ""
        return f"{parent}{PATH_SEPARATOR}{self.title}" if parent else self.title

    @property
    def answers_heading(self) -> bool:
        """True when the body answers the heading's question: the question rule asks it whole."""
        return bool(self.section.title) and self.config.rule_enabled("question") and is_question(self.title)

    def lines(self) -> Iterator[Line]:
        """The section's lines, without a list that merely repeats the document's headings."""
        return iter(self._lines)

    @cached_property
    def _lines(self) -> tuple[Line, ...]:
        return tuple(lines_of(self.body))

    def remember(self, name: str, compute: Callable[[], T]) -> T:
        """What `compute` gives about this section, computed on the first call only: it must
        depend on nothing but the section and its context (`name` says what it is)."""
        if name not in self._memo:
            self._memo[name] = compute()
        return cast(T, self._memo[name])

    @cached_property
    def body(self) -> tuple[Block, ...]:
        """The section's blocks less any table of contents (a list of the document's own headings)."""
        return tuple(block for block in self.section.blocks if not self.is_contents(block))

    @property
    def is_toc(self) -> bool:
        """A table of contents: titled like one ("Contents", "Index") and holding nothing but links
        and the document's own headings.  A section called "Index" with real notes is not one."""
        if not self.section.title or not is_toc_title(self.title):
            return False
        return all(self._only_pointers(block) for block in self.section.blocks)

    def _only_pointers(self, block: Block) -> bool:
        if block.kind == "paragraph":
            return is_link_only(block.text)
        if block.kind != "list":
            return False
        return all(
            (is_link_only(item.text) or self._names_a_heading(item.text))
            and all(self._only_pointers(child) for child in item.children)
            for item in block.items
        )

    def _names_a_heading(self, markdown: str) -> bool:
        """Whether a contents entry points at a heading; entries are often worded a little
        differently from the heading itself ("IAM - Identity..." for "IAM (Identity...)")."""
        words = set(_WORD.findall(normal_title(self.plain(markdown))))
        return bool(words) and any(
            len(words & set(_WORD.findall(heading))) >= 0.6 * len(words) for heading in self.headings
        )

    def is_contents(self, block: Block) -> bool:
        """A list at least 80% of whose items name a heading of the document."""
        if block.kind != "list" or len(block.items) < 2:
            return False
        needed = 0.8 * len(block.items)
        named = 0
        for index, item in enumerate(block.items):
            named += normal_title(self.plain(item.text)) in self.headings
            if named + len(block.items) - index - 1 < needed:
                return False  # too few left to name enough: most lists stop at their first item
        return named >= needed

    def plain(self, markdown: str) -> str:
        return self.renderer.plain(markdown)

    def card(
        self,
        kind: CardKind,
        rule: str,
        key: str,
        front: str,
        back: str,
        line: int,
        context: str | None = None,
    ) -> Card:
        """A card from this section; `key` says what it asks, unique within `context` (the heading
        path shown above the front, this section's own by default) and the rule."""
        shown = self.context if context is None else context
        return Card(
            kind=kind,
            rule=rule,
            key=f"{rule}|{shown}|{' '.join(key.lower().split())}",
            front=front,
            back=back,
            context=shown,
            heading_path=self.path,
            source=self.document.source,
            line=line,
            pinned_id=self.section.pinned_id,
        )


def normal_title(title: str) -> str:
    """A heading's plain text, compared without numbering, case or spacing."""
    return " ".join(clean_title(title).lower().split())
