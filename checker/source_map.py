"""Where a character of an article's text sits in the file the user gave.

``Article.text`` is not always a copy of the file. Front matter is cut off (the article's
``line_offset`` counts its lines); an HTML page's text is extracted from the markup; a
manifest row's text is a JSON string or a CSV field, with escapes and doubled quotes. For
the last two the article carries a *source map*: anchors ``(offset, line, column)``,
sorted by offset, each saying that ``text[offset]`` is at that 1-based line and column of
the file and that the characters after it follow on the same line, one column each, up
to the next anchor. Line 0 marks text that could not be placed in the file (a line the
HTML extractor rewrote); positions there are counted in the extracted text and labelled
so, never passed off as lines of the file.

The anchors are packed into ``bytes`` (32-bit integers), which is small, immutable and
hashable like the rest of a frozen ``Article``; a 10,000-article manifest carries a few
dozen anchors per article.

Builders: :func:`compose` maps text onto an intermediate string whose own runs are
placed in the file (the readers in ``checker/ingest`` build those runs), and
:func:`locate_lines` finds the lines of a text that was cut out of a longer one.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

NOT_IN_FILE = 0  # the line of an anchor whose text could not be placed in the file
EXTRACTED = "extracted text"  # Evidence.line_in for such text


@dataclass(frozen=True)
class Position:
    """A 1-based line and column, in the file or (``in_file`` False) in the extracted text."""

    line: int
    column: int
    in_file: bool = True


def pack(anchors: Iterable[tuple[int, int, int]]) -> bytes:
    """Anchors as bytes, sorted by offset (of two for one offset, the later one given
    wins), leaving out each that merely continues the one before it."""
    by_offset = {anchor[0]: anchor for anchor in anchors}
    flat = array("i")
    last: tuple[int, int, int] | None = None
    for offset in sorted(by_offset):
        _, line, column = anchor = by_offset[offset]
        if last is not None and line == last[1] and (line == NOT_IN_FILE or column - last[2] == offset - last[0]):
            continue  # on the same line right after the last anchor: implied by it
        flat.extend(anchor)
        last = anchor
    return flat.tobytes()


def unpack(packed: bytes) -> list[tuple[int, int, int]]:
    flat = array("i")
    flat.frombytes(packed)
    return [(flat[i], flat[i + 1], flat[i + 2]) for i in range(0, len(flat), 3)]


def position(text: str, offset: int, *, source_map: bytes = b"", line_offset: int = 0) -> Position:
    """Where ``text[offset]`` is: in the file, or in the extracted text when the map says
    that part could not be placed in the file."""
    if source_map:
        anchors = unpack(source_map)
        at = bisect.bisect_right(anchors, offset, key=lambda a: a[0]) - 1
        if at >= 0 and anchors[at][1] != NOT_IN_FILE:
            start, line, column = anchors[at]
            return Position(line, column + offset - start)
        line, column = _text_position(text, offset)
        return Position(line, column, in_file=False)
    line, column = _text_position(text, offset)
    return Position(line + line_offset, column)


def span(text: str, start: int, end: int, *, source_map: bytes = b"", line_offset: int = 0) -> tuple[Position, Position]:
    """The positions of ``text[start]`` and just after ``text[end - 1]`` (the end column is
    exclusive, as SARIF and GitHub want it)."""
    first = position(text, start, source_map=source_map, line_offset=line_offset)
    if end <= start:
        return first, first
    last = position(text, end - 1, source_map=source_map, line_offset=line_offset)
    if last.in_file != first.in_file:  # a span across a line the extractor rewrote
        return first, Position(first.line, first.column + 1, first.in_file)
    return first, Position(last.line, last.column + 1, last.in_file)


def _text_position(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


# --------------------------------------------------------------------------- builders

Run = tuple[int, int, int, int]  # (offset in an intermediate string, line, column, length): linear in the file


def compose(pieces: Iterable[tuple[int, int, int]], runs: Sequence[Run]) -> list[tuple[int, int, int]]:
    """Anchors for a text whose ``pieces`` ``(text offset, intermediate offset, length)``
    are copies of an intermediate string placed in the file by ``runs`` (sorted, not
    overlapping). A piece, or part of one, outside every run is not placed (line 0)."""
    starts = [r[0] for r in runs]
    anchors: list[tuple[int, int, int]] = []
    for text_at, at, length in pieces:
        end = at + length
        while at < end:
            index = bisect.bisect_right(starts, at) - 1
            if index >= 0 and at < runs[index][0] + runs[index][3]:
                run_at, line, column, run_length = runs[index]
                anchors.append((text_at, line, column + at - run_at))
                step = min(end, run_at + run_length) - at
            else:  # in a gap before the next run
                anchors.append((text_at, NOT_IN_FILE, 0))
                step = min(end, starts[index + 1] if index + 1 < len(runs) else end) - at
            text_at += step
            at += step
    return anchors


def locate_lines(text: str, longer: str) -> list[tuple[int, int, int]] | None:
    """``(text offset, offset in longer, length)`` for the lines of ``text``, which was
    cut from ``longer`` by stripping it and the ends of its lines; None when it was not."""
    pieces: list[tuple[int, int, int]] = []
    lines = text.split("\n")
    at = 0
    cursor = longer.find(lines[0])  # only the first line may have lost leading space
    for number, line in enumerate(lines):
        if cursor < 0 or not longer.startswith(line, cursor):
            return None
        if line:
            pieces.append((at, cursor, len(line)))
        newline = longer.find("\n", cursor + len(line))
        if number + 1 < len(lines):
            if newline < 0:
                return None
            pieces.append((at + len(line), newline, 1))
        at += len(line) + 1
        cursor = newline + 1
    return pieces
