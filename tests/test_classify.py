"""Exams, domains, services and tags, end to end into a real Anki collection."""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

from anki.collection import Collection

from ankigen.classify import slug
from ankigen.package import deck_id
from tests.anki_helpers import SeenNote, collection, import_package, notes_of
from tests.conftest import RunCli

TWO_COURSES = """\
# Study notes

## AWS Certified Cloud Practitioner

### Amazon S3

Objects are kept with **eleven nines** of durability.

### Billing

- **Cost Explorer** charts what was spent in past months.

## AWS Certified Machine Learning Specialty

### Data Engineering

- **Kinesis Data Streams** takes in records as they happen.

### Amazon SageMaker

Hosted notebooks, training jobs and **endpoints**.

### Odds and ends

A stray **remark** with nothing to place it.
"""

FRONT_MATTER = """\
---
exam: SAA-C03
---
# Cloud Practitioner refresher

## Amazon EC2

Resizable **virtual servers**, billed by the second.

## Elastic Beanstalk

EBS, as some people write it, runs **web apps** without managing servers.

## Amazon EBS

A volume attaches to **one instance** in one Availability Zone.
"""

GLOBBED = (
    "---\nservice: Kinesis Data Streams\n---\n# Monitoring\n\n"
    "## Amazon CloudWatch\n\nAlarms watch a **metric**.\n"
    "\n## Shards\n\nEach one takes **1 MB/s** of writes.\n"
)
PLAIN = "# Deployments\n\n## AWS CodeDeploy\n\nRolls out a **revision** to instances.\n"
GUIDE_DOMAIN = (
    "---\nexam: MLS-C01\ndomain: Modeling\n---\n# Amazon SageMaker\n\n"
    "Built-in **XGBoost** trains gradient-boosted trees.\n"
)

CONFIG = """\
default_exam = "DVA-C02"

[[exams]]
code = "SOA-C02"
files = ["notes/ops/*.md"]

[[exams]]
code = "MLS-C01"
[exams.domains]
Analytics = "Data Engineering"
"""


def make_project(root: Path, config: str = CONFIG) -> Path:
    notes = root / "notes"
    (notes / "ops").mkdir(parents=True)
    (notes / "course.md").write_text(TWO_COURSES, encoding="utf-8")
    (notes / "saa.md").write_text(FRONT_MATTER, encoding="utf-8")
    (notes / "ops" / "watch.md").write_text(GLOBBED, encoding="utf-8")
    (notes / "plain.md").write_text(PLAIN, encoding="utf-8")
    (notes / "modeling.md").write_text(GUIDE_DOMAIN, encoding="utf-8")
    if config:
        (root / "ankigen.toml").write_text(config, encoding="utf-8")
    return root


def imported(packages: list[Path], folder: Path) -> tuple[list[SeenNote], dict[str, int]]:
    with collection(folder) as col:
        for package in packages:
            import_package(col, package)
        return notes_of(col), {d.name: d.id for d in col.decks.all_names_and_ids()}


def tags_of(note: SeenNote) -> dict[str, str]:
    return dict(tag.split("::", 1) for tag in note.tags if "::" in tag)


def find(notes: list[SeenNote], text: str) -> SeenNote:
    return next(note for note in notes if any(text in value for value in note.fields.values()))


def test_exams_domains_services_and_tags_in_real_anki(tmp_path: Path, run_cli: RunCli) -> None:
    project = make_project(tmp_path / "project")
    result = run_cli("build", cwd=project)
    assert result.code == 0, result.err
    packages = sorted((project / "dist").glob("*.apkg"))
    assert [p.name for p in packages] == [
        "aws-clf-c02.apkg",
        "aws-dva-c02.apkg",
        "aws-mls-c01.apkg",
        "aws-saa-c03.apkg",
        "aws-soa-c02.apkg",
    ]
    notes, decks = imported(packages, tmp_path / "col")
    for note in notes:
        kinds = Counter(tag.split("::")[0] for tag in note.tags)
        assert {kind: kinds[kind] for kind in ("exam", "domain", "service", "source")} == {
            "exam": 1,
            "domain": 1,
            "service": 1,
            "source": 1,
        }, note.tags
        (deck,) = note.decks
        exam_deck, domain_deck = deck.split("::")
        assert exam_deck.startswith("AWS " + tags_of(note)["exam"].upper() + " ")
        assert slug(domain_deck) == tags_of(note)["domain"]

    def placed(text: str) -> tuple[dict[str, str], list[str]]:
        note = find(notes, text)
        return tags_of(note), note.decks

    assert placed("eleven nines") == (
        {"exam": "clf-c02", "domain": "storage", "service": "s3", "source": "course"},
        ["AWS CLF-C02 Cloud Practitioner::Storage"],
    )
    assert placed("Cost Explorer")[0] == {
        "exam": "clf-c02",
        "domain": "cost-management",
        "service": "cost-explorer",
        "source": "course",
    }
    # one file, two courses: the MLS heading's subtree is MLS, with the config's own domain name
    assert placed("Kinesis Data Streams") == (
        {
            "exam": "mls-c01",
            "domain": "data-engineering",
            "service": "kinesis-data-streams",
            "source": "course",
        },
        ["AWS MLS-C01 Machine Learning Specialty::Data Engineering"],
    )
    assert placed("Hosted notebooks")[0]["service"] == "sagemaker"
    # front matter domain: an exam guide's own domain for the whole file
    assert placed("gradient-boosted") == (
        {"exam": "mls-c01", "domain": "modeling", "service": "sagemaker", "source": "modeling"},
        ["AWS MLS-C01 Machine Learning Specialty::Modeling"],
    )
    assert placed("stray")[0] | {} == {
        "exam": "mls-c01",
        "domain": "general",
        "service": "none",
        "source": "course",
    }
    # front matter beats the heading that names another exam; EBS read by its heading's context
    assert placed("virtual servers")[0]["exam"] == "saa-c03"
    assert placed("web apps")[0]["service"] == "elastic-beanstalk"
    assert placed("one instance")[0]["service"] == "ebs"
    # config globs, then the default exam
    assert placed("metric")[1] == ["AWS SOA-C02 SysOps Administrator Associate::Management & Governance"]
    assert placed("revision")[1] == ["AWS DVA-C02 Developer Associate::Developer Tools"]
    # front matter names the service where no heading does
    assert placed("1 MB/s")[0]["service"] == "kinesis-data-streams"
    assert placed("metric")[0]["service"] == "cloudwatch"
    # every exam deck has its domains as subdecks
    assert {
        "AWS CLF-C02 Cloud Practitioner::Storage",
        "AWS CLF-C02 Cloud Practitioner::Cost Management",
        "AWS MLS-C01 Machine Learning Specialty::Data Engineering",
        "AWS MLS-C01 Machine Learning Specialty::Machine Learning",
        "AWS MLS-C01 Machine Learning Specialty::General",
        "AWS SAA-C03 Solutions Architect Associate::Compute",
        "AWS SAA-C03 Solutions Architect Associate::Storage",
    } <= set(decks)


def test_deck_ids_come_from_deck_names(tmp_path: Path, run_cli: RunCli) -> None:
    project = make_project(tmp_path / "project")
    ids = []
    for build in ("one", "two"):
        assert run_cli("build", "-o", build, cwd=project).code == 0
        ids.append(
            {name: did for p in sorted((project / build).glob("*.apkg")) for name, did in _decks_in(p)}
        )
    assert ids[0] == ids[1]
    assert {name: deck_id(name) for name in ids[0]} == ids[0]
    assert "AWS SAA-C03 Solutions Architect Associate::Compute" in ids[0]


def _decks_in(package: Path) -> list[tuple[str, int]]:
    """The decks a package holds, read from its collection as Anki will."""
    with zipfile.ZipFile(package) as archive, tempfile.TemporaryDirectory() as folder:
        archive.extract("collection.anki2", folder)
        db = sqlite3.connect(Path(folder) / "collection.anki2")
        try:
            (decks,) = db.execute("select decks from col").fetchone()
        finally:
            db.close()
    return [
        (deck["name"], int(deck["id"])) for deck in json.loads(decks).values() if deck["name"] != "Default"
    ]


def test_split_domain_writes_one_package_per_exam_and_domain(tmp_path: Path, run_cli: RunCli) -> None:
    project = make_project(tmp_path / "project")
    result = run_cli("build", "--split", "domain", "-o", "out", cwd=project)
    assert result.code == 0
    packages = sorted((project / "out").glob("*.apkg"))
    names = {p.name for p in packages}
    assert {
        "aws-clf-c02-storage.apkg",
        "aws-clf-c02-cost-management.apkg",
        "aws-mls-c01-data-engineering.apkg",
        "aws-saa-c03-compute.apkg",
        "aws-saa-c03-storage.apkg",
    } <= names
    for package in packages:
        assert len(_decks_in(package)) == 1, package.name
    notes, decks = imported(packages, tmp_path / "col")
    assert "AWS CLF-C02 Cloud Practitioner::Cost Management" in decks
    assert len(notes) == sum(int(line.split(": ")[1].split()[0]) for line in result.out.splitlines())


def test_new_cards_come_in_source_order(tmp_path: Path, run_cli: RunCli) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    sections = [("Amazon S3", "Storage"), ("AWS Lambda", "Compute"), ("Amazon EFS", "Storage")]
    for number in range(2):
        body = "".join(
            f"## {name} {number}.{i}\n\nPoint **{number}-{i}** about it.\n\n"
            for i in range(4)
            for name, _ in sections
        )
        (notes / f"part{number}.md").write_text("---\nexam: SAA-C03\n---\n" + body, encoding="utf-8")
    assert run_cli("build", "-o", "out", cwd=tmp_path).code == 0
    with collection(tmp_path / "col") as col:
        import_package(col, tmp_path / "out" / "aws-saa-c03.apkg")
        order = _new_card_order(col)
    assert len(order) == 2 * 4 * 3 * 2  # a topic and a cloze card per section
    assert order == sorted(order), "Anki's new-card order is not the notes' order"


def _new_card_order(col: Collection) -> list[tuple[str, int]]:
    """(file, line) of each new card, in the order Anki will show them (due position, deck by deck)."""
    assert col.db is not None
    rows = col.db.all(
        "select c.due, c.id, n.flds from cards c join notes n on c.nid = n.id"
        " where c.type = 0 order by c.due, c.id"
    )
    order = []
    for _, _, fields in rows:
        source = fields.split("\x1f")[3]
        file, line = source.rsplit(":", 1)
        order.append((file, int(line)))
    return order


def test_check_lists_unclassified_sections(tmp_path: Path, run_cli: RunCli) -> None:
    project = make_project(tmp_path)
    assert run_cli("build", "--report", "report.json", cwd=project).code == 0
    assert json.loads((project / "report.json").read_text(encoding="utf-8"))["unclassified"] == [
        {
            "location": "notes/course.md:23",
            "context": "Study notes › AWS Certified Machine Learning Specialty › Odds and ends",
            "notes": 2,
        }
    ]
    result = run_cli("check", cwd=project)
    assert result.code == 0
    assert "MLS-C01: " in result.out
    assert "1 sections in General" in result.out
    assert (
        "notes/course.md:23: Study notes › AWS Certified Machine Learning Specialty › Odds and ends (2 notes)"
        in result.out
    )


def test_without_config_exams_come_from_the_notes(tmp_path: Path, run_cli: RunCli) -> None:
    project = make_project(tmp_path / "project", config="")
    (project / "notes" / "saa.md").write_text(FRONT_MATTER.replace("SAA-C03", "XYZ-C09"), encoding="utf-8")
    result = run_cli("build", cwd=project)
    assert result.code == 0
    assert "notes/saa.md: front matter names an unknown exam: XYZ-C09" in result.err
    names = sorted(p.name for p in (project / "dist").glob("*.apkg"))
    # no default exam and no exam named anywhere in plain.md and watch.md: they go to General
    assert names == ["aws-clf-c02.apkg", "aws-general.apkg", "aws-mls-c01.apkg", "aws-xyz-c09.apkg"]
    notes, decks = imported([project / "dist" / "aws-general.apkg"], tmp_path / "col")
    assert {tags_of(note)["exam"] for note in notes} == {"general"}
    assert "AWS General::Developer Tools" in decks


def test_configured_exam_aliases_and_name_templates(tmp_path: Path, run_cli: RunCli) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "acme.md").write_text(
        "# Intro\n\nA preamble about **clouds**.\n\n# My Acme course notes\n\n## AWS Lambda\n\n"
        "Functions run for at most **15 minutes**.\n",
        encoding="utf-8",
    )
    (tmp_path / "ankigen.toml").write_text(
        'deck_name = "{code} {title}::{domain}"\npackage_name = "study-{code}"\n\n'
        '[[exams]]\ncode = "ACME-1"\ntitle = "Acme Cloud"\naliases = ["acme course"]\n',
        encoding="utf-8",
    )
    result = run_cli("build", cwd=tmp_path)
    assert result.code == 0, result.err
    assert sorted(p.name for p in (tmp_path / "dist").glob("*.apkg")) == ["study-acme-1.apkg"]
    notes, decks = imported([tmp_path / "dist" / "study-acme-1.apkg"], tmp_path / "col")
    assert "ACME-1 Acme Cloud::Compute" in decks
    # the section before the exam's heading takes the exam the file names first
    assert {tags_of(note)["exam"] for note in notes} == {"acme-1"}
    assert tags_of(find(notes, "15 minutes"))["service"] == "lambda"


def test_a_card_asking_about_a_service_is_tagged_with_it(tmp_path: Path, run_cli: RunCli) -> None:
    project = make_project(tmp_path / "project", config="")
    (project / "notes" / "data.md").write_text(
        "---\nexam: MLS-C01\n---\n# Data Engineering\n\n"
        "- AWS Batch: runs containerised batch jobs; unlike AWS Glue, it is not limited to Spark, "
        "and AWS Glue jobs cannot run arbitrary Docker images.\n",
        encoding="utf-8",
    )
    assert run_cli("build", "notes/data.md", cwd=project).code == 0
    notes, _ = imported(sorted((project / "dist").glob("*.apkg")), tmp_path / "col")
    term = find(notes, "AWS Batch")
    assert tags_of(term)["service"] == "batch"
