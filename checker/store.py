"""The corpus store: everything already seen, so a run costs what is new, not the corpus.

One SQLite file (``.checker/store.sqlite`` by default) holds the articles (text and
metadata), their sentences, the claim sentences' embeddings (keyed by model id and text
hash), the story links between articles, each article's story, and the claims of the
stories last reported. It is persistence, not a pipeline: ``pipeline.add`` runs the
stages on new articles and writes what they made here (``triage``, ``write``), and
``pipeline.check(..., store=)`` reads the stories new articles touch (``stored_stories``)
and writes their claims back (``save_claims``).

Why it scales: adding an article compares it only with the stored articles whose dates
could put them in one story (an indexed query), and stories are recomputed from the
stored links, which is cheap; claims and rules run only on the stories new articles touch.

Why it is safe: every batch of articles is written in one transaction (WAL journal), so a
run killed at any moment leaves the store as it was after the last committed batch, with
nothing half-written; readers see one consistent snapshot. Re-adding an article whose
text is stored is a no-op (content hash); an article whose path is stored with other
text replaces it. Wire copy of a stored article is left out as a batch run leaves it
out (each article's sampled shingles are indexed for that: ``near_copy_candidates``). A
store written by another schema version is upgraded (``MIGRATIONS``) or refused with a
message saying what to do, never half-read.

Over 600 lines because the schema, its migrations and the SQL that keeps the store's
four cross-article decisions (near copies, site furniture, the claim scorer's word
counts, story links) equal to a batch run's must change together; the decisions
themselves live in their stages.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import similarity
from . import stories as story_grouping
from .boilerplate import is_furniture, repeat_key
from .duplicates import find_near_copies, sampled_shingles
from .embed import text_key
from .errors import CheckerError
from .serialise import article_from_dict, article_to_dict
from .models import Article, Claim, Sentence, Story

DEFAULT_STORE = Path(".checker") / "store.sqlite"
SCHEMA_VERSION = 5
BATCH_ARTICLES = 200  # articles written per transaction: a killed run keeps earlier batches
_CHUNK = 500  # SQLite's bound-parameter limit is 999

# Tables that upgrades add too (``MIGRATIONS``), written once.
_WORD_COUNTS = (
    "CREATE TABLE word_counts (word TEXT PRIMARY KEY, lowercase INTEGER NOT NULL, "
    "capitalised INTEGER NOT NULL, naming INTEGER NOT NULL) WITHOUT ROWID"
)
_SHINGLES = (
    "CREATE TABLE shingles (hash INTEGER NOT NULL, article TEXT NOT NULL, PRIMARY KEY (hash, article)) WITHOUT ROWID",
    "CREATE INDEX shingles_article ON shingles (article)",
)

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,
    batch INTEGER NOT NULL,
    data TEXT NOT NULL,
    outlet TEXT NOT NULL,
    story_field TEXT,
    year INTEGER, month INTEGER, day INTEGER,
    ordinal INTEGER,
    day_of_year INTEGER,
    places TEXT NOT NULL,
    claim_sentences INTEGER NOT NULL,
    published INTEGER NOT NULL DEFAULT 0,
    centroid BLOB
);
CREATE INDEX articles_ordinal ON articles (ordinal);
CREATE INDEX articles_day ON articles (day_of_year);
CREATE TABLE sentences (
    article TEXT NOT NULL REFERENCES articles (id),
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    kind TEXT NOT NULL,
    text_key TEXT,
    repeat_key TEXT,
    PRIMARY KEY (article, idx)
);
CREATE INDEX sentences_repeat ON sentences (repeat_key);
CREATE INDEX sentences_text ON sentences (text_key);
CREATE TABLE texts (key TEXT PRIMARY KEY, text TEXT NOT NULL, counted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE embeddings (
    model TEXT NOT NULL, key TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (model, key)
);
CREATE TABLE links (
    first TEXT NOT NULL, second TEXT NOT NULL, strength REAL NOT NULL, reason TEXT NOT NULL,
    PRIMARY KEY (first, second)
);
CREATE INDEX links_second ON links (second);
CREATE TABLE stories (article TEXT PRIMARY KEY, story TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '');
CREATE TABLE claims (
    claim TEXT NOT NULL, story TEXT NOT NULL, article TEXT NOT NULL, idx INTEGER NOT NULL,
    similarity REAL NOT NULL, PRIMARY KEY (claim, article, idx)
);
""" + ";\n".join((_WORD_COUNTS, *_SHINGLES))

def _find_furniture_in_old_store(conn: sqlite3.Connection) -> None:
    """2 -> 3: give every claim sentence its repeat key and mark the site furniture the
    whole store repeats, relinking the articles it touched (as ``Store.write`` would have)."""
    conn.execute("ALTER TABLE sentences ADD COLUMN repeat_key TEXT")
    conn.execute("CREATE INDEX sentences_repeat ON sentences (repeat_key)")
    _keep_centroids(conn)  # relinking reads them (a column of schema 4)
    _keep_story_reasons(conn)  # and writes these (schema 5)
    texts = dict(conn.execute("SELECT key, text FROM texts"))
    rows = conn.execute("SELECT article, idx, text_key FROM sentences WHERE text_key IS NOT NULL").fetchall()
    conn.executemany(
        "UPDATE sentences SET repeat_key = ? WHERE article = ? AND idx = ?",
        [(_repeat_key(texts[key]), article, idx) for article, idx, key in rows if key in texts],
    )
    model = conn.execute("SELECT value FROM meta WHERE key = 'model'").fetchone()
    keys = [k for k, in conn.execute("SELECT DISTINCT repeat_key FROM sentences WHERE repeat_key IS NOT NULL")]
    if model is not None:
        _relink(conn, _mark_furniture(conn, keys), model[0], None)


def _find_near_copies_in_old_store(conn: sqlite3.Connection) -> None:
    """3 -> 4: keep every stored article's mean vector and sampled shingles, and leave out
    the wire copies that earlier adds stored beside their source (as one batch run over
    them would)."""
    for statement in _SHINGLES:
        conn.execute(statement)
    _keep_centroids(conn)
    _keep_story_reasons(conn)
    articles = [_article_from_json(d) for d, in conn.execute("SELECT data FROM articles ORDER BY id")]
    _index_shingles(conn, articles)
    collapsed = [c.copy.id for c in find_near_copies(articles) if c.collapsed]
    model = conn.execute("SELECT value FROM meta WHERE key = 'model'").fetchone()
    if collapsed and model is not None:
        _remove(conn, collapsed, model[0], None)


def _count_words_in_old_store(conn: sqlite3.Connection) -> None:
    """4 -> 5: count the words of every stored body text once (``_recount``), and keep
    each story's reason, so that a report reads the counts and the stories as stored."""
    conn.execute("ALTER TABLE texts ADD COLUMN counted INTEGER NOT NULL DEFAULT 0")
    conn.execute("CREATE INDEX sentences_text ON sentences (text_key)")  # what _recount looks up
    conn.execute(_WORD_COUNTS)
    _recount(conn, [k for k, in conn.execute("SELECT key FROM texts")])
    _keep_story_reasons(conn)
    _regroup(conn)


def _keep_story_reasons(conn: sqlite3.Connection) -> None:
    """Give an older store the column of story reasons (filled by the next regrouping)."""
    if "reason" not in {row[1] for row in conn.execute("PRAGMA table_info(stories)")}:
        conn.execute("ALTER TABLE stories ADD COLUMN reason TEXT NOT NULL DEFAULT ''")


def _keep_centroids(conn: sqlite3.Connection) -> None:
    """Give an older store the column of mean vectors, filled (once, whichever upgrade
    comes first)."""
    if "centroid" in {row[1] for row in conn.execute("PRAGMA table_info(articles)")}:
        return
    conn.execute("ALTER TABLE articles ADD COLUMN centroid BLOB")
    model = conn.execute("SELECT value FROM meta WHERE key = 'model'").fetchone()
    if model is not None:
        _store_centroids(conn, [i for i, in conn.execute("SELECT id FROM articles ORDER BY id")], model[0])


#: Upgrades from older schema versions: ``{old_version: sql or a function of the
#: connection}``, each run in the upgrade's transaction; a store of a version not listed
#: here is refused.
MIGRATIONS: dict[int, str | Callable[[sqlite3.Connection], None]] = {
    # 1 -> 2: whether an article's date is its publication date (story ids use only those).
    1: "ALTER TABLE articles ADD COLUMN published INTEGER NOT NULL DEFAULT 0",
    # 2 -> 3: site furniture found by repetition over the whole store (boilerplate.py).
    2: _find_furniture_in_old_store,
    # 3 -> 4: near copies found against the stored articles, not only within one add; a
    # mean vector per article, so that an undated article is linked without reading all.
    3: _find_near_copies_in_old_store,
    # 4 -> 5: the claim scorer's word counts kept up to date, so that a report reads no
    # text; stories kept whole (with their reasons), so that a report does not regroup.
    4: _count_words_in_old_store,
}


class StoreError(CheckerError):
    """The store file cannot be used (another schema version, another model, not a store)."""


@dataclass(frozen=True)
class AddResult:
    """What one ``add`` did, by article id."""

    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()  # same path, new text
    unchanged: tuple[str, ...] = ()  # text already stored (under this or another path)
    collapsed: tuple[str, ...] = ()  # wire copies of another article, left out (notes say of which)
    dropped: tuple[str, ...] = ()  # stored wire copies left out for a fuller copy just added
    notes: tuple[str, ...] = ()

    @property
    def given(self) -> tuple[str, ...]:
        """Every article named by the input, whatever happened to it."""
        return tuple(sorted(self.added + self.replaced + self.unchanged + self.collapsed))


class Store:
    """A corpus store in one SQLite file; opening it checks (or creates) the schema."""

    def __init__(self, path: str | Path = DEFAULT_STORE) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self._connection() as conn:
                self._check_schema(conn)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a checker store ({exc}); give --store a new file name") from None

    # --- connection and schema ----------------------------------------------------------
    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # durable against a killed process
            conn.execute("PRAGMA foreign_keys=ON")
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction that takes the write lock up front; all or nothing."""
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every query in it sees the same committed snapshot."""
        with self._connection() as conn:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("COMMIT")

    def _check_schema(self, conn: sqlite3.Connection) -> None:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            conn.execute("BEGIN IMMEDIATE")
            if not {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}:
                for statement in _SCHEMA.split(";"):  # not executescript: it would commit
                    if statement.strip():
                        conn.execute(statement)
                conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            conn.execute("COMMIT")
            return
        if "meta" not in tables:
            raise StoreError(f"{self.path}: not a checker store (no meta table); give --store a new file name")
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row else 0
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema version {version} was written by a newer checker "
                f"(this one reads version {SCHEMA_VERSION}); upgrade checker or use another --store"
            )
        if version not in MIGRATIONS:
            raise StoreError(
                f"{self.path}: store schema version {version} is too old to migrate (this checker "
                f"reads version {SCHEMA_VERSION}); delete the file and add the articles again"
            )
        conn.execute("BEGIN IMMEDIATE")
        while version < SCHEMA_VERSION:
            step = MIGRATIONS[version]
            if callable(step):
                step(conn)
            else:
                for statement in step.split(";"):
                    if statement.strip():
                        conn.execute(statement)
            version += 1
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
        conn.execute("COMMIT")

    def _model(self, conn: sqlite3.Connection, model_id: str, *, claim: bool) -> None:
        """Check that the store's vectors are ``model_id``'s; the first writer claims it."""
        row = conn.execute("SELECT value FROM meta WHERE key = 'model'").fetchone()
        if row is None:
            if claim:
                conn.execute("INSERT INTO meta VALUES ('model', ?)", (model_id,))
            return
        if row[0] != model_id:
            raise StoreError(
                f"{self.path}: the store's embeddings are from model {row[0]!r}, not {model_id!r}; "
                "use the same --model/--backend or another --store"
            )

    # --- reading ------------------------------------------------------------------------
    def article_ids(self) -> list[str]:
        with self._read() as conn:
            return [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id")]

    def stories(self) -> tuple[Story, ...]:
        """The stories of the whole store, from its links (as a batch run would group them)."""
        with self._read() as conn:
            return _kept_stories(conn)

    def integrity_problems(self) -> list[str]:
        """What is inconsistent in the store (empty when all is well); for tests and doctors."""
        problems: list[str] = []
        with self._read() as conn:
            problems += [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
            checks = {
                "article without sentences": "SELECT id FROM articles a WHERE NOT EXISTS "
                "(SELECT 1 FROM sentences s WHERE s.article = a.id)",
                "sentences of an unknown article": "SELECT DISTINCT article FROM sentences s WHERE NOT EXISTS "
                "(SELECT 1 FROM articles a WHERE a.id = s.article)",
                "claim sentence without text": "SELECT article FROM sentences s WHERE text_key IS NOT NULL AND NOT EXISTS "
                "(SELECT 1 FROM texts t WHERE t.key = s.text_key)",
                "claim sentence without embedding": "SELECT article FROM sentences s WHERE text_key IS NOT NULL AND NOT EXISTS "
                "(SELECT 1 FROM embeddings e WHERE e.key = s.text_key)",
                "link to an unknown article": "SELECT first FROM links l WHERE NOT EXISTS (SELECT 1 FROM articles a "
                "WHERE a.id = l.first) OR NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = l.second)",
                "article without a story": "SELECT id FROM articles a WHERE NOT EXISTS "
                "(SELECT 1 FROM stories s WHERE s.article = a.id)",
                "story of an unknown article": "SELECT article FROM stories s WHERE NOT EXISTS "
                "(SELECT 1 FROM articles a WHERE a.id = s.article)",
            }
            for what, sql in checks.items():
                rows = conn.execute(sql + " LIMIT 3").fetchall()
                problems += [f"{what}: {r[0]}" for r in rows]
            body = [t for t, in conn.execute("SELECT t.text FROM texts t JOIN (SELECT DISTINCT text_key FROM sentences "
                                             "WHERE kind = 'body') s ON s.text_key = t.key")]
            if _scoring_context(conn) != similarity.ScoringContext.from_texts(body):
                problems.append("kept word counts differ from the counts of the stored texts")
            if conn.execute("SELECT count(*) FROM articles").fetchone()[0]:
                if _kept_stories(conn) != _stories(conn):
                    problems.append("stored stories differ from the stories of the stored links")
            model = conn.execute("SELECT value FROM meta WHERE key = 'model'").fetchone()
            kept = dict(conn.execute("SELECT id, centroid FROM articles"))
            mats = _article_vectors(conn, sorted(kept), model[0]) if model else {}
            fresh = dict(zip(mats, story_grouping.unit_means(list(mats.values())))) if mats else {}
            problems += [f"mean vector out of date: {i}" for i, blob in sorted(kept.items())
                         if (blob is None) != (i not in fresh) or (blob is not None
                         and not np.allclose(np.frombuffer(blob, dtype=np.float32), fresh[i], atol=1e-6))][:3]
        return problems

    # --- writing: what the stages made, a batch per transaction ---------------------------
    def triage(self, articles: Sequence[Article], model_id: str) -> tuple[list[Article], AddResult]:
        """Which of ``articles`` to store (new, or a stored path with new text), and what
        an add of them does. Refuses a store of another model's vectors before any work."""
        with self._read() as conn:
            self._model(conn, model_id, claim=False)
            by_hash = dict(
                _select(conn, "SELECT content_hash, id FROM articles WHERE content_hash IN ({marks})",
                        [a.content_hash for a in articles])
            )
            by_id = dict(_select(conn, "SELECT id, content_hash FROM articles WHERE id IN ({marks})", [a.id for a in articles]))
        unchanged, fresh, notes = [], [], []
        for a in articles:
            if a.content_hash in by_hash:
                unchanged.append(a.id)
                if by_hash[a.content_hash] != a.id:
                    notes.append(f"{a.id} has the same text as stored {by_hash[a.content_hash]}; not added again")
            else:
                fresh.append(a)
        replaced = sorted(a.id for a in fresh if a.id in by_id)
        added = sorted(a.id for a in fresh if a.id not in by_id)
        return fresh, AddResult(added=tuple(added), replaced=tuple(replaced), unchanged=tuple(sorted(unchanged)), notes=tuple(notes))

    def embedded(self, keys: Sequence[str], model_id: str) -> set[str]:
        """Which text keys (``embed.text_key``) already have a vector of ``model_id``."""
        with self._read() as conn:
            return {k for k, in _select(
                conn, "SELECT key FROM embeddings WHERE model = ? AND key IN ({marks})", list(keys), first=[model_id])}

    def write(
        self,
        batch: Sequence[Article],
        sentences: Mapping[str, Sequence[Sentence]],
        vectors: Mapping[str, np.ndarray],
        model_id: str,
        exact_up_to: int | None = None,
        *,
        drop: Sequence[str] = (),
    ) -> None:
        """Store ``batch`` (its sentences by article id, the new vectors by text key) in one
        transaction, link it to the stored articles and regroup the stories. ``drop``:
        stored articles that are wire copies of one in ``batch``, left out in the same
        transaction (``near_copy_candidates``)."""
        claim_texts = sorted({s.text for ss in sentences.values() for s in ss if s.is_claim})
        with self._write() as conn:
            self._model(conn, model_id, claim=True)
            ids = [a.id for a in batch]
            # Replaced and dropped articles: their old rows go first, and what they repeated
            # is counted again.
            gone = _text_keys(conn, [*ids, *drop])
            keys = _forget(conn, [*ids, *drop])
            number = conn.execute("SELECT coalesce(max(batch), 0) + 1 FROM articles").fetchone()[0]
            for a in batch:
                profile = story_grouping.ArticleProfile.of(a)
                d = profile.date
                ordinal = dt.date(d.year, d.month, d.day).toordinal() if d and d.year else None
                conn.execute(
                    "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                    (a.id, a.content_hash, number, _article_json(a), a.outlet, a.story,
                     d.year if d else None, d.month if d else None, d.day if d else None,
                     ordinal, _day_of_year(d), json.dumps(profile.places),
                     sum(s.is_claim for s in sentences[a.id]), int(profile.published)),
                )
                conn.executemany(
                    "INSERT INTO sentences VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(s.article, s.index, s.start, s.end, s.kind, *((text_key(s.text), _repeat_key(s.text))
                                                                     if s.is_claim else (None, None)))
                     for s in sentences[a.id]],
                )
                keys.update(_repeat_key(s.text) for s in sentences[a.id] if s.is_claim)
            _index_shingles(conn, batch)
            conn.executemany("INSERT OR IGNORE INTO texts (key, text) VALUES (?, ?)", [(text_key(t), t) for t in claim_texts])
            conn.executemany(
                "INSERT OR IGNORE INTO embeddings VALUES (?, ?, ?)",
                [(model_id, k, v.astype(np.float32).tobytes()) for k, v in sorted(vectors.items())],
            )
            # Furniture the batch completes is marked in the stored articles too, which are
            # then linked again without it (boilerplate.py; a batch run marks it first).
            changed = set(ids) | _mark_furniture(conn, sorted(keys))
            _recount(conn, gone | _text_keys(conn, sorted(changed)))
            _relink(conn, changed, model_id, exact_up_to)

    def near_copy_candidates(self, articles: Sequence[Article]) -> list[Article]:
        """The stored articles that may be near copies of ``articles`` or have one among
        them: those that share a good part of an article's sampled shingles (an indexed
        lookup, a lenient first cut). ``duplicates.find_near_copies`` over both decides,
        as in a batch run."""
        new = {a.id: sampled_shingles(a.text) for a in articles}
        wanted = sorted({h for hs in new.values() for h in hs})
        with self._read() as conn:
            postings: dict[int, list[str]] = {}
            for h, article in _select(conn, "SELECT hash, article FROM shingles WHERE hash IN ({marks})", wanted):
                postings.setdefault(h, []).append(article)
            votes: dict[tuple[str, str], int] = {}
            for id_, hashes in new.items():
                for h in hashes:
                    for stored in postings.get(h, ()):
                        if stored != id_ and stored not in new:
                            votes[(id_, stored)] = votes.get((id_, stored), 0) + 1
            sizes = dict(_select(conn, "SELECT article, count(*) FROM shingles WHERE article IN ({marks}) GROUP BY article",
                                 sorted({s for _, s in votes})))
            chosen = sorted({s for (id_, s), n in votes.items() if 2 * n >= min(len(new[id_]), sizes[s])})
            return _load_articles(conn, chosen)

    # --- reading for a report -------------------------------------------------------------
    def stored_stories(self, focus: set[str] | None, model_id: str) -> StoredStories:
        """The stories that hold an article of ``focus`` (None: every story), with their
        articles, sentences and vectors, and the claim scorer's context of the whole store
        (as in a batch run over it), from the word counts the store keeps."""
        with self._read() as conn:
            self._model(conn, model_id, claim=False)
            every = _kept_stories(conn)
            chosen = tuple(s for s in every if focus is None or focus & set(s.articles))
            members = sorted({a for s in chosen for a in s.articles})
            articles = _load_articles(conn, members)
            sentences = _load_sentences(conn, articles)
            vectors = _load_vectors(conn, sentences, model_id)
            context = _scoring_context(conn)
        return StoredStories(chosen, tuple(articles), tuple(sentences), vectors, context)

    def save_claims(self, claims: Sequence[Claim], story_ids: Sequence[str]) -> None:
        """Replace the stored claims of ``story_ids`` with ``claims``."""
        with self._write() as conn:
            for begin in range(0, len(story_ids), _CHUNK):
                part = list(story_ids[begin : begin + _CHUNK])
                conn.execute(f"DELETE FROM claims WHERE story IN ({','.join('?' * len(part))})", part)
            conn.executemany(
                "INSERT INTO claims VALUES (?, ?, ?, ?, ?)",
                [(c.id, c.story, s.article, s.index, c.similarity) for c in claims for s in c.sentences],
            )


@dataclass(frozen=True)
class StoredStories:
    """What a report over stored stories reads: ``Store.stored_stories``."""

    stories: tuple[Story, ...]
    articles: tuple[Article, ...]
    sentences: tuple[Sentence, ...]
    vectors: Mapping[tuple[str, int], np.ndarray]
    context: similarity.ScoringContext  # of every claim text of the store (not its furniture)


# --- helpers ----------------------------------------------------------------------------
def _select(conn: sqlite3.Connection, sql: str, keys: Sequence[object], first: Sequence[object] = ()) -> list[tuple]:
    rows: list[tuple] = []
    for begin in range(0, len(keys), _CHUNK):
        chunk = list(keys[begin : begin + _CHUNK])
        rows.extend(conn.execute(sql.format(marks=",".join("?" * len(chunk))), [*first, *chunk]))
    return rows


def _day_of_year(d: story_grouping.EventDate | None) -> int | None:
    if d is None:
        return None
    return dt.date(2001, d.month, min(d.day, 28 if d.month == 2 else d.day)).timetuple().tm_yday


def _article_json(a: Article) -> str:
    return json.dumps(article_to_dict(a), sort_keys=True)


def _article_from_json(text: str) -> Article:
    return article_from_dict(json.loads(text))


def _delete_articles(conn: sqlite3.Connection, ids: Sequence[str]) -> None:
    for table, column in (("sentences", "article"), ("stories", "article"), ("claims", "article"),
                          ("links", "first"), ("links", "second"), ("shingles", "article"), ("articles", "id")):
        _select(conn, f"DELETE FROM {table} WHERE {column} IN ({{marks}})", ids)


def _forget(conn: sqlite3.Connection, ids: Sequence[str]) -> set[str]:
    """Delete the stored articles ``ids``; returns the repeat keys of their claim
    sentences, whose furniture must be counted again without them."""
    keys = {k for k, in _select(conn, "SELECT repeat_key FROM sentences WHERE repeat_key IS NOT NULL "
                                "AND article IN ({marks})", list(ids))}
    _delete_articles(conn, list(ids))
    return keys


def _remove(conn: sqlite3.Connection, ids: Sequence[str], model: str, exact_up_to: int | None) -> None:
    """Leave out the stored articles ``ids`` and regroup what they touched (in an upgrade
    from schema 3, before the word counts exist: the next upgrade counts them)."""
    _relink(conn, _mark_furniture(conn, sorted(_forget(conn, ids))), model, exact_up_to)


def _text_keys(conn: sqlite3.Connection, articles: Sequence[str]) -> set[str]:
    return {k for k, in _select(conn, "SELECT text_key FROM sentences WHERE text_key IS NOT NULL AND article IN ({marks})", list(articles))}


def _recount(conn: sqlite3.Connection, keys: Iterable[str]) -> None:
    """Keep ``word_counts`` the counts of the distinct texts that body sentences hold (the
    claim scorer's corpus, ``similarity.WordCounts``): of the texts ``keys``, count those
    that became body text and discount those that stopped being it."""
    keys = sorted(keys)
    body = {k for k, in _select(conn, "SELECT DISTINCT text_key FROM sentences WHERE kind = 'body' AND text_key IN ({marks})", keys)}
    delta = similarity.WordCounts()
    flips = []
    for key, text, counted in _select(conn, "SELECT key, text, counted FROM texts WHERE key IN ({marks})", keys):
        if bool(counted) != (key in body):
            delta.add(text, 1 if key in body else -1)
            flips.append((int(key in body), key))
    if not flips:
        return
    conn.executemany("UPDATE texts SET counted = ? WHERE key = ?", flips)
    words = sorted(set(delta.lowercase) | set(delta.capitalised) | set(delta.naming))
    conn.executemany(
        "INSERT INTO word_counts VALUES (?, ?, ?, ?) ON CONFLICT (word) DO UPDATE SET lowercase = lowercase + "
        "excluded.lowercase, capitalised = capitalised + excluded.capitalised, naming = naming + excluded.naming",
        [(w, delta.lowercase[w], delta.capitalised[w], delta.naming[w]) for w in words],
    )


def _scoring_context(conn: sqlite3.Connection) -> similarity.ScoringContext:
    """The claim scorer's context of the store's body texts, from the kept counts."""
    counts = similarity.WordCounts()
    for word, lowercase, capitalised, naming in conn.execute("SELECT * FROM word_counts WHERE lowercase > 0 OR naming > 0"):
        counts.lowercase[word], counts.capitalised[word], counts.naming[word] = lowercase, capitalised, naming
    texts = conn.execute("SELECT count(*) FROM texts WHERE counted = 1").fetchone()[0]
    return similarity.ScoringContext.from_counts(counts, texts)


def _index_shingles(conn: sqlite3.Connection, articles: Iterable[Article]) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO shingles VALUES (?, ?)",
        [(h, a.id) for a in articles for h in sampled_shingles(a.text)],
    )


def _repeat_key(text: str) -> str:
    """A claim sentence's text as ``boilerplate`` compares it, hashed to a short key."""
    return text_key(repeat_key(text))


def _mark_furniture(conn: sqlite3.Connection, keys: Sequence[str]) -> set[str]:
    """Mark the claim sentences of ``keys`` (repeat keys) that their outlet repeats as site
    furniture over the whole store, and unmark those it no longer does (a replaced
    article); returns the articles whose sentences changed."""
    rows = _select(
        conn,
        "SELECT s.repeat_key, a.outlet, s.article, s.idx, s.kind, a.published, a.year, a.month, a.day "
        "FROM sentences s JOIN articles a ON a.id = s.article WHERE s.repeat_key IN ({marks})",
        list(keys),
    )
    days: dict[tuple[str, str], dict[str, object]] = {}
    for key, outlet, article, _, _, published, *date in rows:
        days.setdefault((key, outlet), {})[article] = tuple(date) if published else article
    changed: set[str] = set()
    updates = []
    for key, outlet, article, idx, kind, *_ in rows:
        want = "boilerplate" if is_furniture(list(days[(key, outlet)].values())) else "body"
        if kind != want:
            updates.append((want, article, idx))
            changed.add(article)
    conn.executemany("UPDATE sentences SET kind = ? WHERE article = ? AND idx = ?", updates)
    _select(conn, "UPDATE articles SET claim_sentences = (SELECT count(*) FROM sentences s WHERE s.article = "
                  "articles.id AND s.kind = 'body') WHERE id IN ({marks})", sorted(changed))
    return changed


def _relink(conn: sqlite3.Connection, ids: Iterable[str], model: str, exact_up_to: int | None) -> None:
    """Link the articles ``ids`` (new, or their claims changed) to every stored article
    again, and regroup the stories."""
    ids = sorted(ids)
    _store_centroids(conn, ids, model)
    _select(conn, "DELETE FROM links WHERE first IN ({marks})", ids)
    _select(conn, "DELETE FROM links WHERE second IN ({marks})", ids)
    if ids:
        conn.executemany(
            "INSERT OR REPLACE INTO links VALUES (?, ?, ?, ?)",
            [(lk.first, lk.second, lk.strength, lk.reason) for lk in _links_for(conn, ids, model, exact_up_to)],
        )
    _regroup(conn)


def _regroup(conn: sqlite3.Connection) -> None:
    """Group every stored article again from the stored links, and keep the stories."""
    conn.execute("DELETE FROM stories")
    conn.executemany("INSERT INTO stories VALUES (?, ?, ?)", [(a, s.id, s.reason) for s in _stories(conn) for a in s.articles])


def _kept_stories(conn: sqlite3.Connection) -> tuple[Story, ...]:
    """The stories as the last regrouping kept them, in ``stories_from_links``' order (by
    first article); the same as ``_stories`` without grouping the whole store again."""
    members: dict[str, list[str]] = {}
    reasons: dict[str, str] = {}
    for article, story, reason in conn.execute("SELECT article, story, reason FROM stories"):
        members.setdefault(story, []).append(article)
        reasons[story] = reason
    ordered = sorted((sorted(articles), story) for story, articles in members.items())
    return tuple(Story(id=story, articles=tuple(articles), reason=reasons[story]) for articles, story in ordered)


def _profiles(conn: sqlite3.Connection, where: str = "", args: Sequence[object] = ()) -> list[story_grouping.ArticleProfile]:
    rows = conn.execute(
        f"SELECT id, outlet, story_field, year, month, day, places, published FROM articles {where} ORDER BY id", args
    )
    return [
        story_grouping.ArticleProfile(
            id=i, outlet=outlet, story=story,
            date=story_grouping.EventDate(month, day, year) if month is not None else None,
            places=tuple(tuple(p) for p in json.loads(places)),
            published=bool(published),
        )
        for i, outlet, story, year, month, day, places, published in rows
    ]


def _profiles_of(conn: sqlite3.Connection, ids: Sequence[str], where: str = "WHERE ") -> list[story_grouping.ArticleProfile]:
    """``_profiles`` of the articles ``ids`` (``where`` may hold conditions ending in AND),
    a chunk of ids at a time: SQLite bounds the parameters of one statement."""
    found: list[story_grouping.ArticleProfile] = []
    for begin in range(0, len(ids), _CHUNK):
        chunk = list(ids[begin : begin + _CHUNK])
        found += _profiles(conn, where + f"id IN ({','.join('?' * len(chunk))})", chunk)
    return sorted(found, key=lambda p: p.id)


def _stories(conn: sqlite3.Connection) -> tuple[Story, ...]:
    links = [story_grouping.StoryLink(*row) for row in conn.execute("SELECT first, second, strength, reason FROM links")]
    return story_grouping.stories_from_links(_profiles(conn), links)


def _window(conn: sqlite3.Connection, new: Sequence[story_grouping.ArticleProfile]) -> list[story_grouping.ArticleProfile]:
    """Stored articles that could share a story with one of ``new``: no explicit story,
    some claim sentence, and either dates compatible (an indexed range query) or, where
    one of the two is undated, mean vectors within ``UNDATED_CENTROID_FLOOR`` (the
    stored mean vectors, not every sentence vector: ``stories.link`` refuses the rest)."""
    gap = story_grouping.MAX_DAYS_APART
    base = "WHERE story_field IS NULL AND claim_sentences > 0 AND "
    found: dict[str, story_grouping.ArticleProfile] = {}
    dates = {p.date for p in new if not p.story}
    for d in sorted(dates - {None}, key=lambda d: (d.year or 0, d.month, d.day)):  # type: ignore[union-attr]
        day = _day_of_year(d)
        near_day = "(abs(day_of_year - ?) <= ? OR abs(day_of_year - ?) >= ?)"
        if d.year is not None:  # type: ignore[union-attr]
            o = dt.date(d.year, d.month, d.day).toordinal()  # type: ignore[union-attr]
            where = f"(ordinal BETWEEN ? AND ? OR (ordinal IS NULL AND month IS NOT NULL AND {near_day}))"
            args: list[object] = [o - gap, o + gap, day, gap, day, 365 - gap]
        else:
            where = f"(month IS NOT NULL AND {near_day})"
            args = [day, gap, day, 365 - gap]
        for p in _profiles(conn, base + where, args):
            found[p.id] = p
    if dates:
        for p in _profiles_of(conn, _near_undated(conn, [p for p in new if not p.story]), base):
            found[p.id] = p
    return list(found.values())


def _near_undated(conn: sqlite3.Connection, new: Sequence[story_grouping.ArticleProfile]) -> list[str]:
    """The stored articles whose mean vector is near enough one of ``new``'s to link
    although one of the two is undated: an undated new article may meet any stored one, a
    dated one only the undated."""
    mine = dict(_select(conn, "SELECT id, centroid FROM articles WHERE centroid IS NOT NULL AND id IN ({marks})",
                        [p.id for p in new]))
    asking = [p for p in new if p.id in mine]
    if not asking:
        return []
    any_undated = any(p.date is None for p in asking)
    rows = conn.execute("SELECT id, centroid, month IS NULL FROM articles WHERE centroid IS NOT NULL"
                        + ("" if any_undated else " AND month IS NULL")).fetchall()
    if not rows:
        return []
    queries = np.vstack([np.frombuffer(mine[p.id], dtype=np.float32) for p in asking])
    stored = np.vstack([np.frombuffer(blob, dtype=np.float32) for _, blob, _ in rows])
    close = queries @ stored.T >= story_grouping.UNDATED_CENTROID_FLOOR - story_grouping.CUT_MARGIN
    either = np.array([p.date is None for p in asking])[:, None] | np.array([bool(u) for *_, u in rows])[None, :]
    return sorted(i for (i, *_), hit in zip(rows, (close & either).any(axis=0).tolist()) if hit)


def _store_centroids(conn: sqlite3.Connection, ids: Sequence[str], model: str) -> None:
    """Keep each article's mean claim-sentence vector, of unit length (``stories.unit_means``;
    None without one)."""
    mats = _article_vectors(conn, ids, model)
    having = [i for i in ids if i in mats]
    means = story_grouping.unit_means([mats[i] for i in having]) if having else []
    blobs = dict(zip(having, (m.tobytes() for m in means)))
    conn.executemany("UPDATE articles SET centroid = ? WHERE id = ?", [(blobs.get(i), i) for i in ids])


def _links_for(conn: sqlite3.Connection, ids: Sequence[str], model: str, exact_up_to: int | None) -> list[story_grouping.StoryLink]:
    """Links between the just-written articles ``ids`` and every stored article."""
    new = _profiles_of(conn, ids)
    window = {p.id: p for p in _window(conn, new)}
    window.update({p.id: p for p in new})
    profiles = sorted(window.values(), key=lambda p: p.id)
    mats = _article_vectors(conn, [p.id for p in profiles], model)
    new_ids = set(ids)
    queries = [i for i, p in enumerate(profiles) if p.id in new_ids]
    options = {} if exact_up_to is None else {"exact_up_to": exact_up_to}
    return story_grouping.find_links(profiles, mats, queries, **options)


def _article_vectors(conn: sqlite3.Connection, ids: Sequence[str], model: str) -> dict[str, np.ndarray]:
    """Each article's claim-sentence vectors in sentence order (as ``story_grouping.article_matrices``)."""
    rows: dict[str, list[np.ndarray]] = {}
    # CROSS JOIN fixes the join order (SQLite's documented way): sentences by article, then
    # each one's vector. With the ``sentences_text`` index there, the planner chose to walk
    # every stored vector of the model and look its sentences up by text, 38x slower per
    # 500 articles at archive scale.
    sql = (
        "SELECT s.article, s.idx, e.vector FROM sentences s CROSS JOIN embeddings e ON e.model = ? AND e.key = s.text_key "
        "WHERE s.kind = 'body' AND s.article IN ({marks}) ORDER BY s.article, s.idx"
    )
    for article, _, blob in _select(conn, sql, list(ids), first=[model]):
        rows.setdefault(article, []).append(np.frombuffer(blob, dtype=np.float32))
    return {a: np.vstack(v) for a, v in rows.items()}


def _load_articles(conn: sqlite3.Connection, ids: Sequence[str]) -> list[Article]:
    rows = _select(conn, "SELECT data FROM articles WHERE id IN ({marks})", list(ids))
    return sorted((_article_from_json(d) for d, in rows), key=lambda a: a.id)


def _load_sentences(conn: sqlite3.Connection, articles: Sequence[Article]) -> list[Sentence]:
    text = {a.id: a.text for a in articles}
    rows = _select(
        conn, "SELECT article, idx, start, end, kind FROM sentences WHERE article IN ({marks})", list(text)
    )
    return [Sentence(a, i, s, e, text[a][s:e], k) for a, i, s, e, k in sorted(rows)]  # type: ignore[arg-type]


def _load_vectors(
    conn: sqlite3.Connection, sentences: Sequence[Sentence], model: str
) -> dict[tuple[str, int], np.ndarray]:
    keys = sorted({text_key(s.text) for s in sentences if s.is_claim})
    blobs = dict(_select(conn, "SELECT key, vector FROM embeddings WHERE model = ? AND key IN ({marks})", keys, first=[model]))
    return {
        (s.article, s.index): np.frombuffer(blobs[k], dtype=np.float32)
        for s in sentences
        if s.is_claim and (k := text_key(s.text)) in blobs
    }
