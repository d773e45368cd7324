"""Hostile HTML in notes: nothing active reaches a field, as Anki stores and renders them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ankigen.render import Renderer
from ankigen.sanitize import sanitize, sanitize_cloze, text_field
from tests.conftest import RunCli
from tests.robust_helpers import Built, active_content, build_and_import, visible_text

# Each is written into a note four ways: as a paragraph, in a bullet with a bold (cloze) term,
# in a heading, and in a table cell.  `KEEP` is text around it that must survive.
HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "<iframe src=https://evil.example srcdoc='<script>alert(1)</script>'></iframe>",
    "<object data=https://evil.example/x.swf></object>",
    "<embed src=https://evil.example/x.swf>",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)//",
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<img src="javascript:alert(1)">',
    '<a href="javascript:alert(1)">link</a>',
    '<a href="JaVaScRiPt:alert(1)">link</a>',
    '<a href="jav&#x09;ascript:alert(1)">link</a>',
    '<a href="&#106;&#97;vascript:alert(1)">link</a>',
    '<a href=" javascript:alert(1)">link</a>',
    '<a href="vbscript:msgbox(1)">link</a>',
    '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">link</a>',
    '<a href="https://ok.example" onclick="alert(1)" onmouseover=alert(1)>link</a>',
    "[md link](javascript:alert(1))",
    "[md link](<javascript:alert(1)>)",
    "![md image](javascript:alert(1))",
    "![md image](data:image/png;base64,iVBORw0KGgo=)",
    '<div style="width: expression(alert(1))">styled</div>',
    '<span style="background:url(https://evil.example/track.png)">styled</span>',
    '<span style="color:red;background-image:url(javascript:alert(1))">styled</span>',
    '<span style="color:r\\65 d;background:u\\72l(x)">styled</span>',
    "<style>@import 'https://evil.example/x.css'; body{display:none}</style>",
    '<link rel=stylesheet href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<form action="https://evil.example"><input name=q><button>go</button></form>',
    "<details open ontoggle=alert(1)><summary>s</summary></details>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<!--<img src=x onerror=alert(1)>-->",
    '<div id="answer" class="x" data-x="1" onclick="alert(1)">attrs</div>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "<b><i><u>unclosed <p>nesting <table><tr><td>cell",
    "</div></li></ul></body></html><script>alert(1)</script>",
]


def _note(payload: str, index: int) -> str:
    return (
        f"# Hostile {index} {payload}\n\n"
        f"KEEP-P{index} before {payload} after\n\n"
        f"- KEEP-L{index} the **term{index}** {payload}\n\n"
        f"| head | KEEP-T{index} |\n|---|---|\n| {payload} | cell |\n"
    )


@pytest.fixture
def hostile_built(project: Path, run_cli: RunCli) -> Built:
    for index, payload in enumerate(HOSTILE):
        (project / "notes" / f"h{index:02}.md").write_text(_note(payload, index), encoding="utf-8")
    built = build_and_import(project, run_cli)
    assert built.code == 0, built.err
    assert built.rendered, "nothing was built"
    return built


@pytest.fixture
def hostile_build(hostile_built: Built) -> list[dict[str, str]]:
    return [note.fields for note in hostile_built.notes]


_ACTIVE_MARKUP = re.compile(
    r"<\s*/?\s*(script|iframe|object|embed|svg|math|style|link|meta|base|form)\b|<[^>]*\son\w+\s*="
    r"|<[^>]*\s(href|src)\s*=\s*[\"']?\s*(javascript|vbscript|data):",
    re.I,
)


def test_cards_as_anki_renders_them_hold_nothing_active(hostile_built: Built) -> None:
    """The whole card Anki shows: note type template plus fields, less the note type's own CSS."""
    assert len(hostile_built.rendered) >= len(HOSTILE)
    for question, answer in hostile_built.rendered:
        for side in (question, answer):
            body = re.sub(r"^<style>.*?</style>", "", side, flags=re.S)
            assert not _ACTIVE_MARKUP.search(body), body


def test_no_field_holds_active_content(hostile_build: list[dict[str, str]]) -> None:
    problems = {
        f"{fields.get('Source', '?')} {name}": found
        for fields in hostile_build
        for name, value in fields.items()
        if (found := active_content(value))
    }
    assert problems == {}


def test_no_raw_active_markup_anywhere(hostile_build: list[dict[str, str]]) -> None:
    """Belt and braces over the parser-based check: the stored bytes hold no such tag or handler."""
    for fields in hostile_build:
        for value in fields.values():
            assert not _ACTIVE_MARKUP.search(value), value


def test_the_notes_text_around_hostile_html_is_kept(hostile_build: list[dict[str, str]]) -> None:
    seen = " ".join(visible_text(value) for fields in hostile_build for value in fields.values())
    for index in range(len(HOSTILE)):
        for marker in (f"KEEP-P{index}", f"KEEP-L{index}", f"KEEP-T{index}", f"Hostile {index}"):
            assert marker in seen


def test_escaped_markup_stays_visible_text(hostile_build: list[dict[str, str]]) -> None:
    """`&lt;script&gt;` written as entities is text the author wants to show, not markup."""
    index = HOSTILE.index("&lt;script&gt;alert(1)&lt;/script&gt;")
    paragraph = next(fields["Back"] for fields in hostile_build if f"KEEP-P{index}" in fields.get("Back", ""))
    assert "<script>alert(1)</script>" in visible_text(paragraph)
    context = next(fields["Context"] for fields in hostile_build if f"Hostile {index}" in fields["Context"])
    assert "<script>" in visible_text(context) and "<script" not in context


def test_what_cards_need_survives_sanitising() -> None:
    renderer = Renderer()
    code = renderer.code('def f(x):\n    return {"a": x}\n', "python")
    assert 'style="' in code and "color:" in code and "<pre" in code
    assert visible_text(code).strip() == 'def f(x):\n    return {"a": x}'
    kept = sanitize(
        "<ul><li>a</li></ul><ol start=3><li>b</li></ol><table><thead><tr><th>h</th></tr></thead>"
        "<tbody><tr><td>c</td></tr></tbody></table><img src='diagram-0123456789ab.png' alt='d'>"
        "H<sub>2</sub>O x<sup>2</sup><br><code>c</code> \\(\\sqrt{x}\\) <a href='https://docs.aws.amazon.com'>d</a>"
    )
    needs = ["<ul>", "<ol start", "<table>", "<th>", "<td>", '<img src="diagram-0123456789ab.png"']
    needs += ["<sub>2</sub>", "<sup>2</sup>", "<br>", "<code>", 'href="https://docs.aws.amazon.com"']
    for needed in needs:
        assert needed in kept
    assert "\\(\\sqrt&#123;x&#125;\\)" in kept and visible_text(kept).count("\\(\\sqrt{x}\\)") == 1


@pytest.mark.parametrize("payload", HOSTILE)
def test_every_way_into_a_field_is_guarded(payload: str) -> None:
    """The package-level guard, whatever a card rule hands it."""
    for value in (sanitize(payload), sanitize_cloze(f"{{{{c1::{payload}}}}} {payload}")):
        assert active_content(value) == []
    assert "<" not in text_field(payload) and visible_text(text_field(payload)) == payload


def test_control_characters_never_reach_a_field() -> None:
    """U+001F separates fields in Anki's database; one inside a field would shift the others."""
    dirty = "a\x1fb\x00c\x07d\re\tf\ng"
    for value in (sanitize(dirty), sanitize_cloze("{{c1::" + dirty + "}}"), text_field(dirty)):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", value)
        assert all(letter in value for letter in "abcdefg")
