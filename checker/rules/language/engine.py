"""Running YAML rules: each rule of a rule file becomes one ``Rule`` of the run.

``YamlCheck`` wraps a typed rule (``spec.py``); its ``code`` is the rule's id and its
``name`` the rule's family, so findings, ``--select`` and ``ignore`` rules name YAML rules
exactly as they name built-in ones. ``terms`` rules reuse the framing rule's term
matching (``framing.py``); ``alias``, ``claim`` and ``pattern`` rules are implemented here.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from ...text.names import name_key
from ...models import Article, Evidence, Finding, RuleInfo, Sentence, Story
from .._common import normalise_text
from ..base import Rule, RuleContext
from .patterns import compile_regex, format_message, format_number, names_any, parse_number, phrase_pattern, template_regex, words_gate
from .spec import AliasRule, ClaimRule, PatternRule, TermsRule, YamlRule
from .terms import term_family_findings

FLAGGED_KINDS = ("headline", "body", "caption")  # where alias and pattern rules look


class YamlCheck(Rule):
    """One YAML rule, run like a built-in rule."""

    def __init__(self, spec: YamlRule) -> None:
        self.spec = spec
        self.code = spec.code  # type: ignore[misc]
        self.name = spec.name  # type: ignore[misc]
        self.severity = spec.severity  # type: ignore[misc]
        self.pack = spec.pack  # type: ignore[misc]

    def summary(self) -> str:  # type: ignore[override]
        return self.spec.summary()

    def info(self) -> RuleInfo:
        spec = self.spec
        text = " ".join((spec.description or spec.message).split())
        return RuleInfo(spec.code, spec.name, spec.severity, spec.summary(), f"{text}\n\nDefined in {spec.path}.")

    def __repr__(self) -> str:
        return f"YamlCheck({self.spec.kind} {self.spec.id!r} from {self.spec.source})"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        spec = self.spec
        if isinstance(spec, TermsRule):
            return term_family_findings(ctx, self, spec)
        if isinstance(spec, AliasRule):
            return _alias_findings(ctx, self, spec)
        if isinstance(spec, PatternRule):
            return _pattern_findings(ctx, self, spec)
        if isinstance(spec, ClaimRule):
            return _claim_findings(ctx, self, spec)
        raise TypeError(f"rule {spec.id} of kind {spec.kind} cannot run")  # pragma: no cover


def _sentences(ctx: RuleContext, story: Story, kinds: tuple[str, ...]) -> Iterator[Sentence]:
    for article_id in story.articles:
        for sentence in ctx.sentences_by_article.get(article_id, ()):
            if sentence.kind in kinds:
                yield sentence


def _in_stories(story: Story, patterns: tuple[str, ...]) -> bool:
    return not patterns or any(fnmatch.fnmatchcase(story.id, p) for p in patterns)


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


# ------------------------------------------------------------------ alias


def _alias_findings(ctx: RuleContext, check: YamlCheck, spec: AliasRule) -> Iterator[Finding]:
    """Every listed variant written in a headline, body or caption sentence."""
    correct = [phrase_pattern(n, spec.ignorecase) for n in (spec.canonical, *spec.accepted)]
    variants = sorted(spec.variants, key=lambda v: (-len(v), v))
    may_use = words_gate(tuple(variants), spec.ignorecase) if variants else None

    def variants_in(text: str) -> list[tuple[str, int, int, str]]:
        """(variant, start, end, as written) of each listed variant ``text`` uses."""
        if may_use is None or may_use.search(text) is None:  # most sentences: one quick search, not one per name
            return []
        if spec.context and not names_any(text, spec.context):
            return []
        found = []
        taken = [(m.start(), m.end()) for p in correct for m in p.finditer(text)]
        for variant in variants:
            for m in phrase_pattern(variant, spec.ignorecase).finditer(text):
                if _overlaps(m.start(), m.end(), taken):
                    continue
                taken.append((m.start(), m.end()))
                found.append((variant, m.start(), m.end(), m.group(0)))
        return found

    seen: dict[str, list[tuple[str, int, int, str]]] = {}  # wire copy repeats sentences
    for story in ctx.result.stories:
        for sentence in _sentences(ctx, story, FLAGGED_KINDS):
            if sentence.text not in seen:
                seen[sentence.text] = variants_in(sentence.text)
            for variant, start, end, written in seen[sentence.text]:
                yield ctx.finding(
                    check,
                    story=story.id,
                    claim=ctx.claim_of(sentence),
                    key=variant,
                    message=format_message(spec.message, {"canonical": spec.canonical, "variant": written}),
                    evidence=[ctx.evidence(sentence, sentence.start + start, sentence.start + end)],
                )


# ------------------------------------------------------------------ pattern


def _pattern_findings(ctx: RuleContext, check: YamlCheck, spec: PatternRule) -> Iterator[Finding]:
    """Every match of the rule's words and regular expressions."""
    matchers = [phrase_pattern(w, spec.ignorecase) for w in spec.words]
    matchers += [compile_regex(r, spec.ignorecase) for r in spec.regexes]
    for story in ctx.result.stories:
        if not _in_stories(story, spec.stories):
            continue
        for sentence in _sentences(ctx, story, FLAGGED_KINDS):
            claim = ctx.claim_of(sentence)
            if spec.claims_only and claim is None:
                continue
            text = sentence.text
            if spec.context and not names_any(text, spec.context):
                continue
            spans: set[tuple[int, int]] = set()
            for matcher in matchers:
                for m in matcher.finditer(text):
                    if m.end() > m.start():
                        spans.add((m.start(), m.end()))
            for start, end in sorted(spans):
                matched = text[start:end]
                yield ctx.finding(
                    check,
                    story=story.id,
                    claim=claim,
                    key=" ".join(matched.split()).casefold(),
                    message=format_message(spec.message, {"match": matched}),
                    evidence=[ctx.evidence(sentence, sentence.start + start, sentence.start + end)],
                )


# ------------------------------------------------------------------ claim


@dataclass(frozen=True)
class Statement:
    """One sentence giving a value for one slot of a claim rule."""

    sentence: Sentence
    outlet: str
    slot: str
    start: int  # offsets of the value in the sentence
    end: int
    value: object  # comparable form: Decimal, or normalised text
    shown: str  # readable form for messages


class _ClaimReader:
    """Finds the statements of one claim rule in a run."""

    def __init__(self, ctx: RuleContext, spec: ClaimRule) -> None:
        self.ctx = ctx
        self.spec = spec

    @cached_property
    def matchers(self) -> list:
        types = dict(self.spec.slots)
        sources = list(self.spec.regexes) + [template_regex(s, types) for s in self.spec.sentences]
        return [compile_regex(s, True) for s in sources]

    @cached_property
    def alias_canonical(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for alias in self.ctx.ruleset.aliases:
            for form in alias.forms:
                out.setdefault(name_key(form) or form.casefold(), alias.canonical)
        return out

    def value(self, slot: str, raw: str) -> tuple[object, str] | None:
        kind = self.spec.slot_type(slot)
        if kind == "number":
            number = parse_number(raw)
            return None if number is None else (number, format_number(number))
        if kind == "name":
            key = name_key(raw) or raw.casefold()
            canonical = self.alias_canonical.get(key)
            if canonical is not None:
                return name_key(canonical) or canonical.casefold(), canonical
            return key, " ".join(raw.split())
        shown = " ".join(raw.split())
        return normalise_text(shown), shown

    def article_date(self, article: Article, story: Story) -> dt.date | None:
        """The article's date, else the earliest date of its story, else None."""
        if article.published is not None:
            return article.published
        dates = [d for d in (self.ctx.articles[a].published for a in story.articles) if d is not None]
        return min(dates) if dates else None

    def in_window(self, article: Article, story: Story) -> bool:
        if self.spec.published_from is None and self.spec.published_to is None:
            return True
        date = self.article_date(article, story)
        if date is None:
            return True
        if self.spec.published_from is not None and date < self.spec.published_from:
            return False
        return self.spec.published_to is None or date <= self.spec.published_to

    def statements(self, story: Story) -> list[Statement]:
        found: dict[tuple[str, int, int, int, str], Statement] = {}
        for article_id in story.articles:
            article = self.ctx.articles[article_id]
            if not self.in_window(article, story):
                continue
            body = [s for s in self.ctx.sentences_by_article.get(article_id, ()) if s.is_claim]
            for i, sentence in enumerate(body):
                if self.spec.about and not (
                    names_any(sentence.text, self.spec.about) or (i > 0 and names_any(body[i - 1].text, self.spec.about))
                ):
                    continue
                for matcher in self.matchers:
                    for m in matcher.finditer(sentence.text):
                        for slot, index in matcher.groupindex.items():
                            if slot.startswith("_") or m.group(index) is None:
                                continue
                            start, end = m.start(index), m.end(index)
                            parsed = self.value(slot, m.group(index))
                            if parsed is None:
                                continue
                            key = (article_id, sentence.index, start, end, slot)
                            found.setdefault(key, Statement(sentence, article.outlet, slot, start, end, *parsed))
        return [found[k] for k in sorted(found)]

    def expected(self, slot: str, accepted: tuple[object, ...]) -> tuple[set[object], str]:
        values = set()
        shown = []
        for raw in accepted:
            parsed = self.value(slot, str(raw))
            if parsed is not None and parsed[0] not in values:
                values.add(parsed[0])
                shown.append(parsed[1])
        return values, " or ".join(shown)


def _claim_findings(ctx: RuleContext, check: YamlCheck, spec: ClaimRule) -> Iterator[Finding]:
    reader = _ClaimReader(ctx, spec)
    expected = {slot: reader.expected(slot, accepted) for slot, accepted in spec.expect}

    def evidence(s: Statement) -> Evidence:
        return ctx.evidence(s.sentence, s.sentence.start + s.start, s.sentence.start + s.end)

    for story in ctx.result.stories:
        if not _in_stories(story, spec.stories):
            continue
        statements = reader.statements(story)
        for slot, _ in spec.slots:
            said = [s for s in statements if s.slot == slot]
            if slot in expected:
                values, shown_expected = expected[slot]
                for s in said:
                    if s.value in values:
                        continue
                    fields = {"slot": slot, "values": s.shown, "expected": shown_expected}
                    yield ctx.finding(
                        check,
                        story=story.id,
                        claim=ctx.claim_of(s.sentence),
                        key=f"{slot}={s.shown}",
                        message=f"{format_message(spec.message, fields)}: {s.outlet} gives {slot} = {s.shown}, expected {shown_expected}",
                        evidence=[evidence(s)],
                    )
            if spec.agree:
                first: dict[tuple[str, object], Statement] = {}
                for s in said:
                    first.setdefault((s.outlet, s.value), s)
                outlets = {o for o, _ in first}
                distinct = {v for _, v in first}
                if len(outlets) < 2 or len(distinct) < 2:
                    continue
                if slot in expected and not distinct <= expected[slot][0]:
                    continue  # the unexpected values are flagged above, once each
                chosen = sorted(first.values(), key=lambda s: (s.outlet, str(s.value)))
                by_value: dict[str, list[str]] = {}
                for s in chosen:
                    by_value.setdefault(s.shown, []).append(s.outlet)
                shown_values = sorted(by_value, key=lambda v: (-len(by_value[v]), v))
                detail = "; ".join(f"{', '.join(by_value[v])}: {v}" for v in shown_values)
                fields = {"slot": slot, "values": " / ".join(shown_values), "expected": expected.get(slot, (set(), ""))[1]}
                yield ctx.finding(
                    check,
                    story=story.id,
                    claim=ctx.claim_of(*(s.sentence for s in chosen)),
                    key=f"{slot}={'/'.join(sorted(shown_values))}",
                    message=f"{format_message(spec.message, fields)}: outlets give different {_values_of(spec, slot)} ({detail})",
                    evidence=[evidence(s) for s in chosen],
                )


def _values_of(spec: ClaimRule, slot: str) -> str:
    """What a slot's values are, for "outlets give different ...": "numbers of dead", not "dead"."""
    name = slot.replace("_", " ")
    return {"number": f"numbers of {name}", "name": f"names for {name}"}.get(spec.slot_type(slot), f"values for {name}")


__all__ = ["FLAGGED_KINDS", "Statement", "YamlCheck"]
