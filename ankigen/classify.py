"""Place every card in its exam and domain, and tag it."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from ankigen.config import Config
from ankigen.model import Card

__all__ = ["GENERAL", "classify", "slug"]

GENERAL = "General"


def slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-") or "none"


def classify(cards: Iterable[Card], config: Config) -> list[Card]:
    exam = config.default_exam or "notes"
    placed = []
    for card in cards:
        domain = card.domain or GENERAL
        tags = (
            f"exam::{slug(exam)}",
            f"domain::{slug(domain)}",
            f"service::{slug(card.service or 'none')}",
            f"source::{slug(card.source.path.stem)}",
        )
        placed.append(dataclasses.replace(card, exam=card.exam or exam, domain=domain, tags=tags))
    return placed
