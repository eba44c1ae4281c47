"""The same-claim pair score: lexical evidence on real seed sentences, and F1 on real ECB+ pairs."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, SEEDS

from checker.ingest import read_articles
from checker.segment import segment
from checker.similarity import (
    BACKGROUND_MIN_SENTENCES,
    BACKGROUND_SHARE,
    CLAIM_THRESHOLD,
    PairFeatures,
    ScoringContext,
    claim_score,
    claim_scores,
    WordCounts,
    pair_features,
    same_claim,
    sentence_terms,
)

ECB_SAMPLE = ROOT / "tests" / "data" / "claim_pairs_ecbplus_sample.jsonl"
# F1 of same_claim on the sample, measured with the real model when the constants were fit.
ECB_SAMPLE_F1 = 0.732

FOUR_WAY_KYODO = (
    "For the first time, Japan, Australia, New Zealand and South Korea held a four-way summit on Wednesday "
    "ahead of the meeting of NATO leaders."
)
FOUR_WAY_ZH = "This is the first meeting of the leaders of the four countries, chaired by Kishida."
HELD_TALKS_ZH = (
    "Japanese Prime Minister Fumio Kishida held talks with the leaders of South Korea, Australia and New Zealand "
    "in Madrid, Spain on June 29, confirming that they will continue to communicate closely for the sake of peace "
    "and stability in the Indo-Pacific region."
)


@pytest.fixture(scope="module")
def seed_sentences() -> list[str]:
    articles, _ = read_articles([SEEDS])
    return [s.text for a in articles for s in segment(a) if s.is_claim]


@pytest.fixture(scope="module")
def seed_context(seed_sentences) -> ScoringContext:
    return ScoringContext.from_texts(seed_sentences)


def read_pairs(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_four_way_meeting_pair_agrees_on_its_number(seed_context) -> None:
    kyodo, zh = sentence_terms(FOUR_WAY_KYODO, seed_context), sentence_terms(FOUR_WAY_ZH, seed_context)
    assert kyodo.numbers == zh.numbers == frozenset({"count:4"})  # "four-way" / "the four countries"
    assert pair_features(FOUR_WAY_KYODO, FOUR_WAY_ZH, 0.355, seed_context) == PairFeatures(
        cosine=0.355, names_disjoint=0.0, number_agreement=1.0
    )


def test_names_everywhere_in_a_story_are_background_not_evidence(seed_context) -> None:
    # Over the whole story "Kishida", "NATO" and the four countries are in most sentences;
    # judged on the pair alone, the two sentences name different things.
    assert {"kishida", "nato", "japan", "australia", "korea"} <= seed_context.background_names
    assert sentence_terms(FOUR_WAY_KYODO, seed_context).names == frozenset()  # "Wednesday" is a date
    assert sentence_terms(FOUR_WAY_ZH, seed_context).names == frozenset()
    alone = pair_features(FOUR_WAY_KYODO, FOUR_WAY_ZH, 0.355)
    assert alone.names_disjoint == 1.0
    assert claim_score(FOUR_WAY_KYODO, FOUR_WAY_ZH, 0.355, seed_context) > claim_score(
        FOUR_WAY_KYODO, FOUR_WAY_ZH, 0.355
    )


def test_a_cosine_that_misses_the_cosine_cut_can_still_make_the_claim(seed_context) -> None:
    # The zh translation's other sentence on the four-way meeting: MiniLM cosine 0.355 with
    # Kyodo's, below the best-F1 cosine cut (0.37). "June 29" is a date and "four-way" a
    # count, so the numbers neither agree nor clash; no name disagrees either.
    features = pair_features(FOUR_WAY_KYODO, HELD_TALKS_ZH, 0.355, seed_context)
    assert features == PairFeatures(cosine=0.355, names_disjoint=0.0, number_agreement=0.0)
    score = claim_score(FOUR_WAY_KYODO, HELD_TALKS_ZH, 0.355, seed_context)
    assert same_claim(score)
    assert score == pytest.approx(0.407, abs=0.005)
    # The agreeing number lifts the pair "This is the first meeting..." higher still.
    assert claim_score(FOUR_WAY_KYODO, FOUR_WAY_ZH, 0.355, seed_context) == pytest.approx(0.587, abs=0.005)


def test_numbers_are_normalised_and_names_exclude_common_words(seed_context) -> None:
    terms = sentence_terms(
        "NATO was created in 1949 by the US, Canada and several Western European nations to defend against "
        "the threat from the Soviet Union and its eastern European allies.",
        seed_context,
    )
    assert terms.numbers == frozenset({"year:1949"})
    assert terms.names == frozenset({"canada", "western", "european", "soviet", "union"})  # "us" is a stop word
    kishida_29th = sentence_terms(
        "Japanese Prime Minister Fumio Kishida attended the NATO summit held in Madrid, Spain on the afternoon "
        "of the 29th local time.",
        seed_context,
    )
    assert kishida_29th.numbers == frozenset({"ordinal:29"})
    assert sentence_terms(HELD_TALKS_ZH, seed_context).numbers == frozenset({"ordinal:29"})  # "June 29"
    # A duration is its own kind: "two-day" never clashes with a count like "four countries".
    assert sentence_terms("The two-day summit through Thursday will see 1,650 delegates.", seed_context).numbers == {
        "day:2",
        "count:1650",
    }


def test_different_numbers_count_against_a_pair(seed_context) -> None:
    five = "Japan plans to bolster its defenses over the next five years."
    three = "Japan plans to bolster its defenses over the next three years."
    assert pair_features(five, three, 0.95, seed_context).number_agreement == -1.0
    assert claim_score(five, three, 0.95, seed_context) < claim_score(five, five, 0.95, seed_context)


def test_people_named_differently_count_against_a_pair() -> None:
    # A real ECB+ hard negative (label 0): two celebrities entering rehab.
    reid = "The good news is that Tara Reid is getting help, according to People Magazine, for boozing it up too much."
    lohan = "Lawyer: Lindsay Lohan checks into rehab facility"
    pairs = read_pairs(ECB_SAMPLE)
    assert {"a": reid, "b": lohan, "label": 0, "topic": "1"} in pairs
    context = ScoringContext.from_texts(p[k] for p in pairs for k in ("a", "b"))
    assert sentence_terms(reid, context).names == frozenset({"tara", "reid"})  # "People", "Magazine" are common
    assert sentence_terms(lohan, context).names == frozenset({"lindsay", "lohan"})
    assert pair_features(reid, lohan, 0.4, context).names_disjoint == 1.0
    # A cosine of 0.4 passes the cosine cut (0.37); with two different people named it fails.
    assert not same_claim(claim_score(reid, lohan, 0.4, context))


def test_batch_scores_equal_single_scores(seed_sentences, seed_context) -> None:
    texts_a, texts_b = seed_sentences[:20], seed_sentences[20:40]
    cosines = np.linspace(0.1, 0.9, 20)
    batch = claim_scores(texts_a, texts_b, cosines, seed_context)
    single = [claim_score(a, b, c, seed_context) for a, b, c in zip(texts_a, texts_b, cosines)]
    assert batch.shape == (20,)
    assert np.allclose(batch, single)
    assert ((batch >= 0) & (batch <= 1)).all()


def test_the_context_does_not_depend_on_input_order(seed_sentences) -> None:
    assert ScoringContext.from_texts(seed_sentences) == ScoringContext.from_texts(reversed(seed_sentences))


def test_misaligned_batches_are_refused() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        claim_scores(["a"], ["b", "c"], [0.5])


def test_threshold_is_a_probability_cut() -> None:
    assert 0 < CLAIM_THRESHOLD < 1
    assert same_claim(CLAIM_THRESHOLD) and not same_claim(CLAIM_THRESHOLD - 1e-9)


@pytest.mark.model
def test_f1_on_ecbplus_sample_with_the_real_model(embedder) -> None:
    pairs = read_pairs(ECB_SAMPLE)
    texts = sorted({p[k] for p in pairs for k in ("a", "b")})
    vectors = dict(zip(texts, embedder.embed(texts)))
    cosines = np.array([float(vectors[p["a"]] @ vectors[p["b"]]) for p in pairs])
    scores = claim_scores([p["a"] for p in pairs], [p["b"] for p in pairs], cosines)
    predicted = np.array([same_claim(s) for s in scores])
    labels = np.array([p["label"] for p in pairs]) == 1
    true_positives = int((predicted & labels).sum())
    f1 = 2 * true_positives / (predicted.sum() + labels.sum())
    assert f1 >= ECB_SAMPLE_F1 - 0.03


def test_the_stop_word_copy_is_scikit_learns_list() -> None:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from checker.stop_words import ENGLISH_STOP_WORDS as copied

    assert copied == ENGLISH_STOP_WORDS


def test_the_run_scorer_equals_claim_scores(seed_sentences) -> None:
    """``sentence_pair_scorer`` builds its features without a row object per pair: the
    same values as ``claim_scores`` for every pair of seed sentences."""
    from checker import similarity
    from checker.models import Sentence

    sentences = [Sentence("seed", i, 0, len(text), text) for i, text in enumerate(seed_sentences)]
    scorer = similarity.sentence_pair_scorer(sentences)
    a, b = sentences[: len(sentences) // 2], sentences[len(sentences) // 2 :]
    cosines = np.random.default_rng(0).uniform(-0.2, 1.0, size=(len(a), len(b))).astype(np.float32)
    context = ScoringContext.from_texts(seed_sentences)
    expected = claim_scores(
        [x.text for x in a for _ in b], [y.text for _ in a for y in b], cosines.ravel(), context
    ).reshape(cosines.shape)
    assert np.array_equal(scorer(a, b, cosines), expected)


def test_a_worker_keeps_one_scorer_per_run(seed_sentences) -> None:
    """Each shard of stories brings the run's scorer along; in a worker they are one
    object, so the terms it found for one shard's texts are not found again for the next.
    A scorer of another context is another object, with the same scores as a fresh one."""
    import pickle

    from checker import similarity
    from checker.models import Sentence

    sentences = [Sentence("seed", i, 0, len(text), text) for i, text in enumerate(seed_sentences)]
    scorer = similarity.sentence_pair_scorer(sentences)
    first, second = pickle.loads(pickle.dumps(scorer)), pickle.loads(pickle.dumps(scorer))
    assert first is second and first.context == scorer.context
    a, b = sentences[:10], sentences[10:25]
    cosines = np.random.default_rng(1).uniform(-0.2, 1.0, size=(len(a), len(b))).astype(np.float32)
    assert np.array_equal(first(a, b, cosines), scorer(a, b, cosines))
    assert set(first._terms) == {s.text for s in a + b}

    other = pickle.loads(pickle.dumps(similarity.sentence_pair_scorer(sentences[:30])))
    assert other is not first and other.context != first.context
    assert np.array_equal(other(a, b, cosines), similarity.sentence_pair_scorer(sentences[:30])(a, b, cosines))


def test_the_scoring_context_from_kept_counts_is_the_one_from_the_texts() -> None:
    """A store keeps word counts as texts come and go (store._recount) instead of reading
    every text for each report; the context must be the batch run's."""
    articles, _ = read_articles(["fixtures/nato-2022"])
    texts = [s.text for a in articles for s in segment(a) if s.is_claim]
    counts = WordCounts()
    for text in set(texts):
        counts.add(text)
    for text in set(texts[:15]):
        counts.add(text, -1)
    rest = set(texts) - set(texts[:15])
    expected = ScoringContext.from_texts(rest)
    assert ScoringContext.from_counts(counts, len(rest)) == expected
    assert "kishida" in expected.background_names  # the case that matters is covered
    # And the counts mean what the scorer reads: background names are the names
    # ``sentence_terms`` finds, given the common words, in more than the cut of sentences.
    naming = Counter(n for t in rest for n in sentence_terms(t, ScoringContext(common_words=expected.common_words)).names)
    cut = max(BACKGROUND_MIN_SENTENCES, BACKGROUND_SHARE * len(rest))
    assert expected.background_names == {n for n, k in naming.items() if k > cut}
