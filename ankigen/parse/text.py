"""Bytes to clean text: detect the encoding, drop the BOM, normalise newlines, repair mojibake."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["DecodedText", "decode"]


@functools.cache
def _repair() -> Callable[[str], str]:
    """ftfy's repair of what a wrong decode broke, and nothing else: the author's quotes, widths
    and ligatures are theirs to keep, and HTML entities are the Markdown parser's business.

    ftfy (and charset_normalizer below) are imported when a file first needs them: together
    with what they import they were a third of the start-up of every build, and most notes
    are ASCII UTF-8."""
    import ftfy

    config = ftfy.TextFixerConfig(
        unescape_html=False,
        uncurl_quotes=False,
        fix_character_width=False,
        fix_latin_ligatures=False,
        normalization=None,
        explain=False,
    )
    return functools.partial(ftfy.fix_text, config=config)


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
        encoding, text = _detect(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    repaired = []
    for index, line in enumerate(lines):
        if line.isascii():
            continue
        fixed = _repair()(line)
        if fixed != line:
            lines[index] = fixed
            repaired.append(index + 1)
    return DecodedText("\n".join(lines), encoding, tuple(repaired))


def _detect(data: bytes) -> tuple[str, str]:
    """The likeliest encoding and the text in it.

    Short Western European notes fit several single-byte code pages equally well; of those
    ties, Windows-1252 is by far the one notes are written in, so it wins them.
    """
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise ValueError("not text in any known encoding")
    best = matches[0]
    for match in matches:
        if match.encoding == "cp1252" and match.chaos <= best.chaos + 0.01:
            best = match
            break
    return best.encoding, str(best).lstrip("\ufeff")
