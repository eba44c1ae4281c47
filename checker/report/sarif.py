"""SARIF 2.1.0, for GitHub code scanning and any other SARIF viewer.

One run; the rules under ``tool.driver.rules`` (every built-in rule, plus any other rule
a finding names), one result per finding with its first piece of evidence as the
location and the other outlets' wording as related locations. The fingerprint goes in
``partialFingerprints`` so viewers track a finding across runs; findings a baseline
accepted are still listed, with an external ``suppressions`` entry and
``baselineState: unchanged`` (new ones are ``new``), as the spec intends. Validated in
the tests against the official OASIS schema.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from .. import __version__
from ..models import CheckResult, Evidence, Finding, RuleInfo, Severity
from .context import NO_CONTEXT, ReportContext, timestamp
from .locations import extracted_note, source_span

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "checkerFingerprint/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _uri(path: str) -> str:
    """A relative URI reference for a '/'-separated path (spaces and the like escaped)."""
    return quote(path, safe="/")


def _unwrap(text: str) -> str:
    """Docstring paragraphs as single lines, for viewers that do not wrap."""
    return "\n\n".join(" ".join(p.split()) for p in text.split("\n\n"))


def _descriptors(result: CheckResult, findings: list[Finding]) -> list[dict]:
    """Every built-in rule of the run, then any other rule a finding names (YAML rules),
    described by what the result says of them."""
    known = {r.code: r for r in result.rules}
    rules: dict[str, dict] = {}
    for info in result.rules:
        if info.builtin:
            rules[info.code] = _descriptor(info)
    for f in findings:
        if f.rule not in rules:
            info = known.get(f.rule)
            rules[f.rule] = _descriptor(info) if info else {
                "id": f.rule, "name": f.name, "shortDescription": {"text": f.name},
                "defaultConfiguration": {"level": LEVELS[f.severity]},
            }
    return [rules[code] for code in sorted(rules)]


def _descriptor(info: RuleInfo) -> dict:
    return {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        # A built-in rule's help opens with its title line; a YAML rule's with its description.
        "fullDescription": {"text": _unwrap(info.help.split("\n\n", 1)[-1] if info.builtin else info.help)},
        "help": {"text": info.help, "markdown": info.help},
        "defaultConfiguration": {"level": LEVELS[info.severity]},
    }


def _location(e: Evidence, artifact_index: dict[str, int], location_id: int | None = None) -> dict:
    span = source_span(e)
    physical: dict = {"artifactLocation": {"uri": _uri(span.file)}}
    if span.file in artifact_index:
        physical["artifactLocation"]["index"] = artifact_index[span.file]
    if span.line is not None:
        region: dict = {"startLine": span.line}
        if span.column is not None:
            region.update(startColumn=span.column, endLine=span.end_line, endColumn=span.end_column)
            region["snippet"] = {"text": e.text}
        physical["region"] = region
    location: dict = {"physicalLocation": physical, "message": {"text": f"{e.outlet}: {e.text}{extracted_note(e)}"}}
    if location_id is not None:
        location["id"] = location_id
    return location


def _result(f: Finding, rule_index: dict[str, int], artifact_index: dict[str, int], *, baselined: bool, ctx: ReportContext) -> dict:
    first, *others = f.evidence or (None,)
    result: dict = {
        "ruleId": f.rule,
        "ruleIndex": rule_index[f.rule],
        "level": LEVELS[f.severity],
        "rank": round(f.confidence * 100, 1),  # SARIF's 0-100 priority: the finding's confidence
        "message": {"text": f.message},
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": {"story": f.story, "claim": f.claim, "key": f.key, "name": f.name},
    }
    if first is not None:
        result["locations"] = [_location(first, artifact_index)]
    if others:
        result["relatedLocations"] = [_location(e, artifact_index, i) for i, e in enumerate(others, 1)]
    if ctx.baseline is not None:
        result["baselineState"] = "unchanged" if baselined else "new"
    if baselined:
        result["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": f"accepted in the baseline {ctx.baseline}"}
        ]
    return result


def to_dict(result: CheckResult, ctx: ReportContext = NO_CONTEXT) -> dict:
    everything = list(result.findings) + list(ctx.baselined)
    rules = _descriptors(result, everything)
    rule_index = {r["id"]: i for i, r in enumerate(rules)}
    files = sorted({a.path.partition("#")[0] for a in result.articles})
    artifact_index = {f: i for i, f in enumerate(files)}
    invocation: dict = {"executionSuccessful": True}
    if ctx.generated_at:
        invocation["endTimeUtc"] = timestamp(ctx.generated_at)
    run: dict = {
        "tool": {
            "driver": {
                "name": "checker",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "invocations": [invocation],
        "artifacts": [{"location": {"uri": _uri(f)}, "roles": ["analysisTarget"]} for f in files],
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, rule_index, artifact_index, baselined=False, ctx=ctx) for f in result.findings]
        + [_result(f, rule_index, artifact_index, baselined=True, ctx=ctx) for f in ctx.baselined],
        "properties": {"model": result.model, "notes": list(result.notes)},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result: CheckResult, ctx: ReportContext = NO_CONTEXT) -> str:
    return json.dumps(to_dict(result, ctx), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
