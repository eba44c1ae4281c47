"""Held-out precision on a real archive: run the default rules on a bench_real manifest and
join the findings to the hand verdicts in benchmarks/held_out/*.yaml, by fingerprint.

The dev stories (``checker eval judged``) are what the rules were built on; this is the
check that they carry over. The manifests are written by ``benchmarks/bench_real.py``
(``--articles 1000`` / ``5000``) to ``.checker/bench-real/``; article text never enters
the repository, so the verdict files name findings by fingerprint only.

Run by hand: ``.venv/bin/python benchmarks/held_out.py --articles 5000 --backend onnx
[--cache FILE] [--unjudged FILE]``, or ``--report FILE`` to join the findings of a JSON
report already written (the whole archive: ``checker report ... --format json``). Prints, per rule, the findings of this run and the
verdicts of those judged; ``--unjudged`` writes the rest (with their evidence) as TSV for a
person to judge. Verdicts are never written by code (benchmarks/judgements/README.md).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
HELD_OUT = ROOT / "benchmarks" / "held_out"


def verdicts() -> dict[str, dict]:
    """Every held-out verdict, by fingerprint (a later file's verdict wins: none repeat)."""
    found: dict[str, dict] = {}
    for path in sorted(HELD_OUT.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text()) or []:
            found[item["fingerprint"]] = {**item, "file": path.name}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--manifest", help="a manifest folder in the work folder (default: allsides-first-ARTICLES)")
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--workdir", type=Path, default=ROOT / ".checker" / "bench-real")
    parser.add_argument("--cache", type=Path, help="embedding cache (default: the work folder's held-out cache)")
    parser.add_argument("--unjudged", type=Path, help="write findings nobody judged here (TSV)")
    parser.add_argument("--report", type=Path, help="join this JSON report's findings instead of running")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    sys.path.insert(0, str(ROOT))
    import checker

    if args.report:
        from checker.report.json_format import load

        report = load(args.report)
        rows = [(f["rule"], f["fingerprint"], f["message"], " || ".join(f"{e['outlet']}: [{e['text']}] {e['sentence']}" for e in f["evidence"]))
                for f in report["findings"]]
        print(f"{len(rows)} default findings on {len(report['articles'])} articles, {len(report['stories'])} stories")
        _tally(rows, args.unjudged)
        return
    manifest = args.workdir / (args.manifest or f"allsides-first-{args.articles}")
    if not manifest.exists():
        raise SystemExit(f"{manifest} is missing: write it with benchmarks/bench_real.py --articles {args.articles}")
    cache = args.cache or args.workdir / f"held-out-{manifest.name}-{args.backend}.sqlite"
    os.chdir(args.workdir)  # evidence paths as the verdicts were made: relative to the work folder
    result = checker.check([manifest.name], checker.Settings(cache=cache, backend=args.backend, workers=2))
    print(f"{len(result.findings)} default findings on {len(result.articles)} articles, {len(result.stories)} stories")
    rows = [(f.rule, f.fingerprint, f.message, " || ".join(f"{e.outlet}: [{e.text}] {e.sentence}" for e in f.evidence))
            for f in result.findings]
    _tally(rows, args.unjudged)


def _tally(findings: list[tuple[str, str, str, str]], unjudged_path: Path | None) -> None:
    """Per rule: findings (rule, fingerprint, message, evidence) joined to the verdicts."""
    judged = verdicts()
    tally: Counter = Counter()
    unjudged = []
    for finding in findings:
        verdict = judged.get(finding[1], {}).get("verdict")
        tally[(finding[0], verdict or "unjudged")] += 1
        if verdict is None:
            unjudged.append(finding)
    print("| rule | findings | real | trivial | wrong | unjudged | precision of judged |")
    print("|---|---|---|---|---|---|---|")
    for rule in sorted({r for r, _ in tally}):
        real, trivial, wrong, none = (tally[(rule, v)] for v in ("real", "trivial", "wrong", "unjudged"))
        judged_n = real + trivial + wrong
        share = f"{real / judged_n:.2f}" if judged_n else "-"
        print(f"| {rule} | {real + trivial + wrong + none} | {real} | {trivial} | {wrong} | {none} | {share} |")
    if unjudged_path:
        with unjudged_path.open("w") as out:
            for row in sorted(unjudged):
                out.write("\t".join(row).replace("\n", " ") + "\n")
        print(f"{len(unjudged)} unjudged findings written to {unjudged_path}")


if __name__ == "__main__":
    main()
