"""Very deep nesting and multi-megabyte notes, end to end: no crash, no text silently lost.

The parser owns how deep structures are flattened; these tests hold it to the issue's promise
from the outside.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.robust_helpers import build_and_import, visible_text

DEPTH = 300

TEXTS = {
    "lists.md": "# Lists\n\n" + "".join("  " * i + f"- level{i}\n" for i in range(DEPTH)),
    "quotes.md": "# Quotes\n\n" + "> " * DEPTH + "level299 quoted\n",
    "ordered.md": "# Ordered\n\n" + "".join("   " * i + f"1. level{i}\n" for i in range(DEPTH)),
    "outline.txt": "Outline\n" + "".join(" " * (i + 1) + f"level{i}\n" for i in range(DEPTH)),
    "html.md": "# Html\n\n" + "<div>" * DEPTH + " level0 level299 " + "</div>" * DEPTH + "\n",
    "emphasis.md": "# Emphasis\n\n" + "*" * DEPTH + "level0 level299" + "*" * DEPTH + "\n",
    "brackets.md": "# Brackets\n\n" + "[" * DEPTH + "level0 level299" + "]" * DEPTH + "\n",
    "headings.md": "".join(f"{'#' * (1 + i % 6)} level{i}\n\nbody{i}\n\n" for i in range(DEPTH)),
}


@pytest.mark.parametrize("name", list(TEXTS))
def test_deep_nesting_keeps_the_text(project: Path, run_cli: RunCli, name: str) -> None:
    text = TEXTS[name]
    (project / "notes" / name).write_text(text, encoding="utf-8")
    built = build_and_import(project, run_cli)
    assert "Traceback" not in built.err
    assert built.code == 0, built.err
    seen = " ".join(visible_text(v) for note in built.notes for v in note.fields.values())
    for level in (0, DEPTH // 2, DEPTH - 1):
        if f"level{level}" in text:
            assert f"level{level}" in seen


def test_deep_files_never_stop_the_others(project: Path, run_cli: RunCli) -> None:
    """Whatever the parser makes of them, every deep file is built or reported, one line each."""
    for name, text in TEXTS.items():
        (project / "notes" / f"deep-{name}").write_text(text, encoding="utf-8")
    (project / "notes" / "plain.md").write_text("# Plain\n\nA **normal** note.\n", encoding="utf-8")
    built = build_and_import(project, run_cli)
    assert "Traceback" not in built.err
    assert all(line.startswith("notes/deep") for line in built.err.splitlines())
    seen = " ".join(visible_text(v) for note in built.notes for v in note.fields.values())
    assert "A normal note." in seen
    sources = {note.fields["Source"].split(":")[0] for note in built.notes}
    reported = {line.split(":")[0] for line in built.err.splitlines()}
    assert sources | reported >= {f"notes/deep-{name}" for name in TEXTS}


def test_a_multi_megabyte_file_builds_whole(project: Path, run_cli: RunCli) -> None:
    sections = 48
    words = " ".join(f"w{n}" for n in range(8000))  # ~60 kB of paragraph per section
    text = "".join(
        f"## Part {i}\n\nSTART{i} {words} END{i}\n\n- bullet{i} with **term{i}**\n\n" for i in range(sections)
    )
    path = project / "notes" / "huge.md"
    path.write_text("# Huge\n\n" + text, encoding="utf-8")
    assert path.stat().st_size > 2_000_000
    built = build_and_import(project, run_cli)
    assert built.code == 0, built.err
    fields = [v for note in built.notes for v in note.fields.values()]
    seen = " ".join(visible_text(v) for v in fields)
    for i in range(sections):
        assert f"START{i} {words} END{i}" in seen
        assert f"bullet{i} with term{i}" in seen
    assert len(built.notes) >= 2 * sections  # a topic card and a cloze per part, at least
