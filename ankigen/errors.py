"""The small exception hierarchy the CLI turns into one-line messages and exit codes."""

from __future__ import annotations

__all__ = [
    "AnkigenError",
    "ConfigError",
    "InputError",
    "LockError",
    "OutputError",
    "StrictError",
    "UsageError",
]


class AnkigenError(Exception):
    """A problem the user can fix; the CLI prints it without a traceback."""

    exit_code = 1


class UsageError(AnkigenError):
    """The command line itself is wrong."""

    exit_code = 2


class ConfigError(AnkigenError):
    """The config file is unreadable or invalid; the message names file, key and line."""

    def __init__(self, path: str, message: str, *, key: str = "", line: int = 0) -> None:
        where = f"{path}:{line}" if line else path
        what = f"{key}: " if key else ""
        super().__init__(f"{where}: {what}{message}")
        self.path, self.key, self.line = path, key, line


class InputError(AnkigenError):
    """A notes path that cannot be read at all."""

    def __init__(self, path: str, message: str, line: int = 0) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")
        self.path, self.line = path, line


class OutputError(AnkigenError):
    """The output folder or file cannot be written."""


class StrictError(AnkigenError):
    """--strict and the build produced warnings."""


class LockError(AnkigenError):
    """--locked and ankigen.lock is missing or out of date with the notes."""
