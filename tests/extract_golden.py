"""Golden files for card extraction: each fixture under tests/fixtures/extract/ and the cards it
must give, as readable JSON next to it.

Regenerate after an intended change with `.venv/bin/python -m tests.extract_golden`, then read
the diff (`git diff tests/fixtures/extract`) before committing it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ankigen.config import Config
from ankigen.extract import extract_report
from ankigen.model import SourceFile
from ankigen.parse import parse_file
from ankigen.render import Renderer

FOLDER = Path(__file__).resolve().parent / "fixtures" / "extract"
SUFFIXES = (".md", ".txt")


def fixtures() -> list[Path]:
    return sorted(p for p in FOLDER.iterdir() if p.suffix in SUFFIXES)


def cards_of(path: Path, config: Config | None = None) -> dict[str, Any]:
    """What extraction makes of one fixture, in a form that diffs well."""
    source = SourceFile(path, path.name, path.parent)
    extraction = extract_report(parse_file(source), Renderer(), config or Config(root=path.parent))
    return {
        "cards": [
            {
                "rule": card.rule,
                "kind": card.kind,
                "line": card.line,
                "context": card.context,
                "front": card.front,
                "back": card.back,
                "key": card.key,
            }
            for card in extraction.cards
        ],
        "silent": [{"line": s.line, "context": s.context, "reason": s.reason} for s in extraction.silent],
    }


def golden_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def render_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def regenerate() -> None:
    for path in fixtures():
        golden_path(path).write_text(render_json(cards_of(path)), encoding="utf-8")
        print(f"wrote {golden_path(path).relative_to(FOLDER.parent.parent.parent)}")


if __name__ == "__main__":
    regenerate()
