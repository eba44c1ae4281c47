"""``check()``: the stages in order, and nothing else.

ingest -> segment -> embed -> events -> cluster -> rules. Each stage lives in its own
module; this one wires them together, so a newcomer can read the whole flow on one screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import cluster, events, similarity
from .cache import Cache
from .embed import DEFAULT_MODEL, Embedder, SentenceTransformerEmbedder, embed_texts
from .ingest import read_articles
from .models import Article, CheckResult, Sentence
from .rules import RuleSet, load_rules, run_rules
from .segment import language_of, segment, sentence_spans, spans_key

DEFAULT_CACHE = Path(".checker") / "embeddings.sqlite"

#: ``progress(stage, total)`` returns a callback ``advance(n)``; the CLI draws bars with it.
ProgressFactory = Callable[[str, int], Callable[[int], None]]


@dataclass(frozen=True)
class Settings:
    """Everything that changes what a run finds; the defaults are the measured ones."""

    model: str = DEFAULT_MODEL
    cache: Path | None = DEFAULT_CACHE  # None: do not cache embeddings on disk
    story_from_folders: bool = False
    claim_threshold: float = similarity.CLAIM_THRESHOLD
    attach_threshold: float = similarity.ATTACH_THRESHOLD
    rule_paths: tuple[Path, ...] = ()  # extra folders/files of YAML rules
    builtin_rules: bool = True  # load the shipped claims/ rules too
    select: tuple[str, ...] = field(default=())  # only these rule codes/names (empty: all)


def _segment_all(articles: Sequence[Article], cache: Cache | None) -> list[Sentence]:
    """Every article's sentences; spans come from the cache when the text was seen before."""
    keys = {a.id: spans_key(a) for a in articles}
    known = cache.get_spans(sorted(set(keys.values()))) if cache else {}
    fresh: dict[str, tuple] = {}
    sentences: list[Sentence] = []
    for article in articles:
        key = keys[article.id]
        spans = known.get(key) or fresh.get(key)
        if spans is None:
            spans = fresh[key] = sentence_spans(article.text, language_of(article))
        sentences.extend(segment(article, spans))
    if cache and fresh:
        cache.put_spans(fresh)
    return sentences


def _no_progress(stage: str, total: int) -> Callable[[int], None]:
    return lambda n: None


def check(
    paths: Sequence[str | Path],
    settings: Settings = Settings(),
    *,
    embedder: Embedder | None = None,
    rules: RuleSet | None = None,
    progress: ProgressFactory = _no_progress,
) -> CheckResult:
    """Read the articles under ``paths`` and return every claim and finding.

    Raises a :class:`checker.errors.CheckerError` for anything the user must fix; never
    prints or exits. Rule files are loaded and validated before any article is read.
    """
    ruleset = rules if rules is not None else load_rules(settings.rule_paths, builtin=settings.builtin_rules)
    articles, notes = read_articles(paths, story_from_folders=settings.story_from_folders)

    cache = Cache(settings.cache) if settings.cache else None
    sentences = _segment_all(articles, cache)
    claim_sentences = [s for s in sentences if s.is_claim]

    embedder = embedder or SentenceTransformerEmbedder(settings.model)
    advance = progress("embedding", len({s.text for s in claim_sentences}))
    matrix = embed_texts([s.text for s in claim_sentences], embedder, cache, advance)
    vectors = {(s.article, s.index): matrix[i] for i, s in enumerate(claim_sentences)}

    stories = events.group_stories(articles, sentences, vectors)
    scorer = similarity.sentence_pair_scorer(claim_sentences)
    claims = cluster.cluster_claims(
        stories,
        articles,
        sentences,
        vectors,
        scorer=scorer,
        threshold=settings.claim_threshold,
        attach_threshold=settings.attach_threshold,
    )
    recurrences = cluster.find_recurrences(stories, sentences, vectors)
    outlet_of = {a.id: a.outlet for a in articles}
    for story in stories:
        outlets = sorted({outlet_of[a] for a in story.articles})
        if len(outlets) == 1:
            notes.append(f"story {story.id} has articles from one outlet only ({outlets[0]}); nothing to compare it with")

    partial = CheckResult(
        articles=tuple(articles),
        sentences=tuple(sentences),
        stories=stories,
        claims=claims,
        recurrences=recurrences,
        notes=tuple(notes),
        model=embedder.model_id,
    )
    findings, rule_notes = run_rules(partial, ruleset, select=settings.select)
    return CheckResult(
        articles=partial.articles,
        sentences=partial.sentences,
        stories=partial.stories,
        claims=partial.claims,
        findings=findings,
        recurrences=partial.recurrences,
        notes=partial.notes + rule_notes,
        model=partial.model,
    )
