"""A card's four note fields as Anki gets them: every field through the field guard.

Every field passes the guard (`ankigen.sanitize`), whatever rule made it: a rule that forgot to
escape cannot put active content, stray braces or a field separator into the package.

Guarding the front and back (HTML, through nh3) was most of the cost of making a note, and it
depends on the card alone, so the per-file work does it (`with_guarded`: in the worker
processes, and cached with the file's result) and packaging only looks the fields up
(`note_fields`).  They are kept with what they were made from, and used only while the card
still holds exactly that: a card whose text changed after its file's work (clozes renumbered by
identity, a question asked twice told apart, a note shipped as removed) is guarded then.  The
context and source are plain text, quick to guard when packaged.
"""

from __future__ import annotations

from ankigen.frozen import replaced
from ankigen.model import Card
from ankigen.sanitize import sanitize, sanitize_cloze, text_field

__all__ = ["guarded_now", "note_fields", "source_text", "with_guarded"]


def source_text(card: Card) -> str:
    """What the Source field says: where the note comes from."""
    return f"removed from {card.source.display}" if card.removed else card.location


def _front_and_back(kind: str, front: str, back: str) -> tuple[str, str]:
    return sanitize(front) if kind == "qa" else sanitize_cloze(front), sanitize(back)


def with_guarded(card: Card) -> Card:
    """`card` with its front and back fields made, kept on it (`Card.guarded`) with what they were
    made from.  A field the guard leaves as it was (most) is kept as the very same string: it
    costs no memory, and no room in the cache (pickle writes a string it has seen as a reference)."""
    first, second = _front_and_back(card.kind, card.front, card.back)
    first = card.front if first == card.front else first
    second = card.back if second == card.back else second
    return replaced(card, guarded=(card.kind, card.front, card.back, first, second))


def guarded_now(card: Card) -> bool:
    """Whether packaging has to guard the card's front and back itself (they changed since)."""
    return card.guarded[:3] != (card.kind, card.front, card.back)


def note_fields(card: Card) -> tuple[str, str, str, str]:
    """The card's four fields: its front and back as made with it while it still holds what they
    were made from, else guarded now; its context and source guarded now."""
    if guarded_now(card):
        first, second = _front_and_back(card.kind, card.front, card.back)
    else:
        first, second = card.guarded[3], card.guarded[4]
    return first, second, text_field(card.context), text_field(source_text(card))
