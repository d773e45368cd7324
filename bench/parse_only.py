"""markdown-it-py alone: `python -m bench.parse_only FOLDER` tokenises every .md file under FOLDER
once, in ankigen's dialect (block and inline tokens), and does nothing with the tokens."""

from __future__ import annotations

import sys
from pathlib import Path

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

__all__ = ["main"]


def main(argv: list[str]) -> int:
    # The same options as ankigen.parse.markdown.new_markdown, without importing ankigen.
    md = MarkdownIt("commonmark", {"linkify": True, "typographer": False})
    md.enable(["table", "strikethrough", "linkify"])
    md.use(front_matter_plugin).use(dollarmath_plugin, double_inline=True)
    tokens = 0
    for path in sorted(Path(argv[0]).rglob("*.md")):
        tokens += len(md.parse(path.read_text(encoding="utf-8")))
    print(tokens)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
