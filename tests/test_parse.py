from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ankigen.model import Section, SourceFile
from ankigen.parse import parse_text

SOURCE = SourceFile(Path("/tmp/x.md"), "x.md", Path("/tmp"))


def titles(sections: tuple[Section, ...]) -> list[object]:
    return [(s.title, s.level, titles(s.children)) for s in sections]


def test_heading_tree_with_closed_and_indented_atx() -> None:
    doc = parse_text(" # Exam #\n\n ## IAM ##\ntext\n### Roles\n- a\n## EC2\n", SOURCE)
    assert titles(doc.sections) == [("Exam", 1, [("IAM", 2, [("Roles", 3, [])]), ("EC2", 2, [])])]
    iam = doc.sections[0].children[0]
    assert iam.blocks[0].kind == "paragraph" and iam.line == 3


def test_nested_list_items() -> None:
    doc = parse_text("# T\n- a\n  - b\n    - c\n- d\n", SOURCE)
    items = doc.sections[0].blocks[0].items
    assert [i.text for i in items] == ["a", "d"]
    assert items[0].children[0].items[0].children[0].items[0].text == "c"


def test_front_matter_is_read() -> None:
    doc = parse_text("---\nexam: SAA-C03\n---\n# T\nbody\n", SOURCE)
    assert doc.front_matter == {"exam": "SAA-C03"}


def test_images_are_collected_with_lines() -> None:
    doc = parse_text('# T\n\ntext\n![alt](img/a.png "t")\n', SOURCE)
    assert [(i.src, i.alt, i.line, i.title) for i in doc.images] == [
        ("img/a.png", "alt", 4, "t")
    ]  # the line the image is on


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_parses(text: str) -> None:
    parse_text(text, SOURCE)
