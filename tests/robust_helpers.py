"""Shared by the robustness and security tests: build notes, import them into real Anki, look."""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

from ankigen.sanitize import ATTRIBUTES, TAGS
from tests.anki_helpers import SeenNote, collection, import_package, notes_of
from tests.conftest import RunCli


@dataclass(frozen=True)
class Built:
    code: int
    err: str
    notes: list[SeenNote]
    rendered: list[tuple[str, str]]  # (question, answer) HTML of every card, as Anki renders it


def build_and_import(project: Path, run_cli: RunCli, *args: str) -> Built:
    """`ankigen build` into project/out, then import every package into a fresh real collection."""
    result = run_cli("build", "-o", "out", *args, cwd=project)
    packages = sorted((project / "out").glob("*.apkg"))
    with collection(project.parent / f"{project.name}-col") as col:
        for package in packages:
            import_package(col, package)
        notes = notes_of(col)
        rendered = [
            (card.question(), card.answer()) for cid in col.find_cards("") for card in [col.get_card(cid)]
        ]
    return Built(result.code, result.err, notes, rendered)


def _soup(field_html: str) -> BeautifulSoup:
    with warnings.catch_warnings():  # a field such as "notes/a.md:3" is text, not a file to open
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(field_html, "html.parser")


def visible_text(field_html: str) -> str:
    """The text a reader sees in a field."""
    return _soup(field_html).get_text()


def active_content(field_html: str) -> list[str]:
    """Everything in a field that could run, load or navigate somewhere it should not."""
    problems = []
    for tag in _soup(field_html).find_all(True):
        if tag.name not in TAGS:
            problems.append(f"tag <{tag.name}>")
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if name.startswith("on") or name not in ATTRIBUTES.get(tag.name, set()) | {"rel"}:
                problems.append(f"<{tag.name} {name}>")
            if name in ("href", "src"):
                scheme = urlsplit(value.strip()).scheme.lower()
                if scheme not in ("", "http", "https"):
                    problems.append(f"<{tag.name} {name}={value!r}>")
            if name == "style" and any(word in value.lower() for word in ("url(", "expression", "\\")):
                problems.append(f"<{tag.name} style={value!r}>")
    return problems


def tree_hashes(folder: Path) -> dict[str, str]:
    """Every file under `folder` (and its mode), by relative path, with a hash of its bytes."""
    return {
        path.relative_to(folder).as_posix(): f"{path.stat().st_mode:o}:"
        + hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
