"""Golden tests: each fixture under tests/fixtures/parse is one input shape; the .json next to it
is the section tree it must become.

Regenerate after an intended change with `ANKIGEN_REGEN_GOLDEN=1 pytest tests/test_parse_golden.py`
(or `python -m tests.test_parse_golden`), then review the JSON diff before committing it.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest

from ankigen.parse import parse_file
from tests.parse_helpers import document_data, source_for

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "parse"
CASES = sorted(path for path in FIXTURES.iterdir() if path.suffix in (".md", ".txt"))


def rendered(path: Path) -> str:
    data = document_data(parse_file(source_for(path)))
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def regenerate() -> None:
    for path in CASES:
        path.with_suffix(".json").write_text(rendered(path), encoding="utf-8")


@pytest.mark.parametrize("path", CASES, ids=[path.name for path in CASES])
def test_fixture_parses_to_its_golden_tree(path: Path) -> None:
    golden = path.with_suffix(".json")
    actual = rendered(path)
    if os.environ.get("ANKIGEN_REGEN_GOLDEN"):
        golden.write_text(actual, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8") if golden.exists() else ""
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), str(golden), "parsed now", lineterm=""
        )
        pytest.fail("section tree differs from the golden:\n" + "\n".join(diff), pytrace=False)


def test_every_fixture_has_a_golden() -> None:
    assert CASES, "no parse fixtures found"
    assert [path.name for path in CASES if not path.with_suffix(".json").exists()] == []


if __name__ == "__main__":
    regenerate()
