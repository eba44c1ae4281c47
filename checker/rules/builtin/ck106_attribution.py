"""CK106 attribution: one outlet states a claim as fact, another attributes or hedges it.

What it flags: inside one claim, sentences that differ in how they source the claim.
Three levels are told apart: stated as fact; attributed to a speaker ("Kishida said",
"the government said"); and hedged or second-hand ("according to the report",
"reportedly", "Kyodo News said", "was quoted as saying"). Fact vs hedged is a warning;
the other differences are informational.
Why it matters: a wire copy that drops "according to" turns a claim into a fact, and
one that adds "reportedly" casts doubt where the source had none.
Example: Kyodo: "Kishida attended a summit of NATO in Spain as the first Japanese leader
to do so." KUNA: "... also hailed the Western alliance's engagement ..., according to
the report."
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ...models import Claim, Finding, Sentence, Severity
from ..base import Rule, RuleContext, register

FACT, ATTRIBUTED, HEDGED = 0, 1, 2
LEVEL_NAMES = {FACT: "states it as fact", ATTRIBUTED: "attributes it to a speaker", HEDGED: "hedges or cites a second-hand source"}

_HEDGES = re.compile(
    r"\baccording to\b|\breportedly\b|\ballegedly\b|\bpurportedly\b|\bapparently\b"
    r"|\b(?:was|were|is|are) quoted as saying\b|\bit is (?:said|believed|reported|understood)\b"
    r"|\bsources? (?:said|say|says|told)\b|\b(?:was|were|is|are) (?:said|believed|reported) to\b"
    r"|\b(?:News|Agency|agency|newspaper|media|outlet|report|reports|Press|Times|Post|Xinhua|Kyodo|Reuters|AFP|AP|TASS|Yonhap)\b"
    r"[^.;]{0,40}?\b(?:said|reported|says|reports|quoted)\b",
)
# Wrapped text breaks lines anywhere: a space in these patterns matches any whitespace.
_HEDGES = re.compile(_HEDGES.pattern.replace(" ", r"\s+"))
_SPEECH = re.compile(
    r"\b(?:said|says|say|told|stated|states|added|adds|announced|announces|declared|noted|stressed|"
    r"emphasized|emphasised|urged|warned|claimed|insisted|confirmed|accuses|accused|alleges|argues|"
    r"argued|contends|contended|maintains|maintained)\b"
)


@dataclass(frozen=True)
class Sourcing:
    level: int
    start: int  # span of the marker in the sentence (whole sentence for facts)
    end: int


@lru_cache(maxsize=16384)  # asked again for each pair a sentence is in
def sourcing(text: str) -> Sourcing:
    """How a sentence sources what it says, with the span of the marker."""
    if m := _HEDGES.search(text):
        return Sourcing(HEDGED, m.start(), m.end())
    if m := _SPEECH.search(text):
        return Sourcing(ATTRIBUTED, m.start(), m.end())
    return Sourcing(FACT, 0, len(text))


@register
class Attribution(Rule):
    """A claim is stated as fact by one outlet but attributed or hedged by another."""

    code = "CK106"
    name = "attribution"
    severity = Severity.WARNING
    measured_precision = "0.00 (0/20)"  # real / judged on the dev stories, docs/quality.md
    preview = True  # off by default: measured precision on real news below 0.5 (docs/quality.md)
    confidence = 0.05  # its share of real findings on the dev stories (docs/quality.md, reliability)

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        return ctx.for_each_claim(self, lambda claim: self._claim(ctx, claim))

    def _claim(self, ctx: RuleContext, claim: Claim) -> Iterable[Finding]:
        if len({sourcing(s.text).level for s in claim.sentences}) < 2:
            return  # every sentence sourced alike: no pair differs
        for a, b in ctx.outlet_pairs(claim):
            sa, sb = sourcing(a.text), sourcing(b.text)
            if sa.level == sb.level:
                continue
            (low, s_low), (high, s_high) = sorted([(a, sa), (b, sb)], key=lambda p: p[1].level)
            severity = Severity.WARNING if (s_low.level, s_high.level) == (FACT, HEDGED) else Severity.INFO
            yield ctx.finding(
                self,
                story=claim.story,
                claim=claim.id,
                severity=severity,
                key=f"{s_low.level}-{s_high.level}",
                message=(
                    f"{ctx.outlet(low.article)} {LEVEL_NAMES[s_low.level]}; "
                    f"{ctx.outlet(high.article)} {LEVEL_NAMES[s_high.level]} "
                    f"(\"{high.text[s_high.start:s_high.end]}\")"
                ),
                evidence=[self._span(ctx, low, s_low), self._span(ctx, high, s_high)],
            )

    @staticmethod
    def _span(ctx: RuleContext, sentence: Sentence, s: Sourcing):
        return ctx.evidence(sentence, sentence.start + s.start, sentence.start + s.end)
