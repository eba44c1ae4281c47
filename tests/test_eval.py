"""`checker eval`: the pipeline's own decisions on labelled data, with floors CI keeps.

Floors are the figures measured when they were set (docs/quality.md) minus a small
margin, so a change that makes matching worse fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from checker.cli import app

runner = CliRunner()
DATA = Path("tests/data")


def _eval(*args: str) -> dict:
    result = runner.invoke(app, ["eval", "pairs", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_name_task_floor_on_nomenklatura() -> None:
    report = _eval(str(DATA / "name_pairs_nomenklatura_dev.jsonl"), "--task", "name", "--sweep")
    assert report["threshold"] == 0.6
    assert report["f1"] >= 0.89  # measured 0.911
    assert report["best_f1"] >= report["f1"]


def test_name_task_floor_on_ecbplus_mentions() -> None:
    report = _eval(str(DATA / "name_pairs_ecbplus.jsonl"), "--task", "name")
    assert report["precision"] >= 0.97  # measured 0.992: linking must stay precise
    assert report["f1"] >= 0.69  # measured 0.715


def test_claim_task_floor_on_ecbplus_sample(cache_path: Path) -> None:
    report = _eval(str(DATA / "claim_pairs_ecbplus_sample.jsonl"), "--task", "claim", "--cache", str(cache_path))
    assert report["f1"] >= 0.70  # measured 0.732


def test_graded_pairs_give_spearman(cache_path: Path) -> None:
    report = _eval(str(DATA / "similarity_stsb_dev_news_sample.jsonl"), "--task", "claim", "--cache", str(cache_path))
    assert report["f1"] is None
    assert report["spearman"] >= 0.74  # see docs/quality.md for the full file


def test_a_bad_pairs_line_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "pairs.jsonl"
    bad.write_text('{"a": "x", "b": "y", "label": 1}\n{"a": "x"}\n')
    result = runner.invoke(app, ["eval", "pairs", str(bad), "--task", "name"])
    assert result.exit_code == 2
    assert f"{bad}:2:" in result.stderr


def test_eval_findings_scores_fixture_stories(cache_path: Path) -> None:
    result = runner.invoke(app, ["eval", "findings", "fixtures/port-strike-2024", "--cache", str(cache_path)])
    assert result.exit_code == 0, result.output
    assert "fixtures/port-strike-2024: 9/10 expected found, 0 traps hit" in result.stdout
    assert "number-mismatch" in result.stdout


def test_eval_findings_fails_on_a_missed_expectation(tmp_path: Path, cache_path: Path) -> None:
    story = tmp_path / "story"
    story.mkdir()
    for article in Path("fixtures/port-strike-2024").glob("*.txt"):
        (story / article.name).write_text(article.read_text())
    (story / "expected.yaml").write_text("expected:\n  - rule: contradiction\n    contains: [\"no such words\"]\n")
    result = runner.invoke(app, ["eval", "findings", str(story), "--cache", str(cache_path)])
    assert result.exit_code == 1
    assert "missed contradiction ['no such words']" in result.stdout


def test_blind_topic_stories_carry_no_story_field_and_one_date(tmp_path) -> None:
    import json

    from checker.eval import write_topic_stories
    from checker.ingest import read_articles

    sample = Path(__file__).resolve().parent / "data" / "claim_pairs_ecbplus_sample.jsonl"
    manifest = write_topic_stories(sample, tmp_path / "blind.jsonl", blind=True)
    rows = [json.loads(line) for line in manifest.read_text().splitlines()]
    assert rows and all("story" not in r and r["topic"] for r in rows)
    assert len({r["published"] for r in rows}) == 1
    articles, _ = read_articles([manifest])
    assert all(a.story is None for a in articles)
