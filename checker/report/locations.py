"""Where a piece of evidence sits in a file, for annotations (SARIF, GitHub, summaries).

Article paths are display paths relative to the working directory. A manifest row is
``data.jsonl#12`` (the row starting on line 12): the file is ``data.jsonl`` and the row's
line is the best line there is. HTML articles are located by file only, since their
offsets point into the extracted text, not into the markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Evidence

_FILE_LEVEL_SUFFIXES = (".html", ".htm")


@dataclass(frozen=True)
class SourceSpan:
    """A span in a source file; ``line`` is None when only the file is known."""

    file: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None  # the column just after the span's last character


def source_span(evidence: Evidence) -> SourceSpan:
    """The file, and where known the 1-based start and end of ``evidence.text`` in it."""
    file, _, row = evidence.path.partition("#")
    if row:
        return SourceSpan(file, int(row) if row.isdigit() else None)
    if file.lower().endswith(_FILE_LEVEL_SUFFIXES):
        return SourceSpan(file)
    text = evidence.text
    newlines = text.count("\n")
    if newlines:
        end_column = len(text) - text.rfind("\n")
    else:
        end_column = evidence.column + len(text)
    return SourceSpan(file, evidence.line, evidence.column, evidence.line + newlines, end_column)


def where(evidence: Evidence) -> str:
    """``path:line`` (or just the path) for people to read."""
    span = source_span(evidence)
    return span.file if span.line is None else f"{span.file}:{span.line}"
