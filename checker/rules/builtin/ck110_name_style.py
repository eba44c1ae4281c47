"""CK110 name-style: outlets write one name in different house styles.

What it flags: two outlets of one story writing the same name with the same letters but
another hyphenation, case or accents: "Kim Jong-un" / "Kim Jong Un", "Nicolás Maduro" /
"Nicolas Maduro". A name spelled with other letters is CK101's (name-variant); this is
the lower kind, style rather than spelling, and it is a preview rule: an editor who
merges wire copy wants one style, but between outlets the difference is usually each
outlet's style book. Only full names (two words or more) are compared, and each outlet's
most frequent form of the name speaks for it. Not flagged: a leading "The" or a trailing
"Inc." ("The Daily Caller" / "Daily Caller"), straight or curly apostrophes, and names set
in capitals (headlines: "NEW YORK").
Why it matters: a desk that merges copy from several outlets publishes one style; a search
for one form misses the other.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from itertools import combinations

from ...models import Finding, Severity, Story
from ...text.names import name_key
from ..base import Rule, RuleContext, register


@register
class NameStyle(Rule):
    """Outlets write one name in different house styles (hyphens, case, accents)."""

    code = "CK110"
    name = "name-style"
    severity = Severity.INFO
    preview = True  # house style: true, but rarely what an editor is looking for
    # Real / judged: 0/1 on the dev stories, 1/10 on held-out AllSides text (accents and
    # hyphens of one name: true, and trivial to an editor; allsides-15000-fresh.yaml).
    measured_precision = "0.09 (1/11)"
    confidence = 0.3

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        for story in ctx.result.stories:
            yield from self._styles(ctx, story)

    def _styles(self, ctx: RuleContext, story: Story) -> Iterable[Finding]:
        for entity in ctx.entities(story):
            by_outlet: dict[str, Counter[str]] = {}
            for m in entity.mentions:
                if len(m.text.replace("-", " ").split()) >= 2:
                    by_outlet.setdefault(ctx.outlet(m.article), Counter())[m.text] += 1
            usual = {o: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for o, c in by_outlet.items()}
            for oa, ob in combinations(sorted(usual), 2):
                a, b = usual[oa], usual[ob]
                kind = _style_difference(a, b)
                if kind is None:
                    continue
                ma = min((m for m in entity.mentions if m.text == a), key=lambda m: (m.article, m.start))
                mb = min((m for m in entity.mentions if m.text == b), key=lambda m: (m.article, m.start))
                sa = ctx.sentences_by_article[ma.article][ma.sentence]
                sb = ctx.sentences_by_article[mb.article][mb.sentence]
                yield ctx.finding(
                    self,
                    story=story.id,
                    claim=ctx.claim_of(sa, sb),
                    key=" / ".join(sorted([a, b])),
                    message=f"{oa} writes \"{a}\", {ob} writes \"{b}\" (house style: {kind})",
                    evidence=[ctx.evidence(sa, ma.start, ma.end), ctx.evidence(sb, mb.start, mb.end)],
                )


_FRAME = re.compile(r"^the\s+|[\s,]+(?:inc|corp|co|ltd|llc|plc)\.?$", re.IGNORECASE)


def _style_difference(a: str, b: str) -> str | None:
    """How two forms of one name differ in style only: "hyphenation", "accents" or
    "case"; None when they differ in more (or in nothing an editor would count)."""
    if a == b or name_key(a) != name_key(b) or a.isupper() or b.isupper():
        return None
    a, b = (_FRAME.sub("", x).replace("’", "'") for x in (a, b))
    if a == b:
        return None
    plain = lambda x: "".join(c for c in unicodedata.normalize("NFD", x) if not unicodedata.combining(c))  # noqa: E731
    unhyphenated = lambda x: x.replace("-", " ")  # noqa: E731
    if plain(unhyphenated(a)).casefold() != plain(unhyphenated(b)).casefold():
        return None
    kinds = [
        kind
        for kind, differs in (
            ("hyphenation", a.count("-") != b.count("-")),
            ("accents", unhyphenated(a).casefold() != unhyphenated(b).casefold()),
            ("case", plain(unhyphenated(a)) != plain(unhyphenated(b))),
        )
        if differs
    ]
    return " and ".join(kinds) or None
