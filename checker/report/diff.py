"""Compare two JSON reports: which findings a change added, resolved or left alone.

Findings are matched by fingerprint, which ignores paths, line numbers and input order,
so moving or re-wrapping an article does not show up as "resolved + added". Both the
counted and the baselined findings of a report take part: a diff is about what the
articles say, not about what a baseline accepted. The markdown is meant for a pull
request comment, so every piece of article text in it is escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Severity
from .escape import escape_md
from .locations import describe

_RANK = {s.value: s.rank for s in Severity}
_HEX = re.compile(r"[0-9a-f]{1,64}")


@dataclass(frozen=True)
class ReportDiff:
    """Finding dicts (as in the JSON report), each list in severity-then-rule order."""

    added: tuple[dict, ...]
    resolved: tuple[dict, ...]
    unchanged: tuple[dict, ...]


def _findings(report: dict) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for f in list(report.get("findings", [])) + list(report.get("baselined", [])):
        found.setdefault(f["fingerprint"], f)
    return found


def _order(findings: list[dict]) -> tuple[dict, ...]:
    return tuple(
        sorted(findings, key=lambda f: (_RANK.get(str(f.get("severity")), 3), str(f.get("rule", "")), f["fingerprint"]))
    )


def compare(old: dict, new: dict) -> ReportDiff:
    """The findings of ``new`` not in ``old`` (added), of ``old`` not in ``new`` (resolved),
    and of both (unchanged, as ``new`` reports them)."""
    before, after = _findings(old), _findings(new)
    return ReportDiff(
        added=_order([f for fp, f in after.items() if fp not in before]),
        resolved=_order([f for fp, f in before.items() if fp not in after]),
        unchanged=_order([f for fp, f in after.items() if fp in before]),
    )


def added_at_or_above(diff: ReportDiff, level: Severity) -> tuple[dict, ...]:
    """Added findings whose severity is ``level`` or worse."""
    return tuple(f for f in diff.added if _RANK.get(str(f.get("severity")), 3) <= level.rank)


def _where(finding: dict) -> str:
    """Each evidence's place, written as the other formats write it (``report/locations.py``)."""
    places = []
    for e in finding.get("evidence") or []:
        if not isinstance(e, dict) or not isinstance(e.get("path"), str):
            continue
        places.append(escape_md(describe(e["path"], e.get("line"), e.get("line_in", "file"))))
    return "<br>".join(places) or "-"


def _fingerprint(finding: dict) -> str:
    fp = finding["fingerprint"]
    return f"`{fp}`" if _HEX.fullmatch(fp) else escape_md(fp)


def _table(findings: tuple[dict, ...]) -> list[str]:
    lines = ["| severity | rule | finding | where | fingerprint |", "|---|---|---|---|---|"]
    for f in findings:
        rule = escape_md(f"{f.get('rule', '')} {f.get('name', '')}".strip())
        lines.append(
            f"| {escape_md(str(f.get('severity', '')))} | {rule} | {escape_md(str(f.get('message', '')))} "
            f"| {_where(f)} | {_fingerprint(f)} |"
        )
    return lines


def render(diff: ReportDiff, old_name: str, new_name: str) -> str:
    """Markdown for a pull request comment: added and resolved in full, unchanged folded."""
    lines = [
        "## checker: findings compared",
        "",
        (
            f"{len(diff.added)} added, {len(diff.resolved)} resolved, {len(diff.unchanged)} unchanged "
            f"(old: {escape_md(old_name)}, new: {escape_md(new_name)})."
        ),
    ]
    for title, findings in (("Added", diff.added), ("Resolved", diff.resolved)):
        lines += ["", f"### {title} ({len(findings)})", ""]
        lines += _table(findings) if findings else ["None."]
    if diff.unchanged:
        lines += ["", f"<details><summary>Unchanged ({len(diff.unchanged)})</summary>", ""]
        lines += _table(diff.unchanged)
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"
