"""How card fronts are worded from the notes' own words: names, subjects, questions.

All of it works on plain text (what a reader sees), never on Markdown.
"""

from __future__ import annotations

import re

__all__ = [
    "as_question",
    "clean_title",
    "is_generic",
    "is_question",
    "is_toc_title",
    "kinds_of",
    "opens_with_function_word",
    "qualify",
    "shorten",
    "subject_of",
]

# Headings and labels that say what kind of thing follows but not what it is about.
_GENERIC = frozenset(
    (
        "use case", "use cases", "usecase", "feature", "features", "key features", "component",
        "components", "example", "examples", "note", "notes", "difference", "differences", "overview",
        "summary", "introduction", "intro", "terminology", "additionally", "benefit", "benefits", "pros",
        "cons", "pros and cons", "advantages", "disadvantages", "sample questions", "sample question",
        "questions", "resources", "table of contents", "contents", "other", "others", "misc",
        "miscellaneous", "step", "steps", "what is the use case", "what are the use cases", "how to",
        "definition", "details", "limits", "limitations", "pricing", "cost", "costs", "comparison",
        "important", "tips", "exam tips", "key points", "concepts", "basics", "general", "more",
        "links", "references", "when to use", "why use", "how it works", "what is it", "what does it do",
    )
)  # fmt: skip
# Words a generic heading is made of: `Key features`, `Main use cases`, `Pros and cons`.
_GENERIC_WORDS = frozenset(
    (
        "use", "case", "cases", "usecase", "feature", "features", "key", "component", "components",
        "example", "examples", "note", "notes", "difference", "differences", "overview", "summary",
        "introduction", "intro", "terminology", "benefit", "benefits", "pros", "cons", "and",
        "advantages", "disadvantages", "sample", "question", "questions", "resource", "resources",
        "other", "others", "misc", "step", "steps", "definition", "definitions", "detail", "details",
        "limit", "limits", "limitations", "pricing", "cost", "costs", "comparison", "important", "tip",
        "tips", "exam", "point", "points", "concept", "concepts", "basics", "general", "more", "extra",
        "info", "information", "link", "links", "reference", "references", "the", "a", "an", "of", "to",
        "how", "what", "is", "works", "when", "why", "main", "common",
    )
)  # fmt: skip
_QUESTION_START = re.compile(
    r"^(what|what's|whats|which|why|when|where|who|whom|whose|how|can|could|should|would|will|is|"
    r"are|does|do|did|was|were|has|have)\b",
    re.I,
)
_SCENARIO_START = re.compile(
    r"^(scenario\b|you (need|want|have|are|must)\b|a company\b|an? (organization|application|"
    r"customer|startup|team|developer|user)\b|your (company|team|application)\b)",
    re.I,
)
_NUMBERING = re.compile(r"^\s*(\d+(\.\d+)*[.)]?|[ivx]+\.|[A-Za-z]\))\s*(?=\S)")
_VERB = re.compile(
    r"\s(is|are|was|were|allows?|provides?|enables?|helps?|can|could|has|have|means|refers to|"
    r"consists? of|represents?|gives|lets|uses|acts|stores|moves|runs|makes|performs|supports|"
    r"holds|defines|creates|improves|establishes|connects|protects|manages|offers|brings|extends|"
    r"automates|launches|integrates|resolves|captures|monitors|replicates|collects|synchronizes|"
    r"indicates|differ|differs|works|will|must|should|does|do|only|also|describes|reduces|converts|"
    r"terminates|translates|deploys|upgrades|comes|produces|shows|contains|returns|handles|turns|"
    r"powers|builds|executes|decreases|increases|reflects|gets|starts|lists|sends|stands|looks|"
    r"[a-z]+ly|includes|include|used to|as|such|which|that|who|whose|where|but)(?=\W)|,"
)
# `Aurora Serverless scales ...`: a run of capitalised words, then a lowercase verb in -s.
_NAME_THEN_VERB = re.compile(
    r"(?:[A-Z0-9][\w&/.-]*\s+){2,6}(?=[a-z]+[^su\W]s\b)"
    # one word is a name only when what follows reads as a verb and its object: `Backtrack rewinds a`
    r"|[A-Z][\w&/.-]*\s+(?=[a-z]+[^su\W]s\s+(?:a|an|the|to|from|by|in|on|up|down|all|each|every|your|"
    r"its|their|it|them|[a-z]+s)\b)"
)
_LABEL = re.compile(r"^(?:Q|Question)\s*\d*\s*[:.)-]\s*(?=\S)", re.I)
_KINDS_EXIST = re.compile(
    r"^(?:different|several|many|multiple|various|two|three|four|five|six|seven|eight|\d+)\s+"
    r"((?:[\w&/-]+\s+){0,5}?[\w&/-]+)\s+(?:exist|are available)\b",
    re.I,
)
_DANGLING = re.compile(r"\b(that|which|who|but|and|or|the|a|an|of|to|for|with|by|in|on)$", re.I)
_NOT_SUBJECT_START = re.compile(
    r"^(it|its|this|that|these|those|they|them|there|here|we|you|i|in|if|when|while|for|to|once|"
    r"after|before|usually|however|thus|also|via|by|with|at|on|due|else|alternatively|lastly|next|"
    r"different|multiple|some|many|other|each|all|both|so|then|but|and|or|as|because|since|"
    r"although|finally|first|second|third|now|still|only|similarly|otherwise|e\.g|i\.e|eg|ie|"
    r"note|not|no|more|most|less|example|examples)\b",
    re.I,
)


def shorten(text: str, limit: int = 60) -> str:
    """`text`, cut at a word to about `limit` characters, for a label shown as context."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return f"{cut}\u2026"


def clean_title(title: str) -> str:
    """A heading as a name: without the author's numbering (`3. `, `4.`) or trailing colon."""
    stripped = _NUMBERING.sub("", title).strip().rstrip(":").strip()
    return stripped or title.strip()


def _words(text: str) -> list[str]:
    return re.sub(r"[^\w\s]+", " ", text.lower()).split()


def is_generic(name: str) -> bool:
    """True for a name that needs its parent's to mean anything (`Use Case`, `Key Features`)."""
    words = _words(clean_title(name))
    if not words:
        return True
    return " ".join(words) in _GENERIC or (len(words) <= 4 and all(w in _GENERIC_WORDS for w in words))


def qualify(name: str, parent: str) -> str:
    """`name`, carrying `parent` along when it means nothing on its own."""
    if parent and is_generic(name):
        return f"{parent}: {name}"
    return name


def is_question(text: str) -> bool:
    """A heading or bullet written as a question or as an exam-style scenario."""
    text = text.strip()
    if not text or len(text) > 400:
        return False
    if text.endswith(("?", "\uff1f")):
        return True
    first = clean_title(text)
    if _SCENARIO_START.match(first):
        return True
    # `What is Cloud Computing` without its `?`, but not `How to` alone or `Is` + noun titles.
    return (
        bool(_QUESTION_START.match(first))
        and len(first.split()) >= 3
        and first.split()[0].lower()
        in {
            "what",
            "what's",
            "whats",
            "which",
            "why",
            "how",
            "when",
            "where",
            "who",
        }
    )


def as_question(text: str) -> str:
    """The question as it should read on a card: with its question mark."""
    text = _LABEL.sub("", clean_title(text)).rstrip(" :-")
    text = text[:1].upper() + text[1:]
    if _QUESTION_START.match(text) and not text.endswith("?"):
        return text + "?"
    return text


def is_toc_title(title: str) -> bool:
    return " ".join(_words(title)) in {"table of contents", "contents", "toc", "index"}


def opens_with_function_word(text: str) -> bool:
    """True for text that opens like a clause (`It ...`, `To create ...`), not like a name."""
    return bool(_NOT_SUBJECT_START.match(text.strip()))


def kinds_of(sentence: str) -> str:
    """`Different scaling strategies exist` is about `Scaling strategies`; "" for other sentences."""
    kinds = _KINDS_EXIST.match(sentence.strip())
    return kinds.group(1)[:1].upper() + kinds.group(1)[1:] if kinds else ""


def subject_of(sentence: str, limit: int = 8) -> str:
    """What a sentence is about, when it says so up front: `S3 bucket policies are used for ...`
    gives `S3 bucket policies`.  Empty when the sentence does not open with a named subject."""
    sentence = sentence.strip()
    kinds = kinds_of(sentence)
    if kinds:
        return kinds
    # an aside in parentheses, `(formerly known as ...)`, is part of the name, not its verb
    masked = re.sub(r"\([^()]*\)", lambda m: "\0" * len(m.group(0)), sentence)
    verb = _VERB.search(masked[:120])
    named = _NAME_THEN_VERB.match(masked)
    ends = [m for m in (verb.start() if verb else 0, named.end() if named else 0) if m]
    end = min(ends) if ends else 0
    if not end:
        return ""
    subject = re.sub(r"^(A|An)\s+", "", sentence[:end].strip(" ,;:-\u2013\u2014"))
    words = subject.split()
    if not words or len(words) > limit or _NOT_SUBJECT_START.match(subject):
        return ""
    if not (words[0][:1].isupper() or words[0][:1].isdigit() or words[0][:1] in "'\"\u201c\u2018"):
        return ""
    if subject.count("(") != subject.count(")") or is_generic(subject) or _DANGLING.search(subject):
        return ""
    return subject.strip("'\"\u201c\u201d\u2018\u2019")
