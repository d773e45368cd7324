"""Cards from a parsed document: an ordered registry of card rules, each a plain function.

Every rule has one signature, `rule(ctx) -> Iterable[Card]`, and sees one section at a time
with its heading path.  Rules are switched on and off by name in the config's `[rules]`.

How the rules share the notes: `term` and `question` ask single lines; `cloze` leaves those
lines to them; `topic` asks each section's body as a whole (or in pieces when long), so that
nothing in the notes goes unasked even where no finer rule applies.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ankigen.config import Config
from ankigen.extract import cloze, question, term, topic
from ankigen.extract.context import SectionContext, normal_title
from ankigen.extract.split import ANSWER_LIMIT, is_link_only
from ankigen.extract.wording import shorten
from ankigen.model import Card, Document, Section, SilentSection
from ankigen.render import Renderer

__all__ = ["RULES", "Extraction", "Rule", "SectionContext", "distinct_cards", "extract", "extract_report"]

Rule = Callable[[SectionContext], Iterable[Card]]

RULES: tuple[tuple[str, Rule], ...] = (
    ("question", question.rule),
    ("term", term.rule),
    ("topic", topic.rule),
    ("cloze", cloze.rule),
)


@dataclass(frozen=True)
class Extraction:
    cards: tuple[Card, ...]
    silent: tuple[SilentSection, ...]  # sections that made no card, with the reason


def extract(document: Document, renderer: Renderer, config: Config) -> list[Card]:
    return list(extract_report(document, renderer, config).cards)


def extract_report(document: Document, renderer: Renderer, config: Config) -> Extraction:
    enabled = [fn for name, fn in RULES if config.rule_enabled(name)]
    renderer = renderer.for_references(document.references)  # its `[text][label]` links
    cards: list[Card] = []
    silent: list[SilentSection] = []
    contexts = list(_walk(document, document.sections, (), renderer, config))
    headings = frozenset(normal_title(ctx.path[-1]) for ctx in contexts if ctx.section.title)
    for ctx in (dataclasses.replace(c, headings=headings) for c in contexts):
        made = [] if ctx.is_toc else [card for rule in enabled for card in rule(ctx)]
        if not made:
            silent.append(
                SilentSection(
                    ctx.context or "(before the first heading)", ctx.section.line, _why(ctx, enabled)
                )
            )
        cards.extend(made)
    answerable = [card for card in cards if card.kind == "cloze" or _shown(card.back)]
    return Extraction(tuple(distinct_cards(answerable, tell_apart=False)), tuple(silent))


def _walk(
    document: Document,
    sections: Iterable[Section],
    parents: tuple[str, ...],
    renderer: Renderer,
    config: Config,
) -> Iterator[SectionContext]:
    for section in sections:
        # a heading that shows no text (`# <br>`) still names its section, as written
        title = (renderer.plain(section.title) or section.title.strip()) if section.title else ""
        path = (*parents, title) if title else parents
        yield SectionContext(document, section, path, renderer, config)
        yield from _walk(document, section.children, path, renderer, config)


def _why(ctx: SectionContext, enabled: list[Rule]) -> str:
    section = ctx.section
    if not enabled:
        return "every card rule is switched off"
    if not section.blocks:
        return (
            "heading only (its subsections have the cards)" if section.children else "heading only, no body"
        )
    if ctx.is_toc or all(ctx.is_contents(b) for b in section.blocks):
        return "table of contents"
    if not section.title:
        return "text before the first heading (no topic to ask about)"
    if all(
        (b.kind == "paragraph" and is_link_only(b.text))
        or (b.kind == "list" and all(is_link_only(i.text) for i in b.items))
        for b in section.blocks
    ):
        images = all(b.kind == "paragraph" and "![" in b.text for b in section.blocks)
        return "only images, none of them found" if images else "only links, images or separators"
    return "no rule that is switched on applies"


def distinct_cards(cards: Iterable[Card], tell_apart: bool = True) -> list[Card]:
    """No question asked twice in one deck.

    Exact repeats are dropped.  A term defined twice (`22 = SSH`, `22 = SFTP`) is one question with
    two answers: one card, while it stays short.  Clozes hiding the same terms in different
    sentences get keys of their own.  Any other question asked twice (a heading written twice, in
    one file or two) stays two cards that share their key, which the identity stage tells apart;
    with `tell_apart`, each front also shows how its answer opens, so that the learner can too.
    """
    out: list[Card] = []
    by_key: dict[tuple[str, str, str], int] = {}  # (exam, domain, key) -> first card in `out`
    shared: dict[tuple[str, str, str], list[int]] = {}
    for card in cards:
        place = (card.exam, card.domain, card.key)
        index = by_key.get(place)
        if index is None:
            by_key[place] = len(out)
            out.append(card)
            continue
        kept = out[index]
        if (kept.front, kept.back) == (card.front, card.back):
            continue
        if card.rule == kept.rule == "term" and _shown(kept.back + card.back) <= ANSWER_LIMIT:
            media = tuple({ref.stored_name: ref for ref in (*kept.media, *card.media)}.values())
            out[index] = dataclasses.replace(kept, back=kept.back + "<hr>" + card.back, media=media)
            continue
        if card.kind == "cloze":
            number = 2
            while (*place[:2], f"{card.key} ({number})") in by_key:
                number += 1
            card = dataclasses.replace(card, key=f"{card.key} ({number})")
            by_key[(*place[:2], card.key)] = len(out)
        else:
            shared.setdefault(place, [index]).append(len(out))
        out.append(card)
    if tell_apart:
        for indexes in shared.values():
            for index in indexes:
                lead = shorten(_text(out[index].back), 40)
                out[index] = dataclasses.replace(
                    out[index], front=f"{out[index].front} \u2014 {html.escape(lead)}"
                )
    return out


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _shown(fragment: str) -> int:
    """How much text a field shows; a picture counts, a missing picture's placeholder does not."""
    if "<img" in fragment:
        return len(fragment)
    text = re.sub(r"\[image:[^\]]*\]", " ", re.sub(r"<[^>]+>", " ", fragment))
    return len(" ".join(text.split()))
