"""Smoke test of the benchmark's corpus generator (the benchmark itself is `make bench`, not a test)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ankigen import load_config
from ankigen.model import Section
from ankigen.pipeline import check
from bench.corpus import CorpusSpec, generate, notes_file, sections_for


def _count(sections: Sequence[Section]) -> int:
    return sum(1 + _count(section.children) for section in sections)


def test_generator_is_deterministic_and_parses_into_every_section(tmp_path: Path) -> None:
    spec = CorpusSpec(150)
    assert notes_file(spec, 1) == notes_file(CorpusSpec(150), 1)
    assert notes_file(spec, 0) != notes_file(spec, 1)
    folder = generate(spec, tmp_path)
    assert sorted(p.name for p in (folder / "notes").iterdir()) == ["0000.md", "0001.md"]
    result = check([folder / "notes"], load_config(folder))
    assert sum(_count(report.document.sections) for report in result.files) == 150
    kinds = {card.kind for card in result.cards}
    assert kinds == {"qa", "cloze"}
    assert any(card.media for card in result.cards), "some sections show an image"
    assert not [d for d in result.diagnostics if "image" in d.message]
    ankdown = (folder / "ankdown" / "notes" / "0000.md").read_text(encoding="utf-8")
    assert ankdown.count("\n---\n") == len(sections_for(spec, 0)) - 1
