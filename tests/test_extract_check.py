"""`ankigen check` reports what extraction made of each file, and a build never asks one question twice."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.anki_helpers import collection, import_package, notes_of
from tests.conftest import RunCli


def write(project: Path, name: str, text: str) -> None:
    (project / "notes" / name).write_text(text, encoding="utf-8")


def test_check_lists_cards_per_rule_and_silent_sections(project: Path, run_cli: RunCli) -> None:
    write(
        project,
        "net.md",
        "# Networking\n## Table of contents\n- VPC\n## VPC\n\n- CIDR: the address range\n\n## Links\n\n"
        "- https://example.com/vpc\n",
    )
    result = run_cli("check", cwd=project)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "notes/net.md: 2 Q/A, 0 cloze (term 1, topic 1)"
    assert "  line 2: no cards from Networking › Table of contents: table of contents" in lines
    assert "  line 8: no cards from Networking › Links: only links, images or separators" in lines


def test_one_heading_in_two_files_is_told_apart(project: Path, run_cli: RunCli, tmp_path: Path) -> None:
    write(project, "a.md", "# Storage\n## Amazon S3\n\nObject storage in buckets.\n")
    write(project, "b.md", "# Storage\n## Amazon S3\n\nBuckets live in one Region.\n")
    result = run_cli("build", "-o", "out", cwd=project)
    assert result.code == 0, result.err
    with collection(tmp_path / "col") as col:
        for package in (project / "out").glob("*.apkg"):
            import_package(col, package)
        notes = notes_of(col)
    fronts = Counter((n.decks[0], n.fields["Context"], n.fields["Front"]) for n in notes)
    assert max(fronts.values()) == 1
    s3 = sorted(n.fields["Front"] for n in notes if n.fields["Context"] == "Storage › Amazon S3")
    assert s3 == [
        "Explain <b>Storage › Amazon S3</b> \u2014 Buckets live in one Region.",
        "Explain <b>Storage › Amazon S3</b> \u2014 Object storage in buckets.",
    ]
