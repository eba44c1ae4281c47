"""What a review run knows beyond the ``CheckResult``: baseline, threshold and time.

Every output format renders from one ``CheckResult`` plus this context, so a markdown
summary, a JSON file and a SARIF log of the same run always agree on what was baselined
and what fails. The default context (no baseline, no threshold, no time) renders exactly
what ``checker report`` always wrote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ..models import Finding, Severity


@dataclass(frozen=True)
class ReportContext:
    """The review side of a run; ``CheckResult.findings`` holds only the findings that count."""

    baselined: tuple[Finding, ...] = ()  # findings the baseline accepted (not counted, not failing)
    baseline: str | None = None  # the baseline file as the user named it, when one was used
    stale: int = 0  # baseline entries this run no longer finds (fixed, or the article changed)
    fail_on: Severity | None = None  # the ``--fail-on`` level of ``checker check``; None for reports
    generated_at: dt.datetime | None = None  # only with ``--timestamp``: output is otherwise byte-stable

    def failing(self, findings: Iterable[Finding]) -> tuple[Finding, ...]:
        """The findings at or above ``fail_on`` (none without a threshold)."""
        return at_or_above(findings, self.fail_on) if self.fail_on else ()


NO_CONTEXT = ReportContext()  # what ``checker report`` renders with: no baseline, threshold or time


def at_or_above(findings: Iterable[Finding], level: Severity) -> tuple[Finding, ...]:
    """Findings whose severity is ``level`` or worse (error > warning > info)."""
    return tuple(f for f in findings if f.severity.rank <= level.rank)


def timestamp(moment: dt.datetime) -> str:
    """UTC, second precision, ``Z`` suffix: the one time format of every output."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
