"""`dataclasses.replace` without its per-field machinery, for the plain frozen dataclasses of
`ankigen.model`.

`replace` reads every field by name and calls the class's `__init__`, which sets every field
through `object.__setattr__` (a frozen class allows nothing else): for a Card, 18 fields, for
the four that classifying changes, and a third of its time.  An instance of a dataclass without
`__post_init__`, init-only or non-init fields, or slots is nothing but its fields' values in its
`__dict__`, so a copy of that dict with the changes in it is the same instance `replace` makes.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import Any, TypeVar

__all__ = ["plain_fields", "replaced", "replaced_all"]

T = TypeVar("T")


def replaced(instance: T, **changes: Any) -> T:
    """`dataclasses.replace(instance, **changes)`, the quick way where that is provably the same."""
    cls: type = type(instance)
    fields = plain_fields(cls)
    state = getattr(instance, "__dict__", None)
    # (a cached_property's value in the dict is not a field: `replace` would not copy it)
    if not fields or state is None or len(state) != len(fields) or not changes.keys() <= fields:
        return dataclasses.replace(instance, **changes)  # type: ignore[type-var]
    copy: T = object.__new__(cls)
    copy.__dict__.update(state)
    copy.__dict__.update(changes)
    return copy


@functools.cache
def plain_fields(cls: type) -> frozenset[str]:
    """The field names of dataclass `cls` when its instances are only their fields' values
    (see the module's docstring); empty otherwise.  Per class, so as constant as the code."""
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__") or hasattr(cls, "__slots__"):
        return frozenset()
    fields = dataclasses.fields(cls)
    declared = getattr(cls, "__dataclass_fields__", {})
    if len(fields) != len(declared) or not all(field.init for field in fields):
        return frozenset()  # init-only pseudo-fields, or fields __init__ does not set
    return frozenset(field.name for field in fields)


def replaced_all(instances: Sequence[T], names: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> list[T]:
    """`[replaced(instance, **dict(zip(names, row))) for instance, row in zip(instances, rows)]`,
    for many instances of one class at once: what `replaced` checks per call is checked here for
    all of them in a few passes in C, and the copies are made without a call each."""
    rows = list(rows)
    if len(rows) != len(instances):
        raise ValueError(f"{len(instances)} instances but {len(rows)} rows of changes")
    kinds = set(map(type, instances))
    cls = next(iter(kinds)) if len(kinds) == 1 else None
    fields = plain_fields(cls) if cls is not None else frozenset()
    plain = bool(fields) and set(names) <= fields and all(len(row) == len(names) for row in rows)
    if cls is None or not plain or set(map(len, map(_state, instances))) != {len(fields)}:
        return [
            dataclasses.replace(instance, **dict(zip(names, row, strict=True)))  # type: ignore[type-var]
            for instance, row in zip(instances, rows, strict=True)
        ]
    copies: list[T] = list(map(object.__new__, repeat(cls, len(instances))))
    for copy, instance, row in zip(copies, instances, rows, strict=True):
        state = copy.__dict__
        state.update(instance.__dict__)
        state.update(zip(names, row, strict=True))
    return copies


def _state(instance: object) -> dict[str, Any]:
    """The instance's fields' values, or none for an instance without a `__dict__`."""
    return getattr(instance, "__dict__", {})
