"""The values passed between pipeline stages.

Every stage takes and returns these frozen dataclasses, so a stage can be swapped,
skipped with precomputed input, or tested on its own. Offsets are always character
offsets into ``Article.text``, so any finding can be traced back to the source file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import Literal

SentenceKind = Literal["headline", "body", "caption", "boilerplate"]


class Severity(str, Enum):
    """How much a finding matters; ordered so that ``ERROR`` sorts first."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Inferred:
    """A metadata value the tool guessed rather than read, and how it guessed."""

    field: str  # "outlet" | "published"
    value: str
    source: str  # e.g. 'credit line "(KUNA)"', 'file name', 'dateline "June 29"'


@dataclass(frozen=True)
class Article:
    """One news article as read from disk, with its (possibly inferred) metadata."""

    path: str  # display path, relative to the working directory, '/' separated
    text: str  # the article body; all offsets point into this string
    outlet: str
    published: dt.date | None = None
    title: str | None = None
    url: str | None = None
    language: str | None = None
    story: str | None = None  # explicit story from front matter / manifest / sub-folder
    inferred: tuple[Inferred, ...] = ()
    content_hash: str = ""  # sha256 of the normalised text; identifies duplicates
    line_offset: int = 0  # lines before ``text`` in the file (front matter), for locations
    source_map: bytes = b""  # where the text is in the file, when not line for line (HTML, manifests): checker/source_map.py

    @property
    def id(self) -> str:
        return self.path


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article, with its place in the text and its role. (Slots: a whole
    archive holds 1.9 million of them.)"""

    article: str  # Article.id
    index: int  # position among the article's sentences, from 0
    start: int
    end: int
    text: str  # == article.text[start:end], possibly without a leading dateline
    kind: SentenceKind = "body"

    @property
    def is_claim(self) -> bool:
        """Only body sentences make claims; captions, headlines and boilerplate do not."""
        return self.kind == "body"


@dataclass(frozen=True)
class Story:
    """Articles that report the same event; claims are only compared within a story."""

    id: str  # stable slug, e.g. "2022-06-29-madrid"
    articles: tuple[str, ...]  # Article.id, sorted
    reason: str  # why these articles were grouped, for the report


@dataclass(frozen=True)
class Claim:
    """Sentences from different articles of one story that state the same thing."""

    id: str  # stable within a run: story id + ordinal, e.g. "2022-06-29-madrid/c03"
    story: str
    sentences: tuple[Sentence, ...]  # at most one per article, sorted by (outlet, path)
    similarity: float  # the weakest link between members (``similarity.claim_score``)

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(s.article for s in self.sentences)


@dataclass(frozen=True)
class Recurrence:
    """A background claim that recurs in more than one story (context, not conflict).

    One per claim, with every occurrence: its texts are linked by a cosine of at least
    ``claims.RECURRENCE_THRESHOLD``, directly or through each other.
    """

    stories: tuple[str, ...]  # every story it occurs in, sorted (two or more)
    sentences: tuple[Sentence, ...]  # every occurrence, sorted by (article, index)
    similarity: float  # the weakest link between its texts (cosine)


@dataclass(frozen=True)
class Evidence:
    """Where one outlet says the thing a finding is about."""

    outlet: str
    path: str
    sentence: str
    start: int  # span offsets into the article text
    end: int
    text: str  # the differing span itself
    line: int = 1  # 1-based line of ``start`` in the file, for CI annotations
    column: int = 1
    sentence_start: int = 0  # offset of ``sentence`` in the article, to place the span in it
    end_line: int = 0  # line and column just after the span's last character; 0: count from ``text``
    end_column: int = 0
    line_in: str = "file"  # or "extracted text": line and column count in the text taken from an HTML page


@dataclass(frozen=True)
class Finding:
    """One discrepancy a reviewer should look at."""

    rule: str  # stable code, e.g. "CK101"
    name: str  # readable rule name, e.g. "name-variant"
    severity: Severity
    message: str
    story: str
    claim: str | None
    evidence: tuple[Evidence, ...]
    fingerprint: str  # content hash: stable across runs, input order and line numbers
    key: str = ""  # what the finding is about (a name, term, value): used by ignore rules
    confidence: float = 0.5  # how likely a reviewer finds it real, in [0, 1] (docs/quality.md)


@dataclass(frozen=True)
class RuleInfo:
    """What a report says about a rule that ran: built-in and YAML rules alike."""

    code: str
    name: str
    severity: Severity
    summary: str  # one line
    help: str = ""  # the rule's documentation, markdown
    builtin: bool = False  # a CKnnn rule (reports list every one), not a YAML rule


@dataclass(frozen=True)
class CheckResult:
    """Everything one run produced; every output format renders from this alone."""

    articles: tuple[Article, ...]
    sentences: tuple[Sentence, ...]
    stories: tuple[Story, ...]
    claims: tuple[Claim, ...]
    findings: tuple[Finding, ...] = ()
    recurrences: tuple[Recurrence, ...] = ()
    notes: tuple[str, ...] = ()  # warnings worth showing in the report (skipped files, ...)
    model: str = ""
    rules: tuple[RuleInfo, ...] = ()  # the rules of the run, by code: what reports say of them

    @cached_property
    def single_outlet_sentences(self) -> dict[str, tuple[Sentence, ...]]:
        """Per story, the claim sentences no other outlet matches (by article, index)."""
        key = lambda s: (s.article, s.index)  # noqa: E731
        shared = {key(s) for c in self.claims for s in c.sentences}
        story_of = {a: st.id for st in self.stories for a in st.articles}
        out: dict[str, list[Sentence]] = {st.id: [] for st in self.stories}
        for s in sorted(self.sentences, key=key):
            if s.is_claim and key(s) not in shared and s.article in story_of:
                out[story_of[s.article]].append(s)
        return {k: tuple(v) for k, v in out.items()}

    def article(self, article_id: str) -> Article:
        """The article with this id; raises KeyError if there is none."""
        return self._articles_by_id[article_id]

    @cached_property
    def _articles_by_id(self) -> dict[str, Article]:
        # Built once per result: the report looks up every story's articles.
        return {a.id: a for a in self.articles}
