"""Group articles into stories: the articles that report one event.

Claims are only compared inside a story, so this decides what may conflict at all: the
Tuesday of one meeting must never be compared with the Wednesday of another. Signals, in
order of authority:

1. an explicit ``story`` (front matter, manifest column, or sub-folder);
2. event dates: two articles whose event dates are more than ``MAX_DAYS_APART`` apart
   are never put together (a dateline "June 29" without a year is compared by month/day);
3. content: articles are linked when several of their sentences say nearly the same
   thing, or their mean embeddings are close (``CENTROID_LINK``): strong links, which
   merge their stories. A weaker likeness (``GROUP_LINK``) merges two stories only when
   every article of one is that close to every article of the other (complete linkage),
   so outlets that word one event differently join it while chains of loosely related
   articles do not grow into topic blobs. Two stories that each name their own place
   again and again (``MIN_PLACE_MENTIONS``) and never the other's do not merge that way:
   two earthquakes of one day read alike (ECB+ blind topics: pairwise precision 0.933 ->
   1.000; dev events unchanged, 1.000 / 0.990). An article with no date at all links only
   to articles whose mean embedding is at least ``UNDATED_CENTROID_FLOOR`` close: without
   a date, two stock sentences or a shared topic say little about the event.

A story is named by the earliest publication date of its articles and the place they name
most; a date quoted in the text (often another event's) never names a story.

Over 600 lines because the search for candidate pairs (``candidate_pairs``: an exact
neighbour search blocked by date, which makes an archive of 37,000 articles take minutes)
sits beside the link rules it must agree with: its cuts are the link cuts less a margin,
and a test holds it to the links of all pairs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .models import Article, Sentence, Story
from .text.calendar import MONTH_NUMBERS

MAX_DAYS_APART = 4
# Mean-embedding cosine that alone links two articles. 0.80 let two articles about one
# campaign's different days link outright and chain into topic blobs; at 0.90, closer
# pairs still link and the rest merge only by complete linkage (``GROUP_LINK``). Dev events
# pooled: P 0.970 -> 1.000, R 0.980 -> 0.990; ECB+ blind topics unchanged (0.933 / 0.977);
# the first 1,000 AllSides articles: largest story 38 -> 24 articles, 325 -> 354 stories.
CENTROID_LINK = 0.90
# Mean-embedding cosine that links two stories when every pair of their articles has it.
# On the 55 dev events pooled into one run (docs/quality.md): pairwise precision 0.97 and
# recall 0.93 -> 0.98 of "same story", events split 6 -> 2.
GROUP_LINK = 0.65
MIN_PLACE_MENTIONS = 2  # a story's own place, named this often, keeps it apart from another place's
# A sentence pair this close counts as shared content ... At 0.75, two articles quoting
# one speech or sharing a background paragraph, days and developments apart, "shared"
# sentences and were linked outright; those links chain (a strong link merges on its
# own). On the AllSides archive (benchmarks/story_pairs/) 0.80 keeps 17 of 18 judged
# same-event pairs together and drops 35 of 62 same-topic or unrelated ones; a fresh
# sample of its stories is same-event for 23 of 40 dated pairs (0.75: 15 of 40). Cost:
# dev events pooled 1.000 / 0.990 -> 0.985 / 0.960, ECB+ topics recall 0.977 -> 0.961.
SENTENCE_LINK = 0.80
SHARED_SENTENCES_LINK = 2  # ... and this many such pairs link two articles
# An article without a date could be of any day: no window of days narrows its search,
# and no date keeps it apart from an article of another year on its topic. It links only
# to articles whose mean vector is at least this close to its own (a dated article needs
# ``GROUP_LINK`` within ``MAX_DAYS_APART``). On 4,554 AllSides articles (2,487 undated,
# 2012-2020) the pairs that a floor of 0.65 puts in one story and 0.75 does not were 20 of
# 20 different events of one topic; the dev events are grouped alike up to 0.75 and split
# at 0.80. The floor is a rule of linking, not a shortcut of the search: every path (all
# pairs, the blocked search, a store) applies it, so they find the same links; and the
# search for an undated article stays among the few articles this near it
# (benchmarks/RESULTS.md, "Archive scale: undated articles").
UNDATED_CENTROID_FLOOR = 0.75

_MONTHS = {name.lower(): number for name, number in MONTH_NUMBERS.items()}
_MONTH_DAY = re.compile(
    r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{1,2})\b(?:,\s*(\d{4}))?",
    re.IGNORECASE,
)
_PLACE = re.compile(
    r"\b(?:in|at)\s+(?!(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mr|Mrs|Ms|Dr|The|This|That)\b)"
    r"([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\b"
)


@dataclass(frozen=True)
class EventDate:
    """An event date that may lack its year (datelines often omit it)."""

    month: int
    day: int
    year: int | None = None

    def days_apart(self, other: EventDate) -> int | None:
        if self.year is not None and other.year is not None:
            return abs((dt.date(self.year, self.month, self.day) - dt.date(other.year, other.month, other.day)).days)
        # Without years, compare within a year (Dec 31 and Jan 1 are one day apart).
        year = 2001  # any non-leap year; Feb 29 is clamped below
        a = dt.date(year, self.month, min(self.day, 28 if self.month == 2 else self.day))
        b = dt.date(year, other.month, min(other.day, 28 if other.month == 2 else other.day))
        gap = abs((a - b).days)
        return min(gap, 365 - gap)


#: Where a dateline stands ("TOKYO, June 29 (KUNA) -- ..."): the opening of the text.
DATELINE_CHARS = 160


def event_date(article: Article) -> EventDate | None:
    """The publication date when known, else a month-day in the dateline.

    Dates further into the text are often other events' (a lawsuit filed "in February",
    a deal signed "on July 14, 2015"); read as the article's date they kept articles about
    one event apart (2 of 5 NewsWCL50 dev events, whose articles carry no date).
    """
    if article.published:
        p = article.published
        return EventDate(p.month, p.day, p.year)
    found: Counter[tuple[int, int, int | None]] = Counter()
    for match in _MONTH_DAY.finditer(article.text[:DATELINE_CHARS]):
        month, day = _MONTHS[match.group(1).lower()], int(match.group(2))
        if 1 <= day <= 31:
            found[(month, day, int(match.group(3)) if match.group(3) else None)] += 1
    if not found:
        return None
    # Most frequent month/day; a year seen with it anywhere fills in the year.
    by_day: Counter[tuple[int, int]] = Counter()
    years: dict[tuple[int, int], int] = {}
    for (month, day, year), n in found.items():
        by_day[(month, day)] += n
        if year is not None:
            years[(month, day)] = year
    (month, day), _ = min(by_day.items(), key=lambda kv: (-kv[1], kv[0]))
    return EventDate(month, day, years.get((month, day)))


def place_counts(article: Article) -> Counter[str]:
    """How often each place is named after "in"/"at" in one article (summed per story)."""
    return Counter(m.group(1) for m in _PLACE.finditer(article.text))


def _most_common(counts: Mapping[str, int]) -> str | None:
    if not counts:
        return None
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "story"


class _Groups:
    """Union-find over article indices that refuses merges across distant dates.

    Each group keeps its distinct dates only: a group whose dates are all within a few
    days of each other has only a handful, so a merge check stays cheap in big stories.
    """

    def __init__(self, dates: Sequence[EventDate | None]) -> None:
        self.parent = list(range(len(dates)))
        self.dates = {i: [d] if d else [] for i, d in enumerate(dates)}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int, *, force: bool = False) -> bool:
        """Merge the groups of i and j unless their dates are too far apart (or ``force``)."""
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return True
        for a in [] if force else self.dates[ri]:
            for b in self.dates[rj]:
                gap = a.days_apart(b)
                if gap is not None and gap > MAX_DAYS_APART:
                    return False
        low, high = min(ri, rj), max(ri, rj)
        self.parent[high] = low
        self.dates[low] = list(dict.fromkeys(self.dates[low] + self.dates.pop(high)))
        return True


# --- what grouping needs of each article --------------------------------------------------
@dataclass(frozen=True)
class ArticleProfile:
    """What story grouping needs of one article: small enough to keep for a whole corpus."""

    id: str
    outlet: str
    story: str | None  # explicit story field
    date: EventDate | None
    places: tuple[tuple[str, int], ...]  # place -> mentions, sorted
    published: bool = False  # ``date`` is the publication date (not one read in the text)

    @classmethod
    def of(cls, article: Article) -> ArticleProfile:
        return cls(
            article.id, article.outlet, article.story, event_date(article),
            tuple(sorted(place_counts(article).items())), article.published is not None,
        )


@dataclass(frozen=True)
class StoryLink:
    """Two articles that report one event by their content (``first`` < ``second``)."""

    first: str
    second: str
    strength: float  # near-identical sentences shared, or mean-embedding cosine when fewer than 2
    reason: str

    @property
    def strong(self) -> bool:
        """Merges stories on its own; a weaker link needs every pair of articles linked."""
        return self.strength >= CENTROID_LINK

    @property
    def order(self) -> tuple[float, str, str]:
        """Strongest first; ties by path (a count of 2 or more always beats a cosine)."""
        return (-self.strength, self.first, self.second)


def article_matrices(
    articles: Sequence[Article], sentences: Sequence[Sentence], vectors: Mapping[tuple[str, int], np.ndarray]
) -> dict[str, np.ndarray]:
    """Each article's claim-sentence vectors, one row per sentence in sentence order."""
    rows: dict[str, list[np.ndarray]] = {a.id: [] for a in articles}
    for s in sentences:
        if (s.article, s.index) in vectors and s.article in rows:
            rows[s.article].append(vectors[(s.article, s.index)])
    return {a: _stacked(v) for a, v in rows.items() if v}


def _stacked(parts: Sequence[np.ndarray]) -> np.ndarray:
    """``np.vstack(parts)`` as float32, but a view, not a copy, when the parts are
    consecutive rows of one matrix: a run embeds its claim sentences into one matrix,
    article by article, and at archive scale each copy of it is 2.3 GB."""
    base = parts[0].base
    if base is not None and base.ndim == 2 and base.dtype == np.float32 and base.flags.c_contiguous:
        origin, stride = base.__array_interface__["data"][0], base.strides[0]
        first = row = (parts[0].__array_interface__["data"][0] - origin) // stride
        for part in parts:
            where = part.__array_interface__["data"][0]
            if part.base is not base or not part.flags.c_contiguous or part.shape[-1] != base.shape[1] or where != origin + row * stride:
                break
            row += 1 if part.ndim == 1 else part.shape[0]
        else:
            return base[first:row]
    return np.vstack(parts, dtype=np.float32)


def link(
    first: ArticleProfile,
    second: ArticleProfile,
    a: np.ndarray,
    b: np.ndarray,
    centres: tuple[tuple[np.ndarray, np.floating], tuple[np.ndarray, np.floating]] | None = None,
) -> StoryLink | None:
    """The content link between two articles (``first.id`` < ``second.id``), if any.

    ``centres`` are ``_centre(a)`` and ``_centre(b)`` when the caller keeps them: an
    article meets many others, and its mean vector is the same each time.
    """
    pair = f"{first.outlet} and {second.outlet}"
    (ci, norm_i), (cj, norm_j) = centres or (_centre(a), _centre(b))
    centroid = float(ci @ cj / (norm_i * norm_j))
    if (first.date is None or second.date is None) and centroid < UNDATED_CENTROID_FLOOR:
        return None
    shared = int(np.count_nonzero((a @ b.T >= SENTENCE_LINK).any(axis=1)))
    if shared >= SHARED_SENTENCES_LINK:
        return StoryLink(first.id, second.id, float(shared), f"{pair} share {shared} near-identical sentences")
    if centroid >= GROUP_LINK:
        return StoryLink(first.id, second.id, centroid, f"{pair} have content similarity {centroid:.2f}")
    return None


def _centre(matrix: np.ndarray) -> tuple[np.ndarray, np.floating]:
    """An article's mean sentence vector and its length (for ``link``)."""
    mean = matrix.mean(axis=0)
    return mean, np.linalg.norm(mean)


def _dates_compatible(a: EventDate | None, b: EventDate | None) -> bool:
    """False only for two articles that could never be in one story: dates too far apart."""
    if a is None or b is None:
        return True
    gap = a.days_apart(b)
    return gap is None or gap <= MAX_DAYS_APART


#: Up to this many articles, every pair of articles is compared. Above it, only the pairs a
#: blocked neighbour search finds (``candidate_pairs``): the same links, found in time and
#: memory that grow with the corpus times the articles of a few days, not its square.
EXACT_ARTICLES = 200
CUT_MARGIN = 1e-3  # candidate cuts sit this far below the link cuts: rounding never drops a pair
_BLOCK = 4096  # rows per similarity block: memory is bounded by _BLOCK x _BLOCK floats
_QUERY_ROWS = 512  # query sentences searched together (consecutive dates share a window)
_WINDOW_QUERIES = 256  # undated articles whose mean-vector windows are found together
_HASH_ROWS = 65_536  # rows hashed or checked at once by ``_distinct_rows``


def candidate_pairs(
    profiles: Sequence[ArticleProfile],
    mats: Mapping[str, np.ndarray],
    queries: Sequence[int] | None = None,
    *,
    exact_up_to: int = EXACT_ARTICLES,
) -> list[tuple[int, int]]:
    """Index pairs (i < j) of ``profiles`` that may link: no explicit story on either side,
    dates compatible, and (above ``exact_up_to`` articles) a sentence pair or the two mean
    embeddings close enough to reach a link cut. ``queries`` limits pairs to those with at
    least one article in it (new articles against a store)."""
    eligible = [i for i, p in enumerate(profiles) if not p.story and p.id in mats]
    asked = set(eligible if queries is None else queries) & set(eligible)
    if not asked:  # e.g. every article has its story field: nothing to search
        return []
    if len(profiles) <= exact_up_to:
        pairs = {
            (min(i, j), max(i, j)) for i in asked for j in eligible
            if i != j and _dates_compatible(profiles[i].date, profiles[j].date)
        }
        return sorted(pairs)
    return _blocked_pairs(profiles, mats, eligible, sorted(asked))


def _day_arrays(dates: Sequence[EventDate | None]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per article: ordinal (-1 without a year), day of a non-leap year, has a date."""
    ordinal = np.full(len(dates), -1, dtype=np.int64)
    day = np.zeros(len(dates), dtype=np.int64)
    dated = np.zeros(len(dates), dtype=bool)
    for i, d in enumerate(dates):
        if d is None:
            continue
        dated[i] = True
        day[i] = dt.date(2001, d.month, min(d.day, 28 if d.month == 2 else d.day)).timetuple().tm_yday
        if d.year is not None:
            ordinal[i] = dt.date(d.year, d.month, d.day).toordinal()
    return ordinal, day, dated


def _blocked_pairs(
    profiles: Sequence[ArticleProfile], mats: Mapping[str, np.ndarray], eligible: list[int], asked: list[int]
) -> list[tuple[int, int]]:
    """Exact neighbour search, blocked by date: query articles, taken in date order a few
    hundred sentences at a time, are compared only with the articles whose dates are
    compatible with one of theirs; an undated query article only with the articles above
    ``UNDATED_CENTROID_FLOOR`` of it. Matrix products run in bounded blocks. Pairs are kept
    as arrays of article positions, not as Python tuples, until the end."""
    eligible = _in_memory_order(eligible, [mats[profiles[i].id] for i in eligible])
    ids = [profiles[i].id for i in eligible]
    ordinal, day, dated = _day_arrays([profiles[i].date for i in eligible])
    sizes = np.array([mats[a].shape[0] for a in ids])
    first_row = np.cumsum(sizes) - sizes
    owner = np.repeat(np.arange(len(ids)), sizes)
    # Only the distinct rows are searched. The stack is a view of the run's one vector
    # matrix when the articles' matrices are (``_stacked``).
    stack = _stacked([mats[a] for a in ids])
    distinct, distinct_of = _distinct_rows(stack)
    centroids = unit_means([mats[a] for a in ids])
    position = {g: k for k, g in enumerate(eligible)}
    # Undated articles may join any date. When all of them are queries, their own pass
    # (against every article near enough) finds their pairs, and dated windows can leave
    # them out.
    undated = [k for k in range(len(ids)) if not dated[k]]
    undated_asked = set(undated) <= {position[g] for g in asked}

    by_date: dict[EventDate | None, list[int]] = {}
    for g in asked:
        by_date.setdefault(profiles[g].date, []).append(position[g])
    found: list[np.ndarray] = []  # keys first * len(ids) + second of positions that may link

    def search(local: list[int], window: np.ndarray) -> None:
        rows = _rows_of(first_row, sizes, np.asarray(local))
        columns = _rows_of(first_row, sizes, window)
        close = [
            _close_owners(stack, distinct, distinct_of, owner, rows, columns, SENTENCE_LINK - CUT_MARGIN),
            _close(centroids, np.asarray(local), window, GROUP_LINK - CUT_MARGIN),
        ]
        first, second = (np.concatenate(side) for side in zip(*close))
        low, high = np.minimum(first, second), np.maximum(first, second)
        found.append(np.unique(low[low != high] * len(ids) + high[low != high]))

    everyone = np.arange(len(ids))
    for k, window in _undated_windows(centroids, by_date.pop(None, [])):
        search([k], window)
    block: list[int] = []
    block_rows = 0
    mask = np.zeros(len(ids), dtype=bool)
    ordered = sorted(by_date.items(), key=lambda kv: (kv[0].year or 0, kv[0].month, kv[0].day))  # type: ignore[union-attr]
    for n, (_, local) in enumerate(ordered):
        # The dated articles a query of this date may link to (its articles share the date).
        mask |= dated & _compatible(ordinal, day, dated, local[0], everyone)
        block += local
        block_rows += int(sizes[local].sum())
        if block_rows >= _QUERY_ROWS or n == len(ordered) - 1:
            window = mask if undated_asked else mask | ~dated
            search(block, np.flatnonzero(window))
            block, block_rows, mask = [], 0, np.zeros(len(ids), dtype=bool)
    keys = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    first, second = keys // len(ids), keys % len(ids)
    keep = _compatible(ordinal, day, dated, first, second)
    index = np.asarray(eligible)
    a, b = index[first[keep]], index[second[keep]]
    low, high = np.minimum(a, b), np.maximum(a, b)
    order = np.lexsort((high, low))
    return list(zip(low[order].tolist(), high[order].tolist()))


def unit_means(matrices: Sequence[np.ndarray]) -> np.ndarray:
    """Each article's mean sentence vector, of unit length, one row per matrix: what an
    undated article's link is measured on first (``UNDATED_CENTROID_FLOOR``)."""
    centroids = np.vstack([m.mean(axis=0) for m in matrices]).astype(np.float32)
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    return centroids


def _in_memory_order(positions: list[int], matrices: Sequence[np.ndarray]) -> list[int]:
    """``positions`` in the order their ``matrices`` lie in the one matrix they are views
    of (a run's vectors are in reading order, ids sort otherwise: "#10" before "#2"), so
    that their stack is a view too (``_stacked``); as given when they are not views of
    one matrix. The pairs found do not depend on the order."""
    bases = {id(m.base) for m in matrices}
    if not matrices or len(bases) != 1 or matrices[0].base is None:
        return positions
    start = [m.__array_interface__["data"][0] for m in matrices]
    return [positions[k] for k in sorted(range(len(positions)), key=start.__getitem__)]


def _undated_windows(centroids: np.ndarray, undated: Sequence[int]) -> Iterator[tuple[int, np.ndarray]]:
    """Each undated article with the articles it may link to: those whose mean vector is
    within ``UNDATED_CENTROID_FLOOR`` of its own (``link`` refuses the rest)."""
    for b in range(0, len(undated), _WINDOW_QUERIES):
        block = np.asarray(undated[b : b + _WINDOW_QUERIES])
        close = centroids[block] @ centroids.T >= UNDATED_CENTROID_FLOOR - CUT_MARGIN
        for k, row in zip(block.tolist(), close):
            yield k, np.flatnonzero(row)


def _rows_of(first_row: np.ndarray, sizes: np.ndarray, articles: np.ndarray) -> np.ndarray:
    """The sentence rows of ``articles`` (positions), article by article: each article's
    rows are one run of the stacked matrix, so no mask over every row is needed."""
    counts = sizes[articles]
    return np.repeat(first_row[articles] - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))


def _compatible(ordinal: np.ndarray, day: np.ndarray, dated: np.ndarray, a: np.ndarray | int, b: np.ndarray) -> np.ndarray:
    """``_dates_compatible`` for the pairs (a[k], b[k]) (or (a, b[k])), from ``_day_arrays``."""
    gap = np.abs(day[a] - day[b])
    within_year = np.minimum(gap, 365 - gap) <= MAX_DAYS_APART
    both_years = (ordinal[a] >= 0) & (ordinal[b] >= 0)
    close = np.where(both_years, np.abs(ordinal[a] - ordinal[b]) <= MAX_DAYS_APART, within_year)
    return ~(dated[a] & dated[b]) | close


def _distinct_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each distinct row of ``matrix`` first stands and, for each row, the index of
    its distinct row (positions, not a copy of the rows).

    Rows are told apart by a 64-bit hash of their bytes, then every row is checked byte
    for byte against the row it was taken for (a collision falls back to sorting the rows
    themselves). Sorting 1.5 million 1,536-byte rows as keys was the whole archive's
    peak memory, 14.6 GB (benchmarks/RESULTS.md, "where the 16 GB go").
    """
    rows = np.ascontiguousarray(matrix)
    words = rows.view(np.uint8).reshape(len(rows), -1)
    if words.shape[1] % 4 == 0:
        words = words.view(np.uint32)
    multipliers = np.random.default_rng(0).integers(1, 2**63, size=words.shape[1], dtype=np.uint64) | np.uint64(1)
    keys = np.empty(len(rows), dtype=np.uint64)
    for start in range(0, len(rows), _HASH_ROWS):
        block = words[start : start + _HASH_ROWS].astype(np.uint64)
        keys[start : start + _HASH_ROWS] = (block * multipliers).sum(axis=1)  # wraps modulo 2**64
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    for start in range(0, len(rows), _HASH_ROWS):
        if not np.array_equal(words[start : start + _HASH_ROWS], words[first[inverse[start : start + _HASH_ROWS]]]):
            return _distinct_rows_sorted(rows)
    return first, inverse


def _distinct_rows_sorted(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_distinct_rows`` by sorting the rows as byte strings: exact, and memory-hungry."""
    keys = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return first, inverse.ravel()


def _close_owners(
    stack: np.ndarray,
    distinct: np.ndarray,
    distinct_of: np.ndarray,
    owners: np.ndarray,
    rows: np.ndarray,
    columns: np.ndarray,
    cut: float,
) -> tuple[np.ndarray, np.ndarray]:
    """(owner of a row, owner of a column) pairs, as two arrays, with a sentence pair at
    cosine >= ``cut`` (repeats possible).

    Each distinct vector is compared once: wire copy repeats sentences across articles,
    and an undated article is searched against the whole corpus. ``distinct`` and
    ``distinct_of`` are ``_distinct_rows(stack)``. (Equal vectors can differ in the last
    bits of a product: the cuts' margin covers that.)
    """
    row_vectors, row_start, row_count, row_owners = _owners_by_vector(distinct_of, owners, rows)
    column_vectors, column_start, column_count, column_owners = _owners_by_vector(distinct_of, owners, columns)
    r, c = _close(stack, distinct[row_vectors], distinct[column_vectors], cut)
    r, c = np.searchsorted(row_vectors, distinct_of[r]), np.searchsorted(column_vectors, distinct_of[c])
    # Every owner of the row's vector with every owner of the column's.
    width = column_count[c]
    per_hit = row_count[r] * width
    hit = np.repeat(np.arange(len(r)), per_hit)
    k = np.arange(int(per_hit.sum())) - np.repeat(np.cumsum(per_hit) - per_hit, per_hit)
    return row_owners[row_start[r][hit] + k // width[hit]], column_owners[column_start[c][hit] + k % width[hit]]


def _owners_by_vector(
    distinct_of: np.ndarray, owners: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The distinct vectors of ``rows`` (sorted), and where each one's owners start in the
    last array, how many there are, and the owners (each once)."""
    width = int(owners.max()) + 1
    keys = np.unique(distinct_of[rows].astype(np.int64) * width + owners[rows])
    vector, owner = keys // width, keys % width
    vectors, start, count = np.unique(vector, return_index=True, return_counts=True)
    return vectors, start, count, owner


def _close(matrix: np.ndarray, rows: np.ndarray, columns: np.ndarray, cut: float) -> tuple[np.ndarray, np.ndarray]:
    """The (row, column) pairs, as two arrays, whose unit vectors have cosine >= ``cut``;
    computed in blocks so memory does not grow with the corpus."""
    found_rows, found_columns = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for r in range(0, len(rows), _BLOCK):
        block_rows = rows[r : r + _BLOCK]
        left = matrix[block_rows]
        for c in range(0, len(columns), _BLOCK):
            block_columns = columns[c : c + _BLOCK]
            i, j = np.nonzero(left @ matrix[block_columns].T >= cut)
            found_rows.append(block_rows[i])
            found_columns.append(block_columns[j])
    return np.concatenate(found_rows), np.concatenate(found_columns)


def find_links(
    profiles: Sequence[ArticleProfile],
    mats: Mapping[str, np.ndarray],
    queries: Sequence[int] | None = None,
    *,
    exact_up_to: int = EXACT_ARTICLES,
) -> list[StoryLink]:
    """Every content link among ``profiles`` (sorted by id), or those touching ``queries``."""
    links = []
    centres: dict[str, tuple[np.ndarray, np.floating]] = {}
    for i, j in candidate_pairs(profiles, mats, queries, exact_up_to=exact_up_to):
        a, b = profiles[i].id, profiles[j].id
        for article in (a, b):
            if article not in centres:
                centres[article] = _centre(mats[article])
        found = link(profiles[i], profiles[j], mats[a], mats[b], (centres[a], centres[b]))
        if found is not None:
            links.append(found)
    return links


def stories_from_links(profiles: Sequence[ArticleProfile], links: Sequence[StoryLink]) -> tuple[Story, ...]:
    """Partition the articles (``profiles`` sorted by id) into stories: explicit story
    fields first, then the content links strongest first, never across distant dates."""
    ordered = sorted(profiles, key=lambda p: p.id)
    index = {p.id: i for i, p in enumerate(ordered)}
    groups = _Groups([p.date for p in ordered])
    explicit: dict[str, list[int]] = {}
    for i, p in enumerate(ordered):
        if p.story:
            explicit.setdefault(p.story, []).append(i)
    for members in explicit.values():
        for j in members[1:]:
            groups.union(members[0], j, force=True)

    reasons: dict[tuple[int, int], str] = {}
    ordered_links = sorted(links, key=lambda lk: lk.order)
    for found in ordered_links:
        i, j = index[found.first], index[found.second]
        if found.strong and groups.find(i) != groups.find(j) and groups.union(i, j):
            reasons[(i, j)] = found.reason
    # Weaker links, strongest first: two stories merge only when every article of one is
    # linked to every article of the other (complete linkage: no chains).
    linked = {(index[lk.first], index[lk.second]) for lk in links}
    members = {i: [i] for i in range(len(ordered))}
    for i in range(len(ordered)):
        root = groups.find(i)
        if root != i:
            members[root].append(i)
            del members[i]
    for found in ordered_links:
        if found.strong:
            continue
        i, j = index[found.first], index[found.second]
        ri, rj = groups.find(i), groups.find(j)
        if ri == rj or not all((min(x, y), max(x, y)) in linked for x in members[ri] for y in members[rj]):
            continue
        if _elsewhere(ordered, members[ri], members[rj]):
            continue
        if groups.union(i, j):
            merged = members.pop(ri) + members.pop(rj)
            members[groups.find(i)] = merged
            reasons[(i, j)] = found.reason + " (as is every other pair of their articles)"

    components: dict[int, list[int]] = {}
    for i in range(len(ordered)):
        components.setdefault(groups.find(i), []).append(i)
    reasons_of: dict[int, list[tuple[tuple[int, int], str]]] = {}
    for pair, why in sorted(reasons.items()):
        reasons_of.setdefault(groups.find(pair[0]), []).append((pair, why))

    strongest: dict[int, StoryLink] = {}  # each article's strongest link, to say why it stands alone
    for found in ordered_links:
        strongest.setdefault(index[found.first], found)
        strongest.setdefault(index[found.second], found)

    stories: list[Story] = []
    used: Counter[str] = Counter()
    for root in sorted(components):
        members = components[root]
        chosen = [ordered[i] for i in members]
        if chosen[0].story:
            base = _slug(chosen[0].story)
            reason = f"all give the story {chosen[0].story!r}"
        else:
            # The earliest publication date: a date read in the text may be another event's.
            date = min((p.date for p in chosen if p.date and p.published), default=None,
                       key=lambda d: (d.year is None, d.year or 0, d.month, d.day))
            place = _most_common(_places(ordered, members))
            parts = ["undated"]
            if date:
                parts = [f"{date.year}-{date.month:02d}-{date.day:02d}" if date.year else f"{date.month:02d}-{date.day:02d}"]
            if place:
                parts.append(_slug(place))
            base = "-".join(parts) or "story"
            links_here = [why for _, why in reasons_of.get(root, [])]
            if links_here:
                reason = "; ".join(links_here)
            else:
                (alone,) = members  # a story of several articles has the links that joined them
                reason = _kept_apart(ordered, alone, strongest, index, groups, components, linked)
        used[base] += 1
        story_id = base if used[base] == 1 else f"{base}-{used[base]}"
        stories.append(Story(id=story_id, articles=tuple(p.id for p in chosen), reason=reason))
    return tuple(stories)


def _kept_apart(
    ordered: Sequence[ArticleProfile],
    i: int,
    strongest: Mapping[int, StoryLink],
    index: Mapping[str, int],
    groups: _Groups,
    components: Mapping[int, Sequence[int]],
    linked: set[tuple[int, int]],
) -> str:
    """Why an article stands alone. When it has a content link, the rule that kept it
    apart from that article's story: the split a reviewer must be told about (an outlet
    left out is an outlet nothing is compared with)."""
    found = strongest.get(i)
    if found is None:
        return "no other article reports this event"
    j = index[found.second] if index[found.first] == i else index[found.first]
    other = components[groups.find(j)]
    what = found.reason.replace(" (as is every other pair of their articles)", "")
    far = next((k for k in other if not _dates_compatible(ordered[i].date, ordered[k].date)), None)
    if far is not None:
        return f"kept apart: {what}, but {ordered[far].outlet}'s article in that story is dated more than {MAX_DAYS_APART} days from it"
    missing = next((k for k in other if (min(i, k), max(i, k)) not in linked), None)
    if missing is not None:
        undated = "" if ordered[i].date and ordered[missing].date else (
            f" (without a date, two articles need a content similarity of {UNDATED_CENTROID_FLOOR:.2f})"
        )
        return (
            f"kept apart: {what}, but {ordered[i].outlet}'s article is not as alike to "
            f"{ordered[missing].outlet}'s in that story{undated}"
        )
    if _elsewhere(ordered, [i], other):
        own, theirs = _most_common(_places(ordered, [i])), _most_common(_places(ordered, other))
        return f"kept apart: {what}, but each names its own place ({own} / {theirs})"
    return f"kept apart: {what}"


def _places(ordered: Sequence[ArticleProfile], members: Sequence[int]) -> Counter[str]:
    """How often the articles ``members`` name each place, together."""
    counts: Counter[str] = Counter()
    for i in members:
        counts.update(dict(ordered[i].places))
    return counts


def _elsewhere(ordered: Sequence[ArticleProfile], one: Sequence[int], other: Sequence[int]) -> bool:
    """Two stories, each naming its own place again and again, that never name the
    other's: two events of a kind (two earthquakes of one day), however alike they read."""
    counts_one, counts_other = _places(ordered, one), _places(ordered, other)
    top_one, top_other = _most_common(counts_one), _most_common(counts_other)
    if top_one is None or top_other is None or min(counts_one[top_one], counts_other[top_other]) < MIN_PLACE_MENTIONS:
        return False
    return top_one not in counts_other and top_other not in counts_one


def group_stories(
    articles: Sequence[Article],
    sentences: Sequence[Sentence],
    vectors: Mapping[tuple[str, int], np.ndarray],
    *,
    exact_up_to: int = EXACT_ARTICLES,
) -> tuple[Story, ...]:
    """Partition ``articles`` (sorted by path) into stories.

    ``vectors`` maps (article id, sentence index) to the unit embedding of each claim
    sentence; articles without claim sentences only join a story by an explicit field.
    """
    profiles = sorted((ArticleProfile.of(a) for a in articles), key=lambda p: p.id)
    mats = article_matrices(articles, sentences, vectors)
    return stories_from_links(profiles, find_links(profiles, mats, exact_up_to=exact_up_to))
