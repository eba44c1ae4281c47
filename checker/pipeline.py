"""``check()``: the stages in order.

ingest -> near-copies -> segment -> boilerplate -> embed -> stories -> claims -> rules.
Each stage lives in its own module; this one wires them together. Whether a stage's work
goes to worker processes, and in what batches, is ``executor.py``'s business.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np

from . import collector, memo, serialise, similarity
from . import store as corpus_store
from .claims import PairScorer, cluster_claims, find_recurrences, recurrence_note
from .cache import Cache
from .duplicates import find_near_copies, without_collapsed
from .embed import DEFAULT_MODEL, Embedder, SentenceVectors, embed_texts, make_embedder, text_key
from .boilerplate import mark_boilerplate
from .executor import (
    StoryShard,
    early_story_tasks,
    near_copies_aside,
    open_workers,
    run_workers,
    split_texts,
    story_shards,
    story_workers,
)
from .ingest import parse_inputs, read_inputs
from .models import Article, CheckResult, Claim, Finding, Sentence, Story
from .rules import RuleOutput, RuleSet, Selection, apply_rules, finish_rules, load_rules
from .segment import language_of, segment, spans_key
from .store import AddResult, Store
from .stories import group_stories
from .workers import Workers

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
    # Which rules run (``rules.Selection``): codes, names, YAML rule ids or packs.
    select: tuple[str, ...] = field(default=())  # only these (empty: the rules on by default)
    extend_select: tuple[str, ...] = field(default=())  # these too
    ignore: tuple[str, ...] = field(default=())  # never these
    preview: bool = False  # also run the rules that are off by default (measured precision < 0.5)
    # Input sizes up to which every pair is compared exactly; above them a blocked
    # neighbour search proposes the pairs. None: the built-in sizes (stories.py: EXACT_ARTICLES
    # articles per run, claims.py: EXACT_STORY_ARTICLES per story); 0 always searches.
    exact_up_to: int | None = None
    backend: str = "torch"  # "torch" (sentence-transformers fp32) or "onnx" (ONNX Runtime int8)
    # Processes that split sentences and analyse stories when there are many. Above 1 the
    # library starts processes with "spawn", which re-imports the caller's __main__: only
    # for programs whose main module is guarded (the ``checker`` command is; it uses one
    # per core). Results do not depend on it, so neither do equality and the memo key.
    workers: int = field(default=1, compare=False, repr=False)
    # A Dask cluster to send that work to instead (``cluster.connect``: a scheduler
    # address, a scheduler file or "local"). The results are the same, so again neither
    # equality nor the memo key depends on it.
    cluster: str | None = field(default=None, compare=False, repr=False)

    @property
    def selection(self) -> Selection:
        return Selection(self.select, self.extend_select, self.ignore, self.preview)


def _segment_all(
    articles: Sequence[Article],
    cache: Cache | None,
    advance: Callable[[int], None] = lambda n: None,
    workers: Workers = Workers(),
) -> list[Sentence]:
    """Every article's sentences; spans come from the cache when the text was seen before."""
    keys = {a.id: spans_key(a) for a in articles}
    known = cache.get_spans(sorted(set(keys.values()))) if cache else {}
    todo = {keys[a.id]: (a.text, language_of(a)) for a in articles if keys[a.id] not in known}
    advance(len(articles) - len(todo))
    fresh = split_texts(todo, advance, workers)
    sentences: list[Sentence] = []
    for article in articles:
        key = keys[article.id]
        sentences.extend(segment(article, known[key] if key in known else fresh[key]))
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
    store: Store | None = None,
) -> CheckResult:
    """Read the articles under ``paths`` and return every claim and finding.

    With a ``store``, the articles are added to it first and checked against everything
    stored: the result holds the stories they belong to and the findings that involve
    them (no ``paths``: every stored story and finding).

    Raises a :class:`checker.errors.CheckerError` for anything the user must fix; never
    prints or exits. Rule files are loaded and validated before any article is read.
    """
    ruleset = rules if rules is not None else load_rules(settings.rule_paths, builtin=settings.builtin_rules, selection=settings.selection)
    if store is not None:
        with open_workers(settings.workers, settings.cluster) as workers:
            embedder = embedder or make_embedder(settings.model, settings.backend)
            return _check_against(store, paths, settings, embedder, ruleset, progress, workers)
    inputs = read_inputs(paths)

    cache = Cache(settings.cache) if settings.cache else None
    embedder = embedder or make_embedder(settings.model, settings.backend)
    # An unchanged corpus (same files, settings, rules, model and code) was done before.
    key = memo.run_key(inputs.fingerprint(), settings, ruleset, embedder.model_id) if cache else ""
    if cache and (known := cache.get_result(key)) is not None:
        with collector.paused():  # a million objects that hold no cycles, as below
            return serialise.result_from_json(known)

    with run_workers(settings.workers, inputs.size, settings.cluster) as workers:
        articles, notes = parse_inputs(inputs, story_from_folders=settings.story_from_folders, near_copies=False)
        near_copies = near_copies_aside(articles, workers)
        sentences = _segment_all(articles, cache, progress("segmenting", len(articles)), workers)
        copies = next(near_copies)
        notes += [copy.note() for copy in copies]
        articles = without_collapsed(articles, copies)
        kept = {a.id for a in articles}
        sentences = mark_boilerplate(articles, [s for s in sentences if s.article in kept])
        claim_sentences = [s for s in sentences if s.is_claim]
        advance = progress("embedding", len({s.text for s in claim_sentences}))
        matrix = embed_texts([s.text for s in claim_sentences], embedder, cache, advance)
        vectors = SentenceVectors(claim_sentences, matrix)
        result = analyse(
            articles, sentences, vectors, settings, ruleset,
            model=embedder.model_id, notes=notes, progress=progress, workers=workers,
        )
    if cache:
        with collector.frozen():  # nor does writing them down
            cache.put_result(key, serialise.result_to_json(result))
    return result


def add(
    paths: Sequence[str | Path],
    store: Store,
    settings: Settings = Settings(),
    *,
    embedder: Embedder | None = None,
    progress: ProgressFactory = _no_progress,
) -> AddResult:
    """Store the articles under ``paths`` that ``store`` does not hold yet: ingest ->
    near-copies -> segment -> embed, written a batch per transaction (a killed run keeps
    the batches it committed). Near copies are found among the new articles and the
    stored ones they may copy (``Store.near_copy_candidates``), and site furniture over
    everything stored (``boilerplate.is_furniture``), as a batch run over the same
    articles finds them."""
    embedder = embedder or make_embedder(settings.model, settings.backend)
    cache = Cache(settings.cache) if settings.cache else None
    articles, notes = parse_inputs(read_inputs(paths), story_from_folders=settings.story_from_folders, near_copies=False)
    fresh, outcome = store.triage(articles, embedder.model_id)
    fresh, outcome, drop = _near_copies_against_store(fresh, outcome, store)
    advance = progress("adding", len(fresh))
    size = corpus_store.BATCH_ARTICLES
    for begin in range(0, len(fresh), size):
        batch = fresh[begin : begin + size]
        sentences: dict[str, list[Sentence]] = {a.id: [] for a in batch}
        for sentence in _segment_all(batch, cache):
            sentences[sentence.article].append(sentence)
        texts = sorted({s.text for ss in sentences.values() for s in ss if s.is_claim})
        known = store.embedded([text_key(t) for t in texts], embedder.model_id)
        missing = [t for t in texts if text_key(t) not in known]
        vectors = dict(zip(map(text_key, missing), embed_texts(missing, embedder, cache))) if missing else {}
        dropped = sorted(copy for copy, kept in drop.items() if kept in sentences)
        store.write(batch, sentences, vectors, embedder.model_id, settings.exact_up_to, drop=dropped)
        advance(len(batch))
    if leftover := sorted(copy for copy, kept in drop.items() if kept is None):
        store.write([], {}, {}, embedder.model_id, settings.exact_up_to, drop=leftover)
    return replace(outcome, notes=tuple(notes) + outcome.notes)


def _near_copies_against_store(
    fresh: list[Article], outcome: AddResult, store: Store
) -> tuple[list[Article], AddResult, dict[str, str | None]]:
    """The new articles less the wire copies, what the add did, and the stored articles to
    leave out, each with the new article it copies (None: a stored text its new, copied
    text replaces). ``find_near_copies`` decides over the new and the candidate stored
    articles together, so an add of several batches finds what one batch run finds."""
    new = {a.id for a in fresh}
    copies = [c for c in find_near_copies([*fresh, *store.near_copy_candidates(fresh)])
              if c.copy.id in new or c.kept.id in new]
    collapsed = {c.copy.id for c in copies if c.collapsed and c.copy.id in new}
    drop: dict[str, str | None] = {c.copy.id: c.kept.id for c in copies if c.collapsed and c.copy.id not in new}
    drop.update({i: None for i in outcome.replaced if i in collapsed})  # its old text goes too
    outcome = replace(
        outcome,
        added=tuple(i for i in outcome.added if i not in collapsed),
        replaced=tuple(i for i in outcome.replaced if i not in collapsed),
        collapsed=tuple(sorted(collapsed)),
        dropped=tuple(sorted(drop)),
        notes=tuple(c.note() for c in copies) + outcome.notes,
    )
    return without_collapsed(fresh, copies), outcome, drop


def _check_against(
    store: Store,
    paths: Sequence[str | Path],
    settings: Settings,
    embedder: Embedder,
    ruleset: RuleSet,
    progress: ProgressFactory,
    workers: Workers | None = None,
) -> CheckResult:
    """``check`` with a store: add the articles, analyse the stored stories they touch
    with the whole store as the claim scorer's corpus, keep the claims, and return the
    findings that involve the new articles."""
    notes: tuple[str, ...] = ()
    focus: set[str] | None = None
    if paths:
        added = add(paths, store, settings, embedder=embedder, progress=progress)
        notes, focus = added.notes, set(added.given)
    stored = store.stored_stories(focus, embedder.model_id)
    scorer = similarity.SentencePairScorer(stored.context)
    result = analyse(
        stored.articles, stored.sentences, stored.vectors, settings, ruleset, model=embedder.model_id,
        notes=notes, stories=stored.stories, scorer=scorer, progress=progress, workers=workers,
    )
    store.save_claims(result.claims, [s.id for s in stored.stories])
    if focus is None:
        return result
    return replace(result, findings=tuple(f for f in result.findings if _involves(f, focus, result)))


def _involves(finding: Finding, focus: set[str], result: CheckResult) -> bool:
    """A finding involves a new article when it quotes it, or (an omission) when the new
    article's outlet is the one that leaves the claim out."""
    if any(e.path in focus for e in finding.evidence):
        return True
    if finding.name != "omission":
        return False
    story = next((s for s in result.stories if s.id == finding.story), None)
    quoted = {e.outlet for e in finding.evidence}
    outlets = {a.id: a.outlet for a in result.articles}
    return story is not None and any(a in focus and outlets[a] not in quoted for a in story.articles)


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
    scorer: PairScorer | None = None,
    progress: ProgressFactory = _no_progress,
    workers: Workers | None = None,
) -> CheckResult:
    """Everything after embedding: stories (unless given), claims, recurrences, findings.

    ``check`` runs it on the articles it read, or on the stored stories that new
    articles touch, with the stories and the scorer of the whole store.
    Claims and rules read one story at a time; whether they run in ``workers``, and what
    the workers start early, is ``executor.py``'s business.
    """
    notes = list(notes)
    claim_sentences = [s for s in sentences if s.is_claim]
    with story_workers(len(claim_sentences), workers, settings.workers, settings.cluster) as (workers, shard_count):
        recurring = context = None
        if stories is None:
            recurring, context = early_story_tasks(
                workers, sentences, vectors, None if scorer else sorted({s.text for s in claim_sentences})
            )
            advance = progress("stories", 1)
            stories = group_stories(articles, sentences, vectors, **_exact(settings))
            advance(1)
        stories = tuple(stories)
        if scorer is None:
            scorer = similarity.SentencePairScorer(next(context)) if context else similarity.sentence_pair_scorer(claim_sentences)
        shards = story_shards(stories, articles, sentences, vectors, shard_count)
        advance = progress("claims and rules", len(stories))
        analysed = workers.map(partial(_analyse_stories, settings=settings, ruleset=ruleset, scorer=scorer), shards)
        # ``group_stories`` places every article, so the texts found early are the recurrences' texts.
        recurrences = find_recurrences(stories, sentences, vectors, close=next(recurring) if recurring else None)
        if note := recurrence_note(claim_sentences):
            notes.append(note)
        claims: list[Claim] = []
        outputs: list[tuple[RuleOutput, ...]] = []
        for shard, (shard_claims, shard_outputs) in zip(shards, analysed):
            claims.extend(shard_claims)
            outputs.append(shard_outputs)
            advance(len(shard.stories))
    findings, rule_notes = finish_rules(outputs, ruleset)

    notes += _single_outlet_notes(stories, articles)
    return CheckResult(
        articles=tuple(articles),
        sentences=tuple(sentences),
        stories=stories,
        claims=tuple(claims),
        findings=findings,
        recurrences=recurrences,
        notes=tuple(notes) + rule_notes,
        model=model,
        rules=tuple(sorted((rule.info() for rule in ruleset.rules), key=lambda r: r.code)),
    )


#: Stories with one outlet named one note each; above that, one note counts them all
#: (a big run has hundreds, and each story's section says so too).
SINGLE_OUTLET_NOTES = 10


def _single_outlet_notes(stories: Sequence[Story], articles: Sequence[Article]) -> list[str]:
    outlet_of = {a.id: a.outlet for a in articles}
    alone = [(story.id, outlets.pop()) for story in stories if len(outlets := {outlet_of[a] for a in story.articles}) == 1]
    if len(alone) <= SINGLE_OUTLET_NOTES:
        return [f"story {story} has articles from one outlet only ({outlet}); nothing to compare it with" for story, outlet in alone]
    named = ", ".join(story for story, _ in alone[:3])
    return [
        f"{len(alone)} stories have articles from one outlet only, so nothing to compare them with "
        f"({named} and {len(alone) - 3} more; each story's section says so)"
    ]


def _analyse_stories(
    shard: StoryShard, settings: Settings, ruleset: RuleSet, scorer: PairScorer
) -> tuple[tuple[Claim, ...], tuple[RuleOutput, ...]]:
    """The claims of a shard's stories and what each rule finds in them (in a worker)."""
    claims = cluster_claims(
        shard.stories,
        shard.articles,
        shard.sentences,
        shard.vectors,
        scorer=scorer,
        threshold=settings.claim_threshold,
        attach_threshold=settings.attach_threshold,
        chain_floor=similarity.CHAIN_FLOOR,
        **_exact(settings),
    )
    part = CheckResult(
        articles=shard.articles, sentences=shard.sentences, stories=shard.stories, claims=claims
    )
    with collector.frozen():  # the rules need not watch the run's millions of objects
        return claims, apply_rules(part, ruleset, settings.selection)


def _exact(settings: Settings) -> dict[str, int]:
    return {} if settings.exact_up_to is None else {"exact_up_to": settings.exact_up_to}
