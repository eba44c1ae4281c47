"""Output formats: one module per format, all rendered from one ``CheckResult``.

``render(result, fmt)`` is the single place that picks the format; ``write_output`` writes
atomically (temporary file, then rename) so a failed run never leaves half a report.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from ..errors import InputError
from ..models import CheckResult
from . import json_format, markdown

FORMATS = {"markdown": markdown.render, "json": json_format.render}


def render(result: CheckResult, fmt: str = "markdown") -> str:
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise InputError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}") from None
    return renderer(result)


def write_output(text: str, destination: str | Path, protect: tuple[str, ...] = ()) -> None:
    """Write ``text`` to ``destination`` atomically; ``-`` means standard output.

    ``protect`` lists input paths that must never be overwritten by a report.
    """
    if str(destination) == "-":
        sys.stdout.write(text)
        return
    target = Path(destination)
    resolved = target.resolve()
    if any(resolved == Path(p).resolve() for p in protect):
        raise InputError(f"{destination}: refusing to overwrite an input file; choose another -o path")
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
