"""Reference-style links and images (`[text][label]` with `[label]: url` elsewhere in the file)."""

from __future__ import annotations

from pathlib import Path

from ankigen.model import SourceFile
from ankigen.parse import parse_file
from tests.conftest import RunCli
from tests.media_support import image_bytes, import_all, write

NOTES = """\
# Storage

## Amazon S3

- **Versioning** keeps every version, see [the S3 guide][s3] and [Glacier].
- **Lifecycle rules** move objects to cheaper classes: ![tiers][tiers]
- A [missing label][nowhere] stays as written.

[s3]: https://docs.aws.amazon.com/s3/ "S3 guide"
[glacier]: https://aws.amazon.com/glacier/
[tiers]: img/tiers.png
"""


def test_reference_definitions_are_kept_on_the_document_not_as_text(tmp_path: Path) -> None:
    path = write(tmp_path / "notes" / "s3.md", NOTES)
    document = parse_file(SourceFile(path, "notes/s3.md", tmp_path))
    assert document.references["S3"] == {"href": "https://docs.aws.amazon.com/s3/", "title": "S3 guide"}
    assert set(document.references) == {"S3", "GLACIER", "TIERS"}
    [storage] = document.sections
    texts = [block.text for child in storage.children for block in child.blocks]
    assert texts and not any("]:" in text for text in texts)
    assert [image.src for image in document.images] == ["img/tiers.png"]


def test_reference_links_and_images_show_in_anki(project: Path, run_cli: RunCli) -> None:
    write(project / "notes" / "s3.md", NOTES)
    write(project / "notes" / "img" / "tiers.png", image_bytes("PNG"))
    assert run_cli("build", "-o", "out", cwd=project).code == 0
    seen = import_all(project / "out", project / "col")
    fields = [value for note in seen.notes for value in note.fields.values()]
    shown = "\n".join(fields)
    assert '<a href="https://docs.aws.amazon.com/s3/" title="S3 guide"' in shown
    assert '<a href="https://aws.amazon.com/glacier/"' in shown
    assert "[the S3 guide][s3]" not in shown and "[Glacier]" not in shown
    assert "]: http" not in shown and "]: img/" not in shown  # the definitions are not card text
    assert "[missing label][nowhere]" in shown  # CommonMark: no definition, no link
    assert len(seen.media) == 1 and any(f'src="{name}"' in shown for name in seen.media)
