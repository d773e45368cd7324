"""Template and cloze syntax written in notes stays text, as real Anki renders the cards."""

from __future__ import annotations

from pathlib import Path

from ankigen.render import Renderer
from ankigen.sanitize import cloze_numbers, sanitize, sanitize_cloze
from tests.conftest import RunCli
from tests.robust_helpers import build_and_import, visible_text

NOTE = """\
# Templates {{Front}}

## Literal {{c1::heading}}

Anki fields look like {{Front}} and {{Back}}, a section like {{#Tags}}x{{/Tags}}, and }} ends one.

- A stray }} and an unclosed {{c9:: marker stay text, and **real term** is the only cloze.
- Written out, {{c2::a cloze::with a hint}} stays a cloze, next to a **bold term**.
- JSON such as {"a": {"b": 1}} is text, and so is **f(x) = {x}}**, a term ending in braces.
- Math: **ratio $\\frac{a}{b_{x}}$** is a term, $\\sqrt{y}$ is not.

```json
{"Statement": [{"Effect": "Allow"}]}}
```
"""


def _text(html: str) -> str:
    return " ".join(visible_text(html).split())


def test_braces_in_notes_stay_visible_and_make_no_clozes(project: Path, run_cli: RunCli) -> None:
    (project / "notes" / "braces.md").write_text(NOTE, encoding="utf-8")
    built = build_and_import(project, run_cli)
    assert built.code == 0, built.err
    clozes = [note for note in built.notes if note.notetype == "ankigen Cloze"]
    by_first_words = {_text(note.fields["Text"])[:12]: note for note in clozes}
    # Each cloze note makes exactly the cards its clozes ask for: the unclosed {{c9:: makes
    # none, and `}}` inside a term does not end it early.
    numbers = {first: cloze_numbers(note.fields["Text"]) for first, note in by_first_words.items()}
    assert len(numbers["A stray }} a"]) == 1 and len(numbers["Written out,"]) == 1
    assert all(numbers.values()), numbers
    qa_notes = len(built.notes) - len(clozes)
    assert len(built.rendered) == qa_notes + sum(len(n) for n in numbers.values())
    answers = " ".join(_text(answer) for _, answer in built.rendered)
    questions = " ".join(_text(question) for question, _ in built.rendered)
    for literal in (
        "{{Front}} and {{Back}}",
        "{{#Tags}}x{{/Tags}}",
        "and }} ends one",
        "A stray }} and an unclosed {{c9:: marker stay text",
        '{"a": {"b": 1}}',
        "f(x) = {x}}",
        "\\(\\frac{a}{b_{x}}\\) is a term",
        "\\(\\sqrt{y}\\) is not",
        '{"Statement": [{"Effect": "Allow"}]}}',
        "Templates {{Front}}",
        "Literal {{c1::heading}}",
    ):
        assert literal in answers, literal
    # The hidden terms are hidden on the front, whole, and shown whole on the back.
    assert "[...]" in questions
    assert "real term" not in _text(by_first_words["A stray }} a"].fields["Text"].split("{{c1::")[0])
    assert "[with a hint]" in questions and "a cloze, next to a bold term" in answers
    assert "{{c9::" in _text(by_first_words["A stray }} a"].fields["Text"])
    for question, answer in built.rendered:
        if "[...]" in question:
            assert _text(question).count("[...]") == 1
            assert "[...]" not in _text(answer)


def test_renderer_only_makes_the_markers_it_means() -> None:
    text, count = Renderer().cloze("x \\{{c3::y}} **a}}b** then **\\{c}** z }} {{c4::w}}")
    assert count == 3 and cloze_numbers(text) == {1, 2, 4}
    assert text.count("{{") == 3 and text.count("}}") == 3
    # `\\{` is Markdown for a literal `{`: the author's way to write a cloze marker as text.
    assert visible_text(text) == "x {{c3::y}} {{c1::a}}b}} then {{c2::{c}}} z }} {{c4::w}}"
    # Outside the cloze path braces are left as written; the field guard decides when packaging.
    assert Renderer().inline("{{c1::y}} <b>{{Front}}</b>") == "{{c1::y}} <b>{{Front}}</b>"
    assert sanitize("{{c1::y}} {{Front}}") == "&#123;&#123;c1::y&#125;&#125; &#123;&#123;Front&#125;&#125;"
    assert sanitize_cloze("{{c1::y}} {{Front}}") == "{{c1::y}} &#123;&#123;Front&#125;&#125;"


def test_cloze_guard_keeps_real_markers_and_escapes_the_rest() -> None:
    assert sanitize_cloze("{{c1::a}} b }} {{c2::c::hint}}") == "{{c1::a}} b &#125;&#125; {{c2::c::hint}}"
    # An unclosed marker would swallow the rest of the field: it is kept as text instead.
    assert sanitize_cloze("{{c1::open and never closed") == "&#123;&#123;c1::open and never closed"
    # A cloze closed inside an element nh3 removes loses its partner too, not the field.
    assert "{{" not in sanitize_cloze("<script>{{c1::x</script>}} after")
    # Anki (and genanki) make no card of an empty cloze or of c0: they are text, not markers.
    assert sanitize_cloze("{{c1::}} {{c0::x}} {{c02::y}}") == (
        "&#123;&#123;c1::&#125;&#125; &#123;&#123;c0::x&#125;&#125; {{c2::y}}"
    )


def test_written_out_clozes_from_inline_html_survive_packaging() -> None:
    """A rule may render a sentence with written-out clozes as plain inline HTML: the field
    guard at packaging keeps its balanced markers and turns every other brace into text."""
    html = Renderer().inline("{{c1::Pipe **mode**}} streams from {{c2::S3::a store}}; `}}` and {{Front}}.")
    guarded = sanitize_cloze(html)
    assert cloze_numbers(guarded) == {1, 2}
    assert guarded.count("{{") == 2 and guarded.count("}}") == 2
    assert visible_text(guarded) == "{{c1::Pipe mode}} streams from {{c2::S3::a store}}; }} and {{Front}}."
