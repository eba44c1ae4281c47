"""Manifests: many articles in one .jsonl or .csv file, one article per line or row.

Each row needs ``text`` and may carry the metadata keys (outlet, published, title, url,
language, story), an ``id`` (ignored) and a ``path`` naming the original file (the outlet
is inferred from its name, as for files, when the row and its text name none). A row's
article path is ``manifest.jsonl#<line>``, the line the row starts on, so a finding can be
traced back to the row.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import re
from collections.abc import Callable, Mapping

from checker import source_map
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
        rows.append(_row(record, path, number, lambda text: _json_text_runs(line, number, text)))
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
        line_starts = _line_starts(text)
        column = header.index("text")
        for record in reader:
            if any(isinstance(v, str) and v.strip() for v in record.values()):
                runs = lambda value, first=start_line: _csv_text_runs(text, line_starts, first, column, value)  # noqa: E731
                rows.append(_row(record, path, start_line, runs))
            start_line = reader.line_num + 1
    except csv.Error as exc:
        raise ArticleError(f"{path}:{reader.line_num}", f"malformed CSV ({exc})") from None
    return rows


def _row(record: Mapping[str, object], path: str, line: int, runs: Callable[[str], list[source_map.Run] | None]) -> RawArticle:
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
    return RawArticle(f"{path}#{line}", body, fields, name_hint=name, source_map=_source_map(body, text, runs))


# --------------------------------------------------------------------------- locations
#
# A finding in a manifest row points at the line and column of the manifest where its
# span is written: in a JSONL line, inside the JSON string (escapes such as \" and \n
# count as written); in a CSV file, inside the quoted field, which may run over several
# lines ("" counts as written). The text is read a second time here, next to its
# characters' places, and compared with what the json and csv modules read: when they
# differ (a CSV quirk this reader does not follow), the row has no map and its findings
# point at the row's first line.


def _source_map(body: str, text: str, runs: Callable[[str], list[source_map.Run] | None]) -> bytes:
    placed = runs(text)
    pieces = source_map.locate_lines(body, text) if placed is not None else None
    if placed is None or pieces is None:
        return b""
    return source_map.pack(source_map.compose(pieces, placed))


# One escape, one character: a surrogate pair (\ud83d\ude00) is one escape here.
_JSON_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.")
_JSON_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _json_text_runs(line: str, number: int, text: str) -> list[source_map.Run] | None:
    """Where each character of the row's ``text`` value is in its JSONL line."""
    literal = _json_text_literal(line)
    if literal is None:
        return None
    start, end = literal  # the string's characters, between its quotes
    runs: list[source_map.Run] = []
    decoded: list[str] = []
    at = 0

    def plain(a: int, b: int) -> None:
        nonlocal at
        if b > a:
            runs.append((at, number, a + 1, b - a))
            decoded.append(line[a:b])
            at += b - a

    position = start
    for m in _JSON_ESCAPE.finditer(line, start, end):
        plain(position, m.start())
        escape = m.group()
        if escape[1] != "u":
            char = _JSON_SIMPLE_ESCAPES.get(escape[1], escape[1])
        elif len(escape) == 12:
            char = (chr(0x10000 + ((int(escape[2:6], 16) - 0xD800) << 10) + int(escape[8:12], 16) - 0xDC00))
        else:
            char = _without_surrogates(chr(int(escape[2:6], 16)))
        runs.append((at, number, m.start() + 1, 1))
        at += 1
        decoded.append(char)
        position = m.end()
    plain(position, end)
    return runs if "".join(decoded) == text else None


def _json_text_literal(line: str) -> tuple[int, int] | None:
    """The span of the characters of the top-level "text" string of a JSON object line
    (the last one, as json.loads keeps the last of two equal keys)."""
    decoder = json.JSONDecoder()
    found = None
    try:
        at = _skip_space(line, 0)
        if line[at] != "{":
            return None
        at = _skip_space(line, at + 1)
        while line[at] != "}":
            key, at = json.decoder.scanstring(line, at + 1)
            at = _skip_space(line, at)
            at = _skip_space(line, at + 1)  # past ':'
            value_start = at
            _, at = decoder.raw_decode(line, at)
            if key == "text" and line[value_start] == '"':
                found = (value_start + 1, at - 1)
            at = _skip_space(line, at)
            if line[at] == ",":
                at = _skip_space(line, at + 1)
    except (ValueError, IndexError, RecursionError):
        return None
    return found


def _skip_space(line: str, at: int) -> int:
    while at < len(line) and line[at] in " \t\r\n":
        at += 1
    return at


def _line_starts(text: str) -> list[int]:
    starts = [0]
    at = text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def _csv_text_runs(text: str, line_starts: list[int], first_line: int, column: int, value: str) -> list[source_map.Run] | None:
    """Where each character of a CSV row's text field is, for the row starting on
    ``first_line`` (the csv module's default dialect: comma, double quotes doubled)."""
    if first_line - 1 >= len(line_starts):
        return None
    at = line_starts[first_line - 1]
    for _ in range(column):  # skip the fields before it
        at = _csv_field_end(text, at)
        if at >= len(text) or text[at] != ",":
            return None
        at += 1
    runs: list[source_map.Run] = []
    decoded = 0
    pieces: list[str] = []

    def place(a: int, b: int) -> None:  # text[a:b] as written, maybe over several lines
        nonlocal decoded
        while a < b:
            newline = text.find("\n", a, b)
            stop = b if newline < 0 else newline + 1
            line = bisect.bisect_right(line_starts, a)
            runs.append((decoded, line, a - line_starts[line - 1] + 1, stop - a))
            pieces.append(text[a:stop])
            decoded += stop - a
            a = stop

    if at < len(text) and text[at] == '"':
        at += 1
        while True:
            quote = text.find('"', at)
            if quote < 0:
                return None
            place(at, quote)
            if text.startswith('""', quote):
                place(quote, quote + 1)  # "" is one quote, placed at the first
                at = quote + 2
                continue
            at = quote + 1
            break
    end = _csv_field_end(text, at)
    place(at, end)
    return runs if "".join(pieces) == value else None


def _csv_field_end(text: str, at: int) -> int:
    """The end of an unquoted field (or of what follows a closing quote)."""
    if at < len(text) and text[at] == '"':
        at += 1
        while True:
            quote = text.find('"', at)
            if quote < 0:
                return len(text)
            if text.startswith('""', quote):
                at = quote + 2
                continue
            at = quote + 1
            break
    ends = [e for e in (text.find(",", at), text.find("\n", at)) if e >= 0]
    return min(ends) if ends else len(text)
