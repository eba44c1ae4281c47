"""CK107 omission: a claim that several outlets of a story carry and another leaves out.

What it flags: a shared claim (two or more outlets) missing from another outlet of the
same story. Claims only one outlet makes are listed in the report's "single-outlet
claims" section instead: flagging each of them would drown the review.
Why it matters: what an outlet leaves out shapes a story as much as what it says.
Example: Kyodo and KUNA both report "NATO was created in 1949 ..."; the third outlet
does not.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...models import Claim, Finding, Severity
from ..base import Rule, RuleContext, register


@register
class Omission(Rule):
    """A claim carried by some outlets of a story is missing from others."""

    code = "CK107"
    name = "omission"
    severity = Severity.INFO
    measured_precision = "0.13 (2/15)"  # real / judged on the dev stories, docs/quality.md
    preview = True  # off by default: measured precision on real news below 0.5 (docs/quality.md)
    confidence = 0.1  # its share of real findings on the dev stories (docs/quality.md, reliability)

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        # Outlets per story once: scanning the stories for each claim is quadratic at scale.
        outlets_of = {story.id: {ctx.outlet(a) for a in story.articles} for story in ctx.result.stories}
        return ctx.for_each_claim(self, lambda claim: self._claim(ctx, claim, outlets_of[claim.story]))

    def _claim(self, ctx: RuleContext, claim: Claim, story_outlets: set[str]) -> Iterable[Finding]:
        carried = {ctx.outlet(s.article) for s in claim.sentences}
        missing = sorted(story_outlets - carried)
        if len(carried) < 2 or not missing:
            return
        yield ctx.finding(
            self,
            story=claim.story,
            claim=claim.id,
            key="missing:" + ",".join(m.casefold() for m in missing),
            message=f"reported by {', '.join(sorted(carried))}; not by {', '.join(missing)}",
            evidence=[ctx.evidence(s) for s in claim.sentences],
        )
