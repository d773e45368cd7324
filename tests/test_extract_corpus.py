"""The quality bar on real notes (../shared/corpus, skipped when absent): the decks built from it,
imported into real Anki and judged by the shared card_quality tool, have at most 2% defective
cards, and every heading that has something to ask is asked about by at least one card."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from ankigen.config import Config
from ankigen.model import Section
from ankigen.pipeline import check
from ankigen.services import shipped_catalogue
from tests.conftest import RunCli

NO_CARDS_EXPECTED = (
    "table of contents",
    "only links, images or separators",
    "only images, none",
    "heading only",
)


def card_quality(corpus: Path) -> ModuleType:
    path = corpus.parent / "tools" / "card_quality.py"
    if not path.is_file():
        pytest.skip("../shared/tools/card_quality.py is not here")
    spec = importlib.util.spec_from_file_location("card_quality", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_corpus_defect_rate_at_most_two_percent(corpus: Path, run_cli: RunCli, tmp_path: Path) -> None:
    tool = card_quality(corpus)
    result = run_cli("build", str(corpus), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.code == 0, result.err
    cards, log = tool.load_cards(tmp_path / "out")
    assert log["import_errors"] == []
    found = tool.defects(cards, log["_media_names"])
    bad = {i for indexes in found.values() for i in indexes}
    examples = {kind: [cards[i]["q"][:120] for i in indexes[:3]] for kind, indexes in found.items()}
    assert len(cards) > 300
    assert len(bad) / len(cards) <= 0.02, examples


def test_every_heading_with_content_is_asked_about(corpus: Path) -> None:
    result = check([corpus], Config(root=corpus))
    asked = " ".join(f"{card.context} {card.front}" for card in result.cards)
    silent = {(s.context, s.line) for report in result.files for s in report.silent}
    reasons = {s.context: s.reason for report in result.files for s in report.silent}
    for report in result.files:
        for section in _sections(report.document.sections):
            title = section.title.strip()
            if not title:
                continue
            plain = " ".join(re.sub(r"[*_`]", "", title).split())
            if any(s[1] == section.line for s in silent) and _expected_silent(reasons, plain):
                continue
            assert plain in asked, (
                f"{report.document.source.display}:{section.line}: no card asks about {plain!r}"
            )


def _expected_silent(reasons: dict[str, str], title: str) -> bool:
    return any(
        ctx.endswith(title) and reason.startswith(NO_CARDS_EXPECTED) for ctx, reason in reasons.items()
    )


def _sections(sections: tuple[Section, ...]) -> list[Section]:
    out: list[Section] = []
    for section in sections:
        out.append(section)
        out.extend(_sections(section.children))
    return out


def test_every_service_with_a_heading_is_asked_about(corpus: Path) -> None:
    catalogue = shipped_catalogue()
    result = check([corpus], Config(root=corpus))
    asked = {s.id for card in result.cards for s in catalogue.services_in(f"{card.context}\n{card.front}")}
    headed = {
        service.id: f"{report.document.source.display}:{section.line}"
        for report in result.files
        for section in _sections(report.document.sections)
        for service in catalogue.services_in(section.title)
    }
    assert len(headed) > 30
    assert {sid: where for sid, where in headed.items() if sid not in asked} == {}
