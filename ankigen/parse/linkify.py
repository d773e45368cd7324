"""linkify-it with a quick "certainly no link here" test in front of its own `pretest`.

markdown-it-py's linkify core rule asks linkify-it's `pretest` about every inline text before
looking for plain-text links; that one large case-insensitive regex costs ~12 µs per paragraph
and was about a tenth of the per-file work, though most notes hold no link.  The pretest can only match
where the text holds a schema (each ends in `:` or holds `/`), `localhost`, `www.`, `@`, or a
dot followed by a digit or a top-level domain (letters): text with none of those cannot pass
it, so it is answered at once; any other text gets linkify-it's own pretest, and every link
found is still found by linkify-it's own code.  The quick test is used only when the pretest
is built the way that reasoning assumes (checked once per instance, from linkify-it's own
patterns); otherwise every text goes to linkify-it as before.  `test`, asked about each text
token of a paragraph that passed the pretest, takes the same shortcut.

`may_linkify` tells which inline tokens markdown-it-py's linkify rule can change at all, so the
translated token stream (`ankigen.parse.accelerated`) sends it only those: with the quick
pretest in use, a paragraph none of whose texts can hold a link is left alone by the rule.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from linkify_it import LinkifyIt
from linkify_it.ucre import SRC_ZPCC
from markdown_it.token import Token

__all__ = ["QuickPretestLinkify", "may_link", "may_linkify"]

# Same flags as linkify-it's pretest, so `localhost` and `www.` match the same case variants
# (the long s for `s`, the Kelvin sign for `k`); every character that matches a digit or a TLD's
# first letter case-insensitively is a word character.
_MAY_LINK = re.compile(r"[:/@]|\.\w|localhost|www\.", re.IGNORECASE)
_DOT_WORD = re.compile(r"\.\w")


def may_link(text: str) -> bool:
    """`_MAY_LINK.search(text) is not None`, by substring tests where the text is ASCII: there
    the only case variants of `localhost` and `www.` are ASCII ones, which `lower()` folds; each
    test is one scan in C, where the case-insensitive regex tries its four alternatives at every
    position (2.4 µs a paragraph, a third of the linkify rule's time)."""
    if not text.isascii():
        return _MAY_LINK.search(text) is not None
    if ":" in text or "/" in text or "@" in text or ("." in text and _DOT_WORD.search(text)):
        return True
    lower = text.lower()
    return "localhost" in lower or "www." in lower


class QuickPretestLinkify(LinkifyIt):  # type: ignore[misc]  # linkify-it has no type hints
    """linkify-it, whose `pretest` first rules out text that cannot hold a link."""

    quick_pretest = False

    def _compile(self) -> None:
        # linkify-it rebuilds its patterns here (on creation, `add`, `tlds`): check them again
        super()._compile()
        self.quick_pretest = pretest_is_as_assumed(self)

    def pretest(self, text: str) -> bool:
        if self.quick_pretest and not may_link(text):
            return False
        return bool(super().pretest(text))

    def test(self, text: str) -> bool:
        # a text the pretest rules out holds no link (the pretest has no false negatives)
        if self.quick_pretest and not may_link(text):
            return False
        return bool(super().test(text))


def may_linkify(linkify: object, tokens: Sequence[Token]) -> list[Token]:
    """The tokens markdown-it-py's linkify core rule (given `linkify`, its `md.linkify`) may
    change, in order.  The rule reads each inline token on its own and no other token: it skips
    one whose content the pretest rejects, and otherwise changes only the text children that
    `test` accepts.  With the quick pretest in use, both reject at once any text `may_link`
    rules out, so an inline token with no such content or no such text child stays as it is."""
    if not (isinstance(linkify, QuickPretestLinkify) and linkify.quick_pretest):
        return list(tokens)
    return [
        token
        for token in tokens
        if token.type == "inline"
        and (
            token.children is None  # (the rule's own business: it asserts there are children)
            or (
                may_link(token.content)
                and any(child.type == "text" and may_link(child.content) for child in token.children)
            )
        )
    ]


def pretest_is_as_assumed(linkify: LinkifyIt) -> bool:
    """Whether linkify-it's pretest is `(schema test)|(fuzzy host test)|@`, every schema holding
    `:` or `/`, and every fuzzy host starting with `localhost`, `www.`, or a dot and then a
    digit or a top-level domain that starts with a letter."""
    patterns = linkify.re
    schema_test, host_test = patterns["schema_test"], patterns["host_fuzzy_test"]
    schemas = schema_test[schema_test.rfind(")(") + 2 : -1].split("|")
    tlds = patterns["src_tlds"].split("|")
    # the last alternative is one group, `\.` then a TLD then a delimiter, as long as the
    # patterns inside it are balanced (each compiles alone)
    last = "(?:\\.(?:" + patterns["src_tlds"] + ")(?:" + SRC_ZPCC + "|>|$))"
    return (
        patterns["pretest"] == f"({schema_test})|({host_test})|@"
        and schema_test.endswith(")")
        and all(":" in schema or "/" in schema for schema in schemas)
        and host_test == "localhost|www\\.|\\.\\d{1,3}\\.|" + last
        and _compiles(patterns["src_tlds"])
        and _compiles(SRC_ZPCC)
        # each TLD starts with a letter that no quantifier makes optional
        and all(tld[:1].isalpha() and tld[1:2] not in ("?", "*", "{") for tld in tlds)
    )


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True
