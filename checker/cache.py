"""One SQLite file of derived data that is slow to recompute: sentence vectors (per model),
sentence spans (per segmentation code version) and the last few whole-run results.

Every key is a content hash, so an entry can never be stale: change the text, the model
or the segmentation code and the key changes. The file is safe to delete at any time.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing
from pathlib import Path

import numpy as np

from .errors import InputError

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS embeddings ("
    " model TEXT NOT NULL, key TEXT NOT NULL, dim INTEGER NOT NULL, vector BLOB NOT NULL,"
    " PRIMARY KEY (model, key))",
    "CREATE TABLE IF NOT EXISTS spans (key TEXT PRIMARY KEY, spans TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, data BLOB NOT NULL, stored INTEGER NOT NULL)",
)
KEEP_RESULTS = 8  # whole-run results kept (the newest); each can be many megabytes
_CHUNK = 500  # SQLite's bound-parameter limit is 999


class Cache:
    """Vectors keyed by (model id, text hash); sentence spans keyed by (code, text) hash."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        """A connection with the tables in place; InputError when the file is not a cache.

        Why: ``--cache`` pointed at an article or any other file made SQLite fail with
        "file is not a database", shown as an internal error instead of what to do.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            for statement in _SCHEMA:
                conn.execute(statement)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise InputError(
                f"{self.path}: cannot be used as the cache ({exc}); give --cache the path of a new "
                "file or of an existing checker cache"
            ) from None
        return conn

    def _rows(self, sql: str, first: Sequence[object], keys: Sequence[str]) -> Iterator[tuple]:
        with closing(self._connect()) as conn:
            for begin in range(0, len(keys), _CHUNK):
                chunk = list(keys[begin : begin + _CHUNK])
                marks = ",".join("?" * len(chunk))
                yield from conn.execute(sql.format(marks=marks), [*first, *chunk])

    def iter_vectors(self, model_id: str, keys: Sequence[str]) -> Iterator[tuple[str, np.ndarray]]:
        """The cached vectors of ``keys``, one at a time: a whole archive's as a dict of
        small arrays is 2 GB beside the matrix they are copied into."""
        sql = "SELECT key, vector FROM embeddings WHERE model = ? AND key IN ({marks})"
        for key, blob in self._rows(sql, [model_id], keys):
            yield key, np.frombuffer(blob, dtype=np.float32)

    def cached_keys(self, model_id: str, keys: Sequence[str]) -> set[str]:
        """Which of ``keys`` have a vector of ``model_id`` (without reading the vectors)."""
        sql = "SELECT key FROM embeddings WHERE model = ? AND key IN ({marks})"
        return {key for key, in self._rows(sql, [model_id], keys)}

    def put_vectors(self, model_id: str, vectors: Mapping[str, np.ndarray]) -> None:
        with closing(self._connect()) as conn, conn:
            conn.executemany(
                "INSERT OR REPLACE INTO embeddings (model, key, dim, vector) VALUES (?, ?, ?, ?)",
                [(model_id, k, int(v.shape[0]), v.astype(np.float32).tobytes()) for k, v in sorted(vectors.items())],
            )

    def get_spans(self, keys: Sequence[str]) -> dict[str, list[tuple[int, int, str]]]:
        sql = "SELECT key, spans FROM spans WHERE key IN ({marks})"
        return {key: [tuple(s) for s in json.loads(text)] for key, text in self._rows(sql, [], keys)}

    def put_spans(self, spans: Mapping[str, Sequence[tuple[int, int, str]]]) -> None:
        with closing(self._connect()) as conn, conn:
            conn.executemany(
                "INSERT OR REPLACE INTO spans (key, spans) VALUES (?, ?)",
                [(k, json.dumps([list(s) for s in v])) for k, v in sorted(spans.items())],
            )

    def get_result(self, key: str) -> str | None:
        """A whole run's result as JSON (see ``memo.py``), or None. A result read counts as
        new again, so the one a desk re-reports every hour is not pushed out by a few
        small runs that share its cache (the newest ``KEEP_RESULTS`` used are kept)."""
        with closing(self._connect()) as conn, conn:
            row = conn.execute("SELECT data FROM results WHERE key = ?", (key,)).fetchone()
            if row:
                try:
                    conn.execute("UPDATE results SET stored = (SELECT max(stored) + 1 FROM results) WHERE key = ?", (key,))
                except sqlite3.OperationalError:
                    pass  # a read-only cache still answers; it just keeps its order
        return zlib.decompress(row[0]).decode("utf-8") if row else None

    def put_result(self, key: str, data: str) -> None:
        with closing(self._connect()) as conn, conn:
            newest = conn.execute("SELECT coalesce(max(stored), 0) + 1 FROM results").fetchone()[0]
            conn.execute(
                "INSERT OR REPLACE INTO results (key, data, stored) VALUES (?, ?, ?)",
                (key, zlib.compress(data.encode("utf-8"), 1), newest),  # level 1: fast, and nearly as small
            )
            conn.execute("DELETE FROM results WHERE stored <= ?", (newest - KEEP_RESULTS,))
