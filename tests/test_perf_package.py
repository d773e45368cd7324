"""A package built by reusing the previous build's collection is the package built from scratch."""

from __future__ import annotations

import dataclasses
import random
import shutil
import zipfile
from pathlib import Path

import pytest

from ankigen.cache import CACHE_DIR
from ankigen.model import Card
from ankigen.package import DeckSpec, _collection
from ankigen.package.collection import Plan
from ankigen.package.previous import PreviousBuild, load_previous
from bench.corpus import CorpusSpec, generate
from tests import package_helpers
from tests.anki_helpers import collection, import_package, notes_of
from tests.conftest import RunCli
from tests.package_helpers import EPOCH, genanki_collection, table_rows


@pytest.fixture(scope="module")
def corpus_cards(tmp_path_factory: pytest.TempPathFactory) -> tuple[tuple[str, Card], ...]:
    return package_helpers.corpus_cards(150, tmp_path_factory.mktemp("corpus"))


def _previous(plan: Plan, collection: Path) -> PreviousBuild:
    return PreviousBuild(
        collection, dict(zip(plan.keys, zip(plan.ids, plan.counts, strict=True), strict=True))
    )


def _build(
    spec: DeckSpec, timestamp: float, previous: PreviousBuild | None, target: Path
) -> tuple[Plan, bytes]:
    plan = _collection(spec, timestamp, previous, True, target)
    return plan, target.read_bytes()


def test_the_collection_holds_the_rows_genanki_writes(
    corpus_cards: tuple[tuple[str, Card], ...], tmp_path: Path
) -> None:
    spec = DeckSpec("x.apkg", corpus_cards)
    plan, ours = _build(spec, EPOCH, None, tmp_path / "x.anki2")
    assert table_rows(ours) == table_rows(genanki_collection(spec.cards))
    assert plan.fresh == len(spec.cards) > 500


def _edited(cards: tuple[tuple[str, Card], ...], rng: random.Random) -> tuple[tuple[str, Card], ...]:
    """Cards after a round of edits of every kind a rebuild sees."""
    edited = list(cards)
    for _ in range(rng.randint(1, 6)):
        i = rng.randrange(len(edited))
        name, card = edited[i]
        kind = rng.choice(["text", "tags", "deck", "remove", "add", "removed", "mtime", "line", "clozes"])
        if kind == "text":
            edited[i] = (name, dataclasses.replace(card, back=card.back + " <b>more</b>"))
        elif kind == "tags":
            edited[i] = (name, dataclasses.replace(card, tags=(*card.tags, "extra::tag")))
        elif kind == "deck":
            edited[i] = (name + "::Moved", card)
        elif kind == "remove":
            del edited[i]
        elif kind == "add":
            new = dataclasses.replace(card, guid=f"new{rng.randrange(10**9)}", front=card.front + " again")
            edited.insert(i, (name, new))
        elif kind == "removed":
            edited[i] = (name, dataclasses.replace(card, removed=True, tags=(*card.tags, "ankigen::removed")))
        elif kind == "mtime":
            edited[i] = (name, dataclasses.replace(card, mtime=card.mtime + 100))
        elif kind == "line":
            edited[i] = (name, dataclasses.replace(card, line=card.line + 1))
        else:  # a note that gains a card: every id after it moves by one more
            clozes = dataclasses.replace(
                card, kind="cloze", front="{{c1::one}} and {{c2::two}} and {{c3::three}}"
            )
            edited[i] = (name, clozes)
    return tuple(edited)


def test_reusing_the_previous_collection_gives_the_same_bytes(
    corpus_cards: tuple[tuple[str, Card], ...], tmp_path: Path
) -> None:
    rng = random.Random(7)
    cards = corpus_cards
    spec = DeckSpec("x.apkg", cards)
    plan, built = _build(spec, EPOCH, None, tmp_path / "built0.anki2")
    for round_ in range(8):
        cards = _edited(cards, rng)
        spec = DeckSpec("x.apkg", cards)
        timestamp = EPOCH + 1000 * round_ if round_ % 2 else EPOCH  # every id moves, nothing else
        previous = _previous(plan, tmp_path / f"built{round_}.anki2")
        plan, built = _build(spec, timestamp, previous, tmp_path / f"built{round_ + 1}.anki2")
        _, scratch = _build(spec, timestamp, None, tmp_path / f"scratch{round_}.anki2")
        assert built == scratch, f"round {round_}"
        changed = sum(key not in previous.notes for key in plan.keys)
        assert plan.fresh == changed < 10 and len(plan.reused) == len(cards) - changed


def _apkg(run_cli: RunCli, folder: Path, out: Path, *extra: str) -> bytes:
    result = run_cli("build", "notes", "-o", str(out), *extra, cwd=folder)
    assert result.code == 0, result.err
    (package,) = out.glob("*.apkg")
    return package.read_bytes()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _drop_first_aspect(path: Path) -> None:
    """Delete the file's first `###` section, heading and body."""
    text = path.read_text(encoding="utf-8")
    start = text.index("\n### ")
    end = text.index("\n#", start + 1)
    path.write_text(text[:start] + text[end:], encoding="utf-8")


def _manifest_keys(folder: Path) -> set[bytes]:
    previous = load_previous(folder / CACHE_DIR, "aws-saa-c03.apkg")
    assert previous is not None
    return set(previous.notes)


def test_cached_builds_after_edits_are_byte_identical_to_cold_ones(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    folder = generate(CorpusSpec(210), tmp_path)
    notes = folder / "notes"
    for path in notes.glob("*.md"):  # a fifth of each file is plenty, and five times faster
        text = path.read_text(encoding="utf-8")
        path.write_text(text[: text.index("\n## ", len(text) // 5)], encoding="utf-8")
    _apkg(run_cli, folder, tmp_path / "out0")

    def first_round() -> None:  # a new bullet, a reworded sentence, a file moved to another deck (tags too)
        _append(notes / "0001.md", "\n- **Edited term** is one more fact.\n")
        _edit(notes / "0000.md", " is ", " is now ")
        _edit(notes / "0002.md", "exam: SAA-C03\n", "exam: SAA-C03\ndomain: Networking\n")

    def second_round() -> None:  # a section gone, another added, an image changed, a file renamed
        _edit(notes / "0001.md", "\n## ", "\n## Added\n\nOne more **section**.\n\n## ")
        _drop_first_aspect(notes / "0000.md")
        shutil.copyfile(folder / "images" / "diagram-01.png", folder / "images" / "diagram-00.png")
        (notes / "0002.md").rename(notes / "0002-renamed.md")

    def unchanged() -> None:
        pass

    rounds = [first_round, second_round, unchanged]
    before = _manifest_keys(folder)
    media: list[dict[str, bytes]] = []
    for number, edit in enumerate(rounds, start=1):
        edit()
        cached = _apkg(run_cli, folder, tmp_path / f"cached{number}")
        media.append(_media(tmp_path / f"cached{number}"))
        after = _manifest_keys(folder)
        cold = _apkg(run_cli, folder, tmp_path / f"cold{number}", "--no-cache")
        assert cached == cold, f"round {number}"
        assert before & after, "nothing was reused"
        assert (after != before) == (number < len(rounds)), f"round {number}"
        before = after
    assert media[0] != media[1] == media[2]  # the changed image went in


def _media(out: Path) -> dict[str, bytes]:
    (package,) = out.glob("*.apkg")
    with zipfile.ZipFile(package) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "collection.anki2"}


def test_a_damaged_previous_collection_is_a_miss(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    folder = generate(CorpusSpec(100), tmp_path)
    first = _apkg(run_cli, folder, tmp_path / "first")
    (entry,) = (folder / CACHE_DIR / "packages").glob("*/*.pickle")
    data = entry.read_bytes()
    middle = len(data) // 2
    for damaged in (data[:1000], data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]):
        entry.write_bytes(damaged)
        assert load_previous(folder / CACHE_DIR, "aws-saa-c03.apkg") is None
        assert _apkg(run_cli, folder, tmp_path / "again") == first
        assert entry.read_bytes() == data  # rewritten whole


def test_no_cache_reads_and_writes_no_collection(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    folder = generate(CorpusSpec(100), tmp_path)
    _apkg(run_cli, folder, tmp_path / "cold", "--no-cache")
    assert not (folder / CACHE_DIR / "packages").exists()
    assert run_cli("check", "notes", cwd=folder).code == 0
    assert not (folder / CACHE_DIR / "packages").exists()


def test_an_incremental_package_updates_anki_in_place(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    folder = generate(CorpusSpec(100), tmp_path)
    _apkg(run_cli, folder, tmp_path / "first")
    with collection(tmp_path / "anki") as col:
        import_package(col, next((tmp_path / "first").glob("*.apkg")))
        reviewed = col.find_cards("")[:50]
        for cid in reviewed:
            card = col.get_card(cid)
            card.start_timer()
            col.sched.answerCard(card, 3)
        db = col.db
        assert db is not None
        reps = {cid: col.get_card(cid).reps for cid in reviewed}
        note_ids = {note.guid: nid for nid, note in zip(col.find_notes(""), notes_of(col), strict=True)}

        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 100))
        _edit(folder / "notes" / "0000.md", " is ", " is by now ")
        _append(folder / "notes" / "0000.md", "\n- **Brand new term** closes the file.\n")
        second = _apkg(run_cli, folder, tmp_path / "second")
        assert second == _apkg(run_cli, folder, tmp_path / "cold", "--no-cache")
        log = import_package(col, next((tmp_path / "second").glob("*.apkg"))).log  # type: ignore[attr-defined]
        assert not log.conflicting
        seen = notes_of(col)
        guids = [note.guid for note in seen]
        assert len(guids) == len(set(guids))  # no duplicates
        texts = [" ".join(note.fields.values()) for note in seen]
        assert any("is by now" in text for text in texts)
        assert any("Brand new term" in text for text in texts)
        assert len(log.new) >= 1 and len(log.updated) >= 1
        for nid, note in zip(col.find_notes(""), seen, strict=True):  # edited notes kept their ids
            assert note_ids.get(note.guid, nid) == nid
        assert {cid: col.get_card(cid).reps for cid in reviewed} == reps  # reviews kept
        assert db.scalar("select count() from revlog") == len(reviewed)
