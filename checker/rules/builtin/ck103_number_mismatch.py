"""CK103 number-mismatch: the same claim carries different numbers in different outlets.

What it flags: inside one claim, quantities of the same kind and unit that cannot both be
true: "30 members" vs "32 members", a "two-day" vs a "three-day" summit. Number words,
separators, multipliers and units are normalised first ("10,000" = "ten thousand"), and
approximations ("about", "nearly", "more than") widen a value into a range, so equal
values written differently are not flagged.
Why it matters: embeddings barely see numbers ("lasted two days" vs "three days" scores
cosine 0.95), and a wrong number is the most checkable error a story can carry.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from ...models import Claim, Finding, Severity
from ...text.quantities import Quantity, align_quantities, find_quantities, quantities_conflict
from ..base import Rule, RuleContext, register


@lru_cache(maxsize=65536)  # wire copy: most pairs of a claim are pairs of texts seen before
def _conflicts(text_a: str, text_b: str) -> tuple[tuple[Quantity, Quantity], ...]:
    """The aligned quantities of two sentences that cannot both be true."""
    aligned = align_quantities(find_quantities(text_a), find_quantities(text_b))
    return tuple((qa, qb) for qa, qb in aligned if quantities_conflict(qa, qb))


@register
class NumberMismatch(Rule):
    """Numbers or quantities in the same claim disagree across outlets."""

    code = "CK103"
    name = "number-mismatch"
    severity = Severity.ERROR
    measured_precision = "0.00 (0/7)"  # real / judged on the dev stories, docs/quality.md
    preview = True  # off by default: measured precision on real news below 0.5 (docs/quality.md)
    confidence = 0.05  # its share of real findings on the dev stories (docs/quality.md, reliability)

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        return ctx.for_each_claim(self, lambda claim: self._claim(ctx, claim))

    def _claim(self, ctx: RuleContext, claim: Claim) -> Iterable[Finding]:
        if sum(1 for s in claim.sentences if find_quantities(s.text)) < 2:
            return  # a conflict needs quantities on both sides of a pair
        for a, b in ctx.outlet_pairs(claim):
            for qa, qb in _conflicts(a.text, b.text):
                yield ctx.finding(
                    self,
                    story=claim.story,
                    claim=claim.id,
                    key=" vs ".join(sorted([qa.normalized, qb.normalized])),
                    message=(
                        f"{ctx.outlet(a.article)} says \"{qa.text}\" ({qa.normalized}), "
                        f"{ctx.outlet(b.article)} says \"{qb.text}\" ({qb.normalized})"
                    ),
                    evidence=[
                        ctx.evidence(a, a.start + qa.start, a.start + qa.end),
                        ctx.evidence(b, b.start + qb.start, b.start + qb.end),
                    ],
                )
