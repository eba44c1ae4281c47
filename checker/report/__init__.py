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

from ..ingest import KNOWN_SUFFIXES, SIDECAR_SUFFIXES  # an input a report must not overwrite
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


def write_output(text: str, destination: str | Path, protect: tuple[str, ...] = ()) -> None:
    """Write ``text`` to ``destination`` atomically; ``-`` means standard output.

    ``protect`` lists input paths that must never be overwritten by a report; a folder
    stands for the files a run reads in it (see ``_input_overwritten``).
    """
    if str(destination) == "-":
        sys.stdout.write(text)
        return
    target = Path(destination)
    overwritten = _input_overwritten(target, protect)
    if overwritten is not None:
        inside = f" (it is read from the input folder {overwritten})" if Path(overwritten).is_dir() else ""
        raise InputError(f"{destination}: refusing to overwrite an input file{inside}; choose another -o path")
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


def _input_overwritten(target: Path, protect: tuple[str, ...]) -> str | None:
    """The protected path that writing ``target`` would overwrite, or None.

    A protected folder stands for the existing files in it that a run reads: articles
    (also those skipped as duplicates, which are in no result) and rule files. Other
    files in it (checker.sarif, a JSON report) are not inputs and may be replaced.
    """
    resolved = target.resolve()
    read_suffixes = (*KNOWN_SUFFIXES, *SIDECAR_SUFFIXES)
    for given in protect:
        path = Path(given).resolve()
        if resolved == path:
            return given
        if (
            path.is_dir()
            and resolved.is_file()
            and resolved.is_relative_to(path)
            and resolved.suffix.lower() in read_suffixes
        ):
            return given
    return None
