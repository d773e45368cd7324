"""Parse each piece of inline Markdown once per file, however many times it is looked at.

Parsing a file tokenises every paragraph, bullet and heading down to its inline tokens; then
the card rules ask the renderer about the same texts again (plain text, bold terms, HTML, cloze
HTML), and every question used to tokenise the text again: inline parsing was most of a build's
time.  The tokens of a text depend only on the text (and on link reference definitions, which
are never memoised), and rendering only reads them, so one parse serves every question: the
file's own parse fills the memo (a last core rule records each inline token's final children),
and `parseInline` answers from it.  The memo belongs to one Markdown instance, made per file,
so it never outlives the file nor crosses processes.

What the file's parse did not see (a sentence of a paragraph, cut out by the cloze rule) is
tokenised by markdown-it-pyrs where `accelerated_inline` vouches for the result, else by
markdown-it-py; and linkify-it's pretest is spared text that cannot hold a link
(`ankigen.parse.linkify`).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ankigen.parse.accelerated import accelerated_inline, new_token
from ankigen.parse.linkify import QuickPretestLinkify

__all__ = ["InlineMemoMarkdown"]


class InlineMemoMarkdown(MarkdownIt):
    """A configured MarkdownIt (its dialect, plugins and render rules adopted as they are) whose
    `parseInline`, and so `renderInline`, tokenises each distinct text once."""

    def __init__(self, configured: MarkdownIt) -> None:
        # Adopt the configured parser's state instead of configuring again: the dialect is
        # defined once, in ankigen.parse.markdown.new_markdown.  `configured` is taken over
        # (its rulers are shared): pass a fresh one and do not use it on its own afterwards.
        self.__dict__.update(configured.__dict__)
        self._inline_tokens: dict[str, list[Token]] = {}
        self.linkify = QuickPretestLinkify()
        self.core.ruler.push("ankigen_inline_memo", self._record)

    def _record(self, state: StateCore) -> None:
        """Last core rule: remember the final inline tokens of every text this parse tokenised."""
        if state.md is not self or state.inlineMode or state.env.get("references"):
            return
        for token in state.tokens:
            if (
                token.type == "inline"
                and token.children is not None
                and token.content not in self._inline_tokens
            ):
                # The shape parseInline gives: one inline token holding the children.
                alone = new_token("inline", "", 0, 0, False, token.content)
                alone.map = [0, 1]
                alone.children = token.children
                self._inline_tokens[token.content] = [alone]

    def forget(self) -> None:
        """Drop every remembered text's tokens, once the file is done with.  A MarkdownIt is
        cyclic, so what it holds waits for the collector, which then walks every token of the
        file; the tokens themselves form no cycles, so dropping them here frees them at once."""
        self._inline_tokens.clear()

    def parseInline(self, src: str, env: MutableMapping[str, Any] | None = None) -> list[Token]:
        if env and env.get("references"):
            return super().parseInline(src, env)
        tokens = self._inline_tokens.get(src)
        if tokens is None:
            tokens = accelerated_inline(self, src) or super().parseInline(src, env)
            self._inline_tokens[src] = tokens
        return tokens
