"""Regenerate docs/quality.md: every figure measured by the code the pipeline runs.

- claim matching on ECB+ pairs: ``similarity.claim_scores`` + ``same_claim`` (the cut the
  pipeline uses), precision / recall / F1, and the cosine-only baseline;
- graded similarity on the STS-B news files: Spearman of ``claim_score``;
- claims the whole pipeline forms in stories built from ECB+ topics, against the pair labels;
- name matching: ``entities.same_name`` on nomenklatura, ``entities.same_entity`` on
  ECB+ mentions;
- every fixture story: precision and recall per rule against its ``expected.yaml``;
- real news: the dev stories of ``shared/eval/stories`` against the hand verdicts in
  benchmarks/judgements/ and the experts' annotations (``checker eval judged``), default
  rules and preview rules; the hand-labelled number/date pairs (``checker eval conflicts``).

Run: ``make quality`` (or ``.venv/bin/python benchmarks/quality.py [--eval-dir DIR]``).
Embeddings are cached in .checker/, so a re-run takes seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import checker  # noqa: E402
from checker import similarity  # noqa: E402
from checker.text import names as entities  # noqa: E402
from checker.cache import Cache  # noqa: E402
from checker.config import folder_settings  # noqa: E402
from checker.embed import SentenceTransformerEmbedder, embed_texts  # noqa: E402
from checker.report.escape import escape_md  # noqa: E402
from checker.eval import (  # noqa: E402
    claim_purity,
    evaluate_pairs,
    load_expectations,
    pair_scores,
    read_pairs,
    score_fixture,
    score_rules,
    write_topic_stories,
)

DOC = ROOT / "docs" / "quality.md"


def _commit() -> str:
    import subprocess

    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def claim_section(eval_dir: Path, embedder, cache) -> list[str]:
    path = eval_dir / "claim_pairs_ecbplus.jsonl"
    pairs = read_pairs(path)
    scores = pair_scores("claim", pairs, embedder, cache)
    report = evaluate_pairs("claim", path.name, pairs, scores, sweep=True)
    # The baseline: MiniLM cosine alone, at its own best cut.
    va = embed_texts([p.a for p in pairs], embedder, cache)
    vb = embed_texts([p.b for p in pairs], embedder, cache)
    cosine = evaluate_pairs("claim", path.name, pairs, np.sum(va * vb, axis=1), sweep=True)
    lines = [
        "## Claim matching (ECB+ pairs)",
        "",
        f"`{path.name}`, {report.pairs} pairs (half positive; negatives are other events of the",
        "same kind). The decision is `similarity.same_claim` (`checker eval pairs --task claim`): the",
        "cut the pipeline applies to a sentence pair, which inside a story must also be a mutual best",
        "match after the hubness correction (`claims.py`) to join a claim, and score at least",
        f"`similarity.CHAIN_FLOOR` ({similarity.CHAIN_FLOOR}) with every member of it from a compared article.",
        "",
        "| decision | threshold | precision | recall | F1 |",
        "|---|---|---|---|---|",
        f"| claim_score (cosine, disjoint names, number agreement; fit on this file) | {report.threshold} | {report.precision:.3f} | "
        f"{report.recall:.3f} | **{report.f1:.3f}** |",
        f"| the same score at its best cut on this file (in-sample) | {report.best_threshold:.3f} | "
        f"{report.best_precision:.3f} | {report.best_recall:.3f} | {report.best_f1:.3f} |",
        f"| MiniLM cosine alone, best cut (baseline, in-sample) | {cosine.best_threshold:.3f} | "
        f"{cosine.best_precision:.3f} | {cosine.best_recall:.3f} | {cosine.best_f1:.3f} |",
        "",
    ]
    for name in ("similarity_stsb_dev_news.jsonl", "similarity_stsb_train_news.jsonl"):
        graded = eval_dir / name
        if graded.exists():
            sts = read_pairs(graded)
            ours = evaluate_pairs("claim", name, sts, pair_scores("claim", sts, embedder, cache))
            va = embed_texts([p.a for p in sts], embedder, cache)
            vb = embed_texts([p.b for p in sts], embedder, cache)
            base = evaluate_pairs("claim", name, sts, np.sum(va * vb, axis=1))
            lines.append(
                f"- `{name}` ({len(sts)} pairs): Spearman of claim_score {ours.spearman:.3f}, "
                f"of cosine alone {base.spearman:.3f}."
            )
    return lines + [""]


def story_claims_section(eval_dir: Path, embedder) -> list[str]:
    """Claims the pipeline forms in stories that mix events of one kind, against labels."""
    import tempfile

    path = eval_dir / "claim_pairs_ecbplus.jsonl"
    with tempfile.TemporaryDirectory() as tmp:
        manifest = write_topic_stories(path, Path(tmp) / "topics.jsonl")
        result = checker.check([manifest], checker.Settings(cache=None), embedder=embedder)
    purity = claim_purity(result, read_pairs(path))
    lines = [
        "## Claims in stories that mix events (ECB+ topics)",
        "",
        f"One story per topic of `{path.name}` (`eval.write_topic_stories`): three outlets each tell a",
        "third of the topic's sentences, which report several events of one kind (two earthquakes, two",
        f"celebrities in rehab). {len(result.stories)} stories, {len(result.articles)} articles, "
        f"{purity.claims} shared claims, made by the whole pipeline.",
        "",
        f"- Sentence pairs inside a claim, from two outlets, that the file labels: {purity.labelled};",
        f"  labelled the same event: {purity.same_event} (precision **{purity.precision:.3f}**).",
        f"- Same-event pairs told by two outlets of one story: {purity.same_event_pairs}, of which",
        f"  {purity.same_event} in one claim. Not a recall: claims are finer than events, and two",
        "  sentences about one event need not state the same thing.",
        "- The labels cover a small part of the claims' pairs (the file labels pairs, not claims), so",
        "  this is a sample, not a census. Claims joining sentences about different events:",
        "",
    ]
    lines += [f"  - {claim}: \"{escape_md(_cut(a))}\" / \"{escape_md(_cut(b))}\"" for claim, a, b in purity.mixed]
    return lines + [""]


def _cut(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def name_section(eval_dir: Path) -> list[str]:
    lines = [
        "## Name matching",
        "",
        "The decision is `entities.entity_score` cut at the name threshold (`checker eval pairs --task name`):",
        "the name-variant rule's linking decision from the strings alone (same name, a part of it, an",
        "acronym of it, or a spelling variant).",
        "",
        "| file | pairs | precision | recall | F1 | best cut (in-sample) | its F1 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in ("name_pairs_nomenklatura_dev.jsonl", "name_pairs_ecbplus.jsonl"):
        path = eval_dir / name
        pairs = read_pairs(path)
        r = evaluate_pairs("name", name, pairs, pair_scores("name", pairs), sweep=True)
        lines.append(
            f"| `{name}` | {r.pairs} | {r.precision:.3f} | {r.recall:.3f} | **{r.f1:.3f}** | "
            f"{r.best_threshold:.3f} | {r.best_f1:.3f} |"
        )
    lines += [
        "",
        f"Threshold {entities.DEFAULT_NAME_THRESHOLD}, chosen by 5-fold cross-validation on the nomenklatura",
        "pairs. ECB+ mention pairs include coreferent mentions that share no word (\"Attorney\" /",
        "\"Shawn Holley\"), which no string matcher can link; the name-variant rule links those only",
        "through context (same role, same claim, same list slot).",
        "",
    ]
    return lines


def fixture_section(embedder) -> list[str]:
    scores = []
    rows = []
    for expected_file in sorted((ROOT / "fixtures").glob("*/expected.yaml")):
        folder = expected_file.parent
        result = checker.check([folder], folder_settings(folder, checker.Settings()), embedder=embedder)
        expected, traps = load_expectations(expected_file)
        score = score_fixture(folder.name, result, expected, traps)
        scores.append(score)
        rows.append(
            f"| {folder.name} | {len(result.findings)} | {len(score.found)}/{len(expected)} | "
            f"{len(score.trap_hits)} of {len(traps)} | {len(score.unexpected)} |"
        )
    lines = [
        "## Fixture stories",
        "",
        "Each folder under `fixtures/` has articles and an `expected.yaml` (expected findings and traps).",
        "",
        "| story | findings | expected found | traps hit | unexpected findings |",
        "|---|---|---|---|---|",
        *rows,
        "",
        "Per rule, over all fixture stories (precision: findings that match an expected entry; recall:",
        "expected entries found, known misses included). The invented stories were written for this",
        "tool and the seeds were in view while tuning: read these as regression floors, not as the",
        "precision to expect on new text.",
        "",
        "| rule | findings | precision | expected | recall |",
        "|---|---|---|---|---|",
    ]
    for r in score_rules(scores):
        precision = f"{r.precision:.2f}" if r.precision is not None else "-"
        recall = f"{r.recall:.2f}" if r.recall is not None else "-"
        lines.append(f"| {r.rule} | {r.findings} | {precision} | {r.expected} | {recall} |")
    unexpected = [(s.fixture, f) for s in scores for f in s.unexpected]
    if unexpected:
        lines += ["", "Unexpected findings (not in any `expected.yaml`; each is a false positive or a gap in the", "fixture):", ""]
        lines += [f"- {fixture}: {f.rule} {f.name} ({f.severity.value}): {f.message}" for fixture, f in unexpected]
    return lines + [""]


def topic_grouping_section(eval_dir: Path, embedder) -> list[str]:
    import tempfile

    from checker.eval import topic_grouping

    settings = checker.Settings(cache=ROOT / ".checker" / "embeddings.sqlite")
    with tempfile.TemporaryDirectory() as work:
        g = topic_grouping(eval_dir / "claim_pairs_ecbplus.jsonl", Path(work), settings, embedder)
    return [
        "## Story grouping without dates (ECB+ topics)",
        "",
        f"{g.articles} articles: each of {g.topics} ECB+ topics told by three outlets, a third of its",
        "sentences each, all published the same day and with no story field, so only the text can",
        "keep topics apart (`eval.topic_grouping`). Pairwise \"same story\" against \"same topic\":",
        "",
        "| precision | recall |",
        "|---|---|",
        f"| {g.precision:.3f} | {g.recall:.3f} |",
        "",
        "Was 0.203 / 0.977 until one-word \"sentences\" stopped counting as claims: ECB+ is",
        "tokenised (\"7 p. m.\"), the splitter left \"m.\" as a sentence, and two such fragments in",
        "two articles were two \"near-identical sentences\" that linked 11 topics into one story.",
        "What is left mixes topics of one kind (two earthquakes) told on one day.",
        "",
    ]


def real_news_section(eval_dir: Path, embedder) -> list[str]:
    from checker.eval import conflict_pairs
    from checker.judged import evaluate_dev_stories, format_dev

    stories = eval_dir / "stories"
    lines = [
        "## Real news: the dev stories",
        "",
        "Each real multi-outlet event of `shared/eval/stories/` (5 NewsWCL50 events x 5 US outlets,",
        "50 BASIL events x 3 outlets) is checked alone, and every finding is joined to a verdict a",
        "person wrote in `benchmarks/judgements/` (real / trivial / wrong; see its README). Recall",
        "targets are derived from the annotations by the rules in `checker/recall.py`. The same",
        "tables: `make precision` (`checker eval judged`). The fixtures say little here: they were",
        "written for the rules.",
        "",
    ]
    for title, preview in (("Rules shown by default", False), ("Every rule (preview on)", True)):
        settings = checker.Settings(cache=ROOT / ".checker" / "embeddings.sqlite", preview=preview)
        evaluation = evaluate_dev_stories(stories, ROOT / "benchmarks" / "judgements", ROOT / ".checker" / "dev-stories", settings, embedder)
        lines += [f"### {title}", "", format_dev(evaluation), ""]
    rows = conflict_pairs(ROOT / "benchmarks" / "number_pairs" / "ecbplus.yaml", eval_dir / "claim_pairs_ecbplus.jsonl")
    lines += [
        "### Number and date pairs",
        "",
        "68 real ECB+ sentence pairs about one event each, labelled by hand",
        "(`benchmarks/number_pairs/ecbplus.yaml`): a *conflict* states one fact with values that",
        "disagree, a *trap* only looks like one (rounding, conversions, another fact). Each pair is",
        "compared as one claim without publication dates (`checker eval conflicts`).",
        "",
        "| kind | conflicts flagged | traps flagged |",
        "|---|---|---|",
    ]
    for kind in [*sorted({r.kind for r in rows}), "all"]:
        mine = [r for r in rows if kind in ("all", r.kind)]
        conflicts = [r for r in mine if r.verdict == "conflict"]
        traps = [r for r in mine if r.verdict == "trap"]
        lines.append(f"| {kind} | {sum(bool(r.flagged) for r in conflicts)} / {len(conflicts)} | {sum(bool(r.flagged) for r in traps)} / {len(traps)} |")
    return lines + [""]


def held_out_section() -> list[str]:
    """The hand verdicts on real archive text nobody tuned on (benchmarks/held_out/), as
    judged: a summary of the files, not a re-run (``benchmarks/held_out.py`` re-runs)."""
    import yaml

    lines = [
        "## Real news, held out: AllSides archive samples",
        "",
        "Findings on AllSides articles the rules were not built on, judged blind by the same",
        "verdict rules (`benchmarks/held_out/`; how each sample was drawn and with which code is in",
        "its file's header, the story in docs/precision.md): default findings, except",
        "`allsides-ck111` (every finding of the preview rule CK111), `allsides-ck103-readings` (the",
        "CK103 findings that new number readings added, judged by their author) and `allsides-15000-fresh` and",
        "`-19000-fresh`, which judge preview rules (CK105, CK110, CK111) beside the default output",
        "(their CK101 rows), so their `all` rows mix the two. `before` / `after`: the code before",
        "this round's precision work and after it, in one pooled sample. `allsides-37k-archive`",
        "holds only the differences of one run over the whole archive that no sample before had",
        "judged; with the samples' verdicts, every default finding of that run is judged: 403",
        "of 427 real, CK101 380 of 400 (docs/precision.md, session 9). `allsides-37k-named` is",
        "not held out: the labels two outlets pin on one named actor (`named: true`), a mode",
        "built in session 10 while reading these very findings of the same archive run; judged",
        "blind, but in-sample (docs/precision.md, session 10).",
        "",
        "| sample | code | rule | judged | real | trivial | wrong | precision |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for path in sorted((ROOT / "benchmarks" / "held_out").glob("*.yaml")):
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        for run in sorted({r for item in items for r in item["runs"]}, key=["old", "new"].index):
            # An item drawn twice (one difference in two stories) counts twice.
            drawn = [item for item in items for r in item["runs"] if r == run]
            for rule in [*sorted({item["rule"] for item in drawn}), "all"]:
                chosen = [item for item in drawn if rule in ("all", item["rule"])]
                counts = [sum(item["verdict"] == v for item in chosen) for v in ("real", "trivial", "wrong")]
                label = {"old": "before", "new": "after"}[run]
                lines.append(f"| {path.stem} | {label} | {rule} | {len(chosen)} | {counts[0]} | {counts[1]} | {counts[2]} | {counts[0] / len(chosen):.2f} |")
    return lines + [""]


def archive_story_section() -> list[str]:
    """Hand verdicts on same-story pairs of a real archive (benchmarks/story_pairs/): what
    the dev events cannot show, since each holds one event and nothing near it."""
    import yaml

    lines = [
        "## Story grouping on a real archive (judged pairs)",
        "",
        "The dev events and ECB+ topics are sets of distinct events; an archive is thousands of",
        "articles on a few topics at once. Same-story pairs drawn at random from one run over",
        "AllSides articles and judged blind by hand (`benchmarks/story_pairs/`, how they were",
        "drawn in each file's header): same-event is what story grouping is for.",
        "`allsides-story-pairs` was drawn at the code before two near-identical sentences meant",
        "cosine >= 0.80 (0.75), `-s080` after it.",
        "",
        "| sample | pairs | judged | same-event | same-topic | unrelated | share same-event |",
        "|---|---|---|---|---|---|---|",
    ]
    stories: list[str] = []
    for path in sorted((ROOT / "benchmarks" / "story_pairs").glob("*.yaml")):
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        if items and "on_event" in items[0]:  # whole stories checked, not pairs
            verdicts = [item["verdict"] for item in items]
            on, members = sum(item["on_event"] for item in items), sum(item["articles"] for item in items)
            stories.append(
                f"`{path.stem}`: the {len(items)} largest stories of one run over the whole archive, "
                f"checked member by member: {verdicts.count('event')} one event, "
                f"{verdicts.count('event-with-strays')} one event with strays, {verdicts.count('topic-blob')} topic blobs; "
                f"{on} of {members} members on their story's main event ({on / members:.2f})."
            )
            continue
        for kind in sorted({item["kind"] for item in items}):
            chosen = [item for item in items if item["kind"] == kind]
            counts = [sum(item["verdict"] == v for item in chosen) for v in ("same-event", "same-topic", "unrelated")]
            lines.append(f"| {path.stem} | {kind} | {len(chosen)} | {counts[0]} | {counts[1]} | {counts[2]} | {counts[0] / len(chosen):.2f} |")
    return lines + [""] + stories + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    args = parser.parse_args()
    embedder = SentenceTransformerEmbedder()
    cache = Cache(ROOT / ".checker" / "embeddings.sqlite")
    lines = [
        "# Quality",
        "",
        f"Regenerated by `make quality` (benchmarks/quality.py) on {dt.date.today().isoformat()} at commit "
        f"{_commit()}; do not edit by hand.",
        f"Model: `{embedder.model_id}`; claim threshold {similarity.CLAIM_THRESHOLD}, "
        f"attach threshold {similarity.ATTACH_THRESHOLD}; name threshold {entities.DEFAULT_NAME_THRESHOLD}.",
        "",
        "How the thresholds were chosen: the claim-score weights and cut come from 5-fold",
        "cross-validation on the ECB+ claim pairs (`benchmarks/tune_claim_matching.py` prints the table);",
        "the name threshold from cross-validation on the nomenklatura dev pairs (see `checker/text/names.py`).",
        "What else was tried for claim matching (learned heads on the vectors, token alignment, more",
        "lexical evidence; none reaches F1 0.80 under topic-grouped CV) is in `benchmarks/RESULTS.md`.",
        "",
    ]
    lines += claim_section(args.eval_dir, embedder, cache)
    lines += story_claims_section(args.eval_dir, embedder)
    lines += name_section(args.eval_dir)
    lines += fixture_section(embedder)
    lines += topic_grouping_section(args.eval_dir, embedder)
    lines += archive_story_section()
    lines += real_news_section(args.eval_dir, embedder)
    lines += held_out_section()
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    print(DOC.read_text())


if __name__ == "__main__":
    main()
