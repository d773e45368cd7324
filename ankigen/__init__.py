"""ankigen: turn Markdown and plain-text study notes into tagged Anki decks that update in place."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from ankigen.config import Config, load_config
from ankigen.errors import AnkigenError, ConfigError, InputError, OutputError, UsageError
from ankigen.model import BuildResult, Card, DeckFile, Diagnostic, Document, Section
from ankigen.pipeline import BuildOptions, build, check

try:
    __version__ = version("ankigen")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "AnkigenError",
    "BuildOptions",
    "BuildResult",
    "Card",
    "Config",
    "ConfigError",
    "DeckFile",
    "Diagnostic",
    "Document",
    "InputError",
    "OutputError",
    "Section",
    "UsageError",
    "__version__",
    "build",
    "check",
    "load_config",
]
