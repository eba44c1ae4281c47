"""GitHub Actions workflow commands: one annotation per place a finding points at.

``::error file=a.txt,line=3,col=5,endLine=3,endColumn=18,title=CK101 name-variant::message``
A finding is about several outlets' wording, so each piece of evidence gets its own
annotation (the reviewer sees it on every article involved). Findings a baseline
accepted are not annotated. Severities map to ``error``, ``warning`` and ``notice``.

Article text reaches the message, and the runner reads every output line that starts
with ``::`` as a command, so escaping is strict: data escapes ``%``, CR and LF (so a
message never spans lines), properties also ``:`` and ``,``; any other character that
some reader treats as a line break becomes a space.
"""

from __future__ import annotations

import re

from ..models import CheckResult, Finding, Severity
from .context import NO_CONTEXT, ReportContext
from .locations import extracted_note, source_span

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
# Line breaks other than CR/LF (VT, FF, FS, GS, RS, NEL, LS, PS): not escapable, so spaced.
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def escape_data(text: str) -> str:
    """Escape the message part of a workflow command."""
    text = _OTHER_BREAKS.sub(" ", text)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (``file=``, ``title=``) of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _annotations(f: Finding) -> list[str]:
    lines = []
    for number, e in enumerate(f.evidence, 1):
        span = source_span(e)
        props = [f"file={escape_property(span.file)}"]
        if span.line is not None:
            props.append(f"line={span.line}")
        if span.column is not None:
            props += [f"col={span.column}", f"endLine={span.end_line}", f"endColumn={span.end_column}"]
        title = f"{f.rule} {f.name}" + (f" ({number}/{len(f.evidence)})" if len(f.evidence) > 1 else "")
        props.append(f"title={escape_property(title)}")
        message = f"{f.message} [{e.outlet}: \"{' '.join(e.text.split())}\"{extracted_note(e)}] (fingerprint {f.fingerprint})"
        lines.append(f"::{COMMANDS[f.severity]} {','.join(props)}::{escape_data(message)}")
    return lines


def render(result: CheckResult, ctx: ReportContext = NO_CONTEXT) -> str:
    lines = [line for f in result.findings for line in _annotations(f)]
    return "".join(line + "\n" for line in lines)
