"""Reading the lock with orjson gives exactly what reading it as text with json gives.

`read_lock` reads a lock as ankigen writes it as bytes, each entry line with orjson; any lock
with a line it does not take is read again as text by the checked reading.  orjson and json
differ (json takes NaN, lone surrogates and integers of any size; orjson makes a float of an
integer too big for 64 bits): these tests hold the quick reading to the text reading, entry by
entry (fields, their order and the line kept) and on whole files of every kind of line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ankigen.errors import InputError
from ankigen.lockentry import LockEntry, orjson_entry, quick_entry
from ankigen.lockfile import LOCK_FILE, _parse_lines, _quick_lines, read_lock

_BASE: dict[str, Any] = {"guid": "agX", "key": "k", "kind": "qa", "fp": "f", "mod": 3}
_TEXT = st.text(alphabet=st.sampled_from('ab ›\u2028\x00\x1c"\\é'), max_size=6)
_ODD = st.sampled_from(
    [
        "NaN",
        "Infinity",
        "-Infinity",
        "1e400",
        "123456789012345678901234567890",
        "18446744073709551615",
        "-9223372036854775809",
        "-0",
        "1.0",
        "1E2",
        '"\\ud800"',
        '"\\udc00x"',
        '"\\ud83d\\ude00"',
        '"\\u0000"',
        "true",
        "null",
        "[]",
        "{}",
        '["a", 1]',
        '{"t": 2, "t": "x"}',
    ]
)
_KEYS = ["guid", "key", "kind", "fp", "mod", "title", "text", "file", "exam", "domain", "pin", "tags"]
_KEYS += ["clozes", "removed", "other"]


@st.composite
def lines(draw: st.DrawFn) -> str:
    """An entry line as json writes it, with some values replaced by raw JSON of every odd kind
    (possibly a key twice), and odd bytes around it."""
    values = draw(st.dictionaries(st.sampled_from(_KEYS), st.one_of(_TEXT, st.integers(-2, 2)), max_size=4))
    parts = [
        f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=draw(st.booleans()))}"
        for k, v in {**_BASE, **values}.items()
    ]
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(parts)))
        parts.insert(at, f"{json.dumps(draw(st.sampled_from(_KEYS)))}: {draw(_ODD)}")
    line = "{" + draw(st.sampled_from([", ", ",", ",\t"])).join(parts) + "}"
    return (
        draw(st.sampled_from(["", " ", "\t", "\x1c", "\u2028", "\ufeff"]))
        + line
        + draw(st.sampled_from(["", " ", "\x0b", "\x1f", "\u3000", "x"]))
    )


def _fields(entry: LockEntry | None) -> object:
    return None if entry is None else list(entry.__dict__.items())


@settings(max_examples=300, deadline=None)
@given(lines())
@example('{"guid": "agX", "key": "k", "kind": "qa", "fp": "f", "mod": 123456789012345678901234567890}')
@example('{"guid": "agX", "key": "k", "kind": "qa", "fp": "f", "mod": 3, "title": "\\ud800"}')
@example('{"guid": "agX", "key": "k", "kind": "qa", "fp": "f", "mod": 3, "mod": 4}')
def test_orjson_takes_a_line_only_as_json_reads_it(line: str) -> None:
    stripped = line.strip()
    quick = orjson_entry(stripped.encode("utf-8"))
    if quick is not None:
        assert _fields(quick) == _fields(quick_entry(stripped))


def _text_reading(path: Path) -> object:
    """What reading the lock gives the long way: as text, line by line, checked."""
    try:
        with path.open(encoding="utf-8") as text:
            lock = _parse_lines(text, LOCK_FILE)
    except UnicodeDecodeError as exc:
        return f"cannot read: {exc}"
    except InputError as exc:
        return str(exc)
    return [_fields(e) for e in lock.entries], [d.__dict__ for d in lock.diagnostics]


def _reading(path: Path) -> object:
    try:
        lock = read_lock(path.parent)
    except InputError as exc:
        message = str(exc)
        return message.removeprefix(f"{LOCK_FILE}: ") if "cannot read" in message else message
    return [_fields(e) for e in lock.entries], [d.__dict__ for d in lock.diagnostics]


_GOOD = [
    '{"guid": "agB", "key": "k", "kind": "cloze", "fp": "1", "mod": 5, "clozes": {"t": 1}, "tags": ["a"]}',
    '{"guid": "agA", "key": "k2", "kind": "qa", "fp": "2", "mod": 4, "title": "a › b\u2028c"}',
    '{"guid": "agA", "key": "k2", "kind": "qa", "fp": "3", "mod": 4}',
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_GOOD),
            st.sampled_from(
                ["", "   ", "# a comment ›", "#", "<<<<<<< HEAD", "=======", ">>>>>>> b", "\x1c"]
            ),
            lines(),
        ),
        max_size=6,
    ),
    st.sampled_from([b"\n", b"\r\n", b"\r"]),
    st.sampled_from([b"", b"\xff", b"\xef\xbb\xbf", b"\xc3"]),
    st.integers(0, 6),
    st.booleans(),
)
def test_a_lock_is_read_as_its_text_is_read(
    tmp_path: Path, content: list[str], newline: bytes, odd: bytes, at: int, after: bool
) -> None:
    encoded = [line.encode("utf-8") for line in content] or [b""]
    at = min(at, len(encoded) - 1)
    encoded[at] = encoded[at] + odd if after else odd + encoded[at]
    path = tmp_path / LOCK_FILE
    path.write_bytes(newline.join(encoded) + newline)
    assert _reading(path) == _text_reading(path)


def test_a_lock_ankigen_wrote_is_read_by_orjson(tmp_path: Path) -> None:
    path = tmp_path / LOCK_FILE
    path.write_text("# header\n\n" + "\n".join(_GOOD) + "\n", encoding="utf-8")
    with path.open("rb") as raw:
        quick = _quick_lines(raw)
    assert quick is not None
    assert [_fields(e) for e in quick.entries] == _text_reading(path)[0]  # type: ignore[index]


@pytest.mark.parametrize("line", ['{"a": NaN}', '{"guid": "\\ud800"}', "[1]", '{"mod": 1e400}'])
def test_orjson_refuses_what_only_json_takes(line: str) -> None:
    assert orjson_entry(line.encode("utf-8")) is None
