"""Typed YAML rules: what a valid rule file entry becomes after validation.

One frozen dataclass per kind. ``code`` and ``name`` are what the rule's findings carry
(``Finding.rule`` and ``Finding.name``): the rule's ``id`` and its family (the kind, or
``framing`` for term lists). ``source`` is ``path:line:column`` of the rule in its file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from ...models import Finding, Severity


@dataclass(frozen=True)
class Example:
    """One example story: (outlet, article text) pairs, and what must be flagged."""

    articles: tuple[tuple[str, str], ...]
    story: str = "example"
    published: dt.date | None = None
    flagged: tuple[str, ...] = ()  # each must occur in the evidence of one finding
    where: str = ""  # path:line:column in the rule file


@dataclass(frozen=True)
class Examples:
    flag: tuple[Example, ...] = ()
    pass_: tuple[Example, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.flag or self.pass_)

    def __len__(self) -> int:
        return len(self.flag) + len(self.pass_)


@dataclass(frozen=True, kw_only=True)
class YamlRule:
    """What every YAML rule has."""

    kind: ClassVar[str]
    family: ClassVar[str]

    id: str
    message: str
    severity: Severity
    description: str = ""
    examples: Examples = Examples()
    source: str = ""  # path:line:column
    pack: str = ""  # the shipped pack (claims/<pack>/) it comes from; "" for other files

    @property
    def code(self) -> str:
        return self.id

    @property
    def name(self) -> str:
        return self.family

    @property
    def path(self) -> str:
        return self.source.rsplit(":", 2)[0]

    def summary(self) -> str:
        """One line: the first sentence of the description, else the message."""
        text = " ".join((self.description or self.message).split())
        end = text.find(". ")
        return text[: end + 1] if end > 0 else text


@dataclass(frozen=True)
class TermFamily:
    """One way of naming a concept, e.g. "invasion" for the Russia-Ukraine war."""

    name: str
    terms: tuple[str, ...]
    discouraged: bool = False


@dataclass(frozen=True, kw_only=True)
class TermsRule(YamlRule):
    """A concept and its competing term families (``kind: terms``)."""

    kind: ClassVar[str] = "terms"
    family: ClassVar[str] = "framing"

    concept: str
    families: tuple[TermFamily, ...]
    context: tuple[str, ...] = ()  # a term counts only in sentences naming one of these
    aligned: bool = False  # only terms that stand in one slot of two lined-up sentences
    named: bool = False  # also: the labels outlets pin on one named actor, across the story


@dataclass(frozen=True, kw_only=True)
class AliasRule(YamlRule):
    """A canonical name and its known variants (``kind: alias``)."""

    kind: ClassVar[str] = "alias"
    family: ClassVar[str] = "alias"

    canonical: str
    variants: tuple[str, ...]
    accepted: tuple[str, ...] = ()
    ignorecase: bool = False
    context: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        """Every way of writing the entity: canonical first, then variants and accepted names."""
        return (self.canonical, *self.variants, *self.accepted)


@dataclass(frozen=True, kw_only=True)
class ClaimRule(YamlRule):
    """A fact that must agree across outlets (``kind: claim``)."""

    kind: ClassVar[str] = "claim"
    family: ClassVar[str] = "claim"

    regexes: tuple[str, ...] = ()
    sentences: tuple[str, ...] = ()
    slots: tuple[tuple[str, str], ...] = ()  # (slot, type) in the order first captured
    about: tuple[str, ...] = ()
    agree: bool = False
    expect: tuple[tuple[str, tuple[object, ...]], ...] = ()  # (slot, accepted values)
    stories: tuple[str, ...] = ()
    published_from: dt.date | None = None
    published_to: dt.date | None = None

    def slot_type(self, slot: str) -> str:
        return dict(self.slots).get(slot, "text")


@dataclass(frozen=True, kw_only=True)
class PatternRule(YamlRule):
    """A word, phrase or regular expression whose presence is flagged (``kind: pattern``)."""

    kind: ClassVar[str] = "pattern"
    family: ClassVar[str] = "pattern"

    words: tuple[str, ...] = ()
    regexes: tuple[str, ...] = ()
    ignorecase: bool = True
    context: tuple[str, ...] = ()
    stories: tuple[str, ...] = ()
    claims_only: bool = False


@dataclass(frozen=True, kw_only=True)
class IgnoreRule(YamlRule):
    """Silences findings of ``rule`` about ``match`` (a name, term, key or fingerprint)."""

    kind: ClassVar[str] = "ignore"
    family: ClassVar[str] = "ignore"

    rule: str
    match: str
    reason: str
    rule_where: str = ""  # path:line:column of the 'rule' value, for errors

    def matches(self, finding: Finding) -> bool:
        if self.rule.casefold() not in (finding.rule.casefold(), finding.name.casefold()):
            return False
        wanted = " ".join(self.match.split()).casefold()
        return wanted in (finding.fingerprint.casefold(), " ".join(finding.key.split()).casefold()) or any(
            wanted == " ".join(e.text.split()).casefold() for e in finding.evidence
        )
