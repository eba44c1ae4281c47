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
from checker.yaml_errors import syntax_problem

_FRONT_MATTER_OPEN = re.compile(r"---[ \t]*\n")
_FRONT_MATTER_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_LEADING_BLANK_LINES = re.compile(r"(?:[ \t]*\n)*")
# Control characters that never occur in text (tab, newline, form feed, CR excluded).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Front matter is a few 'key: value' lines; a block far longer than that is an article
# whose closing '---' was misplaced, and parsing megabytes of it as YAML takes minutes.
MAX_FRONT_MATTER_CHARS = 65_536
# charset-normalizer "chaos" (0 = clean text) below which two readings count as a tie.
_CHAOS_TIE = 0.02


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
            text = _mostly_utf8(data) or _legacy_decode(data)
    if text is None or len(_CONTROL.findall(text)) > max(2, len(text) // 1000):
        raise UnusableFile(
            path, "is binary, not text; remove it or save the article as .txt, .md or .html"
        )
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnusableFile(path, "is empty; remove it or add the article text")
    return text


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few broken bytes (a bad copy-paste, a truncated download), with
    the broken bytes shown as U+FFFD; None when most non-ASCII bytes are not UTF-8.

    Why: left to charset-normalizer, one stray byte in a UTF-8 article can make it pick
    a legacy code page (cp932 was seen) and turn every accented name into mojibake
    ("José" -> "Josﾃｩ"), which the name rules would then report as variants.
    """
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    valid = len(text) - len(text.encode("ascii", errors="ignore")) - broken  # non-ASCII characters
    return text if valid > broken else None


def _legacy_decode(data: bytes) -> str | None:
    """Text in a legacy code page, detected by charset-normalizer; Windows-1252 on a near tie.

    Why the tie-break: on an English article with a few accented letters the detector
    finds many code pages about equally plausible and may pick cp1257 or cp1250, which
    read "Siobhán" as "Siobhįn" and "São" as "Săo". Windows-1252 is the legacy encoding
    of most English-language news, so it is taken whenever its reading is rated as calm
    as the best one, give or take ``_CHAOS_TIE``. Cyrillic, Greek or Japanese text read as
    cp1252 is far more chaotic, so those keep the detector's choice.
    """
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return None
    western = charset_normalizer.from_bytes(data, cp_isolation=["cp1252"]).best()
    return str(western if western is not None and western.chaos <= best.chaos + _CHAOS_TIE else best)


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
    if len(block) > MAX_FRONT_MATTER_CHARS:
        raise ArticleError(
            f"{path}:1",
            f"front matter is {len(block):,} characters, over the limit of {MAX_FRONT_MATTER_CHARS:,}; "
            "is the closing '---' line in the wrong place?",
        )
    loaded = _load_front_matter(block, path)
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


def _load_front_matter(block: str, path: str) -> object:
    """The YAML value of a front matter block; ArticleError naming the line otherwise.

    ``yaml.safe_load`` lets plain Python errors through, not only YAMLError: a date
    that does not exist ("2022-02-30") or an integer of 5,000 digits raise ValueError,
    and deep nesting ("[[[[...") RecursionError. Each must be one line naming the file.
    """
    try:
        return yaml.safe_load(block)
    except yaml.MarkedYAMLError as exc:
        start = syntax_problem(exc)  # where the mistake starts: an unclosed quote or [ opens
        line = 2 + start.line
        problem = exc.problem or str(exc).splitlines()[0]
    except yaml.YAMLError as exc:
        line, problem = 2, str(exc).splitlines()[0]
    except RecursionError:
        line, problem = 2, "nested too deeply"
    except ValueError as exc:
        line, problem = 2 + _unusable_value_line(block), str(exc).split(";")[0]
    raise ArticleError(
        f"{path}:{line}", f"malformed front matter ({problem}); write one 'key: value' per line"
    )


def _unusable_value_line(block: str) -> int:
    """The 0-based line in ``block`` of the first top-level value YAML cannot construct."""
    loader = yaml.SafeLoader(block)
    try:
        node = loader.get_single_node()
        pairs = node.value if isinstance(node, yaml.MappingNode) else []
        for _key, value in pairs:
            try:
                loader.construct_object(value, deep=True)
            except ValueError:
                return value.start_mark.line
    except (yaml.YAMLError, RecursionError):
        pass
    finally:
        loader.dispose()
    return 0


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
