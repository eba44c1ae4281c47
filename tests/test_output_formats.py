"""Every output format against one shared sample: the seed run reviewed against a
baseline that accepts its info findings, failing on warnings.

The formats must agree on which findings count and which were baselined; SARIF must be
valid against the official OASIS schema (vendored in tests/data); GitHub workflow
commands must keep hostile article text inside one escaped command.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from checker import baseline
from checker.models import Evidence, Finding, Severity
from checker.report import FORMATS, ReportContext, render
from checker.report.github import escape_data, escape_property
from checker.rules import builtin_rules

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
BASELINE_NAME = "checker-baseline.json"


@pytest.fixture(scope="module")
def sample(seed_result):
    infos = [f for f in seed_result.findings if f.severity is Severity.INFO]
    counted, match = baseline.split_result(seed_result, baseline.from_findings(infos))
    ctx = ReportContext(baselined=match.baselined, baseline=BASELINE_NAME, fail_on=Severity.WARNING)
    severities = {f.severity for f in counted.findings}
    assert infos and severities == {Severity.ERROR, Severity.WARNING}  # the sample covers every case
    return counted, ctx


def _fingerprints(findings) -> list[str]:
    return [f.fingerprint for f in findings]


def _sarif_validator() -> jsonschema.Draft4Validator:
    return jsonschema.Draft4Validator(SCHEMA)


def test_every_format_agrees_on_what_counts_and_what_was_baselined(sample) -> None:
    result, ctx = sample
    counted, accepted = _fingerprints(result.findings), _fingerprints(ctx.baselined)

    data = json.loads(render(result, "json", ctx))
    assert _fingerprints_of(data["findings"]) == counted
    assert _fingerprints_of(data["baselined"]) == accepted
    assert data["summary"] == {
        "findings": len(counted),
        "by_severity": {s.value: sum(f.severity is s for f in result.findings) for s in Severity},
        "baselined": len(accepted),
        "stale_baseline_entries": 0,
        "fail_on": "warning",
        "failing": len(counted),
    }
    assert data["baseline"] == BASELINE_NAME and data["generated_at"] is None

    sarif = json.loads(render(result, "sarif", ctx))["runs"][0]["results"]
    assert [r["partialFingerprints"]["checkerFingerprint/v1"] for r in sarif if "suppressions" not in r] == counted
    assert [r["partialFingerprints"]["checkerFingerprint/v1"] for r in sarif if "suppressions" in r] == accepted

    lines = render(result, "github", ctx).splitlines()
    assert len(lines) == sum(len(f.evidence) for f in result.findings)
    annotated = [re.search(r"\(fingerprint ([0-9a-f]+)\)$", line).group(1) for line in lines]
    assert list(dict.fromkeys(annotated)) == counted

    summary = render(result, "summary", ctx)
    for fp in counted:
        assert f"`{fp}`" in summary
    for fp in accepted:
        assert fp not in summary
    report = render(result, "markdown", ctx)
    for text in (summary, report):
        assert f"{len(accepted)} baselined (accepted in {BASELINE_NAME.replace('_', chr(92) + '_')}, not shown)." in text


def _fingerprints_of(items: list[dict]) -> list[str]:
    return [f["fingerprint"] for f in items]


def test_summary_gives_the_verdict_and_the_counts(sample) -> None:
    result, ctx = sample
    counts = {s: sum(f.severity is s for f in result.findings) for s in Severity}
    lines = render(result, "summary", ctx).splitlines()
    assert lines[0] == "## checker check: failed"
    assert lines[2] == f"{len(result.findings)} findings at or above `warning` (exit 1)."
    assert lines[3] == f"{len(result.findings)} findings: {counts[Severity.ERROR]} error, {counts[Severity.WARNING]} warning."
    all_accepted = replace(ctx, fail_on=Severity.ERROR, baselined=ctx.baselined + result.findings)
    passed = render(replace(result, findings=()), "summary", all_accepted)
    total = len(all_accepted.baselined)
    assert passed.startswith(
        f"## checker check: passed\n\nNo finding at or above `error`.\n0 findings.\n{total} baselined (accepted in "
    )


def test_sarif_is_valid_against_the_official_schema(sample, seed_result) -> None:
    result, ctx = sample
    validator = _sarif_validator()
    for log in (json.loads(render(result, "sarif", ctx)), json.loads(render(seed_result, "sarif"))):
        errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(log)]
        assert errors == []
    log = json.loads(render(result, "sarif", ctx))
    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    rules = run["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} >= {cls.code for cls in builtin_rules()}
    assert next(r for r in rules if r["id"] == "CK101")["defaultConfiguration"] == {"level": "error"}
    by_fp = {f.fingerprint: f for f in result.findings + ctx.baselined}
    for r in run["results"]:
        finding = by_fp[r["partialFingerprints"]["checkerFingerprint/v1"]]
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"] == finding.rule
        assert r["level"] == {"error": "error", "warning": "warning", "info": "note"}[finding.severity.value]
        located = [r["locations"][0]] + r.get("relatedLocations", [])
        assert [loc["physicalLocation"]["artifactLocation"]["uri"] for loc in located] == [e.path for e in finding.evidence]
        region = r["locations"][0]["physicalLocation"]["region"]
        first = finding.evidence[0]
        assert (region["startLine"], region["startColumn"], region["snippet"]["text"]) == (first.line, first.column, first.text)
        baselined = finding in ctx.baselined
        assert r["baselineState"] == ("unchanged" if baselined else "new")
        assert ("suppressions" in r) == baselined
        if baselined:
            assert r["suppressions"] == [
                {"kind": "external", "status": "accepted", "justification": f"accepted in the baseline {BASELINE_NAME}"}
            ]
    assert [a["location"]["uri"] for a in run["artifacts"]] == [a.path for a in result.articles]


def test_the_schema_check_has_teeth(sample) -> None:
    """A log missing the tool driver, or with an unknown level, must fail validation."""
    result, ctx = sample
    log = json.loads(render(result, "sarif", ctx))
    del log["runs"][0]["tool"]["driver"]
    assert not _sarif_validator().is_valid(log)
    log = json.loads(render(result, "sarif", ctx))
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert not _sarif_validator().is_valid(log)


def _unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def test_github_commands_keep_hostile_text_inside_one_escaped_command(seed_result) -> None:
    hostile_message = "100% sure\r\n::error file=evil.txt::owned,\nreally: yes\u2028::warning::x %0A"
    evidence = (
        Evidence("Evil, Inc.", "articles/odd, name: 1.txt", "s", 0, 9, "bad\n::error::span", line=3, column=5),
        Evidence("Kyodo", "articles/ok.txt", "s", 0, 4, "fine", line=7, column=1),
    )
    finding = Finding("CK101", "name-variant", Severity.ERROR, hostile_message, "story", None, evidence, "0123456789abcdef0123")
    output = render(replace(seed_result, findings=(finding,)), "github")
    lines = output.split("\n")
    assert lines[-1] == "" and len(lines) == 3  # one line per evidence, nothing else
    for line, e in zip(lines, evidence):
        match = re.fullmatch(r"::error ([^:]*)::(.*)", line)
        assert match, line
        props = dict(p.split("=", 1) for p in match.group(1).split(","))
        assert _unescape(props["file"]) == e.path
        assert props["line"] == str(e.line) and props["col"] == str(e.column)
        message = _unescape(match.group(2))
        assert message.startswith(hostile_message.replace("\u2028", " "))
        assert f"(fingerprint {finding.fingerprint})" in message
    assert lines[0].split(",")[0] == "::error file=articles/odd%2C name%3A 1.txt"
    assert "endLine=4,endColumn=14" in lines[0]  # the span runs onto the next line: 13 characters there
    assert "100%25 sure%0D%0A::error file=evil.txt::owned,%0Areally: yes ::warning::x %250A" in lines[0]
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25" and escape_data("a:b,c") == "a:b,c"


def test_github_skips_baselined_findings_and_maps_severities(sample) -> None:
    result, ctx = sample
    lines = render(result, "github", ctx).splitlines()
    commands = {line.split(" ", 1)[0] for line in lines}
    assert commands == {"::error", "::warning"}  # info findings are baselined in the sample
    info = next(f for f in ctx.baselined if f.severity is Severity.INFO)
    assert render(replace(result, findings=(info,)), "github").startswith("::notice file=")


def test_outputs_are_relative_and_timeless_unless_asked(sample) -> None:
    result, ctx = sample
    for fmt in FORMATS:
        text = render(result, fmt, ctx)
        assert str(Path.cwd()) not in text, fmt
        assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text), fmt
    moment = dt.datetime(2026, 11, 23, 19, 40, 5, 123, tzinfo=dt.UTC)
    stamped = replace(ctx, generated_at=moment)
    assert json.loads(render(result, "json", stamped))["generated_at"] == "2026-11-23T19:40:05Z"
    assert "Generated 2026-11-23T19:40:05Z." in render(result, "markdown", stamped)
    assert "Generated 2026-11-23T19:40:05Z." in render(result, "summary", stamped)
    sarif = json.loads(render(result, "sarif", stamped))
    assert sarif["runs"][0]["invocations"][0]["endTimeUtc"] == "2026-11-23T19:40:05Z"
    assert jsonschema.Draft4Validator(SCHEMA).is_valid(sarif)


def test_full_report_without_a_baseline_is_unchanged_by_the_review_context(seed_result) -> None:
    plain = render(seed_result, "markdown")
    assert "baselined" not in plain and "Generated" not in plain
    assert plain == render(seed_result, "markdown", ReportContext(fail_on=Severity.ERROR))


def test_a_difference_found_in_several_stories_is_listed_once_on_top(seed_result) -> None:
    """An archive holds one spelling habit in many stories (Zelensky / Zelenskiy: 26 on the
    whole AllSides archive); the top list names it once and says where else it is."""
    (variant,) = [f for f in seed_result.findings if f.rule == "CK101"]
    other = next(s.id for s in seed_result.stories if s.id != variant.story)
    again = replace(variant, story=other, fingerprint="0" * 20)
    report = render(replace(seed_result, findings=(*seed_result.findings, again)), "markdown")
    top = report.split("Top findings:")[1].split("\n\n")[1]
    assert top.count(variant.message) == 1 and f"{variant.message} (also in 1 other story)" in top
    assert f"| CK101 | {variant.key} | 2 |" in report
