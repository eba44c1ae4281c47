"""Saved web pages: the article's main text and metadata, extracted with trafilatura.

trafilatura drops navigation, footers, share widgets and comments and reads the title,
date, site name and URL from the page's metadata; writing that by hand would mean
re-learning its many page layouts. Dates are taken only from the page's metadata (no
"extensive search" through the text), so a date mentioned in the story is never
mistaken for the publication date; the text-based rules in ``metadata`` apply after.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser

from checker import source_map
from checker.ingest.metadata import RawArticle, page_outlet_hints
from checker.ingest.text import UnusableFile
from checker.models import Inferred


def read_html(text: str, path: str, name_hint: str) -> RawArticle:
    """An article from an HTML page; raises UnusableFile when the page has no main text."""
    import trafilatura  # imported here: it takes half a second and only HTML needs it

    document = trafilatura.bare_extraction(
        text,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    body = (document.text or "").strip() if document is not None else ""
    if not body:
        raise UnusableFile(path, "has no article text that could be extracted from the HTML")
    body = "\n".join(line.rstrip() for line in body.replace("\r\n", "\n").split("\n"))

    hints = list(page_outlet_hints(document.sitename, document.author))
    published = _iso_date(document.date)
    if published:
        hints.append(Inferred("published", published, f'HTML metadata date "{document.date}"'))
    fields: dict[str, object] = {}
    for key in ("title", "url", "language"):
        value = getattr(document, key, None)
        if isinstance(value, str) and value.strip():
            fields[key] = value.strip()
    return RawArticle(path, body, fields, name_hint=name_hint, page_hints=tuple(hints), source_map=map_into_page(body, text))


def _iso_date(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return None


# --------------------------------------------------------------------------- locations
#
# The extracted text is not the page: tags, entities and spacing are gone, and the
# extractor may prefix list items ("- "). To point a finding at the line of the page
# where its sentence starts, each line of the extracted text is found in the page's own
# text as parsed here, compared without whitespace (the extractor re-spaces it), in
# document order; every word then maps to the line and column where it is written. A
# line that cannot be found is marked as not placed: its positions are given in the
# extracted text, and the reports say so.

_INVISIBLE = frozenset({"head", "title", "script", "style", "template", "noscript"})
_LIST_MARK = re.compile(r"[-*•]\s+")  # trafilatura writes a list item as "- item"
_WORD = re.compile(r"\S+")


class _PageText(HTMLParser):
    """The page's visible text as words, each with the 1-based line and column of its
    first character in the page; character references count as one character."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.words: list[str] = []
        self.runs: list[source_map.Run] = []  # (offset in the joined words, line, column, length)
        self.length = 0
        self._hidden: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "body":
            self._hidden.clear()  # a page that never closes its <head>
        elif tag in _INVISIBLE:
            self._hidden.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._hidden:
            del self._hidden[len(self._hidden) - 1 - self._hidden[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        line, column = self.getpos()
        for m in _WORD.finditer(data):
            newlines = data.count("\n", 0, m.start())
            if newlines:
                at = m.start() - data.rfind("\n", 0, m.start())
                self._add(m.group(), line + newlines, at, linear=True)
            else:
                self._add(m.group(), line, column + m.start() + 1, linear=True)

    def handle_entityref(self, name: str) -> None:
        self._reference(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._reference(f"&#{name};")

    def _reference(self, raw: str) -> None:
        if self._hidden:
            return
        line, column = self.getpos()
        decoded = html.unescape(raw)
        if decoded == raw:  # not a reference after all ("&bogus;"): the characters as written
            self._add(raw, line, column + 1, linear=True)
            return
        for char in decoded:
            if not char.isspace():
                self._add(char, line, column + 1, linear=False)

    def _add(self, word: str, line: int, column: int, *, linear: bool) -> None:
        self.words.append(word)
        if linear:
            self.runs.append((self.length, line, column, len(word)))
        else:
            self.runs.extend((self.length + i, line, column, 1) for i in range(len(word)))
        self.length += len(word)


def map_into_page(body: str, page: str) -> bytes:
    """The source map of text extracted from ``page`` (see ``checker/source_map.py``)."""
    parser = _PageText()
    try:
        parser.feed(page)
        parser.close()
    except (AssertionError, ValueError):  # a page the parser gives up on: nothing is placed
        return source_map.pack([(0, source_map.NOT_IN_FILE, 0)])
    squeezed = "".join(parser.words)
    pieces: list[tuple[int, int, int]] = []
    unplaced: list[int] = []
    cursor = 0
    at = 0
    for line in body.split("\n"):
        words = [(m.start(), m.group()) for m in _WORD.finditer(line)]
        mark = _LIST_MARK.match(line)
        found = _find(squeezed, "".join(w for _, w in words), cursor)
        if found < 0 and mark:  # "- item": the extractor's list mark is not in the page
            words = [(m.start(), m.group()) for m in _WORD.finditer(line, mark.end())]
            found = _find(squeezed, "".join(w for _, w in words), cursor)
        if found < 0:
            if words:
                unplaced.append(at)
        elif words:
            cursor = found
            if words[0][0] > 0:  # a list mark: placed where the item's first word is
                pieces.append((at, cursor, 1))
            for start, word in words:
                pieces.append((at + start, cursor, len(word)))
                cursor += len(word)
        at += len(line) + 1
    anchors = source_map.compose(pieces, parser.runs) + [(a, source_map.NOT_IN_FILE, 0) for a in unplaced]
    return source_map.pack(sorted(anchors))


def _find(squeezed: str, wanted: str, cursor: int) -> int:
    """Where ``wanted`` is in the page's words: the first place after the line before, or
    anywhere (the extractor may move a line, e.g. a headline); -1 when nowhere."""
    if not wanted:
        return -1
    found = squeezed.find(wanted, cursor)
    return found if found >= 0 else squeezed.find(wanted)

