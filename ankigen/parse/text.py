"""Bytes to clean text: detect the encoding, drop the BOM, normalise newlines, repair mojibake."""

from __future__ import annotations

from dataclasses import dataclass

import ftfy
from charset_normalizer import from_bytes

__all__ = ["DecodedText", "decode"]

# Repair what a wrong decode broke, and nothing else: the author's quotes, widths and
# ligatures are theirs to keep, and HTML entities are the Markdown parser's business.
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    normalization=None,
    explain=False,
)


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    repaired_lines: tuple[int, ...]  # 1-based lines whose mojibake was repaired


def decode(data: bytes) -> DecodedText:
    """Decode a notes file. Raises ValueError when the bytes are not text at all."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError("binary file, not text")
    encoding = "utf-8"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        if best is None:
            raise ValueError("not text in any known encoding") from None
        encoding = best.encoding
        text = str(best).lstrip("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    repaired = []
    for index, line in enumerate(lines):
        if line.isascii():
            continue
        fixed = ftfy.fix_text(line, _FTFY)
        if fixed != line:
            lines[index] = fixed
            repaired.append(index + 1)
    return DecodedText("\n".join(lines), encoding, tuple(repaired))
