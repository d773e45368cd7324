"""Rebuild after every kind of edit and re-import into a real Anki collection: nothing lost.

The notes below restate well-known AWS facts in the test's own words.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from anki.collection import Collection

from tests.anki_helpers import collection, import_package
from tests.conftest import RunCli

if TYPE_CHECKING:  # anki.cards cannot be imported before anki.collection
    from anki.cards import CardId

STORAGE = """\
---
exam: SAA-C03
---
# Storage

## Amazon S3

S3 keeps objects in **buckets** and finds each one by its key.

- One object may be as large as **5 TB**.
- **Versioning** keeps the earlier copies of an object after an overwrite.

## Amazon EBS

EBS volumes are block devices that attach to a single EC2 instance.

- **gp3** volumes let you provision IOPS separately from capacity.

## Amazon EFS

EFS is an NFS file system that many instances share.

## Amazon FSx

FSx gives you managed Windows and Lustre file systems.
"""

COMPUTE = """\
---
exam: SAA-C03
---
# Compute

## AWS Lambda

Lambda runs code without servers; one invocation may last up to **15 minutes**.

## Amazon EC2 Auto Scaling

Auto Scaling grows and shrinks a fleet of instances to follow demand.

## Spot Instances

**Spot Instances** are cheap spare capacity, taken back after a **two-minute** notice.

## Elastic Load Balancing
<!-- id: elb-basics -->

Load balancers spread incoming traffic over targets in several Availability Zones.
"""


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def edited_notes() -> dict[str, str]:
    """Every edit from the issue, one per section."""
    storage = STORAGE
    # small heading rename (the section's topic note and its three cloze notes keep their GUIDs)
    storage = _edit(storage, "## Amazon S3\n", "## Amazon S3 basics\n")
    # reword the words around a cloze term
    storage = _edit(
        storage,
        "- **gp3** volumes let you provision IOPS separately from capacity.",
        "- With **gp3**, IOPS are provisioned independently of the volume's size.",
    )
    # edit an answer
    storage = _edit(
        storage,
        "EFS is an NFS file system that many instances share.",
        "EFS is a managed NFS file system that thousands of Linux instances can mount together.",
    )
    # remove a section
    storage = _edit(storage, "## Amazon FSx\n\nFSx gives you managed Windows and Lustre file systems.\n", "")
    # add a section
    storage += "\n## S3 Glacier\n\nGlacier archives data cheaply; restores take **minutes to hours**.\n"

    compute = COMPUTE
    # move a section to another file
    moved = (
        "## Amazon EC2 Auto Scaling\n\n"
        "Auto Scaling grows and shrinks a fleet of instances to follow demand.\n\n"
    )
    compute = _edit(compute, moved, "")
    scaling = "# Scaling\n\n" + moved
    # reorder sections: Lambda goes last
    lambda_section = (
        "## AWS Lambda\n\nLambda runs code without servers; one invocation may last up to **15 minutes**.\n\n"
    )
    compute = _edit(compute, lambda_section, "") + "\n" + lambda_section
    # reword a cloze so that its two terms swap places
    compute = _edit(
        compute,
        "**Spot Instances** are cheap spare capacity, taken back after a **two-minute** notice.",
        "A **two-minute** notice comes before AWS reclaims **Spot Instances**.",
    )
    # rename a pinned section completely
    compute = _edit(compute, "## Elastic Load Balancing\n", "## ELB\n")
    return {"storage.md": storage, "compute.md": compute, "scaling.md": "---\nexam: SAA-C03\n---\n" + scaling}


def write_notes(project: Path, files: dict[str, str]) -> None:
    folder = project / "notes" / "saa"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def build(run_cli: RunCli, project: Path, monkeypatch: pytest.MonkeyPatch, epoch: int) -> list[Path]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    result = run_cli("build", cwd=project)
    assert result.code == 0, result.err
    return sorted((project / "dist").glob("*.apkg"))


def note_with(col: Collection, phrase: str, field: str = "") -> Any:
    """The one note holding `phrase` (in `field`, if given)."""
    notes = [col.get_note(nid) for nid in col.find_notes("")]
    found = [n for n in notes if phrase in (n[field] if field in n else "" if field else " ".join(n.fields))]
    assert len(found) == 1, (phrase, [n.fields[0] for n in found])
    return found[0]


def review(col: Collection, cid: CardId) -> None:
    """Answer a card "Easy" through the scheduler, as a learner would."""
    card = col.get_card(cid)
    card.start_timer()
    col.sched.answerCard(card, 4)


def history(col: Collection) -> dict[int, tuple[int, int, int]]:
    """card id -> (note id, reps, revlog entries)."""
    db = col.db
    assert db is not None
    return {
        cid: (card.nid, card.reps, db.scalar("select count() from revlog where cid = ?", cid))
        for cid in col.find_cards("")
        for card in [col.get_card(cid)]
    }


def test_every_edit_updates_in_place_and_keeps_reviews(
    tmp_path: Path, project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_notes(project, {"storage.md": STORAGE, "compute.md": COMPUTE})
    first = build(run_cli, project, monkeypatch, 1_700_000_000)
    with collection(tmp_path / "anki") as col:
        for package in first:
            log = import_package(col, package).log  # type: ignore[attr-defined]
            assert not log.conflicting
        for cid in col.find_cards(""):
            review(col, cid)
        before = history(col)
        assert before and all(reps == 1 and logs == 1 for _, reps, logs in before.values())
        s3_topic = note_with(col, "Storage › Amazon S3", field="Front").id
        fsx_tags = list(note_with(col, "FSx gives you").tags)
        ids = {
            phrase: note_with(col, phrase, field="Text" if "{{" in phrase else "").id
            for phrase in (
                "EFS is an NFS file system",
                "{{c1::gp3}}",
                "{{c1::buckets}}",
                "Auto Scaling grows and shrinks",
                "{{c1::Spot Instances}}",
                "Load balancers spread",
                "{{c1::15 minutes}}",
                "FSx gives you",
            )
        }
        old_note_count = len(col.find_notes(""))

        write_notes(project, edited_notes())
        second = build(run_cli, project, monkeypatch, 1_700_000_100)
        added = updated = skipped = 0
        for package in second:
            log = import_package(col, package).log  # type: ignore[attr-defined]
            assert not log.conflicting
            added, updated, skipped = (
                added + len(log.new),
                updated + len(log.updated),
                skipped + len(log.duplicate),
            )

        # exactly the new section's notes were added: its topic note and its cloze note
        glacier = [nid for nid in col.find_notes("") if "Glacier" in " ".join(col.get_note(nid).fields)]
        assert added == len(glacier) == 2
        assert len(col.find_notes("")) == old_note_count + 2
        guids = [col.get_note(nid).guid for nid in col.find_notes("")]
        assert len(guids) == len(set(guids))

        # every edited note was updated in place: same note id, new content
        assert note_with(col, "thousands of Linux instances").id == ids["EFS is an NFS file system"]
        assert note_with(col, "independently of the volume", field="Text").id == ids["{{c1::gp3}}"]
        assert note_with(col, "Storage › Amazon S3 basics", field="Front").id == s3_topic
        s3 = note_with(col, "{{c1::buckets}}", field="Text")
        assert s3.id == ids["{{c1::buckets}}"] and s3["Context"].endswith("Amazon S3 basics")
        scaling = note_with(col, "Auto Scaling grows and shrinks")
        assert scaling.id == ids["Auto Scaling grows and shrinks"] and "Scaling" in scaling["Context"]
        assert "scaling.md" in scaling["Source"]
        elb = note_with(col, "Load balancers spread")
        assert elb.id == ids["Load balancers spread"] and elb["Context"].endswith("ELB")
        # a cloze term keeps its number wherever it moves in the sentence
        spot = note_with(col, "notice comes before", field="Text")
        assert spot.id == ids["{{c1::Spot Instances}}"]
        assert "{{c2::two-minute}}" in spot["Text"] and "{{c1::Spot Instances}}" in spot["Text"]
        # unchanged notes (Lambda only moved down its file) were left alone
        assert note_with(col, "{{c1::15 minutes}}", field="Text").id == ids["{{c1::15 minutes}}"]
        assert skipped > 0
        # the removed section is still there, flagged, findable with the search the build printed
        fsx = note_with(col, "FSx gives you")
        assert fsx.id == ids["FSx gives you"] and "ankigen::removed" in fsx.tags
        assert set(fsx.tags) == {*fsx_tags, "ankigen::removed"}  # its own tags kept
        assert col.find_notes("tag:ankigen::removed") == [fsx.id]
        # updated: the renamed S3 section's 4 notes, EBS's 2 (topic and reworded cloze), EFS,
        # Auto Scaling (moved), Spot's 2, ELB (pinned, renamed) and FSx (removed)
        assert updated == 12

        # and not one review was lost: every card is still there with its note and history
        after = history(col)
        assert {cid: after[cid] for cid in before} == before


def test_unchanged_rebuild_skips_everything_and_keeps_edits_made_in_anki(
    tmp_path: Path, project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_notes(project, {"storage.md": STORAGE})
    first = build(run_cli, project, monkeypatch, 1_700_000_000)
    with collection(tmp_path / "anki") as col:
        import_package(col, first[0])
        note = note_with(col, "FSx gives you")
        note["Back"] = note["Back"] + "<p>my own remark</p>"
        col.update_note(note)
        # a later rebuild of the same notes (another day, same lock) changes no note's mtime
        second = build(run_cli, project, monkeypatch, 1_800_000_000)
        log = import_package(col, second[0]).log  # type: ignore[attr-defined]
        assert not log.new and not log.updated and not log.conflicting
        assert "my own remark" in note_with(col, "FSx gives you")["Back"]
