"""Measure findings against a fixture story's ``expected.yaml``.

A fixture lists the discrepancies a careful editor would flag (``expected``) and the
look-alikes that must not be flagged (``traps``); see ``fixtures/README.md``. A finding
matches an entry when its rule agrees and every ``contains`` string occurs in one of its
evidence spans. Per rule: precision = matched findings / findings, recall = expected
entries found / expected entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import InputError
from .models import CheckResult, Finding


@dataclass(frozen=True)
class Expectation:
    rule: str  # rule name or code; "any" for traps that forbid every rule
    contains: tuple[str, ...]
    note: str = ""
    story: str | None = None
    known_miss: str = ""  # why the tool misses it today; still counted in recall

    def matches(self, finding: Finding) -> bool:
        if self.rule != "any" and self.rule not in (finding.rule, finding.name):
            return False
        if self.story is not None and finding.story != self.story:
            return False
        spans = [e.text.casefold() for e in finding.evidence]
        return all(any(c.casefold() in span for span in spans) for c in self.contains)


@dataclass(frozen=True)
class RuleScore:
    rule: str
    findings: int
    matched_findings: int
    expected: int
    found: int

    @property
    def precision(self) -> float | None:
        return self.matched_findings / self.findings if self.findings else None

    @property
    def recall(self) -> float | None:
        return self.found / self.expected if self.expected else None


@dataclass(frozen=True)
class FixtureScore:
    fixture: str
    found: tuple[Expectation, ...]
    missed: tuple[Expectation, ...]
    trap_hits: tuple[tuple[Expectation, Finding], ...]
    unexpected: tuple[Finding, ...]  # findings no expected entry accounts for
    findings: tuple[Finding, ...]

    def per_rule(self) -> list[RuleScore]:
        return score_rules([self])


def load_expectations(path: str | Path) -> tuple[list[Expectation], list[Expectation]]:
    """The (expected, traps) entries of an ``expected.yaml``."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read expectations: {exc}") from exc

    def entries(key: str) -> list[Expectation]:
        out = []
        for item in data.get(key) or []:
            if not isinstance(item, dict) or "rule" not in item:
                raise InputError(f"{path}: each entry under {key!r} needs a 'rule' (see fixtures/README.md)")
            out.append(
                Expectation(
                    rule=str(item["rule"]),
                    contains=tuple(str(c) for c in item.get("contains") or ()),
                    note=str(item.get("note", "")),
                    story=item.get("story"),
                    known_miss=str(item.get("known_miss", "")),
                )
            )
        return out

    return entries("expected"), entries("traps")


def score_fixture(name: str, result: CheckResult, expected: Sequence[Expectation], traps: Sequence[Expectation]) -> FixtureScore:
    found = tuple(e for e in expected if any(e.matches(f) for f in result.findings))
    missed = tuple(e for e in expected if e not in found)
    hits = tuple((t, f) for t in traps for f in result.findings if t.matches(f))
    unexpected = tuple(f for f in result.findings if not any(e.matches(f) for e in expected))
    return FixtureScore(name, found, missed, hits, unexpected, result.findings)


def score_rules(scores: Iterable[FixtureScore]) -> list[RuleScore]:
    """Precision and recall per rule name over several fixtures."""
    totals: dict[str, list[int]] = {}
    for score in scores:
        expected_all = score.found + score.missed
        for f in score.findings:
            row = totals.setdefault(f.name, [0, 0, 0, 0])
            row[0] += 1
            row[1] += any(e.matches(f) for e in expected_all)
        for e in expected_all:
            name = _rule_name(e.rule, score.findings)
            row = totals.setdefault(name, [0, 0, 0, 0])
            row[2] += 1
            row[3] += e in score.found
    return [RuleScore(rule, *row) for rule, row in sorted(totals.items())]


def _rule_name(rule: str, findings: Sequence[Finding]) -> str:
    for f in findings:
        if rule in (f.rule, f.name):
            return f.name
    from .rules import builtin_rules

    for cls in builtin_rules():
        if rule == cls.code:
            return cls.name
    return rule
