"""Make article text inert inside markdown.

Reports are read in CI and pull requests, where an article's text must not be able to
open HTML tags, start links or images, break a table, add a heading, or @-mention anyone.
Everything that could is turned into an HTML entity or a backslash escape, and newlines
become spaces so one sentence stays in one table cell.
"""

from __future__ import annotations

import re

_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "|": "&#124;",
    "@": "&#64;",
    "`": "&#96;",
}
# Escaped text never starts a line (it always follows "| " or "- "), so only characters
# that act inside a line need escaping: emphasis, links/images, strikethrough, math.
_BACKSLASHED = set("\\*_[]~$")
_AUTOLINK = re.compile(r"(?i)://|\bwww\.")


_ESCAPES = str.maketrans({**_ENTITIES, **{ch: "\\" + ch for ch in _BACKSLASHED}})


def escape_md(text: str) -> str:
    """Escape ``text`` for inline use in markdown (including inside table cells)."""
    text = " ".join(text.split()).translate(_ESCAPES)
    # No bare URLs: "https://x" and "www.x" would become links.
    return _AUTOLINK.sub(lambda m: "&#58;//" if m.group(0) == "://" else m.group(0)[:3] + "&#46;", text)


def highlight(sentence: str, start: int, end: int) -> str:
    """The escaped sentence with ``sentence[start:end]`` in bold."""
    start = max(0, min(start, len(sentence)))
    end = max(start, min(end, len(sentence)))
    if start == end:
        return escape_md(sentence)
    span = sentence[start:end]
    lead = len(span) - len(span.lstrip())
    trail = len(span) - len(span.rstrip())
    start, end = start + lead, end - trail
    if start >= end:
        return escape_md(sentence)
    # Escape the three parts separately so the markers stay markers; keep the spaces.
    before, inner, after = sentence[:start], sentence[start:end], sentence[end:]
    return (escape_md(before + "\x00") [:-1] + "**" + escape_md(inner) + "**" + escape_md("\x00" + after)[1:]).strip()
