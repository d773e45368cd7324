"""The shipped service catalogue and exam catalogue: complete, consistent, and finding what they list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ankigen.classify import classify
from ankigen.config import Config
from ankigen.exams import CATALOGUE, ExamFinder
from ankigen.model import Card, SourceFile
from ankigen.services import load_catalogue, shipped_catalogue

CATEGORY_OF = {
    "ec2": "Compute",
    "lambda": "Compute",
    "s3": "Storage",
    "ebs": "Storage",
    "efs": "Storage",
    "rds": "Database",
    "dynamodb": "Database",
    "vpc": "Networking & Content Delivery",
    "elb": "Networking & Content Delivery",
    "route53": "Networking & Content Delivery",
    "iam": "Security, Identity & Compliance",
    "kms": "Security, Identity & Compliance",
    "glue": "Analytics",
    "athena": "Analytics",
    "redshift": "Analytics",
    "kinesis-data-streams": "Analytics",
    "sagemaker": "Machine Learning",
    "comprehend": "Machine Learning",
    "rekognition": "Machine Learning",
    "cloudwatch": "Management & Governance",
    "cloudformation": "Management & Governance",
    "sqs": "Application Integration",
    "codepipeline": "Developer Tools",
    "snow-family": "Migration & Transfer",
    "cost-explorer": "Cost Management",
    "ec2-auto-scaling": "Compute",
    "ecs": "Containers",
}


def test_broad_coverage_with_categories() -> None:
    catalogue = shipped_catalogue()
    assert len(catalogue.services) >= 180
    for service_id, category in CATEGORY_OF.items():
        assert catalogue.services[service_id].category == category, service_id
    used = {service.category for service in catalogue.services.values()}
    assert used <= set(catalogue.categories)


@pytest.mark.parametrize("service_id", sorted(shipped_catalogue().services))
def test_every_service_is_found_by_its_own_names(service_id: str) -> None:
    service = shipped_catalogue().services[service_id]
    for name in {service.name, service.short}:
        found = shipped_catalogue().services_in(f"Notes about {name}, briefly.")
        assert [s.id for s in found][:1] == [service_id], name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EC2 instances behind an ALB in an ASG", ["ec2", "elb", "ec2-auto-scaling"]),
        ("autoscaling group", ["ec2-auto-scaling"]),
        ("Auto-Scaling Groups", ["ec2-auto-scaling"]),
        ("CloudWatch Events rule", ["eventbridge"]),  # the longer name wins
        ("Cloud Watch alarms", ["cloudwatch"]),
        ("S3 Glacier Deep Archive", ["s3-glacier"]),
        ("EC2 instance store", ["instance-store"]),
        ("AWS Config rules", ["config"]),
        ("the config file", []),  # a common word only counts as written
        ("I am here", []),  # IAM needs the letters together
        ("aws lambda", ["lambda"]),
        ("Kinesis Data Firehose", ["data-firehose"]),
        ("SageMaker Ground Truth", ["ground-truth"]),
        ("Route53 and Route 53", ["route53", "route53"]),
    ],
)
def test_names_found_in_text(text: str, expected: list[str]) -> None:
    assert [s.id for s in shipped_catalogue().services_in(text)] == expected


def test_ebs_means_elastic_block_store_unless_beanstalk_is_in_context() -> None:
    catalogue = shipped_catalogue()
    assert [s.id for s in catalogue.services_in("EBS volumes")] == ["ebs"]
    assert [s.id for s in catalogue.services_in("deploy with EBS", "Elastic Beanstalk")] == [
        "elastic-beanstalk"
    ]
    assert [s.id for s in catalogue.services_in("CF stack", "a template")] == ["cloudformation"]
    assert [s.id for s in catalogue.services_in("CF in front of S3", "edge cache")] == ["cloudfront", "s3"]
    assert [s.id for s in catalogue.services_in("CF")] == []  # no default: left unplaced


def test_categories_found_in_headings() -> None:
    catalogue = shipped_catalogue()
    assert catalogue.categories_in("Databases & Analytics") == ["Database", "Analytics"]
    assert catalogue.categories_in("Exploratory Data Analysis") == ["Machine Learning"]
    assert catalogue.categories_in("What is cloud computing?") == ["Cloud Concepts"]


def test_inconsistent_catalogue_is_refused() -> None:
    with pytest.raises(ValueError, match="names both"):
        load_catalogue(
            '[categories."Storage"]\n[services]\n'
            'a = { name = "A", category = "Storage", aliases = ["Same"] }\n'
            'b = { name = "B", category = "Storage", aliases = ["same"] }\n'
        )
    with pytest.raises(ValueError, match="unknown category"):
        load_catalogue('[services]\na = { name = "A", category = "Nowhere" }\n')


@pytest.mark.parametrize(
    ("heading", "code"),
    [
        ("Udemy course - AWS certified cloud practitioner", "CLF-C02"),
        ("AWS Certified Machine Learning - Specialty", "MLS-C01"),
        ("Solutions Architect Associate notes", "SAA-C03"),
        ("SysOps", "SOA-C02"),
        ("AWS Certified Developer \u2013 Associate", "DVA-C02"),
        ("saa-c02 leftovers", "SAA-C03"),  # an older code means the current exam
        ("Solutions Architect Professional", "SAP-C02"),
        ("Developer Tools", None),
        ("Developer Support plan", None),
        ("AWS Developer", "DVA-C02"),
        ("Developer exam", "DVA-C02"),
        ("Solutions Architect", "SAA-C03"),
        ("Talk to a solutions architect", None),
        ("ML Specialty", "MLS-C01"),
        ("Machine Learning", None),
    ],
)
def test_exam_named_in_heading(heading: str, code: str | None) -> None:
    exam = ExamFinder().in_text(heading)
    assert (exam.code if exam else None) == code


def test_exam_catalogue_codes_and_titles() -> None:
    by_code = {exam.code: exam.title for exam in CATALOGUE}
    assert by_code["SAA-C03"] == "Solutions Architect Associate"
    assert by_code["CLF-C02"] == "Cloud Practitioner"
    assert by_code["MLS-C01"] == "Machine Learning Specialty"
    assert {"SOA-C02", "DVA-C02"} <= set(by_code)
    assert ExamFinder().resolve("machine learning specialty") is not None


_WORDS = st.sampled_from(
    [
        "EBS",
        "Beanstalk",
        "S3",
        "SageMaker",
        "cloud practitioner",
        "SysOps",
        "Databases",
        "the",
        "<b>",
        "&amp;",
    ]
)
_TEXT = st.lists(st.one_of(_WORDS, st.text(max_size=12)), max_size=8).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(path=st.lists(_TEXT, max_size=4), front=_TEXT, back=_TEXT)
def test_any_card_gets_exactly_the_four_tags(path: list[str], front: str, back: str) -> None:
    source = SourceFile(Path("/notes/some file.md"), "notes/some file.md", Path("/notes"))
    card = Card("qa", "topic", "k", front, back, " › ".join(path), tuple(path), source, 1, tags=("keep::me",))
    (placed,) = classify([card], Config(root=Path("/notes")))
    kinds = [tag.split("::")[0] for tag in placed.tags]
    assert sorted(kinds) == ["domain", "exam", "keep", "service", "source"]
    assert all(re.fullmatch(r"[\w:-]+", tag) for tag in placed.tags), placed.tags
    assert placed.domain in (*shipped_catalogue().categories, "General")
    assert placed.exam and "source::some-file" in placed.tags
    assert placed.service == "" or placed.service in shipped_catalogue().services
