"""Cold and warm report time on the seed fixtures against ``model.encode`` alone.

Targets (issue "Foundation"): a cold report, model load excluded, within 1.3x the time of
``model.encode`` on the same sentences; a second run at least 10x faster than the first.
Run by hand: ``.venv/bin/python benchmarks/bench_seeds.py``; appends to RESULTS.md.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _results import append_results, best_of  # noqa: E402

import checker  # noqa: E402
from checker.embed import SentenceTransformerEmbedder  # noqa: E402
from checker.ingest import read_articles  # noqa: E402
from checker.segment import segment  # noqa: E402

FIXTURE = ROOT / "fixtures" / "nato-2022"
REPEATS = 5


def main() -> None:
    embedder = SentenceTransformerEmbedder()
    model = embedder._load()  # model load is excluded from every figure
    articles, _ = read_articles([FIXTURE])
    texts = sorted({s.text for a in articles for s in segment(a) if s.is_claim})
    model.encode(texts[:8], batch_size=64)  # warm up the kernels once

    def encode_only() -> None:
        model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)

    def cold() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            checker.check([FIXTURE], checker.Settings(cache=Path(tmp) / "c.sqlite"), embedder=embedder)

    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "warm.sqlite"
        checker.check([FIXTURE], checker.Settings(cache=cache), embedder=embedder)

        def warm() -> None:
            checker.check([FIXTURE], checker.Settings(cache=cache), embedder=embedder)

        t_encode = best_of(encode_only, REPEATS)
        t_cold = best_of(cold, REPEATS)
        t_warm = best_of(warm, REPEATS)

    rows = [
        ("sentences embedded", f"{len(texts)}"),
        ("model.encode alone (s)", f"{t_encode:.3f}"),
        ("cold report, model loaded (s)", f"{t_cold:.3f}"),
        ("cold / encode (target <= 1.30)", f"{t_cold / t_encode:.2f}"),
        ("warm re-run (s)", f"{t_warm:.3f}"),
        ("cold / warm (target >= 10)", f"{t_cold / t_warm:.1f}"),
    ]
    append_results("Seed fixtures: cold and warm report vs model.encode", rows, f"best of {REPEATS} runs each")


if __name__ == "__main__":
    main()
