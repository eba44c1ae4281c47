"""Where a piece of evidence sits in a file: one answer for every output format.

Article paths are display paths relative to the working directory; a manifest row is
``data.jsonl#12`` (the row starting on line 12), and its file is ``data.jsonl``. An
evidence's ``line`` and ``column`` are those of the file the user gave, whatever its
format: front matter counted, an HTML page's text mapped back into the markup, a
manifest row's text placed in its JSON line or CSV field (``checker/source_map.py``).
Where an HTML page's text could not be mapped back (the extractor rewrote that line), the
evidence says so (``line_in`` is "extracted text"), and so does every format: markdown,
HTML and ``checker diff`` write ``page.html (extracted text) line 13``, SARIF and GitHub
annotate the file without a line and carry that phrase in the message. Nothing shows a
line of the extracted text as if it were a line of the file.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Evidence
from ..source_map import EXTRACTED


@dataclass(frozen=True)
class SourceSpan:
    """A span in a source file; ``line`` is None when only the file is known."""

    file: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None  # the column just after the span's last character
    extracted_line: int | None = None  # the line in the extracted text, when not placed in the file


def source_span(evidence: Evidence) -> SourceSpan:
    """The file, and where known the 1-based start and end of ``evidence.text`` in it."""
    file = evidence.path.partition("#")[0]
    if evidence.line_in != "file":
        return SourceSpan(file, extracted_line=evidence.line)
    if evidence.end_line:
        return SourceSpan(file, evidence.line, evidence.column, evidence.end_line, evidence.end_column)
    text = evidence.text  # end not given (evidence made by hand): count it from the text
    newlines = text.count("\n")
    end_column = len(text) - text.rfind("\n") if newlines else evidence.column + len(text)
    return SourceSpan(file, evidence.line, evidence.column, evidence.line + newlines, end_column)


def describe(path: str, line: object, line_in: object = "file") -> str:
    """``file:line``, or ``file (extracted text) line N``; just the file without a line.

    Takes the values of an Evidence or of its JSON (``checker diff`` reads those).
    """
    file = path.partition("#")[0]
    if not isinstance(line, int) or isinstance(line, bool):
        return file
    if line_in == EXTRACTED:
        return f"{file} ({EXTRACTED}) line {line}"
    return f"{file}:{line}"


def where(evidence: Evidence) -> str:
    """Where the evidence is, for people to read (see :func:`describe`)."""
    return describe(evidence.path, evidence.line, evidence.line_in)


def extracted_note(evidence: Evidence) -> str:
    """For annotations that cannot name a line (SARIF, GitHub): ' (page.html (extracted
    text) line 13)' when the evidence is not placed in the file, else ''."""
    return f" ({where(evidence)})" if evidence.line_in != "file" else ""
