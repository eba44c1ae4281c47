"""End to end on the seed articles with the real model: stories, claims, report."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import checker
from checker.report import render
from conftest import SEEDS, claim_with, seed_settings

GOLDEN = Path("reports/nato-2022.md")


def test_the_2022_articles_form_one_story_and_2023_another(seed_result) -> None:
    stories = {s.id: s.articles for s in seed_result.stories}
    assert stories == {
        "2022-06-29-madrid": (
            "fixtures/nato-2022/kuna_japan-pm-nato-partnership.txt",
            "fixtures/nato-2022/kyodo_kishida-nato-summit.txt",
            "fixtures/nato-2022/zh-translation_four-leaders-madrid.txt",
        ),
        "2023-01-31-tokyo": ("fixtures/nato-2022/kyodo_stoltenberg-tokyo-2023.txt",),
    }


def test_kishida_first_japanese_leader_is_one_claim_across_three_outlets(seed_result) -> None:
    claim = claim_with(
        seed_result,
        "Kishida attended a summit of the North Atlantic Treaty Organization in Spain as the first Japanese leader",
        "Kishida, who attended a two-day summit of NATO in Spain as the first Japanese leader",
        "This is also the first time a Japanese prime minister has attended the summit.",
    )
    assert claim is not None
    assert {seed_result.article(s.article).outlet for s in claim.sentences} == {"Kyodo", "KUNA", "zh-translation"}


def test_first_four_way_meeting_is_a_shared_claim(seed_result) -> None:
    claim = claim_with(
        seed_result,
        "For the first time, Japan, Australia, New Zealand and South Korea held a four-way summit",
        "This is the first meeting of the leaders of the four countries, chaired by Kishida.",
    )
    assert claim is not None
    assert claim.story == "2022-06-29-madrid"


def test_the_unity_quote_is_a_shared_claim(seed_result) -> None:
    claim = claim_with(
        seed_result,
        '"We must demonstrate unity so that such attempts will never succeed," he said.',
        '"We must demonstrate unity so that such attempts will never succeed," he was quoted as saying.',
    )
    assert claim is not None


def test_captions_and_boilerplate_are_never_claims(seed_result) -> None:
    in_claims = [s for c in seed_result.claims for s in c.sentences]
    assert in_claims and all(s.kind == "body" for s in in_claims)
    texts = " ".join(s.text for s in in_claims)
    for not_a_claim in ("(Pool photo)", "pose for the family photo", "Related coverage", "A+ A-", "(end) mk.ibi"):
        assert not_a_claim not in texts


def test_every_claim_joins_different_outlets_of_one_story(seed_result) -> None:
    story_of = {a: s.id for s in seed_result.stories for a in s.articles}
    for claim in seed_result.claims:
        outlets = [seed_result.article(s.article).outlet for s in claim.sentences]
        assert len(set(outlets)) >= 2
        assert {story_of[s.article] for s in claim.sentences} == {claim.story}


def test_inferred_metadata_is_reported(seed_result) -> None:
    report = render(seed_result)
    assert '`fixtures/nato-2022/kuna_japan-pm-nato-partnership.txt`: outlet = KUNA, from dateline "TOKYO, June 29 (KUNA)"' in report
    assert "one outlet only (Kyodo)" in report


def test_report_is_identical_whatever_the_input_order(seed_result, embedder, cache_path) -> None:
    files = sorted(str(p.relative_to(Path.cwd())) for p in SEEDS.glob("*.txt"))
    shuffled = checker.check(list(reversed(files)), seed_settings(cache=cache_path, preview=True), embedder=embedder)
    assert render(shuffled) == render(seed_result)


def test_second_run_reads_every_embedding_from_the_cache(seed_result, cache_path) -> None:
    class Refuses:
        model_id = "sentence-transformers/all-MiniLM-L6-v2"

        def embed(self, texts, progress=None):
            raise AssertionError(f"re-embedded {len(texts)} sentences")

    again = checker.check(["fixtures/nato-2022"], seed_settings(cache=cache_path, preview=True), embedder=Refuses())
    assert render(again) == render(seed_result)


def test_committed_report_is_up_to_date(seed_default_result) -> None:
    fresh = render(seed_default_result)
    if os.environ.get("CHECKER_UPDATE_GOLDEN"):
        GOLDEN.write_text(fresh, encoding="utf-8")
    committed = GOLDEN.read_text(encoding="utf-8")
    if committed != fresh:
        diff = "".join(difflib.unified_diff(committed.splitlines(True), fresh.splitlines(True), str(GOLDEN), "fresh", n=1))
        raise AssertionError(f"{GOLDEN} is out of date; run `make report` (or CHECKER_UPDATE_GOLDEN=1 pytest)\n{diff[:4000]}")
