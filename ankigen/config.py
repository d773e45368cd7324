"""Load and validate the project's configuration: `ankigen.toml`, or `[tool.ankigen]` in pyproject.toml.

The config is checked as soon as it is read, so that a typo fails the build at once with the
file, key and line, instead of silently changing what the build does. Every key is optional;
README.md ("The config file") documents them.
"""

from __future__ import annotations

import difflib
import re
import string
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast

from ankigen.errors import ConfigError
from ankigen.exams import Exam, ExamFinder
from ankigen.services import shipped_catalogue
from ankigen.tomllines import KeyPath, line_of

__all__ = [
    "CONFIG_FILE",
    "DECK_FIELDS",
    "DEFAULT_DECK_NAME",
    "DEFAULT_PACKAGE_NAME",
    "Config",
    "ExamConfig",
    "find_root",
    "load_config",
]

CONFIG_FILE = "ankigen.toml"
SplitMode = Literal["exam", "domain"]
DEFAULT_DECK_NAME = "{prefix} {code} {title}::{domain}"
DEFAULT_PACKAGE_NAME = "{prefix}-{code}"
DECK_FIELDS = ("prefix", "code", "title", "domain")  # what deck_name and package_name may use


@dataclass(frozen=True)
class ExamConfig:
    code: str  # e.g. "SAA-C03"
    title: str  # e.g. "Solutions Architect Associate"
    files: tuple[str, ...] = ()  # globs, relative to the project root, of notes for this exam
    aliases: tuple[str, ...] = ()  # phrases that name this exam in a heading
    domains: Mapping[str, str] = field(default_factory=dict)  # category or service id -> domain


@dataclass(frozen=True)
class Config:
    root: Path
    output: str = "dist"
    deck_prefix: str = "AWS"
    default_exam: str = ""
    exams: tuple[ExamConfig, ...] = ()
    rules: Mapping[str, bool] = field(default_factory=dict)
    split: SplitMode = "exam"
    domains: Mapping[str, str] = field(default_factory=dict)  # category or service id -> domain
    source: str = ""  # the file the config came from, "" for defaults
    deck_name: str = DEFAULT_DECK_NAME  # a str.format template over DECK_FIELDS
    package_name: str = DEFAULT_PACKAGE_NAME  # the same, for the .apkg file name (slugged)

    def rule_enabled(self, name: str, default: bool = True) -> bool:
        return self.rules.get(name, default)


_STRING = "a string"
_STRINGS = "a list of strings"
_TABLE = "a table"
_KEYS = {
    "output": _STRING,
    "deck_prefix": _STRING,
    "deck_name": _STRING,
    "package_name": _STRING,
    "default_exam": _STRING,
    "split": _STRING,
    "exams": "a list of tables ([[exams]])",
    "rules": _TABLE,
    "domains": _TABLE,
}
_EXAM_KEYS = {"code": _STRING, "title": _STRING, "files": _STRINGS, "aliases": _STRINGS, "domains": _TABLE}
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def find_root(start: Path) -> Path:
    """The project root: the nearest folder at or above `start` holding a config file, else `start`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and re.search(r"^\s*\[\[?\s*tool\.ankigen\b", _read(pyproject), re.M):
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
        text = _read(path)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = getattr(exc, "lineno", 0) or _line_from_message(str(exc))
            raise ConfigError(str(path), f"invalid TOML: {exc}", line=line) from None
        base: tuple[str, ...] = ()
        if path.name == "pyproject.toml":
            tool = data.get("tool", {})
            if "ankigen" not in tool:
                if explicit:
                    raise ConfigError(str(path), "no [tool.ankigen] table")
                continue
            data, base = tool["ankigen"], ("tool", "ankigen")
            if not isinstance(data, dict):
                raise ConfigError(str(path), "expected a table", key="tool.ankigen", line=line_of(text, base))
        return _Validator(path, text, base).config(data, root)
    return Config(root=root)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read: {exc.strerror or exc}") from None


def _line_from_message(message: str) -> int:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else 0


class _Validator:
    """Checks one config file's data; every error names the file, the key and its line."""

    def __init__(self, path: Path, text: str, base: tuple[str, ...]) -> None:
        self.path, self.text, self.base = path, text, base

    def fail(self, key: KeyPath, message: str) -> ConfigError:
        name = ".".join(f"[{k}]" if isinstance(k, int) else k for k in key).replace(".[", "[")
        return ConfigError(str(self.path), message, key=name, line=line_of(self.text, key, self.base))

    def known_keys(self, data: Mapping[str, object], allowed: Mapping[str, str], at: KeyPath) -> None:
        for key, value in data.items():
            if key not in allowed:
                close = difflib.get_close_matches(key, list(allowed), n=1)
                hint = f"did you mean '{close[0]}'?" if close else "known: " + ", ".join(sorted(allowed))
                raise self.fail((*at, key), f"unknown key ({hint})")
            if not _is(value, allowed[key]):
                raise self.fail((*at, key), f"expected {allowed[key]}")

    def config(self, data: Mapping[str, object], root: Path) -> Config:
        self.known_keys(data, _KEYS, ())
        exams = tuple(
            self.exam(raw, index) for index, raw in enumerate(cast(list[object], data.get("exams", [])))
        )
        codes = [exam.code.upper() for exam in exams]
        for index, code in enumerate(codes):
            if code in codes[:index]:
                raise self.fail(("exams", index, "code"), f"exam {code} is defined twice")
        split = data.get("split", "exam")
        if split not in ("exam", "domain"):
            raise self.fail(("split",), "expected 'exam' or 'domain'")
        output = cast(str, data.get("output", "dist"))
        if not output.strip():
            raise self.fail(("output",), "expected a folder name, not an empty string")
        return Config(
            root=root,
            output=output,
            deck_prefix=cast(str, data.get("deck_prefix", "AWS")),
            default_exam=self.default_exam(cast(str, data.get("default_exam", "")), exams),
            exams=exams,
            rules=self.rules(cast(dict[str, object], data.get("rules", {}))),
            split=split,
            domains=self.domains(cast(dict[str, object], data.get("domains", {})), ("domains",)),
            source=str(self.path),
            deck_name=self.template(data, "deck_name", DEFAULT_DECK_NAME),
            package_name=self.template(data, "package_name", DEFAULT_PACKAGE_NAME),
        )

    def exam(self, raw: object, index: int) -> ExamConfig:
        at = ("exams", index)
        if not isinstance(raw, dict):
            raise self.fail(at, "expected a table")
        self.known_keys(raw, _EXAM_KEYS, at)
        code = raw.get("code")
        if not code:
            raise self.fail(at, "missing 'code' (e.g. code = \"SAA-C03\")")
        if not _CODE.match(code):
            raise self.fail((*at, "code"), "expected letters, digits and hyphens, like SAA-C03")
        known = ExamFinder().exams.get(code.upper())
        return ExamConfig(
            code=code,
            title=str(raw.get("title") or (known.title if known else code)),
            files=tuple(raw.get("files", [])),
            aliases=tuple(raw.get("aliases", [])),
            domains=self.domains(raw.get("domains", {}), (*at, "domains")),
        )

    def default_exam(self, value: str, exams: Sequence[ExamConfig]) -> str:
        if not value:
            return ""
        exam = ExamFinder(exam_of(e) for e in exams).resolve(value)
        if exam is not None:
            return exam.code
        if _CODE.match(value):
            return value
        raise self.fail(("default_exam",), f'unknown exam {value!r}: give its code, e.g. "SAA-C03"')

    def rules(self, rules: Mapping[str, object]) -> dict[str, bool]:
        from ankigen.extract import RULES  # here: the rules import this module

        names = [name for name, _ in RULES]
        for name, value in rules.items():
            if name not in names:
                raise self.fail(("rules", name), "unknown card rule (known: " + ", ".join(names) + ")")
            if not isinstance(value, bool):
                raise self.fail(("rules", name), "expected true or false")
        return cast(dict[str, bool], dict(rules))

    def domains(self, table: Mapping[str, object], at: KeyPath) -> dict[str, str]:
        catalogue = shipped_catalogue()
        mapping: dict[str, str] = {}
        for key, value in table.items():
            if not isinstance(value, str) or not value.strip():
                raise self.fail((*at, key), "expected the name of a domain, as a string")
            name = catalogue.category(key) or ("General" if key.casefold() == "general" else None)
            if name is None and key in catalogue.services:
                name = key
            if name is None:
                close = difflib.get_close_matches(key, [*catalogue.categories, *catalogue.services], n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise self.fail((*at, key), f"not a category or service id{hint}")
            mapping[name] = value.strip()
        return mapping

    def template(self, data: Mapping[str, object], key: str, default: str) -> str:
        value = cast(str, data.get(key, default))
        try:
            fields = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            raise self.fail((key,), f"bad template: {exc}") from None
        unknown = sorted(fields - set(DECK_FIELDS))
        if unknown:
            known = ", ".join("{" + name + "}" for name in DECK_FIELDS)
            raise self.fail((key,), f"unknown field {{{unknown[0]}}} (known: {known})")
        if not value.strip():
            raise self.fail((key,), "expected a name, not an empty string")
        return value


def _is(value: object, expected: str) -> bool:
    if expected == _STRING:
        return isinstance(value, str)
    if expected == _STRINGS:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    if expected == _TABLE:
        return isinstance(value, dict)
    return isinstance(value, list)


def exam_of(config: ExamConfig) -> Exam:
    """The config's exam as the exam finder sees it: its aliases are phrases, not regexes."""
    patterns = tuple(r"\s+".join(re.escape(word) for word in alias.split()) for alias in config.aliases)
    return Exam(config.code, config.title, patterns, config.files, config.domains)
