"""Embedding speed per backend, and what int8 costs in agreement and claim-matching F1.

* Throughput on a real corpus (the claim sentences of ``corpus.py``'s first articles, as
  they occur, repeats included): ``model.encode`` on every sentence (fp32, today's way)
  against ``embed_texts`` (each distinct sentence once) with the
  torch and the onnx int8 backends; and each backend on the distinct sentences alone.
* Agreement: cosine between int8 and fp32 vectors of the eval claim-pair sentences.
* Claim matching: precision, recall, F1 on ``claim_pairs_ecbplus.jsonl`` at the shipped
  threshold and at each backend's best threshold. int8 may be the default only if its F1
  is within 0.01 of fp32's.

Run by hand: ``.venv/bin/python benchmarks/bench_embed.py [--articles N]``; appends to
RESULTS.md. Model load is excluded from every time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _results import append_results
from corpus import EVAL, build

from checker.embed import embed_texts, make_embedder
from checker.eval import evaluate_pairs, pair_scores, read_pairs
from checker.ingest import read_articles
from checker.segment import segment


def _timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--note", default="")
    args = parser.parse_args()

    torch_embedder = make_embedder("all-MiniLM-L6-v2", "torch")
    onnx_embedder = make_embedder("all-MiniLM-L6-v2", "onnx")
    model = torch_embedder._load()
    onnx_embedder._load()
    model.encode(["warm up"])
    onnx_embedder.embed(["warm up"])

    with tempfile.TemporaryDirectory() as tmp:
        corpus, _ = build(Path(tmp) / "corpus", args.articles)
        articles, _ = read_articles([corpus])
    sentences = [s.text for a in articles for s in segment(a) if s.is_claim]
    distinct = sorted(set(sentences))

    t_encode, _ = _timed(lambda: model.encode(sentences, batch_size=64, normalize_embeddings=True, show_progress_bar=False))
    t_torch, _ = _timed(lambda: embed_texts(sentences, torch_embedder))
    t_onnx, _ = _timed(lambda: embed_texts(sentences, onnx_embedder))
    t_torch_distinct, fp32 = _timed(lambda: torch_embedder.embed(distinct))
    t_onnx_distinct, int8 = _timed(lambda: onnx_embedder.embed(distinct))
    corpus_agreement = (np.asarray(fp32) * np.asarray(int8)).sum(axis=1)

    pairs = read_pairs(EVAL / "claim_pairs_ecbplus.jsonl")
    texts = sorted({p.a for p in pairs} | {p.b for p in pairs})
    a32, a8 = embed_texts(texts, torch_embedder), embed_texts(texts, onnx_embedder)
    agreement = (a32 * a8).sum(axis=1)
    quality = {}
    for name, embedder in (("fp32", torch_embedder), ("int8", onnx_embedder)):
        scores = pair_scores("claim", pairs, embedder=embedder)
        quality[name] = evaluate_pairs("claim", "claim_pairs_ecbplus.jsonl", pairs, scores, None, True)

    n = len(sentences)
    rows = [
        (f"corpus: claim sentences of {len(articles)} articles / distinct", f"{n} / {len(distinct)}"),
        ("model.encode, fp32, every sentence (sentences/s)", f"{n / t_encode:.0f}"),
        ("embed_texts, torch fp32, distinct once (sentences/s)", f"{n / t_torch:.0f}"),
        ("embed_texts, onnx int8, distinct once (sentences/s)", f"{n / t_onnx:.0f}"),
        ("onnx int8 + de-duplication vs model.encode (target >= 1.5x)", f"{t_encode / t_onnx:.2f}x"),
        ("torch fp32 backend, distinct sentences only (sentences/s)", f"{len(distinct) / t_torch_distinct:.0f}"),
        ("onnx int8 backend, distinct sentences only (sentences/s)", f"{len(distinct) / t_onnx_distinct:.0f}"),
        ("int8 vs fp32 cosine on the corpus: mean / min", f"{corpus_agreement.mean():.4f} / {corpus_agreement.min():.4f}"),
        (f"int8 vs fp32 cosine on {len(texts)} eval sentences: mean / min", f"{agreement.mean():.4f} / {agreement.min():.4f}"),
    ]
    for name, q in quality.items():
        rows.append((f"claim pairs, {name}: P / R / F1 at {q.threshold:.3f}", f"{q.precision:.3f} / {q.recall:.3f} / {q.f1:.3f}"))
        rows.append((f"claim pairs, {name}: best F1 (threshold)", f"{q.best_f1:.3f} ({q.best_threshold:.3f})"))
    delta = quality["int8"].f1 - quality["fp32"].f1
    rows.append(("F1 change int8 - fp32 at the shipped threshold (must be within 0.01)", f"{delta:+.4f}"))
    append_results("Embedding backends: throughput, agreement, claim-matching F1", rows, args.note)


if __name__ == "__main__":
    main()
