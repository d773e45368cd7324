"""The card rules, one behaviour at a time, on small notes written for the test."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ankigen.config import Config
from ankigen.extract import RULES, distinct_cards, extract_report
from ankigen.extract.split import ANSWER_LIMIT
from ankigen.model import Card, SourceFile
from ankigen.parse import parse_text
from ankigen.render import Renderer

SOURCE = SourceFile(Path("/tmp/notes.md"), "notes.md", Path("/tmp"))


def cards(text: str, **rules: bool) -> list[Card]:
    config = Config(root=Path("/tmp"), rules=rules)
    return list(extract_report(parse_text(text, SOURCE), Renderer(), config).cards)


def by_rule(found: list[Card], rule: str) -> list[Card]:
    return [card for card in found if card.rule == rule]


def test_registry_order_and_names() -> None:
    assert [name for name, _ in RULES] == ["question", "term", "topic", "cloze"]


def test_each_rule_can_be_switched_off() -> None:
    text = "# A\n## B\n\n- Term: its meaning\n- a **bold** word in a longer sentence\n\nQ: why?\nA: because\n"
    everything = cards(text)
    assert {card.rule for card in everything} == {"question", "term", "topic", "cloze"}
    for name, _ in RULES:
        assert name not in {card.rule for card in cards(text, **{name: False})}


def test_term_separators_and_bold_terms() -> None:
    text = (
        "# Net\n\n- VPC: private network\n- NAT - outbound only\n- CIDR = address range\n- **IGW**: way out\n"
    )
    terms = {card.front: card.back for card in by_rule(cards(text), "term")}
    assert terms == {
        "Net › <b>VPC</b>": "<p>private network</p>",
        "Net › <b>NAT</b>": "<p>outbound only</p>",
        "Net › <b>CIDR</b>": "<p>address range</p>",
        "Net › <b>IGW</b>": "<p>way out</p>",
    }


def test_sentences_labels_and_links_are_not_terms() -> None:
    text = (
        "# X\n\n- Note: remember this\n- It mainly consists of: parts\n- see https://example.com/a\n"
        "- [Guide - part one](https://example.com)\n- The cost is high: very\n"
    )
    assert by_rule(cards(text), "term") == []


def test_bold_term_explained_by_nested_bullets() -> None:
    (card,) = by_rule(cards("# X\n\n- **Fargate**\n    - serverless containers\n    - no hosts\n"), "term")
    assert card.front == "X › <b>Fargate</b>"
    assert card.back == "<ul><li>serverless containers</li><li>no hosts</li></ul>"


def test_nested_terms_carry_their_parent_bullet() -> None:
    (card,) = by_rule(cards("# X\n\n- Ports\n    - 443 = HTTPS\n"), "term")
    assert card.front == "X › Ports › <b>443</b>" and card.key == "term|X|ports › 443"


def test_generic_term_names_its_section() -> None:
    (card,) = by_rule(cards("# S3 One Zone\n\n- Use Cases: secondary backups\n"), "term")
    assert card.front == "S3 One Zone › <b>Use Cases</b>"


def test_two_answers_to_one_term_become_one_card() -> None:
    found = by_rule(cards("# Ports\n\n- 22 = SSH\n- 22 = SFTP\n"), "term")
    assert len(found) == 1 and found[0].back == "<p>SSH</p><hr><p>SFTP</p>"


def test_question_heading_with_answer_paragraph() -> None:
    text = "# Exam\n## Which service queues messages?\n\nA: **SQS**, fully managed.\n\n- scales itself\n"
    found = cards(text)
    (card,) = by_rule(found, "question")
    assert card.front == "Which service queues messages?"
    assert card.back.startswith("<p><strong>SQS</strong>, fully managed.</p><ul>")
    assert [c.rule for c in found] == ["question"]  # its answer is not asked again as term or cloze


def test_scenario_heading_is_a_question() -> None:
    (card,) = by_rule(cards("# Ex\n## Scenario: logs must be kept ten years\n\nUse Glacier.\n"), "question")
    assert card.front.startswith("Scenario: logs")


def test_qa_pairs_and_bullet_questions() -> None:
    text = "# Quiz\n\nQ: Max object size?\nA: 5 TB\n\n- what is the use case?\n    - archives\n"
    found = cards(text)
    questions = {c.front: c.back for c in by_rule(found, "question")}
    assert questions == {
        "Max object size?": "<p>5 TB</p>",
        "Quiz: What is the use case?": "<ul><li>archives</li></ul>",
    }
    assert by_rule(found, "topic") == []  # nothing left in the body that is not already asked


def test_generic_headings_carry_their_parent() -> None:
    text = "# Databases\n## Redshift\nwarehouse\n### Use Case\nBI reports\n### Features\n- columnar\n"
    fronts = [c.front for c in by_rule(cards(text), "topic")]
    assert fronts == [
        "Explain <b>Databases › Redshift</b>",
        "Explain <b>Redshift › Use Case</b>",
        "Explain <b>Redshift › Features</b>",
    ]


def test_topic_key_names_the_question_not_the_answer() -> None:
    before = cards("# Db\n## Redshift\n\nA warehouse.\n")
    after = cards("# Db\n\n\n## Redshift\n\nA columnar warehouse, rewritten.\n")
    assert [c.key for c in before] == [c.key for c in after] == ["topic|Db › Redshift|"]


def test_long_body_is_split_along_its_structure() -> None:
    paragraph = " ".join(["Words that fill the paragraph with facts."] * 18)
    text = (
        f"# Db\n## Aurora\n\nAurora Serverless scales {paragraph}\n\nGlobal Database replicates {paragraph}\n"
    )
    found = by_rule(cards(text), "topic")
    assert [c.front for c in found] == [
        "Explain <b>Aurora Serverless</b>",
        "Explain <b>Aurora › Global Database</b>",
    ]
    assert all(c.context == "Db › Aurora" for c in found)
    assert all(len(c.back) < ANSWER_LIMIT + 200 for c in found)


def test_cloze_one_per_term_and_explicit_clozes_kept() -> None:
    text = (
        "# L\n\nRuns **without servers** and bills per ==millisecond== used.\n\n"
        "The {{c1::handler}} is called.\n"
    )
    found = by_rule(cards(text), "cloze")
    assert [c.front for c in found] == [
        "Runs {{c1::without servers}} and bills per {{c2::millisecond}} used.",
        "The {{c1::handler}} is called.",
    ]
    assert all(c.context == "L" and c.kind == "cloze" for c in found)


def test_bold_label_alone_is_not_a_cloze() -> None:
    assert by_rule(cards("# L\n\n- **Layers**\n- **Tip**: short\n"), "cloze") == []


def test_term_lines_are_not_also_clozes() -> None:
    found = cards("# L\n\n- **Provisioned concurrency**: keeps functions warm for bursts\n")
    assert [c.rule for c in found] == ["term", "topic"]
    assert by_rule(cards("# L\n\n- **Provisioned concurrency**: keeps functions warm\n", term=False), "cloze")


def test_no_cards_from_contents_links_or_separators_and_check_says_why() -> None:
    text = "# Notes\n## Table of contents\n- [A](#a)\n- [B](#b)\n## Links\n- https://example.com\n\n---\n"
    extraction = extract_report(parse_text(text, SOURCE), Renderer(), Config(root=Path("/tmp")))
    assert extraction.cards == ()
    assert [(s.context, s.reason) for s in extraction.silent] == [
        ("Notes", "heading only (its subsections have the cards)"),
        ("Notes › Table of contents", "table of contents"),
        ("Notes › Links", "only links, images or separators"),
    ]


def test_a_heading_written_twice_is_told_apart_by_its_answer() -> None:
    text = "# EC2\n## Dedicated Hosts\n\n- a whole server\n\n## Dedicated Hosts\n\n- licences per socket\n"
    found = by_rule(cards(text), "topic")
    assert len({c.key for c in found}) == 1  # one question: the identity stage tells the notes apart
    fronts = [c.front for c in distinct_cards(found)]
    assert fronts == [
        "Explain <b>EC2 › Dedicated Hosts</b> \u2014 a whole server",
        "Explain <b>EC2 › Dedicated Hosts</b> \u2014 licences per socket",
    ]


def test_clozes_on_the_same_terms_get_keys_of_their_own() -> None:
    found = by_rule(
        cards("# S3\n\nIt offers **11 nines** of durability.\n\nYes, **11 nines** of durability, again.\n"),
        "cloze",
    )
    assert [c.key for c in found] == ["cloze|S3|11 nines", "cloze|S3|11 nines (2)"]


_FRAGMENTS = st.sampled_from(
    [
        "# ", "## ", " ## x ##", "===", "---", "- ", "* ", "1. ", "    - ", "\t", "**", "__", "==", "`",
        "```",
        "$", "$$", "<br>", "<bucket-name>", "Q: ", "A: ", "Term: ", " - ", " = ", "?", "{{c1::", "}}",
        "[a](b)", "![i](x.png)", "| a | b |", "> ", ":", "\n", "\n\n", "word ", "Amazon S3 ", "※",
        "\t.. ", ":> ", "___\n", "....\n", "&nbsp;** ", "<u>", "</u>", "<!-- id: x -->",
        "Different kinds exist",
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_FRAGMENTS, st.text(max_size=8)), max_size=40))
def test_any_text_never_crashes_parse_and_extract(parts: list[str]) -> None:
    for card in cards("".join(parts)):
        assert card.key.startswith(f"{card.rule}|")
        assert card.kind == "cloze" or card.front


def test_qa_answer_runs_to_the_next_question() -> None:
    text = (
        "# R\n\nQ: Which pillar?\nA: Reliability.\n\nAlso quotas.\n\n- multi-AZ\n\n"
        "Q: Two lines\nof question?\nA: yes\n"
    )
    found = cards(text)
    assert [(c.front, c.back) for c in found] == [
        ("Which pillar?", "<p>Reliability.</p><p>Also quotas.</p><ul><li>multi-AZ</li></ul>"),
        ("Two lines<br>of question?", "<p>yes</p>"),
    ]


def test_a_list_of_the_documents_own_headings_is_a_table_of_contents() -> None:
    text = (
        "# Notes\n\n1. Storage - S3\n2. Compute\n\n## Storage - S3\n\nObject storage.\n\n## Compute\n\nEC2.\n"
    )
    extraction = extract_report(parse_text(text, SOURCE), Renderer(), Config(root=Path("/tmp")))
    assert [c.context for c in extraction.cards] == ["Notes › Storage - S3", "Notes › Compute"]
    assert [(s.context, s.reason) for s in extraction.silent] == [("Notes", "table of contents")]


def test_underlined_terms_are_clozed() -> None:
    (card,) = by_rule(cards("# U\n\nThe <u>control plane</u> is managed by AWS for you.\n"), "cloze")
    assert card.front == "The {{c1::control plane}} is managed by AWS for you."


def test_question_heading_written_with_a_label() -> None:
    (card,) = by_rule(cards("# Quiz\n## Q: which class is cheapest?\n\nDeep Archive.\n"), "question")
    assert card.front == "Which class is cheapest?"


def test_a_long_parent_bullet_is_shortened_on_the_front() -> None:
    parent = "A rather long introduction that explains at length where the following ports are used"
    (card,) = by_rule(cards(f"# Ports\n\n- {parent}\n    - 443 = HTTPS\n"), "term")
    assert card.front == "Ports › A rather long introduction that explains at length where… › <b>443</b>"


def test_contents_entries_worded_unlike_their_headings_are_still_contents() -> None:
    text = (
        "# Notes\n## Table of contents\n1. IAM - Identity and Access Management\n2. EC2 - Cloud Compute\n"
        "## IAM (Identity and Access Management)\nUsers and roles.\n"
        "## EC2 - Elastic Compute Cloud\nServers.\n"
    )
    extraction = extract_report(parse_text(text, SOURCE), Renderer(), Config(root=Path("/tmp")))
    assert not [card for card in extraction.cards if "Table of contents" in card.context]
    assert ("Notes › Table of contents", "table of contents") in [
        (s.context, s.reason) for s in extraction.silent
    ]


def test_a_section_called_index_with_real_notes_makes_cards() -> None:
    text = (
        "# DynamoDB\n## Index\n- A global secondary index has its own partition key\n- Local ones share it\n"
    )
    found = cards(text)
    assert found and all(card.context.startswith("DynamoDB › Index") for card in found)
    assert any("own partition key" in card.back + card.front for card in found)
