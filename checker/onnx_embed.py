"""ONNX Runtime int8 embeddings: the packaged model, exported once, about twice as fast.

Why not ``sentence-transformers[onnx]``: that extra pins older sentence-transformers and
transformers releases than this project uses, and it downloads exported models from the
hub. Instead the packaged safetensors weights are exported here with ``torch.onnx``
(mean pooling and normalisation included in the graph), quantised with ONNX Runtime's
dynamic int8 quantisation (per-channel weights: per-tensor ones lose too much, cosine
agreement 0.958 against 0.993), and written to ``.checker/onnx/<key>/``. The key hashes
the model files' sizes and config and the library versions, so a changed model or
library exports again; nothing is ever downloaded. Export needs ``torch`` and ``onnx``
and takes a few seconds, once; afterwards only ``onnxruntime`` and ``tokenizers`` load.

Each text is run alone (no padding, and no batch to depend on), several at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import os
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from importlib import metadata
from pathlib import Path

import numpy as np

from .errors import ModelError

ONNX_DIR = Path(".checker") / "onnx"
MAX_TOKENS_DEFAULT = 256

Progress = Callable[[int], None]
_PROGRESS_EVERY = 0.1  # seconds between progress reports while texts are embedded


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "none"


def export_key(model_dir: Path) -> str:
    """What the exported file depends on: the model's files and the exporting libraries."""
    digest = hashlib.sha256()
    for name in sorted(p.name for p in model_dir.iterdir() if p.is_file()):
        path = model_dir / name
        digest.update(f"{name}:{path.stat().st_size}\n".encode())
        if path.suffix == ".json" and path.stat().st_size < 1_000_000:
            digest.update(path.read_bytes())
    for package in ("torch", "transformers", "onnx", "onnxruntime"):
        digest.update(f"{package}={_version(package)}\n".encode())
    return digest.hexdigest()[:16]


def _check_mean_pooling(model_dir: Path) -> None:
    pooling = model_dir / "1_Pooling" / "config.json"
    if pooling.is_file() and not json.loads(pooling.read_text()).get("pooling_mode_mean_tokens"):
        raise ModelError(f"{model_dir}: the onnx backend supports mean-pooling models only; use --backend torch")


def export_int8(model_dir: Path, target: Path) -> Path:
    """Export ``model_dir`` (a sentence-transformers folder with a BERT-like transformer)
    to an int8 ONNX file at ``target``; written to a temporary file first, then renamed,
    so a killed export never leaves a half-written model behind. Deterministic: the same
    weights and libraries give the same bytes."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    _check_mean_pooling(model_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with _quiet(), tempfile.TemporaryDirectory(dir=target.parent) as tmp:
            fp32, int8 = Path(tmp) / "model.onnx", Path(tmp) / "model-int8.onnx"
            _export_fp32(model_dir, fp32)
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
            os.replace(int8, target)
    except ImportError as exc:
        raise ModelError(f"exporting the onnx model needs torch, transformers and onnx: {exc}") from exc
    except Exception as exc:  # torch/onnx raise many kinds; all mean "cannot export"
        raise ModelError(f"cannot export {model_dir} to ONNX: {type(exc).__name__}: {exc}; use --backend torch") from exc
    return target


def _export_fp32(model_dir: Path, path: Path) -> None:
    """The transformer plus mean pooling and L2 normalisation (as sentence-transformers
    computes them) as one fp32 ONNX graph with dynamic batch and sequence axes."""
    import torch
    from transformers import AutoModel

    class Pooled(torch.nn.Module):
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            hidden = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
    # Three distinct tensors: the tracer wires one tensor passed twice to a single input.
    ids = torch.full((2, 8), 1000, dtype=torch.long)
    mask = torch.ones(2, 8, dtype=torch.long)
    types = torch.zeros(2, 8, dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad():
        torch.onnx.export(
            Pooled(model),
            (ids, mask, types),
            str(path),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["embedding"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "embedding": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence the exporters' tracer warnings, progress bars and advice (library code never prints)."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    logging.disable(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(logging.NOTSET)


class OnnxEmbedder:
    """all-MiniLM-L6-v2 (or another mean-pooling BERT folder) on ONNX Runtime, int8."""

    def __init__(self, model_id: str, model_dir: str | Path, onnx_dir: Path = ONNX_DIR, threads: int | None = None) -> None:
        self.model_id = f"{model_id}#onnx-int8"
        self.model_dir = Path(model_dir)
        self.onnx_dir = onnx_dir
        self.threads = threads or os.cpu_count() or 1  # runs side by side, one thread each
        self._session = None
        self._tokenizer = None

    def model_file(self) -> Path:
        """The int8 model, exported on first use."""
        target = self.onnx_dir / export_key(self.model_dir) / "model-int8.onnx"
        if not target.is_file():
            export_int8(self.model_dir, target)
        return target

    def _load(self):
        if self._session is None:
            try:
                import onnxruntime as ort
                from tokenizers import Tokenizer
            except ImportError as exc:
                raise ModelError(f"the onnx backend needs onnxruntime and tokenizers: {exc}") from exc
            config = self.model_dir / "sentence_bert_config.json"
            max_tokens = json.loads(config.read_text()).get("max_seq_length", MAX_TOKENS_DEFAULT) if config.is_file() else MAX_TOKENS_DEFAULT
            tokenizer_file = self.model_dir / "tokenizer.json"
            if not tokenizer_file.is_file():
                raise ModelError(f"{self.model_dir}: no tokenizer.json; the onnx backend needs one (use --backend torch)")
            tokenizer = Tokenizer.from_file(str(tokenizer_file))
            tokenizer.enable_truncation(max_tokens)
            tokenizer.no_padding()  # tokenizer.json may pad to a fixed length; each text runs alone
            options = ort.SessionOptions()
            options.intra_op_num_threads = 1  # one text per run, runs side by side (see ``embed``)
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            self._session = ort.InferenceSession(str(self.model_file()), options, providers=["CPUExecutionProvider"])
            self._tokenizer = tokenizer
        return self._session, self._tokenizer

    def embed(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """One run of the model per text, as many side by side as there are cores.

        Not batches: dynamic int8 quantisation takes one activation scale per tensor, so
        in a batch a text's vector depends on the texts beside it (the same text batched
        two ways gave cosines down to 0.98), and through the cache on what earlier runs
        embedded. Alone, a text always gets the same vector, with no padding; one thread
        per run and runs side by side come within 5-9% of batches of 32 on both threads.
        Each thread takes the next text itself (no task object per text, 0.5 s of 10 s on
        the benchmark); this one reports progress and stops them on an error or Ctrl-C.
        """
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        session, tokenizer = self._load()
        ids = [encoding.ids for encoding in tokenizer.encode_batch(list(texts))]
        rows: list[np.ndarray | None] = [None] * len(ids)
        order = itertools.count()  # next() is atomic: each text is taken once
        done = [0] * self.threads
        stop = threading.Event()
        failed: list[BaseException] = []

        def run(worker: int) -> None:
            try:
                while not stop.is_set() and (n := next(order)) < len(ids):
                    row = np.array([ids[n]], dtype=np.int64)
                    inputs = {"input_ids": row, "attention_mask": np.ones_like(row), "token_type_ids": np.zeros_like(row)}
                    rows[n] = session.run(None, inputs)[0][0]  # releases the GIL while it runs
                    done[worker] += 1
            except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
                failed.append(exc)
                stop.set()

        threads = [threading.Thread(target=run, args=(k,), daemon=True) for k in range(self.threads)]
        reported = 0
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                while thread.is_alive():
                    thread.join(_PROGRESS_EVERY)
                    if progress and (now := sum(done)) > reported:
                        progress(now - reported)
                        reported = now
        finally:
            stop.set()  # on Ctrl-C, the texts not started are left
            for thread in threads:
                thread.join()
        if failed:
            raise failed[0]
        if progress and len(ids) > reported:
            progress(len(ids) - reported)
        return np.vstack(rows).astype(np.float32, copy=False)
