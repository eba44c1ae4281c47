"""Manifests: many articles in one .jsonl or .csv file, one article per line or row.

Each row needs ``text`` and may carry the metadata keys (outlet, published, title, url,
language, story), an ``id`` (ignored) and a ``path`` naming the original file (the outlet
is inferred from its name, as for files, when the row and its text name none). A row's
article path is ``manifest.jsonl#<line>``, the line the row starts on, so a finding can be
traced back to the row.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping

from checker.errors import ArticleError
from checker.ingest.metadata import FieldError, RawArticle, coerce_fields

# The csv module refuses fields over 128 KiB by default, which would refuse a long
# article in a manifest that the 5 MB article limit allows; the limit is process-wide.
MAX_CSV_FIELD_CHARS = 5_000_000
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def read_jsonl(text: str, path: str) -> list[RawArticle]:
    """One article per non-blank line of JSON objects."""
    rows: list[RawArticle] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise ArticleError(
                f"{path}:{number}", f"not valid JSON ({_json_problem(exc)}); write one JSON object per line"
            ) from None
        if not isinstance(record, dict):
            raise ArticleError(f"{path}:{number}", "each line must be a JSON object {...}")
        record = {_without_surrogates(k): _without_surrogates(v) for k, v in record.items()}
        rows.append(_row(record, path, number))
    return rows


def _without_surrogates(value: object) -> object:
    """A string with lone UTF-16 surrogates (JSON escapes like "\\ud800") shown as U+FFFD.

    Such a character cannot be written as UTF-8, so it would fail every later stage
    (hashing, the cache, the report); a broken character is better than a lost article.
    """
    return _LONE_SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value


def _json_problem(exc: ValueError | RecursionError) -> str:
    """What is wrong with a line ``json.loads`` refused.

    Besides JSONDecodeError it raises plain ValueError (an integer of thousands of
    digits) and RecursionError ("[[[[..." nested thousands deep); all are a bad line.
    """
    if isinstance(exc, json.JSONDecodeError):
        return exc.msg
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc).split(";")[0]


def read_csv(text: str, path: str) -> list[RawArticle]:
    """One article per CSV row; the header row names the columns and must include ``text``."""
    csv.field_size_limit(MAX_CSV_FIELD_CHARS)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or []
        if "text" not in header:
            raise ArticleError(
                f"{path}:1", "the CSV header has no 'text' column; name the article column 'text'"
            )
        rows: list[RawArticle] = []
        start_line = reader.line_num + 1
        for record in reader:
            if any(isinstance(v, str) and v.strip() for v in record.values()):
                rows.append(_row(record, path, start_line))
            start_line = reader.line_num + 1
    except csv.Error as exc:
        raise ArticleError(f"{path}:{reader.line_num}", f"malformed CSV ({exc})") from None
    return rows


def _row(record: Mapping[str, object], path: str, line: int) -> RawArticle:
    location = f"{path}:{line}"
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ArticleError(location, "the row has no article text; fill in its 'text' field")
    try:
        fields = coerce_fields(record)
    except FieldError as exc:
        raise ArticleError(location, str(exc)) from None
    original = record.get("path")
    name = original.strip() if isinstance(original, str) and original.strip() else None
    body = "\n".join(part.rstrip() for part in text.replace("\r\n", "\n").split("\n")).strip()
    return RawArticle(f"{path}#{line}", body, fields, name_hint=name)
