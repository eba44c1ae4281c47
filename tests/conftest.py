"""Shared fixtures: the real model, loaded once, and the seed articles run through it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "fixtures" / "nato-2022"
#: The seeds' own settings (their NATO topic rules), as command-line options.
SEED_CONFIG = ("--config", "fixtures/nato-2022/checker.toml")

# Article paths in reports are relative to the working directory: run from the repo root.
os.chdir(ROOT)


def seed_settings(**given):
    """Settings for the seeds, with their folder's checker.toml (their NATO topic rules)."""
    import checker
    from checker.config import folder_settings

    return folder_settings(SEEDS, checker.Settings(**given))


@pytest.fixture(scope="session")
def embedder():
    from checker.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="module")
def cli_shares_model(embedder):
    """The CLI builds its embedder per run; hand it the session's (the same real model),
    so that modules running many CLI cases load the model once."""
    with pytest.MonkeyPatch.context() as patch:
        for target in ("checker.pipeline.make_embedder", "checker.embed.make_embedder"):
            patch.setattr(target, lambda model, backend="torch": embedder)
        yield


@pytest.fixture(scope="session")
def cache_path(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache") / "embeddings.sqlite"


@pytest.fixture(scope="session")
def seed_result(embedder, cache_path):
    import checker

    return checker.check(["fixtures/nato-2022"], seed_settings(cache=cache_path, preview=True), embedder=embedder)


@pytest.fixture(scope="session")
def seed_default_result(embedder, cache_path):
    """The seeds with the rules shown by default (no preview rules), as the CLI runs them."""
    import checker

    return checker.check(["fixtures/nato-2022"], seed_settings(cache=cache_path), embedder=embedder)


def claim_with(result, *fragments: str):
    """The claim whose sentences contain every fragment (each in some member sentence)."""
    for claim in result.claims:
        texts = [s.text for s in claim.sentences]
        if all(any(f in t for t in texts) for f in fragments):
            return claim
    return None
