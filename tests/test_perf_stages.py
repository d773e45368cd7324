"""The whole-corpus stages of a rebuild take shortcuts; each must give exactly what the long way gives."""

from __future__ import annotations

import dataclasses
import gc
import os
import shutil
import weakref
from pathlib import Path

import pytest
from PIL import Image

from ankigen.classify import classify_cards
from ankigen.config import Config, load_config
from ankigen.discover import discover
from ankigen.gc_pause import paused_gc
from ankigen.identity import IdentityResult
from ankigen.lockfile import LOCK_FILE, parse_lock, read_lock, render_lock, write_lock
from ankigen.media import ImageMemo, resolve_media
from ankigen.model import Card, Diagnostic, Document, SourceFile
from ankigen.parallel import RunOptions, run_files
from ankigen.parse import parse_file
from ankigen.pipeline import CheckResult, FileReport, check, process_and_classify, process_file
from bench.corpus import CorpusSpec, generate
from tests.conftest import REPO

FRONT_MATTER = {
    "exam.md": "---\nexam: CLF-C02\nservice: Amazon S3\n---\n# Notes\n\n## Buckets\n\n- **Versions** kept.\n",
    "unknown.md": "---\nexam: XYZ-C09\nservice: No Such\n---\n# Misc\n\n## Things\n\n- **Foo** is bar.\n",
    "domain.md": "---\ndomain: Modeling\n---\n# ML\n\n## Amazon SageMaker\n\n- **Autopilot** picks.\n",
    "plain.md": "# Compute\n\n## Amazon EC2\n\n- **Spot** is cheap.\n\nQ: What is Lambda?\nA: Functions.\n",
}


def _classified_the_long_way(
    sources: list[SourceFile], config: Config
) -> tuple[list[Card], list[Diagnostic]]:
    reports = [process_file(source, config) for source in sources]
    placed = classify_cards(
        [card for report in reports for card in report.cards], config, [report.document for report in reports]
    )
    return list(placed.cards), list(placed.diagnostics)


def _assert_classified_per_file_as_all_at_once(folder: Path, config: Config) -> None:
    sources = discover([folder], config.root)
    cards, diagnostics = _classified_the_long_way(sources, config)
    reports = [process_and_classify(source, config) for source in sources]
    assert all(report.classified for report in reports)
    assert [card for report in reports for card in report.cards] == cards
    assert [d for report in reports for d in report.placement] == diagnostics
    assert cards and all(card.exam and card.domain and card.tags for card in cards)


def test_classified_per_file_as_all_at_once_on_generated_notes(tmp_path: Path) -> None:
    folder = generate(CorpusSpec(300), tmp_path)
    _assert_classified_per_file_as_all_at_once(folder / "notes", load_config(folder))


def test_classified_per_file_as_all_at_once_on_front_matter(tmp_path: Path) -> None:
    for name, text in FRONT_MATTER.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    config = load_config(tmp_path)
    _assert_classified_per_file_as_all_at_once(tmp_path, config)
    _, diagnostics = _classified_the_long_way(discover([tmp_path], tmp_path), config)
    assert len(diagnostics) == 2, "the unknown exam and service are each reported once"


def test_classified_per_file_as_all_at_once_on_real_and_shipped_notes(corpus: Path, tmp_path: Path) -> None:
    _assert_classified_per_file_as_all_at_once(corpus, load_config(tmp_path))
    # the shipped notes without the shipped config's globs: front matter and headings decide
    _assert_classified_per_file_as_all_at_once(REPO / "notes", Config(root=REPO))


def _globbing_project(root: Path) -> Config:
    for name, text in FRONT_MATTER.items():
        (root / "notes" / "saa").mkdir(parents=True, exist_ok=True)
        (root / "notes" / "saa" / name).write_text(text, encoding="utf-8")
    (root / "notes" / "other").mkdir()
    (root / "notes" / "other" / "vpc.md").write_text("# Net\n\n## VPC\n\n- **NAT** out.\n", "utf-8")
    (root / "ankigen.toml").write_text(
        '[[exams]]\ncode = "SAA-C03"\nfiles = ["notes/saa/*.md"]\n\n'
        '[[exams]]\ncode = "DVA-C02"\nfiles = ["notes/dva/*.md"]\n',
        encoding="utf-8",
    )
    return load_config(root)


def test_files_claimed_by_glob_are_classified_per_file_as_all_at_once(tmp_path: Path) -> None:
    config = _globbing_project(tmp_path)
    _assert_classified_per_file_as_all_at_once(tmp_path / "notes", config)
    result = check([tmp_path / "notes"], config, use_lock=False)
    assert {card.exam for card in result.cards} == {"SAA-C03", "CLF-C02", "XYZ-C09", "General"}


def test_a_cached_file_that_a_glob_claims_since_is_classified_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # notes are stamped with the build time: the two builds compared must not straddle a second
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    config = _globbing_project(tmp_path)
    run = RunOptions(cache_dir=tmp_path / ".ankigen-cache", workers=1)
    before = check([tmp_path / "notes"], config, use_lock=False, run=run)
    assert {c.exam for c in before.cards if c.source.path.name == "vpc.md"} == {"General"}
    # Nothing about vpc.md changes, so its cached result is valid; but a glob now claims it.
    (tmp_path / "notes" / "dva").mkdir()
    (tmp_path / "notes" / "dva" / "vpc.md").symlink_to(tmp_path / "notes" / "other" / "vpc.md")
    cached = check([tmp_path / "notes"], config, use_lock=False, run=run)
    fresh = check([tmp_path / "notes"], config, use_lock=False)
    assert {c.exam for c in cached.cards if c.source.path.name == "vpc.md"} == {"DVA-C02"}
    assert cached.cards == fresh.cards and cached.diagnostics == fresh.diagnostics


def test_placing_a_placed_card_again_changes_nothing(tmp_path: Path) -> None:
    folder = generate(CorpusSpec(100), tmp_path)
    config = load_config(folder)
    sources = discover([folder / "notes"], config.root)
    documents = [parse_file(source) for source in sources]
    cards, _ = _classified_the_long_way(sources, config)
    assert list(classify_cards(cards, config, documents).cards) == cards


# -- identity ------------------------------------------------------------------------------------


def _edit(folder: Path) -> None:
    """Edits of every kind identity must notice: a cloze term dropped (its number retired), answers
    changed, sections gone, a heading renamed, a file renamed."""
    first, second = sorted((folder / "notes").glob("*.md"))[:2]
    lines = first.read_text(encoding="utf-8").splitlines()
    two_terms = next(i for i, line in enumerate(lines) if line.count("**") >= 4)
    lines[two_terms] = lines[two_terms].replace("**", "", 2)  # a cloze's first term is dropped
    first.write_text("\n".join(line for i, line in enumerate(lines) if i % 9 != 5) + "\n", "utf-8")
    renamed = second.read_text(encoding="utf-8").replace("## ", "## Renamed ", 1)
    second.write_text(renamed, encoding="utf-8")
    second.rename(second.with_name(f"moved-{second.name}"))


def _identity(folder: Path) -> tuple[CheckResult, IdentityResult]:
    result = check([folder / "notes"], load_config(folder))
    assert result.identity is not None
    return result, result.identity


def test_identity_shortcut_gives_what_the_long_way_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = generate(CorpusSpec(200), tmp_path)
    for _ in range(2):  # a first build, then the same notes edited twice over
        _, identity = _identity(folder)
        write_lock(folder, identity.entries)
        _edit(folder)
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(os.environ["SOURCE_DATE_EPOCH"]) + 100))
    short, fast = _identity(folder)
    lock = short.lock
    with monkeypatch.context() as long_way:
        long_way.setattr("ankigen.identity._unchanged", lambda *args: False)
        long, slow = _identity(folder)
    assert fast.cards == slow.cards and fast.removed == slow.removed
    assert fast.entries == slow.entries and fast.changed == slow.changed
    assert short.diagnostics == long.diagnostics
    assert render_lock(fast.entries) == render_lock(dataclasses.replace(e) for e in slow.entries)
    read = {entry.guid: entry for entry in lock.entries}
    unchanged = [entry for entry in fast.entries if read.get(entry.guid) == entry]
    assert fast.changed and 0 < len(unchanged) < len(fast.entries)
    assert all(read[entry.guid] is entry for entry in unchanged), "an unchanged note keeps its lock line"
    renumbered = [e for e in lock.entries if e.kind == "cloze" and "{{c1::" not in e.text]
    assert renumbered, "some cloze keeps a number that its extraction no longer gives it"


# -- lock file -----------------------------------------------------------------------------------


def test_lock_lines_round_trip_byte_identically_and_changed_entries_are_serialised(tmp_path: Path) -> None:
    folder = generate(CorpusSpec(100), tmp_path)
    _, identity = _identity(folder)
    write_lock(folder, identity.entries)
    text = (folder / LOCK_FILE).read_text(encoding="utf-8")
    lock = parse_lock(text)
    assert all(entry.line for entry in lock.entries)
    assert render_lock(lock.entries) == text
    serialised = [dataclasses.replace(entry) for entry in lock.entries]  # a new entry has no line
    assert not any(entry.line for entry in serialised)
    assert render_lock(serialised) == text
    bumped = [dataclasses.replace(entry, mtime=entry.mtime + 1) for entry in lock.entries]
    assert parse_lock(render_lock(bumped)).entries == tuple(bumped)


def test_a_hand_formatted_unchanged_line_is_kept_as_written(tmp_path: Path) -> None:
    line = '{"guid":"agA","key":"k","kind":"qa","fp":"1","mod":10}'
    lock = parse_lock(f"# header\n{line}\n")
    assert render_lock(lock.entries).splitlines()[-1] == line
    changed = dataclasses.replace(lock.entries[0], mtime=11)
    assert (
        render_lock([changed]).splitlines()[-1]
        == '{"guid": "agA", "key": "k", "kind": "qa", "fp": "1", "mod": 11, '
        '"file": "", "exam": "", "domain": "", "title": "", "text": ""}'
    )


def test_a_lock_that_would_not_change_is_not_written(tmp_path: Path) -> None:
    folder = generate(CorpusSpec(100), tmp_path)
    _, identity = _identity(folder)
    path = write_lock(folder, identity.entries)
    before = path.stat()
    write_lock(folder, read_lock(folder).entries)
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    write_lock(folder, identity.entries[1:])
    assert path.stat().st_ino != before.st_ino
    assert len(read_lock(folder).entries) == len(identity.entries) - 1


# -- cache hits ----------------------------------------------------------------------------------


def _png(path: Path, colour: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 8), colour).save(path, format="PNG")


def test_images_remembered_across_documents_resolve_as_each_alone(tmp_path: Path) -> None:
    root = tmp_path / "project"
    _png(root / "media" / "shared.png", "red")
    _png(root / "notes" / "a" / "local.png", "green")
    _png(root / "notes" / "b" / "local.png", "blue")
    _png(root / "notes" / "b" / "Upper.PNG", "blue")
    _png(tmp_path / "outside.png", "black")
    refs = [
        "![](shared.png)",  # media/ fallback
        "![](local.png)",  # a different file in each folder
        "![](/media/shared.png)",
        "![](../a/local.png)",
        "![](missing.png)",
        "![](Upper.png)",  # only the extension's case differs, in b/
        "![](../../../outside.png)",
    ]
    body = "# T\n\n## S\n\n" + "\n\n".join(f"Text {i}. {ref}" for i, ref in enumerate(refs)) + "\n"
    for folder in ("a", "b", "a/deeper"):
        (root / "notes" / folder).mkdir(parents=True, exist_ok=True)
        (root / "notes" / folder / "n.md").write_text(body, encoding="utf-8")
    (tmp_path / "elsewhere.md").write_text(body, encoding="utf-8")
    sources = [*discover([root / "notes"], root), SourceFile(tmp_path / "elsewhere.md", "elsewhere.md", root)]
    memo = ImageMemo()
    documents: list[Document] = [parse_file(source) for source in sources]
    for document in [*documents, *documents]:
        assert resolve_media(document, memo=memo) == resolve_media(document)
    assert len({ref.stored_name for d in documents for ref in resolve_media(d).refs.values()}) >= 4


class _Cycle:
    """Garbage only the cyclic collector can free."""

    def __init__(self) -> None:
        self.me = self


def test_each_files_garbage_is_collected_inside_a_paused_build(tmp_path: Path) -> None:
    for n in range(4):
        (tmp_path / f"{n}.md").write_text(f"# {n}\n", encoding="utf-8")
    sources = discover([tmp_path], tmp_path)
    made: list[weakref.ref[_Cycle]] = []

    def work(source: SourceFile, config: Config) -> FileReport:
        made.append(weakref.ref(_Cycle()))
        return process_file(source, config)

    was = gc.isenabled()
    with paused_gc():
        run_files(work, sources, Config(root=tmp_path), RunOptions(workers=1))
        assert not gc.isenabled()
        assert len(made) == 4 and all(ref() is None for ref in made), "each file's cycles are freed"
    assert gc.isenabled() == was


def test_cached_rebuild_with_edits_matches_a_fresh_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = generate(CorpusSpec(200), tmp_path)
    fresh_copy = tmp_path / "fresh"
    run = RunOptions(cache_dir=folder / ".ankigen-cache", workers=1)
    config = load_config(folder)
    first = check([folder / "notes"], config, run=run)
    assert first.identity is not None
    write_lock(folder, first.identity.entries)
    _edit(folder)
    _png(folder / "images" / sorted(p.name for p in (folder / "images").glob("*.png"))[0], "white")
    cached = check([folder / "notes"], config, run=run)
    shutil.copytree(folder, fresh_copy, ignore=shutil.ignore_patterns(".ankigen-cache"))
    fresh = check([fresh_copy / "notes"], load_config(fresh_copy))

    def shown(result: CheckResult) -> list[tuple[object, ...]]:
        return [
            (c.guid, c.mtime, c.front, c.back, c.tags, c.exam, c.domain, c.source.display, c.line)
            for c in result.cards
        ]

    assert shown(cached) == shown(fresh) and shown(cached)
    assert cached.diagnostics == fresh.diagnostics


def test_a_build_walks_each_glob_once_not_once_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _globbing_project(tmp_path)
    walked: list[str] = []
    glob = Path.glob

    def counting(self: Path, pattern: str) -> object:
        walked.append(pattern)
        return glob(self, pattern)

    monkeypatch.setattr(Path, "glob", counting)
    result = check([tmp_path / "notes"], config, use_lock=False)
    assert len(list(discover([tmp_path / "notes"], tmp_path))) == 5
    assert sorted(walked) == ["notes/dva/*.md", "notes/saa/*.md"]
    assert {card.exam for card in result.cards} >= {"SAA-C03", "General"}
