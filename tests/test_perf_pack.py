"""Packaging looks the guarded fields up and streams its notes: the same package as the long way."""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ankigen.identity import assign_identity
from ankigen.lockfile import LOCK_FILE, Lock, commit_lock, parse_lock, render_lock, stage_lock
from ankigen.model import Card
from ankigen.note_fields import guarded_now, note_fields, source_text
from ankigen.package import DeckSpec, _collection, write_package
from ankigen.package import collection as collection_module
from ankigen.sanitize import (
    _BRACES,
    _CONTROLS,
    sanitize,
    sanitize_cloze,
    strip_cloze_placeholders,
    text_field,
)
from tests.anki_helpers import collection, import_package, notes_of
from tests.package_helpers import EPOCH, corpus_cards, genanki_collection, table_rows


@pytest.fixture(scope="module")
def placed(tmp_path_factory: pytest.TempPathFactory) -> tuple[tuple[str, Card], ...]:
    return corpus_cards(120, tmp_path_factory.mktemp("corpus"))


def _unguarded(cards: tuple[tuple[str, Card], ...]) -> tuple[tuple[str, Card], ...]:
    return tuple((name, dataclasses.replace(card, guarded=())) for name, card in cards)


def _guarded_the_long_way(card: Card) -> tuple[str, str, str, str]:
    front = sanitize(card.front) if card.kind == "qa" else sanitize_cloze(card.front)
    return front, sanitize(card.back), text_field(card.context), text_field(source_text(card))


def test_the_per_file_work_guards_every_cards_fields(placed: tuple[tuple[str, Card], ...]) -> None:
    cards = [card for _, card in placed]
    assert len(cards) > 300
    assert not any(guarded_now(card) for card in cards)  # packaging guards none of them itself
    for card in cards:
        assert note_fields(card) == _guarded_the_long_way(card)
        # a field the guard leaves as it was is the card's own string, not a copy of it
        for made_from, field in zip(card.guarded[1:3], card.guarded[3:], strict=True):
            assert field is made_from or field != made_from


def test_a_package_from_guarded_fields_is_the_package_guarded_when_packaged(
    placed: tuple[tuple[str, Card], ...], tmp_path: Path
) -> None:
    looked_up = write_package(DeckSpec("x.apkg", placed), tmp_path / "looked-up", EPOCH)
    now = write_package(DeckSpec("x.apkg", _unguarded(placed)), tmp_path / "now", EPOCH)
    assert looked_up.path.read_bytes() == now.path.read_bytes()


def test_a_card_changed_after_its_files_work_is_guarded_again(placed: tuple[tuple[str, Card], ...]) -> None:
    qa = next(card for _, card in placed if card.kind == "qa")
    cloze = next(card for _, card in placed if card.kind == "cloze")
    changed = [
        dataclasses.replace(qa, front=qa.front + '<script>alert(1)</script> {"a": 1}'),
        dataclasses.replace(qa, back="<img src=x onerror=alert(1)>"),
        dataclasses.replace(cloze, front=cloze.front.replace("{{c1::", "{{c7::", 1)),  # renumbered
        dataclasses.replace(cloze, kind="qa"),
        dataclasses.replace(qa, removed=True),
        dataclasses.replace(qa, line=qa.line + 3),
    ]
    for card in changed:
        assert note_fields(card) == _guarded_the_long_way(card)
    assert "<script>" not in note_fields(changed[0])[0]
    assert "{{c7::" in note_fields(changed[2])[0]


def test_notes_written_by_the_batch_are_the_rows_genanki_writes(
    placed: tuple[tuple[str, Card], ...], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(collection_module, "_BATCH", 7)  # many batches, the last one partial
    plan = _collection(DeckSpec("x.apkg", placed), EPOCH, None, False, tmp_path / "x.anki2")
    ours = (tmp_path / "x.anki2").read_bytes()
    assert plan.fresh == len(placed)
    assert table_rows(ours) == table_rows(genanki_collection(placed))


def test_guarded_fields_reach_anki(placed: tuple[tuple[str, Card], ...], tmp_path: Path) -> None:
    deck = write_package(DeckSpec("x.apkg", placed[:40]), tmp_path / "out", EPOCH)
    with collection(tmp_path / "anki") as col:
        import_package(col, deck.path)
        shown = {note.guid: note for note in notes_of(col)}
    for _, card in placed[:40]:
        front, back, context, source = note_fields(card)
        note = shown[card.guid]
        assert list(note.fields.values()) == [front, back, context, source]


def _text_field_the_long_way(text: str) -> str:
    return html.escape(strip_cloze_placeholders(text).translate(_CONTROLS), quote=False).translate(_BRACES)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8")))
def test_text_field_skips_only_what_would_not_change(text: str) -> None:
    assert text_field(text) == _text_field_the_long_way(text)


def test_text_field_edge_cases() -> None:
    for text in ["A › B", "a & b", "x < y", "{{c1::x}}", "a\x00b", "\ufeffbom", "\ufdd0", "tab\tnew\nline"]:
        assert text_field(text) == _text_field_the_long_way(text)


def test_the_lock_staged_line_by_line_is_the_lock_rendered_as_text(
    placed: tuple[tuple[str, Card], ...], tmp_path: Path
) -> None:
    cards = [card for _, card in placed]
    identity = assign_identity(cards, Lock(), EPOCH, tmp_path)
    fresh = identity.entries  # serialised anew
    read = parse_lock(render_lock(fresh)).entries  # written back as their lines were read
    for entries in (fresh, read, read[: len(read) // 2] + fresh[len(read) // 2 :], ()):
        before = (tmp_path / LOCK_FILE).read_bytes() if (tmp_path / LOCK_FILE).exists() else None
        staged = stage_lock(tmp_path, entries)
        assert before == ((tmp_path / LOCK_FILE).read_bytes() if before is not None else None)
        assert (tmp_path / LOCK_FILE).exists() == (before is not None)  # in place only once committed
        commit_lock(tmp_path, staged)
        assert (tmp_path / LOCK_FILE).read_bytes() == render_lock(entries).encode("utf-8")
    assert any("›" in entry.title or "›" in entry.text for entry in fresh)  # not only ASCII
