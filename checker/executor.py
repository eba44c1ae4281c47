"""How the stages run: in this process or in worker processes, and in what batches.

The stages (``segment``, ``duplicates``, ``stories``, ``claims``, the rules) are plain
functions that know nothing about processes. ``pipeline.py`` calls them in order; where a
run is big enough for a second process to pay for its start, it hands them to the
functions here, which decide the batches, send them to ``workers.Workers`` (local
processes) or ``cluster.DaskWorkers`` (a Dask cluster's, with ``--cluster``) and put the
results back together in the order one pass in this process would give.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from itertools import chain

import numpy as np

from . import collector
from .claims import close_texts, compares_every_pair, recurrence_texts
from .duplicates import NearCopy, find_near_copies
from .models import Article, Sentence, Story
from .segment import Block, Spans, layout, run_spans, spans_from_layout
from .similarity import ScoringContext
from .workers import Workers


#: Bytes of input from which a run starts a worker process while it reads the articles
#: (about what ``PARALLEL_SEGMENTING`` articles take).
PARALLEL_INPUT_BYTES = 1_000_000

#: Texts to split before a second process pays for its start (pysbd is pure Python, about
#: 1 ms a paragraph: 10,000 articles take seconds on one core).
PARALLEL_SEGMENTING = 500
SEGMENTING_WAVE = 1000  # articles laid out before their runs go to the workers


def split_texts(todo: Mapping[str, tuple[str, str]], advance: Callable[[int], None], workers: Workers) -> dict[str, Spans]:
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


def open_workers(count: int, cluster: str | None = None) -> Workers:
    """``count`` local processes (started on first use), or the workers of the Dask
    cluster at ``cluster`` (connected now, so that a wrong address fails before the
    slow part). The same thresholds decide what goes to either."""
    if cluster is None:
        return Workers(count)
    from .cluster import connect  # distributed is optional: imported only when asked for

    return connect(cluster)


@contextmanager
def run_workers(count: int, input_bytes: int, cluster: str | None = None) -> Iterator[Workers]:
    """The workers of one run (``open_workers``), with the cycle collector paused for it
    (its articles, sentences and vectors live until it ends and hold no cycles: no
    rescans of them while they are made). A run big enough to be split in workers starts
    one at once, while this process reads the articles."""
    with collector.paused(), open_workers(count, cluster) as workers:
        if input_bytes >= PARALLEL_INPUT_BYTES:
            workers.start_one()
        yield workers


def near_copies_aside(articles: Sequence[Article], workers: Workers) -> Iterator[list[NearCopy]]:
    """``find_near_copies(articles)``, in a worker when there are enough articles to split
    sentences in workers too: it is this process's work otherwise, before splitting can
    start (1.5 s of 10,000 articles). Read the result with ``next``; in this process it
    runs then."""
    if len(articles) < PARALLEL_SEGMENTING:
        workers = Workers()
    return workers.map(find_near_copies, [articles])


#: Claim sentences in a run before its stories are shared out among worker processes
#: (each costs a second or two to start, and the stories must be sent to it).
PARALLEL_STORIES = 5000


@contextmanager
def story_workers(
    claim_sentences: int, given: Workers | None, count: int, cluster: str | None = None
) -> Iterator[tuple[Workers, int]]:
    """The workers that claims and rules run on, and how many shards to cut the stories
    into: this process and one shard for a small run; else ``given`` workers (or new
    ones, ``open_workers(count, cluster)``, closed after) and several shards a worker,
    as stories differ in size."""
    with collector.paused():  # as in ``run_workers``: claims are many objects without cycles
        if claim_sentences < PARALLEL_STORIES:
            yield Workers(), 1
            return
        with ExitStack() as stack:
            workers = given if given is not None else stack.enter_context(open_workers(count, cluster))
            yield workers, 4 * max(2, workers.count)


def early_story_tasks(
    workers: Workers,
    sentences: Sequence[Sentence],
    vectors: Mapping[tuple[str, int], np.ndarray],
    claim_texts: Sequence[str] | None,
) -> tuple[Iterator | None, Iterator | None]:
    """Work that needs no stories, started in workers while this process groups them:
    which texts recur across the run (``claims.close_texts``) and, when ``claim_texts``
    are given, the claim scorer's corpus context. Read each with ``next``; (None, None)
    without workers (the caller computes them itself, when it needs them)."""
    if not workers.parallel:
        return None, None
    # Beyond ``RECURRENCE_PAIRS_UP_TO`` texts the recurrences need no pair search: the
    # caller finds them word for word, and no matrix of every text is sent.
    recurring = (
        workers.map(close_texts, *([part] for part in recurrence_texts(sentences, vectors)))
        if compares_every_pair(sentences) else None
    )
    context = workers.map(ScoringContext.from_texts, [claim_texts]) if claim_texts is not None else None
    return recurring, context


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


def story_shards(
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
