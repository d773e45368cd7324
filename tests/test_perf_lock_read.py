"""Reading the lock: the quick reading of a line ankigen wrote is the checked reading, exactly.

`ankigen.lockfile` reads each entry line without LockEntry's __init__ and with one type check
per kind of value; any line it does not take is read by the checked path, which names what is
wrong.  These tests compare the two on the repository's own lock, on entries made by hypothesis
and on lines whose values have every type JSON can give them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ankigen.errors import InputError
from ankigen.lockentry import checked_entry, quick_entry
from ankigen.lockfile import (
    LockEntry,
    _line,
    parse_line,
    parse_lock,
    read_lock,
    render_lock,
)

REPO_LOCK = Path(__file__).resolve().parents[1] / "ankigen.lock"
_TEXT = st.text(max_size=12)


def _same(quick: LockEntry | None, checked: LockEntry) -> None:
    assert quick is not None
    assert quick == checked
    assert list(quick.__dict__.items()) == list(checked.__dict__.items())  # line and field order too


def _outcome(line: str) -> object:
    """What reading `line` as an entry gives: its fields and line, or the error's message."""
    try:
        return list(parse_line(line, 7).__dict__.items())
    except InputError as exc:
        return str(exc)


def _checked_outcome(line: str) -> object:
    try:
        return list(checked_entry(line.strip(), "ankigen.lock", 7).__dict__.items())
    except InputError as exc:
        return str(exc)


def test_every_line_of_the_shipped_lock_is_read_quickly_as_the_checked_reading_reads_it() -> None:
    lines = [line for line in REPO_LOCK.read_text(encoding="utf-8").splitlines() if line.startswith("{")]
    assert len(lines) > 100
    for number, line in enumerate(lines, start=1):
        _same(quick_entry(line), checked_entry(line, "ankigen.lock", number))
    kinds = {entry.kind for entry in parse_lock(REPO_LOCK.read_text(encoding="utf-8")).entries}
    assert kinds == {"qa", "cloze"}


entries = st.builds(
    LockEntry,
    guid=_TEXT,
    key=_TEXT,
    kind=st.sampled_from(["qa", "cloze"]),
    fingerprint=_TEXT,
    mtime=st.integers(min_value=0, max_value=2**40),
    title=_TEXT,
    text=_TEXT,
    source=_TEXT,
    exam=_TEXT,
    domain=_TEXT,
    pin=_TEXT,
    tags=st.lists(_TEXT, max_size=3).map(tuple),
    clozes=st.dictionaries(_TEXT, st.integers(1, 9), max_size=3).map(lambda d: tuple(sorted(d.items()))),
    removed=st.booleans(),
)


@settings(max_examples=80, deadline=None)
@given(entries)
def test_an_entry_ankigen_writes_is_read_back_quickly_as_it_was(entry: LockEntry) -> None:
    line = _line(entry)
    quick = quick_entry(line)
    _same(quick, checked_entry(line, "ankigen.lock", 1))
    assert quick == entry


json_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
    _TEXT,
    st.lists(st.one_of(_TEXT, st.integers(0, 3), st.booleans()), max_size=2),
    st.dictionaries(
        _TEXT, st.one_of(st.integers(0, 3), st.booleans(), _TEXT, st.floats(width=16)), max_size=2
    ),
)
_KEYS = [
    "guid",
    "key",
    "kind",
    "fp",
    "mod",
    "title",
    "text",
    "file",
    "exam",
    "domain",
    "pin",
    "tags",
    "clozes",
]


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from([*_KEYS, "removed", "other"]), json_values, max_size=len(_KEYS) + 2),
    st.sampled_from(["qa", "cloze", "QA", 1]),
    st.sampled_from(["", " ", "x", ", 1", "\ufeff"]),
)
def test_a_line_of_any_shape_is_read_or_refused_as_the_checked_reading_does(
    values: dict[str, Any], kind: object, around: str
) -> None:
    base: dict[str, Any] = {"guid": "agX", "key": "k", "kind": kind, "fp": "f", "mod": 3}
    line = json.dumps({**base, **values})
    for variant in (line, around + line, line + around, json.dumps([{**base, **values}])):
        assert _outcome(variant) == _checked_outcome(variant)


@pytest.mark.parametrize(
    "line",
    [
        '{"guid": "agA", "key": "k", "kind": "qa", "fp": "1", "mod": 1.5}',
        '{"guid": "agA", "key": "k", "kind": "qa", "fp": "1", "mod": true}',
        '{"guid": "agA", "key": "k", "kind": "qa", "fp": "1", "mod": "12"}',
        '{"guid": "agA", "key": "k", "kind": "qa", "fp": "1", "mod": 1, "removed": 1}',
        '{"guid": "agA", "key": "k", "kind": "qa", "fp": "1", "mod": 1, "tags": "ab"}',
        '{"guid": "agA", "key": "k", "kind": "cloze", "fp": "1", "mod": 1, "clozes": {"t": true}}',
        '{"guid": "agA", "key": "k", "kind": "cloze", "fp": "1", "mod": 1, "clozes": {"t": 2.0}}',
    ],
)
def test_a_line_ankigen_would_not_write_is_read_by_the_checked_reading(line: str) -> None:
    assert quick_entry(line) is None
    assert _outcome(line) == _checked_outcome(line)


def test_an_unreadable_line_is_still_named_by_file_and_line() -> None:
    good = '{"guid": "agA", "key": "k", "kind": "qa", "fp": "1", "mod": 1}'
    bad = good.replace('"agA"', "5")
    text = f"# header\n{good}\n{bad}\n"
    with pytest.raises(InputError) as caught:
        parse_lock(text)
    assert str(caught.value) == (
        "ankigen.lock:3: unreadable lock entry (expected a string, got 5); fix or remove this line"
    )


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \u2028\u2029\x85\x0b\x0c\x1c\r›"), max_size=10))
def test_only_a_newline_ends_a_lock_line(title: str) -> None:
    """JSON leaves U+2028, U+0085 and their like raw inside a string: they are not line ends."""
    entry = LockEntry(guid="agX", key="k", kind="qa", fingerprint="f", mtime=1, title=title, text=title)
    lock = parse_lock(render_lock([entry]))
    assert lock.entries == (entry,)


def test_the_lock_file_is_read_as_it_is_parsed(tmp_path: Path) -> None:
    entries = [
        LockEntry(guid=f"ag{i}", key=f"k{i}", kind="qa", fingerprint="f", mtime=i, title="a\u2028b ›")
        for i in range(3)
    ]
    (tmp_path / "ankigen.lock").write_text(render_lock(entries).replace("\n", "\r\n"), encoding="utf-8")
    assert read_lock(tmp_path).entries == tuple(entries)
    (tmp_path / "ankigen.lock").write_bytes(b"# header\n\xff\xfe not UTF-8\n")
    with pytest.raises(InputError, match="cannot read"):
        read_lock(tmp_path)
