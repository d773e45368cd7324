"""Stable note identity: the GUID a note keeps across rebuilds."""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Iterable

from ankigen.model import Card, Diagnostic

__all__ = ["assign_guids", "guid_for"]

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def guid_for(key: str) -> str:
    """A short, deterministic GUID for an identity key."""
    number = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:10], "big")
    digits = []
    while number:
        number, rest = divmod(number, len(_ALPHABET))
        digits.append(_ALPHABET[rest])
    return "ag" + "".join(reversed(digits))


def assign_guids(cards: Iterable[Card]) -> tuple[list[Card], list[Diagnostic]]:
    """Give each card its GUID; two cards with one key are told apart by order, with a warning."""
    seen: Counter[str] = Counter()
    out: list[Card] = []
    diagnostics: list[Diagnostic] = []
    for card in cards:
        seen[card.key] += 1
        key = card.key if seen[card.key] == 1 else f"{card.key}#{seen[card.key]}"
        if seen[card.key] > 1:
            diagnostics.append(
                Diagnostic(
                    card.source.display, card.line, f"duplicate card ({card.context}); told apart by order"
                )
            )
        out.append(dataclasses.replace(card, guid=guid_for(key)))
    return out, diagnostics
