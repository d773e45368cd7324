"""The two note types ankigen writes, with fixed ids and frozen field and template names.

Anki treats a note type whose fields or templates changed as a different type and refuses to
update the old notes, so any change here needs a new model id (tests/test_package.py guards this).
"""

from __future__ import annotations

import genanki

__all__ = [
    "CLOZE_FIELDS",
    "CLOZE_MODEL",
    "CLOZE_MODEL_ID",
    "CLOZE_TEMPLATES",
    "CSS",
    "QA_FIELDS",
    "QA_MODEL",
    "QA_MODEL_ID",
    "QA_TEMPLATES",
]

QA_MODEL_ID = 1_731_406_201
CLOZE_MODEL_ID = 1_731_406_202
QA_FIELDS = ("Front", "Back", "Context", "Source")
CLOZE_FIELDS = ("Text", "Extra", "Context", "Source")
QA_TEMPLATES = ("Recall",)
CLOZE_TEMPLATES = ("Cloze",)

CSS = """\
.card { font-family: -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", sans-serif;
  font-size: 20px; line-height: 1.45; text-align: left; color: #1d1d1f; background: #fff;
  max-width: 42em; margin: 0 auto; padding: 0 .6em; overflow-wrap: anywhere; }
.context { font-size: 13px; color: #6e6e73; margin-bottom: .6em; }
.source { font-size: 11px; color: #8e8e93; margin-top: 1.2em; }
.front { font-weight: 600; }
ul, ol { padding-left: 1.3em; margin: .3em 0; }
li { margin: .15em 0; }
img { max-width: 100%; height: auto; }
pre, code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85em; }
.highlight, pre { overflow-x: auto; border-radius: 6px; padding: .4em .6em; }
table { border-collapse: collapse; } td, th { border: 1px solid #c7c7cc; padding: .2em .5em; }
.cloze { font-weight: 700; color: #0a60d0; }
.missing-image { color: #8e8e93; font-style: italic; }
.nightMode.card, .night_mode .card { color: #e5e5ea; background: #1c1c1e; }
.nightMode .context, .night_mode .context { color: #98989d; }
.nightMode .cloze, .night_mode .cloze { color: #64a8ff; }
.nightMode .highlight, .night_mode .highlight, .nightMode pre, .night_mode pre { background: #f6f8fa; }
@media (max-width: 480px) { .card { font-size: 18px; } }
"""

QA_MODEL = genanki.Model(
    QA_MODEL_ID,
    "ankigen Q/A",
    fields=[{"name": name} for name in QA_FIELDS],
    templates=[
        {
            "name": QA_TEMPLATES[0],
            "qfmt": '<div class="context">{{Context}}</div><div class="front">{{Front}}</div>',
            "afmt": '{{FrontSide}}<hr id="answer"><div class="back">{{Back}}</div>'
            '<div class="source">{{Source}}</div>',
        }
    ],
    css=CSS,
    sort_field_index=0,
)
CLOZE_MODEL = genanki.Model(
    CLOZE_MODEL_ID,
    "ankigen Cloze",
    fields=[{"name": name} for name in CLOZE_FIELDS],
    templates=[
        {
            "name": CLOZE_TEMPLATES[0],
            "qfmt": '<div class="context">{{Context}}</div>{{cloze:Text}}',
            "afmt": '<div class="context">{{Context}}</div>{{cloze:Text}}<hr id="answer">'
            '<div class="back">{{Extra}}</div><div class="source">{{Source}}</div>',
        }
    ],
    css=CSS,
    model_type=genanki.Model.CLOZE,
)
