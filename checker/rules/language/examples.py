"""Rule tests: run a rule on its ``examples:`` and say which examples fail.

An example is a tiny story built without the model: each outlet's article is split into
sentences with the real segmenter, and the n-th body sentences of all articles form the
n-th shared claim. ``story_of`` builds the same kind of story from one-sentence articles
for the built-in rules' tests.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ...models import Article, CheckResult, Claim, Finding, Sentence, Story
from ...segment import segment
from ..base import run_rules
from ..ruleset import RuleSet
from .engine import YamlCheck
from .spec import Example, YamlRule


def _path(outlet: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", outlet.lower()).strip("-") or "outlet"
    path, n = f"{base}.txt", 2
    while path in taken:
        path, n = f"{base}-{n}.txt", n + 1
    taken.add(path)
    return path


def story_of(
    *texts_by_outlet: tuple[str, str], published: dt.date | None = None, story: str = "s"
) -> CheckResult:
    """One story, one article per outlet, each article one sentence, all in one claim."""
    articles: list[Article] = []
    sentences: list[Sentence] = []
    taken: set[str] = set()
    for outlet, text in texts_by_outlet:
        path = _path(outlet, taken)
        articles.append(Article(path=path, text=text, outlet=outlet, published=published))
        sentences.append(Sentence(article=path, index=0, start=0, end=len(text), text=text))
    st = Story(id=story, articles=tuple(a.path for a in articles), reason="test")
    claim = Claim(id=f"{story}/c01", story=story, sentences=tuple(sentences), similarity=0.9)
    return CheckResult(tuple(articles), tuple(sentences), (st,), (claim,))


def example_story(example: Example) -> CheckResult:
    """The story of one rule example: segmented articles, n-th sentences as the n-th claim."""
    articles: list[Article] = []
    sentences: list[Sentence] = []
    taken: set[str] = set()
    bodies: list[list[Sentence]] = []
    for outlet, text in example.articles:
        article = Article(path=_path(outlet, taken), text=text, outlet=outlet, published=example.published)
        articles.append(article)
        own = segment(article)
        sentences.extend(own)
        bodies.append([s for s in own if s.is_claim])
    story = Story(id=example.story, articles=tuple(sorted(a.path for a in articles)), reason="rule example")
    claims = []
    for n in range(max((len(b) for b in bodies), default=0)):
        outlet_of = {a.path: a.outlet for a in articles}
        members = sorted((b[n] for b in bodies if n < len(b)), key=lambda s: (outlet_of[s.article], s.article))
        if len({s.article for s in members}) >= 2:
            claims.append(Claim(id=f"{example.story}/c{n + 1:02d}", story=example.story, sentences=tuple(members), similarity=1.0))
    return CheckResult(tuple(articles), tuple(sentences), (story,), tuple(claims))


@dataclass(frozen=True)
class ExampleOutcome:
    """How one example of a rule went."""

    example: Example
    expect_flag: bool
    findings: tuple[Finding, ...]  # the rule's findings on the example
    problem: str = ""  # empty when the example passed

    @property
    def passed(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class RuleExamples:
    """Every example outcome of one rule."""

    rule: YamlRule
    outcomes: tuple[ExampleOutcome, ...]
    notes: tuple[str, ...] = ()  # internal errors while running the rule

    @property
    def passed(self) -> bool:
        return all(o.passed for o in self.outcomes) and not self.notes

    @property
    def failures(self) -> tuple[ExampleOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.passed)


def _text_of(example: Example) -> str:
    return " | ".join(f"{outlet}: {text}" if len(example.articles) > 1 else text for outlet, text in example.articles)


def _judge(example: Example, expect_flag: bool, found: tuple[Finding, ...]) -> str:
    if not expect_flag:
        if found:
            return f"pass example was flagged: {found[0].message} [{', '.join(e.text for e in found[0].evidence)}]"
        return ""
    if not found:
        return "flag example was not flagged"
    for wanted in example.flagged:
        if not any(wanted.casefold() in e.text.casefold() for f in found for e in f.evidence):
            spans = sorted({e.text for f in found for e in f.evidence})
            return f"flag example did not flag {wanted!r} (flagged: {', '.join(repr(s) for s in spans)})"
    return ""


def run_rule_examples(rule: YamlRule, ruleset) -> RuleExamples:
    """Run ``rule`` (alone, with the alias rules of ``ruleset`` for linking) on its examples."""
    alone = RuleSet(rules=(YamlCheck(_resolved(rule, ruleset)),), aliases=ruleset.aliases)
    outcomes = []
    notes: list[str] = []
    for expect_flag, examples in ((True, rule.examples.flag), (False, rule.examples.pass_)):
        for example in examples:
            found, run_notes = run_rules(example_story(example), alone)
            notes += [f"{example.where}: {n}" for n in run_notes]
            outcomes.append(ExampleOutcome(example, expect_flag, found, _judge(example, expect_flag, found)))
    return RuleExamples(rule, tuple(outcomes), tuple(notes))


def _resolved(rule: YamlRule, ruleset) -> YamlRule:
    """The ruleset's copy of ``rule`` (with alias forms added to its lists), if it has one."""
    for r in ruleset.yaml_rules:
        if r.id == rule.id:
            return r
    return rule


def run_all_examples(ruleset, only: Sequence[str] = ()) -> list[RuleExamples]:
    """The example outcomes of every YAML rule with examples (or of the ids in ``only``)."""
    return [
        run_rule_examples(rule, ruleset)
        for rule in ruleset.yaml_rules
        if rule.examples and (not only or rule.id in only)
    ]


def describe_example(example: Example) -> str:
    """A one-line form of an example for reports: its articles, shortened."""
    text = _text_of(example)
    return text if len(text) <= 120 else text[:117] + "..."


__all__ = [
    "ExampleOutcome",
    "RuleExamples",
    "describe_example",
    "example_story",
    "run_all_examples",
    "run_rule_examples",
    "story_of",
]
