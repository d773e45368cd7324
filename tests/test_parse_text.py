"""Bytes on disk to text: encodings, BOMs, line endings, mojibake, scripts other than Latin."""

from __future__ import annotations

from pathlib import Path

import pytest

from ankigen.parse import parse_file
from ankigen.parse.text import decode
from tests.parse_helpers import source_for, texts


def parsed(tmp_path: Path, data: bytes, name: str = "notes.md") -> tuple[list[str], list[str]]:
    path = tmp_path / name
    path.write_bytes(data)
    document = parse_file(source_for(path))
    return list(texts(document)), [str(d) for d in document.diagnostics]


def test_bom_and_crlf_are_tolerated(tmp_path: Path) -> None:
    found, diagnostics = parsed(tmp_path, "\ufeff# Topic\r\n- first\r\n- second\r\n".encode())
    assert found[:3] == ["Topic", "", "first"] and "second" in found
    assert diagnostics == []


def test_old_mac_line_endings_are_lines(tmp_path: Path) -> None:
    found, _ = parsed(tmp_path, b"# Topic\r- first\r- second\r")
    assert "first" in found and "second" in found


def test_latin1_is_detected_and_reported(tmp_path: Path) -> None:
    data = "# Caf\u00e9\n- cr\u00e8me br\u00fbl\u00e9e, na\u00efve r\u00e9sum\u00e9\n".encode("latin-1")
    found, diagnostics = parsed(tmp_path, data)
    assert "Caf\u00e9" in found and "cr\u00e8me br\u00fbl\u00e9e, na\u00efve r\u00e9sum\u00e9" in found
    assert diagnostics == ["notes.md: not UTF-8; decoded as cp1252"]


@pytest.mark.parametrize("codec", ["gb18030", "utf-16", "shift_jis"])
def test_other_encodings_of_cjk_text_decode(codec: str) -> None:
    chinese = "# \u6570\u636e\u5e93\n- \u8fd9\u662f\u4e00\u4e2a\u6d4b\u8bd5\u53e5\u5b50\u3002\n"
    japanese = (
        "# \u30e1\u30e2\n- \u3053\u308c\u306f\u65e5\u672c\u8a9e\u306e\u30c6\u30b9\u30c8\u3067\u3059\u3002\n"
    )
    text = japanese if codec == "shift_jis" else chinese
    decoded = decode(text.encode(codec))
    assert decoded.text == text
    assert decoded.encoding != "utf-8"


def test_mojibake_is_repaired_and_located(tmp_path: Path) -> None:
    data = "# S3\n- plain line\n- S3\u00e2\u20ac\u2122s cheapest class\n".encode()
    found, diagnostics = parsed(tmp_path, data)
    assert "S3\u2019s cheapest class" in found
    assert diagnostics == ["notes.md:3: repaired mis-encoded text on 1 line(s)"]


def test_chinese_and_korean_are_left_alone(tmp_path: Path) -> None:
    lines = ["\u4e9a\u9a6c\u900a \uff08\u7ea2\u8272\u8fc1\u79fb\uff09", "\ud55c\uad6d\uc5b4 \uba54\ubaa8"]
    found, diagnostics = parsed(tmp_path, f"# T\n- {lines[0]}\n- {lines[1]}\n".encode())
    assert lines[0] in found and lines[1] in found
    assert diagnostics == []


def test_authors_typography_is_not_rewritten() -> None:
    text = "# \u201cQuotes\u201d \u2014 and \ufb01 ligature, \uff21 wide\n"
    assert decode(text.encode()).text == text


@pytest.mark.parametrize("data", [b"\x00\x01binary\x00", bytes(range(256)) * 8])
def test_binary_is_an_error_naming_the_file(tmp_path: Path, data: bytes) -> None:
    found, diagnostics = parsed(tmp_path, data, "image.md")
    assert found == []
    assert diagnostics == ["image.md: binary file, not text"]


def test_empty_and_blank_files_say_so(tmp_path: Path) -> None:
    assert parsed(tmp_path, b"")[1] == ["notes.md: empty file: no cards"]
    assert parsed(tmp_path, "\ufeff \n\t\r\n".encode())[1] == ["notes.md: empty file: no cards"]
