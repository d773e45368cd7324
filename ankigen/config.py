"""Load and validate the project's configuration: `ankigen.toml`, or `[tool.ankigen]` in pyproject.toml.

The config is checked as soon as it is read, so that a typo fails the build at once with the
file, key and line, instead of silently changing what the build does.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast

from ankigen.errors import ConfigError

__all__ = ["CONFIG_FILE", "Config", "ExamConfig", "find_root", "load_config"]

CONFIG_FILE = "ankigen.toml"
SplitMode = Literal["exam", "domain"]


@dataclass(frozen=True)
class ExamConfig:
    code: str  # e.g. "SAA-C03"
    title: str  # e.g. "Solutions Architect Associate"
    files: tuple[str, ...] = ()  # globs, relative to the project root, of notes for this exam


@dataclass(frozen=True)
class Config:
    root: Path
    output: str = "dist"
    deck_prefix: str = "AWS"
    default_exam: str = ""
    exams: tuple[ExamConfig, ...] = ()
    rules: Mapping[str, bool] = field(default_factory=dict)
    split: SplitMode = "exam"
    domains: Mapping[str, str] = field(default_factory=dict)  # category -> the exam guide's domain
    source: str = ""  # the file the config came from, "" for defaults

    def rule_enabled(self, name: str, default: bool = True) -> bool:
        return self.rules.get(name, default)


_KEYS: dict[str, type | tuple[type, ...]] = {
    "output": str,
    "deck_prefix": str,
    "default_exam": str,
    "exams": list,
    "rules": dict,
    "split": str,
    "domains": dict,
}
_EXAM_KEYS: dict[str, type | tuple[type, ...]] = {"code": str, "title": str, "files": list}


def find_root(start: Path) -> Path:
    """The project root: the nearest folder at or above `start` holding a config file, else `start`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.ankigen]" in pyproject.read_text(
            encoding="utf-8", errors="replace"
        ):
            return folder
    return start


def load_config(root: Path, explicit: Path | None = None) -> Config:
    """Read the config for the project at `root`; defaults when there is none."""
    root = root.resolve()
    candidates = [explicit] if explicit else [root / CONFIG_FILE, root / "pyproject.toml"]
    for path in candidates:
        if path is None or not path.is_file():
            if explicit:
                raise ConfigError(str(explicit), "config file not found")
            continue
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = getattr(exc, "lineno", 0) or _line_from_message(str(exc))
            raise ConfigError(str(path), f"invalid TOML: {exc}", line=line) from None
        if path.name == "pyproject.toml":
            tool = data.get("tool", {})
            if "ankigen" not in tool:
                continue
            data = tool["ankigen"]
        return _validate(data, path, text, root)
    return Config(root=root)


def _line_from_message(message: str) -> int:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else 0


def _line_of(text: str, key: str) -> int:
    """The line a key is set on, for error messages (tomllib does not report positions)."""
    pattern = re.compile(rf"^\s*(\[+\s*)?[\"']?{re.escape(key)}[\"']?\s*(=|\])", re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def _check_types(
    data: Mapping[str, object],
    allowed: Mapping[str, type | tuple[type, ...]],
    prefix: str,
    path: Path,
    text: str,
) -> None:
    for key, value in data.items():
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise ConfigError(
                str(path), f"unknown key (known: {known})", key=prefix + key, line=_line_of(text, key)
            )
        if not isinstance(value, allowed[key]):
            expected = allowed[key]
            name = expected.__name__ if isinstance(expected, type) else "/".join(t.__name__ for t in expected)
            raise ConfigError(str(path), f"expected {name}", key=prefix + key, line=_line_of(text, key))


def _validate(data: Mapping[str, object], path: Path, text: str, root: Path) -> Config:
    _check_types(data, _KEYS, "", path, text)
    exams = []
    for index, raw in enumerate(cast(list[object], data.get("exams", []))):
        key = f"exams[{index}]"
        if not isinstance(raw, dict):
            raise ConfigError(str(path), "expected a table", key=key, line=_line_of(text, "exams"))
        _check_types(raw, _EXAM_KEYS, key + ".", path, text)
        if "code" not in raw:
            raise ConfigError(str(path), "missing 'code'", key=key, line=_line_of(text, "exams"))
        files = raw.get("files", [])
        if not all(isinstance(f, str) for f in files):
            raise ConfigError(
                str(path), "expected a list of globs", key=key + ".files", line=_line_of(text, "files")
            )
        exams.append(
            ExamConfig(code=raw["code"], title=str(raw.get("title", raw["code"])), files=tuple(files))
        )
    rules = cast(dict[str, object], data.get("rules", {}))
    for name, value in rules.items():
        if not isinstance(value, bool):
            raise ConfigError(
                str(path), "expected true or false", key=f"rules.{name}", line=_line_of(text, name)
            )
    split = data.get("split", "exam")
    if split not in ("exam", "domain"):
        raise ConfigError(str(path), "expected 'exam' or 'domain'", key="split", line=_line_of(text, "split"))
    domains = cast(dict[str, object], data.get("domains", {}))
    for name, value in domains.items():
        if not isinstance(value, str):
            raise ConfigError(
                str(path), "expected a string", key=f"domains.{name}", line=_line_of(text, name)
            )
    return Config(
        root=root,
        output=cast(str, data.get("output", "dist")),
        deck_prefix=cast(str, data.get("deck_prefix", "AWS")),
        default_exam=cast(str, data.get("default_exam", "")),
        exams=tuple(exams),
        rules=cast(dict[str, bool], rules),
        split=split,
        domains=cast(dict[str, str], domains),
        source=str(path),
    )
