"""The real-notes corpus: one file holds two courses, and each course's notes get its own exam."""

from __future__ import annotations

import re
from pathlib import Path

from tests.anki_helpers import collection, import_package, notes_of
from tests.conftest import RunCli


def _course_ranges(path: Path) -> dict[str, range]:
    """Line ranges of the file's level-2 headings that name a course, found the way a reader would."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    level2 = [number for number, line in enumerate(lines, 1) if re.match(r"\s{0,3}##\s", line)]
    ranges = {}
    for index, number in enumerate(level2):
        end = level2[index + 1] if index + 1 < len(level2) else len(lines) + 1
        title = lines[number - 1].lower()
        if "cloud practitioner" in title:
            ranges["clf-c02"] = range(number, end)
        elif "machine learning specialty" in title:
            ranges["mls-c01"] = range(number, end)
    return ranges


def test_corpus_courses_get_their_own_exams(corpus: Path, tmp_path: Path, run_cli: RunCli) -> None:
    result = run_cli("build", str(corpus), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.code == 0, result.err
    (two_courses,) = corpus.glob("003_*")
    (one_course,) = corpus.glob("001_*")
    ranges = _course_ranges(two_courses)
    assert set(ranges) == {"clf-c02", "mls-c01"}
    with collection(tmp_path / "col") as col:
        for package in sorted((tmp_path / "out").glob("*.apkg")):
            import_package(col, package)
        notes = notes_of(col)
    seen = {"clf-c02": 0, "mls-c01": 0, "001": 0}
    for note in notes:
        file, line = note.fields["Source"].rsplit(":", 1)
        exam = next(tag for tag in note.tags if tag.startswith("exam::")).removeprefix("exam::")
        deck_exam = note.decks[0].split("::")[0].split()[1].lower()
        assert deck_exam == exam
        if file.endswith(one_course.name):
            assert exam == "clf-c02", note.fields["Source"]
            seen["001"] += 1
        elif file.endswith(two_courses.name):
            for code, lines in ranges.items():
                if int(line) in lines:
                    assert exam == code, note.fields["Source"]
                    seen[code] += 1
    assert all(seen.values()), seen
