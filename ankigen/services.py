"""The AWS service catalogue shipped in `ankigen/data/services.toml`, and finding its names in text.

A name is found where it stands as a whole word; at one position the longest name wins, so
"CloudWatch Events" is EventBridge and not CloudWatch. "Amazon" or "AWS" may precede any name.
An abbreviation two services share ("EBS": Elastic Block Store, or Elastic Beanstalk to people
who write it so) is settled by words in the card's context.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

__all__ = ["Catalogue", "Service", "load_catalogue", "shipped_catalogue"]


@dataclass(frozen=True)
class Service:
    id: str  # the tag slug, e.g. "s3"
    name: str  # the official name, e.g. "Amazon Simple Storage Service"
    short: str  # what learners call it, e.g. "Amazon S3"
    category: str  # e.g. "Storage"


@dataclass(frozen=True)
class _Entry:
    """Something findable by name: a service (by id) or a category (by its name)."""

    key: str
    aliases: tuple[str, ...]  # matched ignoring case, spaces and hyphens
    exact: tuple[str, ...]  # matched exactly as written
    when: Mapping[str, tuple[str, ...]]  # shared abbreviation -> context words that pick this entry


_Atom = tuple[str, bool]  # a regex atom, and whether spaces or hyphens may come before it


def _loose_atoms(alias: str) -> tuple[_Atom, ...]:
    """Atoms for an alias matched ignoring case, spaces and hyphens ("Auto-Scaling").

    Where a separator may go is part of the atom, not an atom itself, so that "Cloud Watch" and
    "CloudWatch" share one path in the trie and "CloudWatch Events" can extend it.
    """
    atoms: list[_Atom] = []
    gap = False
    for char in alias.strip().lower():
        if char in " -\t":
            gap = True
        else:
            atoms.append((re.escape(char), gap))
            gap = False
    return tuple(atoms)


def _exact_atoms(word: str) -> tuple[_Atom, ...]:
    return tuple((r"\s+" if char == " " else re.escape(char), False) for char in word)


def _trie(paths: Iterable[tuple[_Atom, ...]]) -> str:
    """One regex matching any of `paths`, preferring the longest."""
    root: dict[str, Any] = {}
    for atoms in paths:
        node = root
        for atom, gap in atoms:
            node = node.setdefault(atom, {})
            node[" gap"] = node.get(" gap", False) or gap
        node[""] = True

    def emit(node: dict[str, Any]) -> str:
        branches = [
            (r"[\s\-]*" if child[" gap"] else "") + atom + emit(child)
            for atom, child in sorted(node.items())
            if atom and atom != " gap"
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # a name ends here, but a longer one may go on: the greedy `?` tries the longer first
        return f"(?:{body})?" if "" in node else body

    return emit(root)


_GAPS = re.compile(r"[\s\-]+")


def _loose_key(text: str) -> str:
    return _GAPS.sub("", text).casefold()


class _Names:
    """Finds the names of a set of entries in text; built once per catalogue."""

    def __init__(self, entries: Iterable[_Entry], prefix: str = "") -> None:
        self._loose: dict[str, str] = {}
        self._exact: dict[str, str] = {}
        self._shared: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        loose: list[tuple[_Atom, ...]] = []
        exact: list[tuple[_Atom, ...]] = []
        for entry in entries:
            for alias in entry.aliases:
                self._claim(self._loose, _loose_key(alias), entry.key, alias)
                loose.append(_loose_atoms(alias))
            for word in entry.exact:
                self._claim(self._exact, word, entry.key, word)
                exact.append(_exact_atoms(word))
            for word, context in entry.when.items():
                self._shared.setdefault(word, []).append((entry.key, tuple(c.casefold() for c in context)))
                exact.append(_exact_atoms(word))
        # Two tries, not one alternation of a thousand names: a regex tries alternatives one by
        # one at every position, a trie only follows the letters actually there.
        branches = [f"(?i:{_trie(loose)})" if loose else "", _trie(exact) if exact else ""]
        body = "|".join(branch for branch in branches if branch)
        self._pattern = re.compile(rf"(?<!\w){prefix}(?P<name>{body})(?!\w)") if body else None

    @staticmethod
    def _claim(table: dict[str, str], key: str, owner: str, alias: str) -> None:
        if table.setdefault(key, owner) != owner:
            raise ValueError(f"services.toml: {alias!r} names both {table[key]!r} and {owner!r}")

    def settled(self, text: str) -> bool:
        """Whether what `find` gives for `text` is the same in any context: no name in it is a
        shared abbreviation."""
        return self._pattern is None or not any(
            match.group("name") in self._shared for match in self._pattern.finditer(text)
        )

    def find(self, text: str, context: str = "") -> list[tuple[int, str]]:
        """(position, key) of every name in `text`, in order; `context` settles shared abbreviations."""
        if self._pattern is None or not text:
            return []
        found = []
        lowered = ""
        for match in self._pattern.finditer(text):
            name = match.group("name")
            key: str | None = None
            if name in self._shared:
                lowered = lowered or f"{text}\n{context}".casefold()
                key = next((k for k, words in self._shared[name] if any(w in lowered for w in words)), None)
            key = key or self._exact.get(name) or self._loose.get(_loose_key(name))
            if key is not None:
                found.append((match.start("name"), key))
        return found


@dataclass(frozen=True)
class Catalogue:
    """The services and categories ankigen knows, and the means to find them in text."""

    services: Mapping[str, Service]
    categories: tuple[str, ...]
    _service_names: _Names
    _category_names: _Names

    def services_in(self, text: str, context: str = "") -> list[Service]:
        """Every service named in `text`, in order of appearance (repeats kept)."""
        return [self.services[key] for _, key in self._service_names.find(text, context)]

    def named_alone(self, text: str) -> list[Service] | None:
        """`services_in(text, context)` when it is the same in every context; None when an
        abbreviation in `text` needs the context to be settled."""
        return self.services_in(text) if self._service_names.settled(text) else None

    def categories_in(self, text: str) -> list[str]:
        return [key for _, key in self._category_names.find(text)]

    def category(self, name: str) -> str | None:
        """The catalogue's spelling of a category, matched ignoring case."""
        folded = name.casefold()
        return next((c for c in self.categories if c.casefold() == folded), None)


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


def load_catalogue(text: str | None = None) -> Catalogue:
    """The shipped catalogue (or one from `text`, for tests). Raises ValueError if it is inconsistent."""
    if text is None:
        text = files("ankigen").joinpath("data", "services.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    categories: dict[str, _Entry] = {}
    for name, raw in data.get("categories", {}).items():
        categories[name] = _Entry(name, (name, *_strings(raw.get("aliases"))), _strings(raw.get("exact")), {})
    services: dict[str, Service] = {}
    entries: list[_Entry] = []
    for key, raw in data.get("services", {}).items():
        category = str(raw.get("category", ""))
        if category not in categories:
            raise ValueError(f"services.toml: {key}: unknown category {category!r}")
        name = str(raw["name"])
        short = str(raw.get("short", name))
        services[key] = Service(key, name, short, category)
        when = {str(word): _strings(context) for word, context in raw.get("when", {}).items()}
        aliases = tuple(dict.fromkeys((name, short, *_strings(raw.get("aliases")))))
        entries.append(_Entry(key, aliases, _strings(raw.get("exact")), when))
    return Catalogue(
        services=services,
        categories=tuple(categories),
        _service_names=_Names(entries, prefix=r"(?:(?i:amazon|aws)[\s\-]+)?"),
        _category_names=_Names(categories.values()),
    )


@functools.cache
def shipped_catalogue() -> Catalogue:
    """The catalogue shipped with ankigen, built once per process: it is package data, as constant
    as the code, and compiling its names takes longer than a small build."""
    return load_catalogue()
