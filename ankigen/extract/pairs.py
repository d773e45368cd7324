"""`Q:`/`A:` pairs in a section: shared by the question rule (which asks them) and the topic
rule (which leaves them out of the body it asks for)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ankigen.extract.context import Line, SectionContext
from ankigen.extract.wording import is_question

__all__ = ["ANSWER", "QAPair", "qa_lines", "qa_pairs"]


def _label(words: str) -> str:
    """`Q:`, `**Q:**`, `**Q**:` or `__Q.__`: a label, bold or not, that must not eat the text's own bold."""
    plain = rf"(?:{words})\s*\d*\s*[:.)]"
    return rf"^(?:(\*\*|__){plain}\1|(\*\*|__)(?:{words})\s*\d*\2\s*[:.)]|{plain})\s*"


_Q = re.compile(_label("Q|Question") + r"(?P<text>\S.*)$", re.S | re.I)
ANSWER = re.compile(_label("A|Ans|Answer") + r"(?P<text>.*)$", re.S | re.I)


@dataclass(frozen=True)
class QAPair:
    question: tuple[str, ...]  # inline Markdown, one entry per line of the question
    answer: tuple[Line, ...]  # the `A:` line (label removed) and the lines after it, up to the next `Q:`
    lines: tuple[int, ...]  # every source line it takes, nested ones included


def qa_pairs(ctx: SectionContext) -> Iterator[QAPair]:
    """`Q:` lines each followed by an `A:` line; the answer runs on to the next `Q:` or heading."""
    return iter(ctx.remember("qa_pairs", lambda: tuple(_pairs(ctx))))


def _pairs(ctx: SectionContext) -> Iterator[QAPair]:
    question: list[Line] = []
    answer: list[Line] = []
    for line in ctx.lines():
        starts = _Q.match(line.text) is not None
        # a bullet asking its own question (answered by its nested bullets) ends an answer too
        ends = starts or (line.bullet and bool(line.children) and is_question(ctx.plain(line.text)))
        if ends:
            if question and answer:
                yield _pair(question, answer)
            question, answer = ([line] if starts else []), []
        elif question and not answer:
            label = ANSWER.match(line.text)
            if label:
                answer = [dataclasses.replace(line, text=label.group("text"))]
            else:
                question.append(line)
        elif answer:
            answer.append(line)
    if question and answer:
        yield _pair(question, answer)


def _pair(question: list[Line], answer: list[Line]) -> QAPair:
    first = _Q.match(question[0].text)
    texts = (first.group("text") if first else question[0].text, *(q.text for q in question[1:]))
    depth = len(answer[0].ancestors)
    shown = tuple(a for a in answer if len(a.ancestors) <= depth)
    return QAPair(texts, shown, tuple(line.line for line in (*question, *answer)))


def qa_lines(ctx: SectionContext) -> Iterator[int]:
    for pair in qa_pairs(ctx):
        yield from pair.lines
