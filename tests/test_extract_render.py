"""Card fields are clean HTML: what a learner sees in Anki, checked in a real collection too."""

from __future__ import annotations

import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from ankigen.model import Block, ListItem
from ankigen.render import Renderer
from tests.anki_helpers import collection, import_package, notes_of
from tests.conftest import RunCli
from tests.extract_golden import FOLDER


def text_of(fragment: str) -> str:
    return " ".join(BeautifulSoup(fragment, "html.parser").get_text(" ").split())


def test_placeholders_are_shown_not_dropped() -> None:
    html = Renderer().inline("open <bucket-name>.s3.<AWS-region>.amazonaws.com now")
    assert "&lt;bucket-name&gt;" in html and "&lt;AWS-region&gt;" in html
    assert text_of(html) == "open <bucket-name>.s3.<AWS-region>.amazonaws.com now"
    block = Renderer().block(Block("html", 1, "<my-placeholder>\n"))
    assert text_of(block) == "<my-placeholder>"


def test_line_breaks_and_formatting_tags_stay_html() -> None:
    html = Renderer().inline("one<br>two <sup>th</sup> <script>x</script>")
    assert "<br>" in html and "<sup>th</sup>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html  # shown as text, never run


def test_math_becomes_mathjax_and_money_stays_money() -> None:
    renderer = Renderer()
    assert renderer.inline("area $\\pi r^2$ here") == "area \\(\\pi r^2\\) here"
    assert renderer.inline("$$E = mc^2$$") == "\\[E = mc^2\\]"
    assert renderer.block(Block("math", 1, "a^2 + b^2")) == "<p>\\[a^2 + b^2\\]</p>"
    assert text_of(renderer.inline("costs $0.005 per hour while v6 is $0 free")).count("$") == 2


def test_code_is_highlighted_with_inline_styles() -> None:
    html = Renderer().code('{"a": 1}\n', "json")
    assert "style=" in html and "color" in html and "<pre" in html
    assert 'class="' not in html.replace('class="highlight"', "")  # no stylesheet needed on mobile


def test_highlights_and_pseudo_bullets() -> None:
    renderer = Renderer()
    assert renderer.inline("a ==key== fact") == "a <mark>key</mark> fact"
    html = renderer.paragraph("Models:<br>\n&nbsp;&nbsp;** Pay as you go<br>\n&nbsp;&nbsp;** Reserve<br>")
    assert html == "<p>Models:</p><ul><li>Pay as you go</li><li>Reserve</li></ul>"
    assert "**" not in text_of(html)


def test_lists_stay_lists() -> None:
    nested = Block("list", 2, info="bullet", items=(ListItem("inner", 2),))
    html = Renderer().block(Block("list", 1, info="ordered", items=(ListItem("outer", 1, (nested,)),)))
    assert html == "<ol><li>outer<ul><li>inner</li></ul></li></ol>"


def test_fixture_decks_in_real_anki(project: Path, run_cli: RunCli, tmp_path: Path) -> None:
    for name in ("render.md", "cloze.md", "questions.md"):
        shutil.copy(FOLDER / name, project / "notes" / name)
    result = run_cli("build", "-o", "out", cwd=project)
    assert result.code == 0, result.err
    with collection(tmp_path / "col") as col:
        for package in sorted((project / "out").glob("*.apkg")):
            import_package(col, package)
        notes = notes_of(col)
        shown = [text_of(col.get_card(cid).answer()) for cid in col.find_cards("")]
    endpoint = next(n for n in notes if "Endpoint format" in n.fields.get("Context", ""))
    assert "<bucket-name>.s3-website.<region>" in text_of(endpoint.fields["Back"])
    math = next(
        n
        for n in notes
        if "Durability math" in n.fields.get("Context", "") and "Explain" in n.fields["Front"]
    )
    # braces are stored as entities so Anki's cloze and template parsers never see them; MathJax
    # reads the text the learner sees
    assert "\\(10^{-11}\\)" in text_of(math.fields["Back"]) and "\\[P(" in math.fields["Back"]
    assert "<table>" in next(
        n.fields["Back"] for n in notes if "Bucket policy" in n.fields.get("Context", "")
    )
    clozes = [n for n in notes if n.notetype == "ankigen Cloze"]
    assert any("{{c2::millisecond}}" in n.fields["Text"] for n in clozes)
    assert all(n.fields["Context"] == "Compute › AWS Lambda" for n in clozes)
    for answer in shown:
        assert "**" not in answer and "```" not in answer and "](" not in answer


def test_comments_are_never_shown() -> None:
    renderer = Renderer()
    assert renderer.plain("Topic <!-- id: topic-a -->") == "Topic"
    assert renderer.inline("Topic <!-- id: topic-a -->") == "Topic"
