"""Output formats: one module per format, all rendered from one ``CheckResult``.

``render(result, fmt, ctx)`` is the single place that picks the format; the optional
``ReportContext`` carries what a CI run adds (baselined findings, ``--fail-on``, the time).
``write_output`` writes atomically (temporary file, then rename) so a failed run never
leaves half a report.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from ..errors import InputError
from ..models import CheckResult
from . import github, html, json_format, markdown, sarif
from .context import NO_CONTEXT, ReportContext

#: ``summary`` is the short markdown of ``checker check`` (and of GitHub job summaries).
FORMATS = {
    "markdown": markdown.render,
    "summary": markdown.render_summary,
    "json": json_format.render,
    "sarif": sarif.render,
    "github": github.render,
    "html": html.render,
}


def render(result: CheckResult, fmt: str = "markdown", ctx: ReportContext = NO_CONTEXT) -> str:
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise InputError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}") from None
    return renderer(result, ctx)


def append_output(text: str, destination: str | Path) -> None:
    """Append ``text`` to a file that others write too (a GitHub job summary), after a
    blank line so that it starts its own markdown block."""
    target = Path(destination)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8", newline="\n") as handle:
        handle.write("\n" + text)


def write_output(text: str, destination: str | Path) -> None:
    """Write ``text`` to ``destination`` atomically; ``-`` means standard output.

    Whether the path is one of the run's inputs is ``ingest.refuse_overwriting_inputs``'s
    question, asked by the caller first: what a run reads is ingest's knowledge.
    """
    if str(destination) == "-":
        sys.stdout.write(text)
        return
    target = Path(destination)
    if target.is_dir():
        raise InputError(f"{destination}: is a folder; give -o a file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
