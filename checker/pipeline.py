"""``check()``: the stages in order, and nothing else.

ingest -> segment -> embed -> events -> cluster -> rules. Each stage lives in its own
module; this one wires them together, so a newcomer can read the whole flow on one screen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import cluster, collector, events, memo, similarity
from .cache import Cache
from .embed import DEFAULT_MODEL, Embedder, embed_texts, make_embedder
from .ingest import parse_inputs, read_inputs
from .models import Article, CheckResult, Sentence, Story
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
    # Input sizes up to which every pair is compared exactly; above them a blocked
    # neighbour search proposes the pairs. None: the built-in sizes (events.EXACT_ARTICLES
    # articles per run, cluster.EXACT_STORY_ARTICLES per story); 0 always searches.
    exact_up_to: int | None = None
    backend: str = "torch"  # "torch" (sentence-transformers fp32) or "onnx" (ONNX Runtime int8)
    # Processes that split sentences when many articles are new. Above 1 the library starts
    # processes with "spawn", which re-imports the caller's __main__: only for programs
    # whose main module is guarded (the ``checker`` command is; it uses one per core).
    segment_workers: int = 1


def _segment_all(
    articles: Sequence[Article], cache: Cache | None, advance: Callable[[int], None] = lambda n: None, workers: int = 1
) -> list[Sentence]:
    """Every article's sentences; spans come from the cache when the text was seen before."""
    keys = {a.id: spans_key(a) for a in articles}
    known = cache.get_spans(sorted(set(keys.values()))) if cache else {}
    todo = {keys[a.id]: (a.text, language_of(a)) for a in articles if keys[a.id] not in known}
    advance(len(articles) - len(todo))
    fresh = _split_all(todo, advance, workers)
    sentences: list[Sentence] = []
    for article in articles:
        key = keys[article.id]
        sentences.extend(segment(article, known[key] if key in known else fresh[key]))
    if cache and fresh:
        cache.put_spans(fresh)
    return sentences


#: Texts to split before a second process pays for its start (pysbd is pure Python, about
#: 3 ms an article: 10,000 articles take half a minute on one core).
PARALLEL_SEGMENTING = 500


def _split_all(todo: Mapping[str, tuple[str, str]], advance: Callable[[int], None], workers: int = 1) -> dict[str, tuple]:
    """Sentence spans of (text, language) by key; in ``workers`` processes when there are many."""
    items = sorted(todo.items())
    if len(items) < PARALLEL_SEGMENTING or workers < 2:
        spans = {}
        for key, (text, language) in items:
            spans[key] = sentence_spans(text, language)
            advance(1)
        return spans
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    spans = {}
    # spawn, not fork: the parent may already run model threads, which fork does not copy.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        texts, languages = [t for _, (t, _) in items], [lang for _, (_, lang) in items]
        for (key, _), found in zip(items, pool.map(sentence_spans, texts, languages, chunksize=64)):
            spans[key] = found
            advance(1)
    return spans


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
    inputs = read_inputs(paths)

    cache = Cache(settings.cache) if settings.cache else None
    embedder = embedder or make_embedder(settings.model, settings.backend)
    # An unchanged corpus (same files, settings, rules, model and code) was done before.
    key = memo.run_key(inputs.fingerprint(), settings, ruleset, embedder.model_id) if cache else ""
    if cache and (known := cache.get_result(key)) is not None:
        return memo.result_from_json(known)

    articles, notes = parse_inputs(inputs, story_from_folders=settings.story_from_folders)

    sentences = _segment_all(articles, cache, progress("segmenting", len(articles)), settings.segment_workers)
    claim_sentences = [s for s in sentences if s.is_claim]
    advance = progress("embedding", len({s.text for s in claim_sentences}))
    matrix = embed_texts([s.text for s in claim_sentences], embedder, cache, advance)
    vectors = {(s.article, s.index): matrix[i] for i, s in enumerate(claim_sentences)}

    result = analyse(articles, sentences, vectors, settings, ruleset, model=embedder.model_id, notes=notes, progress=progress)
    if cache:
        with collector.frozen():  # nor does writing them down
            cache.put_result(key, memo.result_to_json(result))
    return result


def analyse(
    articles: Sequence[Article],
    sentences: Sequence[Sentence],
    vectors: Mapping[tuple[str, int], np.ndarray],
    settings: Settings,
    ruleset: RuleSet,
    *,
    model: str,
    notes: Sequence[str] = (),
    stories: Sequence[Story] | None = None,
    scorer: cluster.PairScorer | None = None,
    progress: ProgressFactory = _no_progress,
) -> CheckResult:
    """Everything after embedding: stories (unless given), claims, recurrences, findings.

    ``check`` runs it on the articles it read; the corpus store (``store.py``) on the
    stories that new articles touch, with the stories and the scorer of the whole store.
    """
    notes = list(notes)
    exact = {} if settings.exact_up_to is None else {"exact_up_to": settings.exact_up_to}
    if stories is None:
        advance = progress("stories", 1)
        stories = events.group_stories(articles, sentences, vectors, **exact)
        advance(1)
    stories = tuple(stories)
    claim_sentences = [s for s in sentences if s.is_claim]
    scorer = scorer or similarity.sentence_pair_scorer(claim_sentences)
    advance = progress("claims", len(stories))
    claims = cluster.cluster_claims(
        stories,
        articles,
        sentences,
        vectors,
        scorer=scorer,
        threshold=settings.claim_threshold,
        attach_threshold=settings.attach_threshold,
        chain_floor=similarity.CHAIN_FLOOR,
        progress=advance,
        **exact,
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
        model=model,
    )
    advance = progress("rules", 1)
    with collector.frozen():  # the rules need not watch the run's millions of objects
        findings, rule_notes = run_rules(partial, ruleset, select=settings.select)
    advance(1)
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
