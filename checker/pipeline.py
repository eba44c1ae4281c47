"""``check()``: the stages in order, and nothing else.

ingest -> segment -> embed -> stories -> claims -> rules. Each stage lives in its own
module; this one wires them together, so a newcomer can read the whole flow on one screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from pathlib import Path

import numpy as np

from . import collector, memo, similarity
from .claims import PairScorer, close_texts, cluster_claims, find_recurrences, recurrence_texts
from .cache import Cache
from .duplicates import NearCopy, find_near_copies, without_collapsed
from .embed import DEFAULT_MODEL, Embedder, embed_texts, make_embedder
from .ingest import parse_inputs, read_inputs
from .models import Article, CheckResult, Claim, Sentence, Story
from .rules import RuleOutput, RuleSet, Selection, apply_rules, finish_rules, load_rules
from .stories import group_stories
from .segment import Block, Spans, language_of, layout, run_spans, segment, spans_from_layout, spans_key
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
    fresh = _split_all(todo, advance, workers)
    sentences: list[Sentence] = []
    for article in articles:
        key = keys[article.id]
        sentences.extend(segment(article, known[key] if key in known else fresh[key]))
    if cache and fresh:
        cache.put_spans(fresh)
    return sentences


#: Bytes of input from which a run starts a worker process while it reads the articles
#: (about what ``PARALLEL_SEGMENTING`` articles take).
PARALLEL_INPUT_BYTES = 1_000_000

#: Texts to split before a second process pays for its start (pysbd is pure Python, about
#: 1 ms a paragraph: 10,000 articles take seconds on one core).
PARALLEL_SEGMENTING = 500
SEGMENTING_WAVE = 1000  # articles laid out before their runs go to the workers


def _split_all(todo: Mapping[str, tuple[str, str]], advance: Callable[[int], None], workers: Workers) -> dict[str, Spans]:
    """Sentence spans of (text, language) by key.

    Each distinct run of text is split once (wire copy repeats whole paragraphs across
    articles), in the worker processes when there are many. Articles are put together
    here, in order, as soon as their runs are back.
    """
    items = sorted(todo.items())
    if len(items) < PARALLEL_SEGMENTING:
        workers = Workers()
    layouts: list[list[Block]] = []
    runs: dict[tuple[str, str], int] = {}
    last_run = []  # per article, the position of its last run in ``runs``
    waves = []  # per wave, the spans of the runs it added to ``runs``, as they come back
    # Laid out a wave at a time, so the workers split the first runs meanwhile.
    for begin in range(0, len(items), SEGMENTING_WAVE):
        first_new = len(runs)
        for _, (text, language) in items[begin : begin + SEGMENTING_WAVE]:
            blocks = layout(text)
            layouts.append(blocks)
            positions = [runs.setdefault((text[s:e], language), len(runs)) for s, e, _, is_run in blocks if is_run]
            last_run.append(max(positions, default=-1))
        new = list(runs)[first_new:]
        waves.append(workers.map(run_spans, [run for run, _ in new], [language for _, language in new], chunksize=64))
    split: list[tuple[tuple[int, int], ...]] = []
    spans: dict[str, Spans] = {}

    def put_together_ready() -> None:
        for n in range(len(spans), len(items)):
            if last_run[n] >= len(split):
                return
            key, (text, language) = items[n]
            spans[key] = spans_from_layout(text, layouts[n], lambda run: split[runs[(run, language)]])
            advance(1)

    put_together_ready()
    for found in chain.from_iterable(waves):
        split.append(found)
        put_together_ready()
    return spans


def _near_copies_aside(articles: Sequence[Article], workers: Workers) -> Iterator[list[NearCopy]]:
    """``find_near_copies(articles)``, in a worker when there are enough articles to split
    sentences in workers too: it is this process's work otherwise, before splitting can
    start (1.5 s of 10,000 articles). Read the result with ``next``; in this process it
    runs then."""
    if len(articles) < PARALLEL_SEGMENTING:
        workers = Workers()
    return workers.map(find_near_copies, [articles])


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
    ruleset = rules if rules is not None else load_rules(settings.rule_paths, builtin=settings.builtin_rules, selection=settings.selection)
    inputs = read_inputs(paths)

    cache = Cache(settings.cache) if settings.cache else None
    embedder = embedder or make_embedder(settings.model, settings.backend)
    # An unchanged corpus (same files, settings, rules, model and code) was done before.
    key = memo.run_key(inputs.fingerprint(), settings, ruleset, embedder.model_id) if cache else ""
    if cache and (known := cache.get_result(key)) is not None:
        with collector.paused():  # a million objects that hold no cycles, as below
            return memo.result_from_json(known)

    # The run's articles, sentences and vectors live until it ends and hold no cycles:
    # no collector rescans of them while they are made (see ``analyse``).
    with collector.paused(), Workers(settings.workers) as workers:
        if inputs.size >= PARALLEL_INPUT_BYTES:  # it will be split in workers: one starts meanwhile
            workers.start_one()
        articles, notes = parse_inputs(inputs, story_from_folders=settings.story_from_folders, near_copies=False)
        near_copies = _near_copies_aside(articles, workers)
        sentences = _segment_all(articles, cache, progress("segmenting", len(articles)), workers)
        copies = next(near_copies)
        notes += [copy.note() for copy in copies]
        articles = without_collapsed(articles, copies)
        kept = {a.id for a in articles}
        sentences = [s for s in sentences if s.article in kept]
        claim_sentences = [s for s in sentences if s.is_claim]
        advance = progress("embedding", len({s.text for s in claim_sentences}))
        matrix = embed_texts([s.text for s in claim_sentences], embedder, cache, advance)
        vectors = {(s.article, s.index): matrix[i] for i, s in enumerate(claim_sentences)}
        result = analyse(
            articles, sentences, vectors, settings, ruleset,
            model=embedder.model_id, notes=notes, progress=progress, workers=workers,
        )
    if cache:
        with collector.frozen():  # nor does writing them down
            cache.put_result(key, memo.result_to_json(result))
    return result


@collector.paused()
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

    ``check`` runs it on the articles it read; the corpus store (``store.py``) on the
    stories that new articles touch, with the stories and the scorer of the whole store.
    Claims and rules read one story at a time, so big runs share the stories out among
    ``workers`` while this process finds the recurrences, which span stories (workers
    find which texts recur, and the claim scorer's context, while this process groups
    the stories).
    """
    notes = list(notes)
    claim_sentences = [s for s in sentences if s.is_claim]
    big = len(claim_sentences) >= PARALLEL_STORIES
    with ExitStack() as stack:
        if not big:
            workers = Workers()
        elif workers is None:
            workers = stack.enter_context(Workers(settings.workers))
        recurring = None  # close_texts, when a worker finds them early
        context = None  # the scorer's similarity.ScoringContext, likewise
        if stories is None:
            if workers.parallel:  # neither needs stories: the workers find them meanwhile
                recurring = workers.map(close_texts, *([part] for part in recurrence_texts(sentences, vectors)))
                if scorer is None:
                    context = workers.map(similarity.ScoringContext.from_texts, [sorted({s.text for s in claim_sentences})])
            advance = progress("stories", 1)
            stories = group_stories(articles, sentences, vectors, **_exact(settings))
            advance(1)
        stories = tuple(stories)
        if scorer is None:
            scorer = similarity.SentencePairScorer(next(context)) if context else similarity.sentence_pair_scorer(claim_sentences)
        # Several shards a worker, as stories differ in size; a progress step each.
        shards = _story_shards(stories, articles, sentences, vectors, 4 * max(2, workers.count) if big else 1)
        advance = progress("claims and rules", len(stories))
        analysed = workers.map(partial(_analyse_stories, settings=settings, ruleset=ruleset, scorer=scorer), shards)
        # ``group_stories`` places every article, so the texts found early are the recurrences' texts.
        recurrences = find_recurrences(stories, sentences, vectors, close=next(recurring) if recurring else None)
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


#: Claim sentences in a run before its stories are shared out among worker processes
#: (each costs a second or two to start, and the stories must be sent to it).
PARALLEL_STORIES = 5000


@dataclass(frozen=True)
class StoryShard:
    """Some consecutive stories of a run, with all that claims and rules read of them."""

    stories: tuple[Story, ...]
    articles: tuple[Article, ...]
    sentences: tuple[Sentence, ...]
    vectors: Mapping[tuple[str, int], np.ndarray]  # of their claim sentences

    def __reduce__(self) -> tuple:
        # Sent to a worker as one matrix: a dict of rows pickles three times slower.
        keys = tuple(self.vectors)
        matrix = np.vstack([self.vectors[k] for k in keys]) if keys else np.zeros((0, 0), dtype=np.float32)
        return (_unpickle_shard, (self.stories, self.articles, self.sentences, keys, matrix))


def _unpickle_shard(stories, articles, sentences, keys, matrix) -> StoryShard:
    return StoryShard(stories, articles, sentences, dict(zip(keys, matrix)))


def _story_shards(
    stories: Sequence[Story],
    articles: Sequence[Article],
    sentences: Sequence[Sentence],
    vectors: Mapping[tuple[str, int], np.ndarray],
    count: int,
) -> list[StoryShard]:
    """``stories`` cut into at most ``count`` runs of consecutive stories of about equal
    work (claim sentences); consecutive, so that their findings merge in story order."""
    if count <= 1:
        return [StoryShard(tuple(stories), tuple(articles), tuple(sentences), vectors)]
    story_of = {a: i for i, story in enumerate(stories) for a in story.articles}
    by_story: list[list[Sentence]] = [[] for _ in stories]
    for s in sentences:
        if s.article in story_of:
            by_story[story_of[s.article]].append(s)
    weights = [sum(s.is_claim for s in part) + 1 for part in by_story]
    target = sum(weights) / count
    bounds, done = [0], 0.0
    for i, weight in enumerate(weights):
        done += weight
        if done >= target * len(bounds) and i + 1 < len(stories):
            bounds.append(i + 1)
    bounds.append(len(stories))
    article_by_id = {a.id: a for a in articles}
    shards = []
    for begin, end in zip(bounds, bounds[1:]):
        part = tuple(s for chunk in by_story[begin:end] for s in chunk)
        shards.append(
            StoryShard(
                stories=tuple(stories[begin:end]),
                articles=tuple(article_by_id[a] for st in stories[begin:end] for a in st.articles),
                sentences=part,
                vectors={k: v for s in part if (v := vectors.get(k := (s.article, s.index))) is not None},
            )
        )
    return shards


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
