"""Claims: sentences from different outlets of one story that state the same thing.

A single cosine cut is not enough (on the seeds, the best-F1 ECB+ threshold accepts 38%
of all cross-outlet pairs). So, inside each story and for each pair of articles from
different outlets:

1. every sentence pair gets a score from a pair scorer (cosine plus agreement of names
   and numbers, see ``similarity.py``);
2. an optimal one-to-one assignment (the generalisation of "mutual best match") picks at
   most one partner per sentence, and only pairs scoring at least the threshold count;
3. accepted pairs are merged into claims strongest first, never putting two sentences of
   one article into one claim, nor two sentences whose own score is below
   ``similarity.CHAIN_FLOOR`` (A~B and B~C must not make a claim of A and C when A and C
   report different things).

Ties break by (article path, sentence index), so the result never depends on input order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from .boilerplate import repeat_key
from .models import Article, Claim, Recurrence, Sentence, Story

# scores[i, j] for sentences a[i], b[j], given their cosine similarities.
PairScorer = Callable[[Sequence[Sentence], Sequence[Sentence], np.ndarray], np.ndarray]

RECURRENCE_THRESHOLD = 0.80  # cosine above which a sentence recurs across stories

SentenceKey = tuple[str, int]


def cosine_scorer(a: Sequence[Sentence], b: Sequence[Sentence], cosines: np.ndarray) -> np.ndarray:
    """The baseline scorer: cosine alone."""
    return cosines


HUB_NEIGHBOURS = 3  # k of the hubness correction below


def hubness_corrected(scores: np.ndarray, k: int = HUB_NEIGHBOURS) -> np.ndarray:
    """Scores with each sentence's typical closeness to the other article taken out.

    Some sentences ("All four countries were invited ...") are close to everything in a
    story and would be every sentence's best match. Subtracting each side's mean of its
    ``k`` best scores (CSLS, Conneau et al. 2018) lets a pair win only by being closer to
    each other than to the rest: ``2 s(x, y) - r(x) - r(y)``.
    """
    # Means as sum / count: what ``mean`` computes, without its overhead on small arrays.
    k_rows, k_cols = min(k, scores.shape[1]), min(k, scores.shape[0])
    r_rows = np.add.reduce(np.sort(scores, axis=1)[:, -k_rows:], axis=1) / k_rows
    r_cols = np.add.reduce(np.sort(scores, axis=0)[-k_cols:, :], axis=0) / k_cols
    return 2 * scores - r_rows[:, None] - r_cols[None, :]


def mutual_best(scores: np.ndarray) -> list[tuple[int, int]]:
    """(row, column) pairs that are each other's best match after hubness correction and
    closer to each other than typical (corrected score above 0); ties go to the lower index."""
    if scores.size == 0:
        return []
    corrected = np.round(hubness_corrected(scores), 6)
    best_col = np.argmax(corrected, axis=1)
    best_row = np.argmax(corrected, axis=0)
    return [(r, int(c)) for r, c in enumerate(best_col) if best_row[c] == r and corrected[r, c] > 0]


def _key(s: Sentence) -> SentenceKey:
    return (s.article, s.index)


#: Stories with up to this many articles compare every pair of articles; in bigger ones
#: (a much-covered event) each sentence proposes the articles of its nearest neighbours.
EXACT_STORY_ARTICLES = 40
STORY_NEIGHBOURS = 10  # nearest sentences per sentence that propose an article pair


def article_pairs(
    members: Sequence[str],
    by_article: Mapping[str, Sequence[Sentence]],
    vectors: Mapping[SentenceKey, np.ndarray],
    outlet: Mapping[str, str],
    exact_up_to: int = EXACT_STORY_ARTICLES,
) -> list[tuple[str, str]]:
    """The pairs of articles (sorted ids, different outlets) whose sentences are compared.

    Up to ``exact_up_to`` articles: all of them. Above: the pairs in which some sentence
    has a sentence of the other article among its :data:`STORY_NEIGHBOURS` nearest
    (:func:`nearest_rows`). The count of pairs then grows with the story, not with its square.
    """
    if len(members) <= exact_up_to:
        return [(f, s) for f, s in combinations(members, 2) if outlet[f] != outlet[s]]
    rows = [(a, s) for a in members for s in by_article[a]]
    matrix = np.vstack([vectors[_key(s)] for _, s in rows])
    owner = _owners(members, rows)
    pairs: set[tuple[int, int]] = set()
    for i, row in enumerate(nearest_rows(matrix, STORY_NEIGHBOURS + 1).tolist()):
        for j in row:
            a, b = owner[i], owner[j]
            if a != b and outlet[members[a]] != outlet[members[b]]:
                pairs.add((min(a, b), max(a, b)))
    return [(members[a], members[b]) for a, b in sorted(pairs)]


_NEAREST_BLOCK = 1024  # rows compared at once: memory stays rows x block


def nearest_rows(matrix: np.ndarray, k: int) -> np.ndarray:
    """For each row of ``matrix`` (unit vectors), the ``k`` rows closest to it by cosine,
    itself included: the highest cosines rounded to 6 places, ties to the lower row.

    A brute-force index, a block of rows at a time. Written out rather than taken from
    scikit-learn: importing it cost each worker two seconds, and its tie order (wire copy
    gives many exact ties) is whatever ``argpartition`` leaves.
    """
    k = min(k, len(matrix))
    nearest = np.empty((len(matrix), k), dtype=np.intp)
    # In float64: float32 products differ in their last bits with the BLAS kernel, which
    # depends on the block's shape and the machine, and moved cosines across a rounding
    # step (0.611502 / 0.611503), so the order changed from machine to machine.
    matrix = np.asarray(matrix, dtype=np.float64)
    for begin in range(0, len(matrix), _NEAREST_BLOCK):
        cosines = np.round(matrix[begin : begin + _NEAREST_BLOCK] @ matrix.T, 6)
        # Every cosine up to each row's k-th highest, ties included; then the first k of them.
        kth = np.partition(cosines, -k, axis=1)[:, -k, None]
        r, c = np.nonzero(cosines >= kth)  # by row, then column
        order = np.lexsort((c, -cosines[r, c], r))
        r, c = r[order], c[order]
        rank = np.arange(len(r)) - np.searchsorted(r, r)
        keep = rank < k
        nearest[begin + r[keep], rank[keep]] = c[keep]
    return nearest


def _owners(members: Sequence[str], rows: Sequence[tuple[str, Sentence]]) -> np.ndarray:
    position = {a: i for i, a in enumerate(members)}
    return np.array([position[a] for a, _ in rows])


class _Claims:
    """Union-find over sentences that keeps one sentence per article in each claim, and
    never joins two sentences whose own score (``scored``) is below ``floor``: a chain of
    acceptable pairs (A~B, B~C) must not make one claim of A and C that say different things."""

    def __init__(self, scored: Callable[[SentenceKey, SentenceKey], float | None] | None = None, floor: float | None = None) -> None:
        self.parent: dict[SentenceKey, SentenceKey] = {}
        self.members: dict[SentenceKey, list[SentenceKey]] = {}  # per root
        self.weakest: dict[SentenceKey, float] = {}
        self.scored, self.floor = scored, floor

    def find(self, k: SentenceKey) -> SentenceKey:
        self.parent.setdefault(k, k)
        self.members.setdefault(k, [k])
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def _share_an_article(self, ra: SentenceKey, rb: SentenceKey) -> bool:
        return not {k[0] for k in self.members[ra]}.isdisjoint(k[0] for k in self.members[rb])

    def _compatible(self, ra: SentenceKey, rb: SentenceKey) -> bool:
        if self.scored is None or self.floor is None:
            return True
        for x in self.members[ra]:
            for y in self.members[rb]:
                score = self.scored(x, y)
                if score is not None and score < self.floor:
                    return False
        return True

    def link(self, a: SentenceKey, b: SentenceKey, score: float) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or self._share_an_article(ra, rb) or not self._compatible(ra, rb):
            return
        root, child = min(ra, rb), max(ra, rb)
        self.parent[child] = root
        self.members[root] += self.members.pop(child)
        self.weakest[root] = min(score, self.weakest.pop(root, 1.0), self.weakest.pop(child, 1.0))


def cluster_claims(
    stories: Sequence[Story],
    articles: Sequence[Article],
    sentences: Sequence[Sentence],
    vectors: Mapping[SentenceKey, np.ndarray],
    scorer: PairScorer = cosine_scorer,
    threshold: float = 0.5,
    attach_threshold: float | None = None,
    exact_up_to: int = EXACT_STORY_ARTICLES,
    progress: Callable[[int], None] | None = None,
    chain_floor: float | None = None,
) -> tuple[Claim, ...]:
    """Group the claim sentences of each story into shared claims (two or more outlets).

    Accepted pairs are merged strongest first; with ``chain_floor``, two groups are not
    merged when a pair of their sentences (from articles that were compared) scores below
    it, so claims do not chain sentences through a middle one.

    With ``attach_threshold``, a sentence next to a claim member joins the claim when its
    own best match in another member's article is that member: one outlet often splits
    into two sentences what another says in one ("Kishida attended the summit." "This is
    the first time a Japanese prime minister has attended.").

    Stories of up to ``exact_up_to`` articles compare every pair of articles from
    different outlets; bigger ones only the pairs a nearest-neighbour index proposes
    (:func:`article_pairs`).
    """
    outlet = {a.id: a.outlet for a in articles}
    by_article: dict[str, list[Sentence]] = {}
    for s in sorted(sentences, key=_key):
        if s.is_claim and _key(s) in vectors:
            by_article.setdefault(s.article, []).append(s)

    keys = {article: [_key(s) for s in found] for article, found in by_article.items()}

    claims: list[Claim] = []
    for story in stories:
        members = sorted(a for a in story.articles if a in by_article)
        edges: list[tuple[float, SentenceKey, SentenceKey]] = []
        matrices = {m: np.vstack([vectors[k] for k in keys[m]]) for m in members}
        compared: dict[tuple[str, str], np.ndarray] = {}  # (first, second) article -> their scores
        for first, second in article_pairs(members, by_article, vectors, outlet, exact_up_to):
            a, b = by_article[first], by_article[second]
            keys_a, keys_b = keys[first], keys[second]
            cosines = matrices[first] @ matrices[second].T
            scores = compared[(first, second)] = np.round(scorer(a, b, cosines), 6)
            edges.extend(
                (score, keys_a[r], keys_b[c])
                for r, c in mutual_best(scores)
                if (score := float(scores[r, c])) >= threshold
            )
        row = {k: i for m in members for i, k in enumerate(keys[m])}

        def scored(x: SentenceKey, y: SentenceKey) -> float | None:
            if (x[0], y[0]) in compared:
                return float(compared[(x[0], y[0])][row[x], row[y]])
            if (y[0], x[0]) in compared:
                return float(compared[(y[0], x[0])][row[y], row[x]])
            return None  # articles not compared (same outlet, or not proposed in a big story)

        def best_partner(x: SentenceKey, other: str) -> tuple[SentenceKey, float] | None:
            """x's best-scoring sentence in article ``other``, and the score (first on ties).
            Asked only about a claim's neighbours: looked up, not kept for every sentence."""
            if x not in row:
                return None
            if (x[0], other) in compared:
                scores = compared[(x[0], other)]
                j = int(np.argmax(scores[row[x]]))
                return keys[other][j], float(scores[row[x], j])
            if (other, x[0]) in compared:
                scores = compared[(other, x[0])]
                i = int(np.argmax(scores[:, row[x]]))
                return keys[other][i], float(scores[i, row[x]])
            return None

        found = _Claims(scored, chain_floor)
        for score, x, y in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
            found.link(x, y, score)
        groups: dict[SentenceKey, list[SentenceKey]] = {}
        for k in sorted(found.parent):
            groups.setdefault(found.find(k), []).append(k)
        lookup = {k: s for a in members for k, s in zip(keys[a], by_article[a])}
        if attach_threshold is not None:
            _attach_neighbours(groups, best_partner, attach_threshold)
        ordered = sorted((sorted(g) for g in groups.values() if len(g) > 1), key=lambda g: g[0])
        for n, group in enumerate(ordered, start=1):
            root = found.find(group[0])
            members_sorted = sorted(
                (lookup[k] for k in group), key=lambda s: (outlet[s.article], s.article, s.index)
            )
            claims.append(
                Claim(
                    id=f"{story.id}/c{n:02d}",
                    story=story.id,
                    sentences=tuple(members_sorted),
                    similarity=round(found.weakest.get(root, 1.0), 4),
                )
            )
        if progress:
            progress(1)
    return tuple(claims)


def _attach_neighbours(
    groups: dict[SentenceKey, list[SentenceKey]],
    best_partner: Callable[[SentenceKey, str], tuple[SentenceKey, float] | None],
    threshold: float,
) -> None:
    """Add to each claim the unclaimed neighbours that point back at one of its members."""
    claimed = {k for g in groups.values() if len(g) > 1 for k in g}
    for root in sorted(groups):
        group = groups[root]
        if len(group) < 2:
            continue
        members = set(group)
        for article, index in sorted(members):
            for neighbour in ((article, index - 1), (article, index + 1)):
                if neighbour in claimed:
                    continue
                for other in sorted({k[0] for k in members} - {article}):
                    partner = best_partner(neighbour, other)
                    if partner and partner[0] in members and partner[1] >= threshold:
                        group.append(neighbour)
                        claimed.add(neighbour)
                        break
        group.sort()


#: Distinct sentences compared per block when looking for recurrences (bounds memory).
_RECURRENCE_BLOCK = 2048
#: Every pair of distinct claim texts is compared for recurrences up to this many texts
#: (5,000 real articles: 190,000, minutes). The whole AllSides archive has 1.5 million:
#: 10^12 pairs, hours on 2 cores; beyond this a recurrence is a text repeated word for
#: word (case and punctuation aside: ``boilerplate.repeat_key``), and the run says so.
RECURRENCE_PAIRS_UP_TO = 250_000


@dataclass(frozen=True)
class CloseTexts:
    """Distinct claim texts in groups linked by a cosine of ``threshold`` or more,
    directly or through each other: the part of the recurrences that needs no stories."""

    texts: tuple[str, ...]  # sorted
    group: np.ndarray  # per text, its group
    weakest: np.ndarray  # per group, the lowest similarity of a link inside it


def _first_keys(sentences: Sequence[Sentence], vectors: Mapping[SentenceKey, np.ndarray]) -> dict[str, SentenceKey]:
    """Each distinct claim text with a vector, and its first sentence."""
    first: dict[str, SentenceKey] = {}
    for s in sorted((s for s in sentences if s.is_claim and _key(s) in vectors), key=_key):
        first.setdefault(s.text, _key(s))
    return first


def _distinct_claim_texts(sentences: Sequence[Sentence]) -> int:
    return len({s.text for s in sentences if s.is_claim})


def compares_every_pair(sentences: Sequence[Sentence]) -> bool:
    """Whether recurrences among ``sentences`` are found by comparing every pair of
    distinct claim texts (``RECURRENCE_PAIRS_UP_TO``), or word for word."""
    return _distinct_claim_texts(sentences) <= RECURRENCE_PAIRS_UP_TO


def recurrence_note(sentences: Sequence[Sentence]) -> str | None:
    """What a run must say when its recurrences were found word for word; None when every
    pair was compared."""
    count = _distinct_claim_texts(sentences)
    if count <= RECURRENCE_PAIRS_UP_TO:
        return None
    return (
        f"{count:,} distinct claim sentences are too many to compare every pair for background "
        f"claims (more than {RECURRENCE_PAIRS_UP_TO:,}): those listed recur word for word"
    )


def recurrence_texts(
    sentences: Sequence[Sentence], vectors: Mapping[SentenceKey, np.ndarray]
) -> tuple[tuple[str, ...], np.ndarray]:
    """The distinct texts of the claim sentences (sorted), and a vector for each."""
    first = _first_keys(sentences, vectors)
    texts = tuple(sorted(first))
    return texts, np.vstack([vectors[first[t]] for t in texts]) if texts else np.zeros((0, 0), dtype=np.float32)


def repeated_texts(sentences: Sequence[Sentence], vectors: Mapping[SentenceKey, np.ndarray]) -> CloseTexts:
    """``close_texts`` for a run too big to compare every pair: texts in one group when
    their words are the same, case and punctuation aside; a group's ``weakest`` is the
    lowest cosine of a member with its first text. Needs no matrix of every text."""
    first = _first_keys(sentences, vectors)
    texts = tuple(sorted(first))
    ids: dict[str, int] = {}
    group = np.array([ids.setdefault(repeat_key(t), len(ids)) for t in texts], dtype=np.int64)
    weakest = np.ones(len(ids))
    members: dict[int, list[str]] = {}
    for text, g in zip(texts, group.tolist()):
        members.setdefault(g, []).append(text)
    for g, same in members.items():
        if len(same) > 1:
            head = vectors[first[same[0]]].astype(np.float64)
            weakest[g] = min(round(float(head @ vectors[first[t]].astype(np.float64)), 6) for t in same[1:])
    return CloseTexts(texts, group, weakest)


_FLOAT32_SLACK = 1e-4  # far above a float32 dot product's error for unit vectors of 384 dims


def _cosines64(unit: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The cosines of the pairs (rows[i], cols[i]), computed in float64."""
    return np.einsum("ij,ij->i", unit[rows].astype(np.float64), unit[cols].astype(np.float64))


def close_texts(texts: tuple[str, ...], unique: np.ndarray, threshold: float = RECURRENCE_THRESHOLD) -> CloseTexts:
    """The groups of close texts (``unique`` holds their vectors): each pair of distinct
    texts is compared once, in blocks, so memory stays bounded. Pure numpy on plain
    arrays, so a worker process can find them while this one groups the stories."""
    if not texts:
        return CloseTexts((), np.zeros(0, dtype=np.int64), np.zeros(0))
    found_p, found_q, found_similarity = [], [], []  # close pairs (p <= q; p == q: a text with itself)
    for begin in range(0, len(texts), _RECURRENCE_BLOCK):
        # The block's columns from its own first row on: pairs below were found earlier.
        block = unique[begin : begin + _RECURRENCE_BLOCK] @ unique[begin:].T
        # Near hits only (the rest cannot reach), then their cosines again in float64,
        # rounded to 6 places as everywhere: a float32 product's last bits depend on the
        # BLAS kernel, which could move a cosine across the threshold from machine to machine.
        p, q = np.nonzero(block >= threshold - _FLOAT32_SLACK)
        rounded = np.round(_cosines64(unique, p + begin, q + begin), 6)
        keep = (q >= p) & (rounded >= threshold)
        found_p.append(p[keep] + begin)
        found_q.append(q[keep] + begin)
        found_similarity.append(rounded[keep])
    p, q, similarity = (np.concatenate(parts) for parts in (found_p, found_q, found_similarity))
    graph = csr_matrix((np.ones(len(p)), (p, q)), shape=(len(texts), len(texts)))
    _, group = connected_components(graph, directed=False)
    weakest = np.full(group.max() + 1, np.inf)
    np.minimum.at(weakest, group[p], similarity)
    return CloseTexts(texts, group, weakest)


def find_recurrences(
    stories: Sequence[Story],
    sentences: Sequence[Sentence],
    vectors: Mapping[SentenceKey, np.ndarray],
    threshold: float = RECURRENCE_THRESHOLD,
    close: CloseTexts | None = None,
) -> tuple[Recurrence, ...]:
    """Background claims that appear in more than one story (e.g. "NATO was created in 1949").

    A background claim is a group of claim sentences whose texts are linked by cosine
    ``threshold`` or more (directly or through each other), found in at least two stories;
    it is reported once with all its occurrences, not as every pair of them (wire copy
    repeats one sentence in hundreds of stories: that is one claim, not 10^5 pairs).
    ``close`` is :func:`close_texts` of these sentences when the caller found it already;
    only valid when every article with claim sentences is in ``stories``.
    """
    story_of = {a: st.id for st in stories for a in st.articles}
    keyed = sorted((s for s in sentences if s.is_claim and _key(s) in vectors and s.article in story_of), key=_key)
    if len(stories) < 2 or not keyed:
        return ()
    if close is None:
        close = close_texts(*recurrence_texts(keyed, vectors), threshold) if compares_every_pair(sentences) else repeated_texts(keyed, vectors)
    text_index = {t: i for i, t in enumerate(close.texts)}
    members: dict[int, list[Sentence]] = {}
    for s in keyed:
        members.setdefault(int(close.group[text_index[s.text]]), []).append(s)
    found = []
    for group, occurrences in members.items():
        in_stories = sorted({story_of[s.article] for s in occurrences})
        if len(in_stories) > 1:
            found.append(Recurrence(tuple(in_stories), tuple(occurrences), float(close.weakest[group])))
    # The most widespread first; then by first occurrence (keys are unique): input order never matters.
    return tuple(sorted(found, key=lambda r: (-len(r.stories), _key(r.sentences[0]))))
