"""Every fixture story: all expected findings present, no trap flagged (real pipeline)."""

from __future__ import annotations

from pathlib import Path

import pytest

import checker
from checker.config import folder_settings
from checker.eval import load_expectations, score_fixture

FIXTURES = sorted(p.parent for p in Path("fixtures").glob("*/expected.yaml"))


def _describe(items) -> str:
    return "\n".join(f"  - {e.rule} {list(e.contains)}: {e.note}" for e in items)


@pytest.mark.parametrize("folder", FIXTURES, ids=[f.name for f in FIXTURES])
def test_fixture_story(folder: Path, embedder, cache_path) -> None:
    result = checker.check([str(folder)], folder_settings(folder, checker.Settings(cache=cache_path, preview=True)), embedder=embedder)
    expected, traps = load_expectations(folder / "expected.yaml")
    score = score_fixture(folder.name, result, expected, traps)
    missed = [e for e in score.missed if not e.known_miss]
    assert not missed, "expected findings missing:\n" + _describe(missed)
    assert not score.trap_hits, "traps flagged:\n" + "\n".join(
        f"  - {t.rule} {list(t.contains)} hit by {f.rule} {f.name}: {f.message}" for t, f in score.trap_hits
    )


def test_there_are_at_least_three_fixture_stories() -> None:
    assert len(FIXTURES) >= 3, [f.name for f in FIXTURES]
