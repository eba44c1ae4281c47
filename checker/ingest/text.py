"""Plain text and Markdown articles, with optional YAML front matter; and text decoding.

Decoding is shared by every format: UTF-8 (BOM removed) first, since nearly all news
text is; other encodings are detected with charset-normalizer; binary files are refused
with a message saying what to do, and newlines are normalised to "\\n".
"""

from __future__ import annotations

import re

import charset_normalizer
import yaml

from checker.errors import ArticleError
from checker.ingest.metadata import FieldError, RawArticle, coerce_fields

_FRONT_MATTER_OPEN = re.compile(r"---[ \t]*\n")
_FRONT_MATTER_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_LEADING_BLANK_LINES = re.compile(r"(?:[ \t]*\n)*")
# Control characters that never occur in text (tab, newline, form feed, CR excluded).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class UnusableFile(ArticleError):
    """A file holds no article text at all (unreadable, binary, empty).

    When such a file is met while reading a folder it is skipped with a note; named
    explicitly, it is an error.
    """


def decode(data: bytes, path: str) -> str:
    """The text of a file, newlines normalised; raises UnusableFile for binary or empty."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text: str | None = _try_decode(data, "utf-16")
    elif b"\x00" in data:
        text = None
    else:
        text = _try_decode(data, "utf-8-sig")
        if text is None:
            best = charset_normalizer.from_bytes(data).best()
            text = None if best is None else str(best)
    if text is None or len(_CONTROL.findall(text)) > max(2, len(text) // 1000):
        raise UnusableFile(
            path, "is binary, not text; remove it or save the article as .txt, .md or .html"
        )
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnusableFile(path, "is empty; remove it or add the article text")
    return text


def split_front_matter(text: str, path: str) -> tuple[dict[str, object], str, int]:
    """(metadata, body, lines before body) for a text that may open with ``---`` YAML."""
    opening = _FRONT_MATTER_OPEN.match(text)
    if not opening:
        return {}, text, 0
    closing = _FRONT_MATTER_CLOSE.search(text, opening.end())
    if closing is None:
        raise ArticleError(
            f"{path}:1", "front matter is not closed; end it with a line '---' before the text"
        )
    block = text[opening.end() : closing.start()]
    try:
        loaded = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 2 + (mark.line if mark is not None else 0)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ArticleError(
            f"{path}:{line}",
            f"malformed front matter ({problem}); write one 'key: value' per line",
        ) from None
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise ArticleError(f"{path}:2", "front matter must be 'key: value' lines")
    try:
        fields = coerce_fields({str(k): v for k, v in loaded.items()})
    except FieldError as exc:
        raise ArticleError(f"{path}:{_line_of_key(text, exc.key)}", str(exc)) from None
    body_start = closing.end() + 1 if closing.end() < len(text) else closing.end()
    return fields, text[body_start:], text.count("\n", 0, body_start)


def read_text(text: str, path: str, name_hint: str) -> RawArticle:
    """A .txt/.md article: front matter (if any) and body with its line offset."""
    fields, body, line_offset = split_front_matter(text, path)
    leading = _LEADING_BLANK_LINES.match(body)
    assert leading is not None  # the pattern matches the empty string
    line_offset += body.count("\n", 0, leading.end())
    body = body[leading.end() :].rstrip()
    if not body:
        raise UnusableFile(path, "is empty: it has front matter but no article text")
    return RawArticle(path, body, fields, name_hint=name_hint, line_offset=line_offset)


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _line_of_key(text: str, key: str) -> int:
    """The 1-based line where a front matter key is written (2 if not found)."""
    m = re.search(rf"^{re.escape(key)}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else 2
