"""What every rule is and how rules run: ``Rule``, the registry, ``RuleContext`` (what a
rule sees) and ``apply_rules`` / ``finish_rules`` (run them, merge and sort what they find).

A rule is a class with a stable ``code`` (``CK101``), a readable ``name``
(``name-variant``), a default ``severity`` and a docstring that is its documentation. Its
``check(ctx)`` yields findings for one run. Rules never crash the run: an exception in a
rule becomes an internal-error note for that rule and the other rules still run.
"""

from __future__ import annotations

import hashlib
import inspect
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from ..text.entities import Entity, link_mentions
from ..text.mentions import Mention, find_mentions
from ..errors import CheckerError
from .. import source_map
from ..models import Article, CheckResult, Claim, Evidence, Finding, RuleInfo, Sentence, Severity, Story
from ._common import normalise_text, pairs_across_outlets
from ._grouping import group_differences

if TYPE_CHECKING:
    from .ruleset import RuleSet


class Rule:
    """Base class of built-in rules; subclasses set the class attributes and ``check``."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    #: Off by default (like ruff's preview rules): its measured precision on real news is
    #: below 0.5 (docs/quality.md). It runs when selected by code or name, or with preview.
    preview: ClassVar[bool] = False
    #: Precision measured on the judged dev stories, shown by ``checker rules list``.
    measured_precision: ClassVar[str] = ""
    #: A finding's confidence when the rule has no evidence to set it from (see ``finding``).
    confidence: ClassVar[float] = 0.5
    #: The rule pack it belongs to (YAML rules of ``claims/<pack>/``); built-in rules: none.
    pack: ClassVar[str] = ""

    def check(self, ctx: RuleContext) -> Iterable[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def summary(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0]

    def info(self) -> RuleInfo:
        """What reports say of the rule: its summary and, as help, its module's docstring."""
        doc = inspect.cleandoc(sys.modules[type(self).__module__].__doc__ or self.summary())
        return RuleInfo(self.code, self.name, self.severity, self.summary(), doc, builtin=True)


REGISTRY: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator adding a rule to the registry; duplicate codes or names fail fast."""
    for existing in REGISTRY.values():
        if existing.code == cls.code or existing.name == cls.name:
            raise CheckerError(
                f"rule {cls.__module__}.{cls.__name__} reuses code {cls.code} / name {cls.name} "
                f"of {existing.__module__}.{existing.__name__}; give it a new code"
            )
    if not re.fullmatch(r"CK\d{3}", cls.code):
        raise CheckerError(f"rule code {cls.code!r} must look like CK123")
    REGISTRY[cls.code] = cls
    return cls


# --------------------------------------------------------------------------- helpers


def fingerprint(code: str, story: str, key: str, evidence: Sequence[Evidence]) -> str:
    """Content hash of a finding: rule, what it is about and the distinct differing texts.

    Outlets, line numbers, offsets, paths and input order are left out on purpose, so a
    finding keeps its fingerprint when an article is re-wrapped, reordered or edited
    elsewhere, and when another outlet writes one of the same texts (it joins the
    finding: ``_grouping``).
    """
    parts = sorted({normalise_text(e.text) for e in evidence})
    raw = "\x1e".join([code, normalise_text(key), *parts])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]


def _located(article: Article, start: int, end: int) -> dict[str, object]:
    """The file position of ``article.text[start:end]`` (checker/source_map.py), as Evidence fields."""
    first, after = source_map.span(article.text, start, end, source_map=article.source_map, line_offset=article.line_offset)
    return {
        "line": first.line,
        "column": first.column,
        "end_line": after.line,
        "end_column": after.column,
        "line_in": "file" if first.in_file else source_map.EXTRACTED,
    }


@dataclass
class RuleContext:
    """What rules see: the run so far, plus lookups computed once and shared."""

    result: CheckResult
    ruleset: RuleSet
    errors: list[str] = field(default_factory=list)
    _entities: dict[str, list[Entity]] = field(default_factory=dict)
    _outlet_pairs: dict[str, tuple[tuple[Sentence, Sentence], ...]] = field(default_factory=dict)

    def for_each_claim(
        self, rule: Rule, check_claim: Callable[[Claim], Iterable[Finding]]
    ) -> Iterator[Finding]:
        """Run ``check_claim`` on every claim; a crash on one claim becomes a note."""
        for claim in self.result.claims:
            try:
                yield from list(check_claim(claim))
            except CheckerError:
                raise
            except Exception as exc:  # one bad claim must not hide the others
                self.errors.append(
                    f"internal error in rule {rule.code} {rule.name} on claim {claim.id}: {type(exc).__name__}: {exc}"
                )

    @cached_property
    def articles(self) -> dict[str, Article]:
        return {a.id: a for a in self.result.articles}

    def outlet(self, article_id: str) -> str:
        return self.articles[article_id].outlet

    def outlet_pairs(self, claim: Claim) -> tuple[tuple[Sentence, Sentence], ...]:
        """``pairs_across_outlets`` of the claim, computed once: most rules read every pair."""
        found = self._outlet_pairs.get(claim.id)
        if found is None:
            found = self._outlet_pairs[claim.id] = tuple(pairs_across_outlets(claim, self.outlet))
        return found

    @cached_property
    def sentences_by_article(self) -> dict[str, tuple[Sentence, ...]]:
        out: dict[str, list[Sentence]] = {}
        for s in self.result.sentences:
            out.setdefault(s.article, []).append(s)
        return {k: tuple(sorted(v, key=lambda s: s.index)) for k, v in out.items()}

    @cached_property
    def _claim_index(self) -> dict[tuple[str, int], str]:
        return {(s.article, s.index): c.id for c in self.result.claims for s in c.sentences}

    def claim_of(self, *sentences: Sentence) -> str | None:
        """The claim holding all of ``sentences``, if they are in one."""
        ids = {self._claim_index.get((s.article, s.index)) for s in sentences}
        return ids.pop() if len(ids) == 1 else None

    def entities(self, story: Story) -> list[Entity]:
        """The named entities of a story, mentions linked across outlets (computed once).

        Names an ``alias`` rule lists are one entity, named by the rule's canonical name.
        """
        if story.id not in self._entities:
            mentions: list[Mention] = []
            for article_id in story.articles:
                article = self.articles[article_id]
                named = [s for s in self.sentences_by_article.get(article_id, ()) if s.kind in ("body", "headline")]
                mentions.extend(find_mentions(named, article.text))
            by_key = {(s.article, s.index): s for a in story.articles for s in self.sentences_by_article.get(a, ())}

            def same_claim(m1: Mention, m2: Mention) -> bool:
                return self.claim_of(by_key[(m1.article, m1.sentence)], by_key[(m2.article, m2.sentence)]) is not None

            outlet_of = {a: self.outlet(a) for a in story.articles}
            self._entities[story.id] = link_mentions(mentions, outlet_of, same_claim, aliases=self.ruleset.alias_groups)
        return self._entities[story.id]

    @cached_property
    def story_of_article(self) -> dict[str, Story]:
        return {a: st for st in self.result.stories for a in st.articles}

    def claim_sentences(self, story: Story) -> list[Sentence]:
        return [s for a in story.articles for s in self.sentences_by_article.get(a, ()) if s.is_claim]

    def evidence(self, sentence: Sentence, start: int | None = None, end: int | None = None) -> Evidence:
        """Evidence for a span of ``sentence`` (offsets into the article; whole sentence by default)."""
        article = self.articles[sentence.article]
        start = sentence.start if start is None else start
        end = sentence.end if end is None else end
        return Evidence(
            outlet=article.outlet,
            path=article.path,
            sentence=sentence.text,
            start=start,
            end=end,
            text=article.text[start:end],
            sentence_start=sentence.start,
            **_located(article, start, end),
        )

    def finding(
        self,
        rule: Rule,
        *,
        story: str,
        message: str,
        evidence: Sequence[Evidence],
        key: str,
        claim: str | None = None,
        severity: Severity | None = None,
        confidence: float | None = None,
    ) -> Finding:
        ordered = tuple(sorted(evidence, key=lambda e: (e.outlet, e.path, e.start, e.end)))
        if confidence is None:
            confidence = rule.confidence
        return Finding(
            rule=rule.code,
            name=rule.name,
            severity=severity or rule.severity,
            message=message,
            story=story,
            claim=claim,
            evidence=ordered,
            fingerprint=fingerprint(rule.code, story, key, ordered),
            key=key,
            confidence=round(min(1.0, max(0.0, confidence)), 3),
        )


def sort_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Severity first, then story, claim, rule and fingerprint: a total, stable order."""
    unique = {(f.story, f.fingerprint): f for f in findings}
    return tuple(
        sorted(
            unique.values(),
            key=lambda f: (f.severity.rank, f.story, f.claim or "~", f.rule, f.key, f.fingerprint),
        )
    )


@dataclass(frozen=True)
class RuleOutput:
    """What one rule found on a run, or on some of its stories.

    Kept per rule so that outputs for parts of a run merge into the order one pass over
    the whole run gives: :func:`sort_findings` keeps the last of two equal fingerprints.
    """

    findings: tuple[Finding, ...] = ()
    crash: str | None = None  # the rule as a whole failed
    errors: tuple[str, ...] = ()  # it failed on single claims


@dataclass(frozen=True)
class Selection:
    """Which rules run, the way ruff selects: ``select`` replaces the default set,
    ``extend_select`` adds to it, ``ignore`` removes; each names rules by code, name,
    YAML rule id or pack (``ALL``: every rule). Preview rules run when named or with
    ``preview``."""

    select: tuple[str, ...] = ()  # empty: the rules on by default
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    preview: bool = False

    def enabled(self, rule: Rule) -> bool:
        names = {rule.code, rule.name, rule.pack} - {""}
        if names & set(self.ignore):
            return False
        if names & set(self.extend_select):
            return True
        if self.select:
            return "ALL" in self.select or bool(names & set(self.select))
        return self.preview or not rule.preview

    @property
    def named(self) -> tuple[str, ...]:
        """Every name the selection uses (to check they exist, and to load named packs)."""
        return tuple(dict.fromkeys((*self.select, *self.extend_select, *self.ignore)))


def apply_rules(result: CheckResult, ruleset: RuleSet, selection: Selection = Selection()) -> tuple[RuleOutput, ...]:
    """Each enabled rule of ``ruleset`` on ``result``, unsorted and unfiltered; one output per rule.

    Every rule reads one story at a time, so this may run on a part of the stories of a
    run, in another process; :func:`finish_rules` merges the parts.
    """
    ctx = RuleContext(result=result, ruleset=ruleset)
    outputs = []
    for rule in ruleset.rules:
        if not selection.enabled(rule):
            outputs.append(RuleOutput())
            continue
        before = len(ctx.errors)
        findings: list[Finding] = []
        crash = None
        try:
            findings.extend(rule.check(ctx))
        except CheckerError:
            raise
        except Exception as exc:  # a broken rule must not take the run down
            crash = f"internal error in rule {rule.code} {rule.name}: {type(exc).__name__}: {exc}"
        outputs.append(RuleOutput(tuple(findings), crash, tuple(ctx.errors[before:])))
    return tuple(outputs)


def finish_rules(
    parts: Sequence[Sequence[RuleOutput]], ruleset: RuleSet
) -> tuple[tuple[Finding, ...], tuple[str, ...]]:
    """The sorted findings that no ``ignore`` rule silences, and the notes, of the
    :func:`apply_rules` outputs of the parts of a run (in story order)."""
    by_rule = list(zip(*parts)) if parts else []
    findings = [f for outputs in by_rule for output in outputs for f in output.findings]
    crashes = [o.crash for outputs in by_rule for o in outputs if o.crash]
    errors = [e for outputs in by_rule for o in outputs for e in o.errors]
    notes = list(dict.fromkeys(crashes))  # a rule that fails fails on every part
    kept = group_differences([f for f in findings if not ruleset.is_ignored(f)])
    silenced = {f.fingerprint for f in findings} - {f.fingerprint for f in kept}
    for ignore in ruleset.ignores:
        count = len({f.fingerprint for f in findings if f.fingerprint in silenced and ignore.matches(f)})
        if count:
            notes.append(f"ignore rule {ignore.id} silenced {count} finding{'s' if count > 1 else ''} of {ignore.rule}: {ignore.reason}")
    return sort_findings(kept), tuple(notes + errors)


def run_rules(
    result: CheckResult, ruleset: RuleSet, selection: Selection = Selection()
) -> tuple[tuple[Finding, ...], tuple[str, ...]]:
    """Run every enabled rule; return the sorted findings and internal-error notes."""
    return finish_rules([apply_rules(result, ruleset, selection)], ruleset)
