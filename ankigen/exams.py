"""The AWS certification exams ankigen knows, and finding which one a heading or a value names.

Headings name exams the way people write course titles ("Udemy course - AWS certified cloud
practitioner", "SAA-C03 notes"), so each exam has a few patterns besides its code. An older
version of an exam's code (SAA-C02) means the current exam of that family.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["CATALOGUE", "Exam", "ExamFinder"]

# "Solutions Architect - Associate", "Solutions Architect Associate"
_SEP = r"(?:\s*[-\u2013\u2014:]\s*|\s+)"
# a heading that is only the exam's name: "Developer", "AWS Developer exam"
_ALONE = r"(?:\s+(?:exam|course|notes|certification))?\s*$"


@dataclass(frozen=True)
class Exam:
    code: str  # e.g. "SAA-C03"
    title: str  # e.g. "Solutions Architect Associate"
    patterns: tuple[str, ...] = ()  # regexes (case-insensitive) that name it in a heading
    files: tuple[str, ...] = ()  # globs, relative to the project root, of notes for this exam
    domains: Mapping[str, str] = field(default_factory=dict)  # category or service id -> domain

    @property
    def family(self) -> str:
        return self.code.split("-")[0].upper()


CATALOGUE: tuple[Exam, ...] = (
    Exam("CLF-C02", "Cloud Practitioner", (r"cloud\s+practitioner",)),
    Exam("AIF-C01", "AI Practitioner", (r"\bAI\s+practitioner",)),
    Exam("SAA-C03", "Solutions Architect Associate", (rf"solutions?\s+architect{_SEP}associate",)),
    Exam("SAP-C02", "Solutions Architect Professional", (rf"solutions?\s+architect{_SEP}professional",)),
    Exam(
        "DVA-C02",
        "Developer Associate",
        # not "Developer Tools" or "Developer Support": "Developer" names the exam only alone
        (rf"developer{_SEP}associate", r"certified\s+developer", rf"^\W*(?:aws\s+)?developer{_ALONE}"),
    ),
    Exam("SOA-C02", "SysOps Administrator Associate", (r"sys\s*ops",)),
    Exam("DOP-C02", "DevOps Engineer Professional", (r"devops\s+engineer",)),
    Exam("DEA-C01", "Data Engineer Associate", (rf"data\s+engineer{_SEP}associate",)),
    Exam("MLA-C01", "Machine Learning Engineer Associate", (r"machine\s+learning\s+engineer",)),
    Exam(
        "MLS-C01",
        "Machine Learning Specialty",
        (rf"machine\s+learning{_SEP}special(?:ty|ist)", rf"\bML{_SEP}special(?:ty|ist)"),
    ),
    Exam("SCS-C02", "Security Specialty", (rf"security{_SEP}special(?:ty|ist)",)),
    Exam("ANS-C01", "Advanced Networking Specialty", (r"advanced\s+networking",)),
    Exam("DAS-C01", "Data Analytics Specialty", (rf"data\s+analytics{_SEP}special(?:ty|ist)",)),
    Exam("DBS-C01", "Database Specialty", (rf"database{_SEP}special(?:ty|ist)",)),
    Exam("PAS-C01", "SAP on AWS Specialty", (r"\bSAP\s+on\s+AWS",)),
    # least specific last: a bare "solutions architect" is the associate exam most people mean
    Exam(
        "SAA-C03",
        "Solutions Architect Associate",
        (r"certified\s+solutions?\s+architect", rf"^\W*(?:aws\s+)?solutions?\s+architect{_ALONE}"),
    ),
)


class ExamFinder:
    """Finds exams named in text, over the built-in catalogue and the config's own exams."""

    def __init__(self, configured: Iterable[Exam] = ()) -> None:
        exams: dict[str, Exam] = {}
        patterns: list[tuple[str, str]] = []  # (regex, code)
        for exam in configured:
            exams[exam.code.upper()] = exam
            patterns.append((rf"(?<![\w-]){re.escape(exam.code)}(?![\w-])", exam.code.upper()))
            patterns.extend((pattern, exam.code.upper()) for pattern in exam.patterns)
        for exam in CATALOGUE:
            exams.setdefault(exam.code.upper(), exam)
            patterns.extend((pattern, exam.code.upper()) for pattern in exam.patterns)
        families = {exam.family: exam.code.upper() for exam in reversed(CATALOGUE)}
        family_codes = "|".join(sorted(families))
        patterns.append((rf"(?<![\w-])(?:{family_codes})[-\s]?C0\d(?![\w-])", ""))  # "" : by family
        self._exams = exams
        self._families = families
        self._patterns = tuple((re.compile(regex, re.IGNORECASE), code) for regex, code in patterns)

    @property
    def exams(self) -> Mapping[str, Exam]:
        """Every known exam by upper-case code: the config's first, then the catalogue's."""
        return self._exams

    def in_text(self, text: str) -> Exam | None:
        """The exam named earliest in `text`; at one position, the config's and the more specific win."""
        best: tuple[int, int, Exam] | None = None
        for rank, (pattern, code) in enumerate(self._patterns):
            match = pattern.search(text)
            if match is None or (best is not None and (match.start(), rank) >= best[:2]):
                continue
            exam = self._exams.get(code) if code else self._by_family(match.group(0))
            if exam is not None:
                best = (match.start(), rank, exam)
        return best[2] if best else None

    def resolve(self, value: str) -> Exam | None:
        """The exam a config or front-matter value names: its code, an older code, or its title."""
        value = value.strip()
        exact = self._exams.get(value.upper())
        if exact is not None:
            return exact
        titled = next((e for e in self._exams.values() if e.title.casefold() == value.casefold()), None)
        return titled or self.in_text(value)

    def _by_family(self, code: str) -> Exam | None:
        family = re.split(r"[-\s]|C0", code.upper(), maxsplit=1)[0]
        current = self._families.get(family)
        return self._exams.get(current) if current else None
