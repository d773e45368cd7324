"""Start-up: a build of plain UTF-8 notes never imports what only other inputs or commands need."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# Together with what they import, these were a sixth of the instructions of `import ankigen.cli`.
_ONLY_WHEN_NEEDED = ("watchfiles", "ftfy", "charset_normalizer")

_BUILD_THEN_LIST_MODULES = """
import sys
from ankigen.cli import main
code = main(["build", "notes", "-o", "out", "--no-cache"])
print("exit", code)
print("loaded", *sorted(name for name in sys.modules if name in {names!r}))
"""


def _build(root: Path) -> tuple[str, list[str]]:
    """The build's exit code and which of those libraries it had imported by its end."""
    script = _BUILD_THEN_LIST_MODULES.format(names=set(_ONLY_WHEN_NEEDED))
    command = [sys.executable, "-c", script]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=True)
    *_, exit_line, loaded_line = result.stdout.splitlines()
    return exit_line.split()[1], loaded_line.split()[1:]


def test_a_build_of_ascii_notes_imports_no_repair_or_watch_library(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    notes = "# EC2\n\n## Spot\n\n- **Spot** capacity can be reclaimed.\n"
    (tmp_path / "notes" / "compute.md").write_text(notes)
    code, loaded = _build(tmp_path)
    assert code == "0"
    assert (tmp_path / "out").is_dir()
    assert loaded == []


def test_mis_encoded_notes_still_get_the_repair(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    mojibake = "# S3\n\n## Classes\n\n- **Glacier** is S3\u00e2\u20ac\u2122s archive class.\n"
    (tmp_path / "notes" / "storage.md").write_text(mojibake, encoding="utf-8")
    code, loaded = _build(tmp_path)
    assert code == "0"
    assert "ftfy" in loaded
    lock = (tmp_path / "ankigen.lock").read_text(encoding="utf-8")
    assert "S3\u2019s archive class" in lock
