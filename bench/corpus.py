"""Deterministic synthetic AWS study notes, in ankigen's shape and in ankdown's.

The notes look like real certification notes: one H1 per file, `##` services with `###`
aspects under them, paragraphs with **bold terms** and `code`, nested bullets, Q/A
headings, images, fenced code and the odd table.  Every heading counts as one section.
The same random stream gives the same bytes on every machine and Python version
(only `random.Random(seed)` with integer draws and `choice` is used).

ankdown reads another format (front, `%`, back, `---` between cards), so each section is
also written as one ankdown card: the heading as front, the same Markdown body as back.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "SECTIONS_PER_FILE",
    "CorpusSpec",
    "Section",
    "ankdown_file",
    "generate",
    "notes_file",
    "sections_for",
]

GENERATOR_VERSION = 1
SECTIONS_PER_FILE = 100
IMAGE_COUNT = 24

_SERVICES = (
    ("Amazon S3", "storage", "s3"), ("Amazon EBS", "storage", "ec2"), ("Amazon EFS", "storage", "efs"),
    ("Amazon FSx", "storage", "fsx"), ("AWS Storage Gateway", "storage", "storagegateway"),
    ("Amazon EC2", "compute", "ec2"), ("AWS Lambda", "compute", "lambda"), ("Amazon ECS", "compute", "ecs"),
    ("Amazon EKS", "compute", "eks"), ("AWS Fargate", "compute", "ecs"), ("AWS Batch", "compute", "batch"),
    ("Amazon RDS", "database", "rds"), ("Amazon Aurora", "database", "rds"),
    ("Amazon DynamoDB", "database", "dynamodb"), ("Amazon ElastiCache", "database", "elasticache"),
    ("Amazon Redshift", "analytics", "redshift"), ("Amazon Kinesis", "analytics", "kinesis"),
    ("Amazon Athena", "analytics", "athena"), ("AWS Glue", "analytics", "glue"),
    ("Amazon VPC", "networking", "ec2"), ("Amazon Route 53", "networking", "route53"),
    ("Amazon CloudFront", "networking", "cloudfront"), ("Elastic Load Balancing", "networking", "elbv2"),
    ("AWS Direct Connect", "networking", "directconnect"), ("AWS Transit Gateway", "networking", "ec2"),
    ("AWS IAM", "security", "iam"), ("AWS KMS", "security", "kms"), ("Amazon Cognito", "security", "cognito"),
    ("AWS WAF", "security", "wafv2"), ("AWS Shield", "security", "shield"),
    ("Amazon GuardDuty", "security", "guardduty"), ("Amazon SQS", "integration", "sqs"),
    ("Amazon SNS", "integration", "sns"), ("Amazon EventBridge", "integration", "events"),
    ("AWS Step Functions", "integration", "stepfunctions"), ("Amazon CloudWatch", "operations", "cloudwatch"),
    ("AWS CloudTrail", "operations", "cloudtrail"), ("AWS Config", "operations", "configservice"),
    ("AWS CloudFormation", "operations", "cloudformation"),
    ("AWS Organizations", "governance", "organizations"),
)  # fmt: skip
_ASPECTS = (
    "Durability and availability", "Pricing model", "Encryption", "Access control", "Scaling",
    "Limits and quotas", "Monitoring", "Backups and snapshots", "Cross-region options", "Performance tuning",
    "Networking", "Failure modes", "Lifecycle", "Integration points", "Cost optimisation", "Compliance",
)  # fmt: skip
_TERMS = (
    "eventual consistency", "strong consistency", "provisioned capacity", "on-demand mode", "burst credits",
    "multi-AZ deployment", "read replica", "lifecycle policy", "bucket policy", "resource policy",
    "envelope encryption", "customer managed key", "VPC endpoint", "security group", "network ACL",
    "dead-letter queue", "visibility timeout", "long polling", "reserved concurrency", "cold start",
    "placement group", "spot interruption", "savings plan", "point-in-time recovery", "global table",
    "edge location", "origin access control", "health check", "sticky sessions", "cross-zone balancing",
    "service control policy", "permission boundary", "trust policy", "session token", "presigned URL",
    "throughput mode", "IOPS", "snapshot", "failover", "replication lag", "partition key", "sort key",
)  # fmt: skip
_VERBS = (
    "keeps", "limits", "replaces", "protects", "speeds up", "costs extra for", "is billed by", "needs",
    "works with", "is turned off for", "scales with", "is required for", "is optional for", "caches",
)  # fmt: skip
_OBJECTS = (
    "every request", "each partition", "the whole account", "data at rest", "data in transit",
    "cross-account access", "small objects", "large uploads", "read-heavy workloads", "bursty traffic",
    "a single Availability Zone", "the control plane", "private subnets", "the default VPC",
    "regional endpoints", "older versions", "idle connections", "the first request", "batch jobs",
)  # fmt: skip
_NUMBERS = ("1 MB", "5 GB", "64 KB", "15 minutes", "99.99%", "11 nines", "3 AZs", "35 days", "10,000", "5 TB")
_CODE = (
    ("bash", "aws {svc} describe-{thing} --region {region}\naws {svc} list-{thing}s --max-items {n}"),
    ("json", '{{\n  "Effect": "Allow",\n  "Action": "{svc}:Get*",\n  "Resource": "arn:aws:{svc}:*"\n}}'),
    ("yaml", "Resources:\n  My{Thing}:\n    Type: AWS::{Svc}::{Thing}\n    Properties:\n      Count: {n}"),
    ("python", 'import boto3\n\nclient = boto3.client("{svc}", "{region}")\nclient.list_{thing}s()'),
)  # fmt: skip
_REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2", "eu-central-1", "us-west-2")


@dataclass(frozen=True)
class Section:
    """One generated section: its heading line's level and text, and its Markdown body."""

    level: int
    title: str
    body: str


@dataclass(frozen=True)
class CorpusSpec:
    sections: int
    seed: int = 7

    @property
    def files(self) -> int:
        return max(1, -(-self.sections // SECTIONS_PER_FILE))

    @property
    def name(self) -> str:
        return f"corpus-{self.sections}-s{self.seed}-v{GENERATOR_VERSION}"


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def term(self) -> str:
        return self.rng.choice(_TERMS)

    def sentence(self, bold: bool) -> str:
        rng = self.rng
        term = self.term()
        term = term[0].upper() + term[1:] if self.rng.randrange(2) else term
        subject = f"**{term}**" if bold else term[0].upper() + term[1:]
        tail = rng.choice(_OBJECTS)
        extra = ""
        roll = rng.randrange(10)
        if roll < 3:
            extra = f", up to **{rng.choice(_NUMBERS)}**" if bold else f", up to {rng.choice(_NUMBERS)}"
        elif roll < 5:
            extra = f" (see `{rng.choice(_TERMS).replace(' ', '-')}`)"
        elif roll == 5:
            extra = f", as the [user guide](https://docs.aws.amazon.com/guide/{rng.randrange(999)}) explains"
        return f"{subject} {rng.choice(_VERBS)} {tail}{extra}."

    def bullets(self) -> str:
        rng = self.rng
        lines = []
        for _ in range(rng.randrange(3, 6)):
            lines.append(f"- {self.sentence(bold=rng.randrange(10) < 6)}")
            for _ in range(rng.choice((0, 0, 1, 2, 3))):
                lines.append(f"  - {self.sentence(bold=rng.randrange(10) < 4)}")
        return "\n".join(lines)

    def code(self, service_slug: str) -> str:
        rng = self.rng
        language, template = rng.choice(_CODE)
        thing = rng.choice(("bucket", "instance", "table", "queue", "topic", "cluster"))
        text = template.format(
            svc=service_slug,
            Svc=service_slug.capitalize(),
            thing=thing,
            Thing=thing.capitalize(),
            region=rng.choice(_REGIONS),
            n=rng.randrange(1, 500),
        )
        return f"```{language}\n{text}\n```"

    def table(self) -> str:
        rows = [f"| {self.term()} | {self.rng.choice(_NUMBERS)} |" for _ in range(self.rng.randrange(2, 5))]
        return "\n".join(["| Setting | Value |", "| --- | --- |", *rows])

    def body(self, service: tuple[str, str, str]) -> str:
        rng = self.rng
        parts = [" ".join(self.sentence(bold=rng.randrange(10) < 5) for _ in range(rng.randrange(2, 4)))]
        parts.append(self.bullets())
        roll = rng.randrange(20)
        if roll < 4:
            index = rng.randrange(IMAGE_COUNT)
            parts.append(f"![{service[0]} {rng.choice(_ASPECTS).lower()}](../images/diagram-{index:02d}.png)")
        elif roll < 7:
            parts.append(self.code(service[2]))
        elif roll == 7:
            parts.append(self.table())
        return "\n\n".join(parts)

    def question(self, service: tuple[str, str, str]) -> Section:
        rng = self.rng
        term = self.term()
        title = f"Q: Which {service[0]} feature {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}?"
        answer = f"A: Use {term}, because it {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}."
        return Section(3, title, f"{answer}\n\n{self.sentence(bold=False)}")


def sections_for(spec: CorpusSpec, file_index: int) -> list[Section]:
    """The sections of one file: an H1, then `##` services each followed by `###` aspects or Q/As."""
    rng = random.Random(spec.seed * 1_000_003 + file_index)
    writer = _Writer(rng)
    first = file_index * SECTIONS_PER_FILE
    count = min(SECTIONS_PER_FILE, spec.sections - first)
    service = _SERVICES[file_index % len(_SERVICES)]
    sections = [Section(1, f"{service[1].capitalize()} notes, part {file_index + 1}", writer.body(service))]
    while len(sections) < count:
        service = rng.choice(_SERVICES)
        sections.append(Section(2, f"{service[0]} ({len(sections)})", writer.body(service)))
        for aspect in rng.sample(_ASPECTS, rng.randrange(1, 4)):
            if len(sections) >= count:
                break
            if rng.randrange(4) == 0:
                sections.append(writer.question(service))
            else:
                sections.append(Section(3, aspect, writer.body(service)))
    return sections


def notes_file(spec: CorpusSpec, file_index: int) -> str:
    """One ankigen notes file."""
    parts = ["---\nexam: SAA-C03\n---"]
    parts.extend(f"{'#' * s.level} {s.title}\n\n{s.body}" for s in sections_for(spec, file_index))
    return "\n\n".join(parts) + "\n"


def ankdown_file(spec: CorpusSpec, file_index: int) -> str:
    """The same sections as ankdown cards: heading, `%`, body, `---`."""
    cards = [f"{s.title}\n\n%\n\n{s.body}\n" for s in sections_for(spec, file_index)]
    return "\n---\n\n".join(cards)


def _png(index: int) -> bytes:
    """A small, distinct PNG per index (Pillow is an ankigen dependency)."""
    import io

    from PIL import Image

    image = Image.new("RGB", (64, 48), ((index * 37) % 256, (index * 91) % 256, (index * 53) % 256))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def generate(spec: CorpusSpec, root: Path) -> Path:
    """Write the corpus under root/spec.name (once; reused when complete) and return that folder.

    Layout: `notes/NNNN.md` (ankigen), `ankdown/notes/NNNN.md` (ankdown), `images/` shared by both.
    """
    folder = root / spec.name
    done = folder / ".complete"
    if done.is_file():
        return folder
    for sub in ("notes", "images", "ankdown/notes", "ankdown/images"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for index in range(IMAGE_COUNT):
        data = _png(index)
        (folder / "images" / f"diagram-{index:02d}.png").write_bytes(data)
        (folder / "ankdown" / "images" / f"diagram-{index:02d}.png").write_bytes(data)
    for index in range(spec.files):
        (folder / "notes" / f"{index:04d}.md").write_text(notes_file(spec, index), encoding="utf-8")
        (folder / "ankdown" / "notes" / f"{index:04d}.md").write_text(
            ankdown_file(spec, index), encoding="utf-8"
        )
    (folder / "ankigen.toml").write_text(
        'default_exam = "SAA-C03"\n\n[[exams]]\ncode = "SAA-C03"\ntitle = "Solutions Architect Associate"\n',
        encoding="utf-8",
    )
    done.write_text("", encoding="utf-8")
    return folder
