"""What each note shape must become, asserted directly (the goldens pin the whole tree)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ankigen.model import Document, SourceFile
from ankigen.parse import parse_text
from ankigen.parse.outline import points
from tests.parse_helpers import all_blocks, shape, texts

SOURCE = SourceFile(Path("/tmp/notes.txt"), "notes.txt", Path("/tmp"))


def parse(text: str) -> Document:
    return parse_text(text, SOURCE)


def kinds(document: Document) -> set[str]:
    return {block.kind for block in all_blocks(document)}


def test_outline_gives_the_same_tree_as_the_equivalent_markdown() -> None:
    outline = (
        "Lambda\n\tServerless compute\n\tLimits:\n\t\t.. 15 minutes\n\t\t.. 10 GB memory\n"
        "___\nS3\n  object storage\n"
    )
    markdown = (
        "# Lambda\n- Serverless compute\n- Limits:\n  - 15 minutes\n  - 10 GB memory\n\n"
        "# S3\n- object storage\n"
    )
    assert shape(parse(outline)) == shape(parse(markdown))


@pytest.mark.parametrize(
    "outline",
    [
        "Topic\n    point one\n    point two\n        detail\n",
        "Topic\n\tpoint one\n\n\tpoint two\n\t\tdetail with x = y; and {braces}\n",
        "Topic\n. point one\n.. detail\n:> point two\n",
    ],
)
def test_outlines_never_become_code(outline: str) -> None:
    document = parse(outline)
    assert "code" not in kinds(document)
    assert [section.title for section in document.sections] == ["Topic"]


def test_markdown_in_a_txt_file_is_read_as_markdown() -> None:
    document = parse(" ## Storage ##\n * Block\n    * one instance\n")
    assert document.sections[0].title == "Storage"
    assert document.sections[0].blocks[0].items[0].children[0].items[0].text == "one instance"


def test_list_indented_under_a_paragraph_is_a_list_of_that_section() -> None:
    document = parse("# T\nSteps:\n    1. first\n    2. second\n\nThen:\n\n    2. third\n    3. fourth\n")
    found = [(b.kind, b.text, [i.text for i in b.items]) for b in document.sections[0].blocks]
    assert found == [
        ("paragraph", "Steps:", []),
        ("list", "", ["first", "second"]),
        ("paragraph", "Then:", []),
        ("list", "", ["third", "fourth"]),
    ]


@pytest.mark.parametrize(
    "code",
    [
        "def handler(event):\n    return event['id']\n",
        "aws s3 cp file.txt s3://bucket/\n",
        '{\n  "Effect": "Allow",\n  "Action": "s3:GetObject"\n}\n',
        "resources:\n  bucket_name: notes\n",
        "SELECT name FROM users WHERE id = 1;\n",
    ],
)
def test_genuine_code_stays_code_indented_or_fenced(code: str) -> None:
    indented = "".join(f"    {line}\n" for line in code.splitlines())
    for text in (f"# T\n\n{indented}", f"# T\n```\n{code}```\n"):
        blocks = parse(text).sections[0].blocks
        assert [(b.kind, b.text) for b in blocks] == [("code", code)]


def test_prose_indented_by_four_spaces_is_not_code() -> None:
    document = parse("# T\n\n    - a point\n    - another point\n\n    A sentence that was indented.\n")
    assert "code" not in kinds(document)
    assert {"a point", "another point", "A sentence that was indented."} <= set(texts(document))


def _words(text: str) -> set[str]:
    return set(re.findall(r"w\d+", text))


@pytest.mark.parametrize(
    "text",
    [
        "# T\n" + "\n".join("  " * i + f"- w{i}" for i in range(400)),
        "# T\n" + "\n".join("    " * i + f"1. w{i}" for i in range(300)),
        "# T\n" + "\n".join(">" * i + f" w{i}" for i in range(1, 400)),
        "# T\n" + ">" * 3000 + " w0 w1\n",
        "# T\n" + "\n".join("  " * i + ("- " if i % 2 else "> ") + f"w{i}" for i in range(300)),
        "T\n" + "\n".join("\t" * i + f"w{i}" for i in range(1, 500)),
    ],
    ids=["bullets", "numbers", "quotes", "one-line-quote", "mixed", "outline"],
)
def test_very_deep_nesting_is_flattened_keeping_every_word(text: str) -> None:
    document = parse(text)
    assert _words(" ".join(texts(document))) == _words(text)
    assert any("flattened" in d.message and d.line > 1 for d in document.diagnostics)


def test_twelve_levels_keep_their_nesting() -> None:
    """markdown-it's CommonMark preset silently drops text past ten list levels."""
    document = parse("# T\n" + "\n".join("  " * i + f"- w{i}" for i in range(12)))
    item = document.sections[0].blocks[0].items[0]
    for depth in range(1, 12):
        item = item.children[0].items[0]
        assert item.text == f"w{depth}"
    assert document.diagnostics == ()


def test_large_file_keeps_every_section() -> None:
    unit = "## Topic {n}\n- point {n}\n  - detail\n\n    indented note {n}\n\nText with **bold** {n}.\n"
    document = parse("".join(unit.format(n=n) for n in range(1500)))
    assert len(document.sections) == 1500
    assert document.sections[-1].title == "Topic 1499"
    assert document.sections[-1].blocks[-1].text == "Text with **bold** 1499."


def test_every_shape_of_separator_carries_no_content() -> None:
    document = parse("# T\nbefore\n\n---\n***\n___\n- - -\n\nafter\n")
    assert [b.text for b in document.sections[0].blocks] == ["before", "after"]


def test_headings_inside_lists_and_quotes_keep_their_text() -> None:
    document = parse("# T\n- # inner heading\n> ## quoted heading\n")
    assert {"inner heading", "quoted heading"} <= set(texts(document))


def test_invalid_front_matter_is_a_located_warning_and_kept_as_text() -> None:
    document = parse("---\nexam: [unclosed\n---\n# Body\ntext\n")
    assert [str(d) for d in document.diagnostics] == [
        "notes.txt:2: front matter is not valid YAML: kept as text"
    ]
    assert [(s.title, s.level) for s in document.sections] == [("", 0), ("Body", 1)]
    assert document.sections[0].blocks[0].text == "exam: [unclosed"
    assert document.front_matter == {}


@pytest.mark.parametrize(
    ("line", "depth", "text"),
    [
        (".NET runtime", (0, 0), ".NET runtime"),
        (".5 seconds", (0, 0), ".5 seconds"),
        ("..tight point", (0, 2), "tight point"),
        ("\t\t... three dots", (8, 3), "three dots"),
        ("    :> arrow", (4, 0), "arrow"),
        ("-> dash arrow", (0, 0), "dash arrow"),
        ("\t- bullet", (4, 0), "bullet"),
    ],
)
def test_outline_leaders_are_dropped_and_dots_count_as_depth(
    line: str, depth: tuple[int, int], text: str
) -> None:
    [point] = points([line], 7)
    assert (point.depth, point.line, point.text) == (depth, 7, text)


OUTLINE = "Amazon S3\n\tobject storage\n\t. buckets hold objects\n\t.. each object up to 5 TB\n"


def test_an_outline_may_open_with_front_matter() -> None:
    plain = parse(OUTLINE)
    fronted = parse("---\nexam: SAA-C03\ndomain: Storage\n---\n" + OUTLINE)
    assert fronted.front_matter == {"exam": "SAA-C03", "domain": "Storage"}
    assert shape(fronted) == shape(plain)
    # the points keep the lines they have in the file, front matter and all
    assert [section.line for section in fronted.sections] == [5]
    assert fronted.sections[0].blocks[0].items[0].line == 6


@pytest.mark.parametrize(
    "head",
    [
        "---\nexam: [unclosed\n---\n",  # invalid YAML: Markdown keeps it as text, with a warning
        "---\n- a list, not a mapping\n---\n",
        "---\nexam: SAA-C03\n",  # never closed: not front matter
    ],
)
def test_an_outline_under_what_is_not_front_matter_is_read_as_markdown(head: str) -> None:
    document = parse(head + OUTLINE)
    assert document.front_matter == {}
    assert document.sections[0].level == 0 and not document.sections[0].title


def test_markdown_with_front_matter_stays_markdown() -> None:
    document = parse("---\nexam: SAA-C03\n---\nStorage\n=======\n\tindented point\n")
    assert document.front_matter == {"exam": "SAA-C03"}
    assert [(section.title, section.level) for section in document.sections] == [("Storage", 1)]
