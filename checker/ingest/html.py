"""Saved web pages: the article's main text and metadata, extracted with trafilatura.

trafilatura drops navigation, footers, share widgets and comments and reads the title,
date, site name and URL from the page's metadata; writing that by hand would mean
re-learning its many page layouts. Dates are taken only from the page's metadata (no
"extensive search" through the text), so a date mentioned in the story is never
mistaken for the publication date; the text-based rules in ``metadata`` apply after.
"""

from __future__ import annotations

import datetime as dt

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
    return RawArticle(path, body, fields, name_hint=name_hint, page_hints=tuple(hints))


def _iso_date(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return None
