"""Identity's quick paths give what the long way gives, exactly.

`assign_identity` keeps a matched card whose note is unchanged with a quick check and copy
(`identity_quick.kept_card`), matches keys held by one card and one entry without grouping
every item, and puts the new entries in GUID order from the lock's own order.  These tests
hold it to identity as it was before those paths (`tests/identity_reference.py`) on
hypothesis-made notes and locks: cards (every field, in order), removed notes, entries (and
the lines they keep), whether the lock changed, diagnostics and counts; and `kept_card` to
`_place` card by card.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ankigen.identity import IdentityResult, _place, _unchanged, assign_identity
from ankigen.identity_quick import kept_card
from ankigen.lockfile import Lock, entry_line, parse_lock, render_lock
from ankigen.model import Card, CardKind, SourceFile
from tests.identity_reference import reference_identity

ROOT = Path("/project")
_WORDS = st.sampled_from(["S3", "EC2", "bucket", "quota", "5 GB", "zone", "IAM"])
_FILES = ["notes/a.md", "notes/b.md", "other/c.md"]


@st.composite
def cards(draw: st.DrawFn) -> Card:
    kind: CardKind = draw(st.sampled_from(["qa", "cloze"]))
    path = tuple(draw(st.lists(_WORDS, min_size=0, max_size=2)))
    context = " › ".join(path)
    words = draw(st.lists(_WORDS, min_size=1, max_size=3))
    if kind == "cloze":
        numbers = draw(st.lists(st.integers(1, 3), min_size=len(words), max_size=len(words)))
        front = " ".join(f"{{{{c{n}::{w}}}}} is" for n, w in zip(numbers, words, strict=True))
    else:
        front = f"<b>{' '.join(words)}</b>?"
    display = draw(st.sampled_from(_FILES))
    return Card(
        kind=kind,
        rule=draw(st.sampled_from(["topic", "cloze", "term"])),
        key=draw(st.sampled_from(["k1", "k2", "k3", "k4", f"{kind}|{context}|x"])),
        front=front,
        back=draw(st.sampled_from(["", "<p>back</p>", "é ›"])),
        context=context,
        heading_path=path,
        source=SourceFile(ROOT / display, display, ROOT),
        line=draw(st.integers(1, 9)),
        exam=draw(st.sampled_from(["", "SAA"])),
        domain=draw(st.sampled_from(["", "Storage"])),
        tags=tuple(draw(st.lists(st.sampled_from(["b::x", "a::y", "c"]), max_size=3, unique=True))),
        pinned_id=draw(st.sampled_from([None, None, "p1", "p2"])),
    )


def _edited(card: Card, how: int) -> Card:
    """`card` as a later build might make it: unchanged, or one or two things about it changed."""
    changes: list[dict[str, Any]] = [
        {},
        {},
        {"back": card.back + "<p>more</p>"},
        {"tags": tuple(reversed(card.tags))},
        {"tags": (*card.tags, "new")},
        {"line": card.line + 1},
        {"exam": card.exam + "X"},
        {"heading_path": (*card.heading_path, "Renamed")},
        {"pinned_id": "p3"},
        {"key": card.key + "!"},
        {"kind": "qa" if card.kind == "cloze" else "cloze"},
        {"source": SourceFile(ROOT / "notes/z.md", "notes/z.md", ROOT)},
    ]
    first, second = changes[how % len(changes)], changes[how // len(changes) % len(changes)]
    return Card(**{**card.__dict__, **first, **second})


def _same(quick: IdentityResult, reference: IdentityResult, lock: Lock) -> None:
    assert quick == reference
    for mine, theirs in zip(
        (*quick.cards, *quick.removed), (*reference.cards, *reference.removed), strict=True
    ):
        assert list(mine.__dict__.items()) == list(theirs.__dict__.items())
    assert [entry_line(e) for e in quick.entries] == [entry_line(e) for e in reference.entries]
    assert [list(e.__dict__.items()) for e in quick.entries] == [
        list(e.__dict__.items()) for e in reference.entries
    ]
    assert [d.__dict__ for d in quick.diagnostics] == [d.__dict__ for d in reference.diagnostics]
    assert quick.counts(lock) == reference.counts(lock)


def _both(cards: list[Card], lock: Lock, **options: Any) -> IdentityResult:
    quick = assign_identity(cards, lock, 2_000, ROOT, **options)
    _same(quick, reference_identity(cards, lock, 2_000, ROOT, **options), lock)
    return quick


@settings(max_examples=150, deadline=None)
@given(
    st.lists(cards(), max_size=8),
    st.lists(st.integers(0, 150), max_size=8),
    st.lists(cards(), max_size=3),
    st.booleans(),
    st.sampled_from(["all", "notes", "other"]),
)
def test_identity_gives_what_the_long_way_gives(
    before: list[Card], edits: list[int], added: list[Card], shuffle: bool, scope: str
) -> None:
    first = _both(before, Lock())
    lock = parse_lock(render_lock(first.entries))  # as read back: every entry with its line
    after = [_edited(card, how) for card, how in zip(before, [*edits, *[0] * len(before)], strict=False)]
    after = after[: len(edits) + 2] + added
    if shuffle:
        after.reverse()
    in_scope = (lambda e: True) if scope == "all" else (lambda e: e.source.startswith(scope))
    second = _both(
        after, lock, in_scope=in_scope, also_taken=[first.entries[0].guid] if first.entries else []
    )
    _both(after, parse_lock(render_lock(second.entries)))  # and once more, with nothing changed


@settings(max_examples=60, deadline=None)
@given(st.lists(cards(), min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_a_lock_made_by_hand_in_any_order_gives_what_the_long_way_gives(before: list[Card], rng: Any) -> None:
    entries = list(assign_identity(before, Lock(), 5, ROOT).entries)
    rng.shuffle(entries)
    if rng.random() < 0.5:  # two entries with one GUID, which no lock that was read has
        entries.append(dataclasses.replace(entries[0], mtime=9))
    _both(before, Lock(tuple(entries)))


@settings(max_examples=150, deadline=None)
@given(cards(), st.integers(0, 150), st.booleans())
def test_a_kept_card_is_what_place_makes_of_it(card: Card, how: int, removed: bool) -> None:
    (entry,) = parse_lock(render_lock(assign_identity([card], Lock(), 7, ROOT).entries)).entries
    if removed:
        entry = dataclasses.replace(entry, removed=True)
    later = _edited(card, how)
    tags = tuple(sorted(later.tags))
    title = later.heading_path[-1] if later.heading_path else ""
    kept = kept_card(later, entry, {})
    assert (kept is not None) == _unchanged(later, tags, title, entry)
    if kept is not None:
        placed, record = _place(later, entry.guid, entry, 99)
        assert record is entry
        assert list(kept.__dict__.items()) == list(placed.__dict__.items())


def test_notes_just_pinned_keep_their_notes_by_key_when_their_texts_were_swapped() -> None:
    """Nothing matches by the pinned anchor; the plain keys then pair each card with its own
    note, not with the note whose text it now has."""
    source = SourceFile(ROOT / "notes/a.md", "notes/a.md", ROOT)
    texts = ("<b>S3 bucket quota</b>?", "<b>EC2 zone IAM</b>?")
    before = [Card("qa", "topic", f"k{n}", texts[n], "", "", (), source, 1) for n in (0, 1)]
    lock = parse_lock(render_lock(_both(before, Lock()).entries))
    after = [
        dataclasses.replace(card, front=texts[1 - n], pinned_id=f"p{n}") for n, card in enumerate(before)
    ]
    guids = [entry.guid for entry in lock.entries if entry.key == "k0"] + [
        entry.guid for entry in lock.entries if entry.key == "k1"
    ]
    assert [card.guid for card in _both(after, lock).cards] == guids
