"""One finding per difference: the outlet pairs that show the same difference become one
finding with every outlet on each side.

A line carried by three outlets and worded otherwise by a fourth used to give three
findings (one per outlet pair), and six when two outlets wrote each side; a reviewer read
the same difference again and again. Findings of one rule with the same fingerprint (what
they are about and the distinct differing texts, never the outlets: see
``checker.rules.fingerprint``) are the same difference, so adding an outlet adds evidence
to a finding instead of adding findings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from ..models import Evidence, Finding
from ._common import normalise_text

SIDE_EXCERPT = 70  # characters of each side's wording shown in a grouped finding's message


def group_differences(findings: Iterable[Finding]) -> list[Finding]:
    """The findings with each set of equal fingerprints in one story merged into one."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.story, f.fingerprint), []).append(f)
    return [group[0] if len(group) == 1 else merge(group) for group in groups.values()]


def merge(group: Sequence[Finding]) -> Finding:
    """One finding for findings that show one difference: every outlet's evidence, the
    first one's fingerprint and message, and who wrote what."""
    group = sorted(group, key=lambda f: (f.severity.rank, f.message, [(e.outlet, e.path, e.start) for e in f.evidence]))
    first = group[0]
    evidence = {(e.outlet, e.path, e.start, e.end): e for f in group for e in f.evidence}
    ordered = tuple(evidence[k] for k in sorted(evidence))
    claims = {f.claim for f in group}
    return replace(
        first,
        claim=claims.pop() if len(claims) == 1 else None,
        evidence=ordered,
        message=f"{first.message}. In all: {sides(ordered)}",
        confidence=max(f.confidence for f in group),
    )


def sides(evidence: Sequence[Evidence]) -> str:
    """'A and B write "X"; C writes "Y"': the outlets grouped by what they wrote."""
    by_text: dict[str, list[str]] = {}
    shown: dict[str, str] = {}
    for e in evidence:
        norm = normalise_text(e.text)  # as the fingerprint reads it
        shown.setdefault(norm, " ".join(e.text.split()))
        if e.outlet not in by_text.setdefault(norm, []):
            by_text[norm].append(e.outlet)
    parts = []
    for norm, outlets in sorted(by_text.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        text = shown[norm]
        text = text if len(text) <= SIDE_EXCERPT else text[: SIDE_EXCERPT - 1] + "…"
        names = sorted(outlets)
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        parts.append(f"{who} write{'s' if len(names) == 1 else ''} \"{text}\"")
    return "; ".join(parts)
