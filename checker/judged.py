"""Precision on real news: the dev stories run through the pipeline, findings joined to
verdicts a person wrote down.

Fixtures were written for the rules, so they cannot say whether an editor would trust a
finding. This module runs every real multi-outlet event of ``shared/eval/stories`` (one
run per event, as a desk would check it), and joins each finding to a hand verdict in
``benchmarks/judgements/*.yaml``: **real** (a difference an editor wants to see),
**trivial** (true but nobody cares) or **wrong** (different facts paired, a misread).
Code never writes a verdict: what nobody judged yet is listed, for a person to read.

A verdict is keyed by what survives code changes: the event, the rule and the differing
texts (normalised, cut to :data:`EXCERPT` characters), not a fingerprint of today's
message. A finding that groups more outlets around the same texts keeps its verdict.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import InputError
from .models import CheckResult, Finding
from .pipeline import check
from .plural import counted
from .recall import RecallReport, basil_targets, format_recall, newswcl50_targets, recall
from .rules._common import normalise_text

VERDICTS = ("real", "trivial", "wrong")
EXCERPT = 60  # characters of each differing text kept in a key: enough to tell, short to quote

#: The dev sets of ``shared/eval/stories``, and the prefix of their event ids.
DEV_SETS = {"newswcl50_dev": "nw", "basil_dev": "basil"}


@dataclass(frozen=True)
class Event:
    """One real event: its articles from several outlets, as one manifest to check."""

    id: str  # "nw_1", "basil_38f7cbb7"
    manifest: Path
    outlets: int


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def write_event_manifests(stories_dir: Path, out_dir: Path) -> list[Event]:
    """One JSONL manifest per dev event under ``out_dir`` (outside the repository: the
    texts belong to their outlets). NewsWCL50 titles are URL slugs, so they are left out."""
    events: list[Event] = []
    for corpus, prefix in DEV_SETS.items():
        path = stories_dir / corpus / "articles.jsonl"
        if not path.is_file():
            raise InputError(f"{path}: missing; point --stories at shared/eval/stories")
        by_event: dict[str, list[dict]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            event_id = f"{prefix}_{row['event'][:8]}"
            out = {"text": row["text"], "outlet": row["outlet_name"], "path": f"{event_id}/{_slug(row['outlet_name'])}.txt"}
            if prefix == "basil":
                out["title"] = row["title"]
                if row.get("date"):
                    out["published"] = row["date"]
            by_event.setdefault(event_id, []).append(out)
        for event_id, rows in sorted(by_event.items()):
            manifest = out_dir / f"{event_id}.jsonl"
            manifest.parent.mkdir(parents=True, exist_ok=True)
            body = "".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in sorted(rows, key=lambda r: r["path"]))
            if not manifest.is_file() or manifest.read_text(encoding="utf-8") != body:
                manifest.write_text(body, encoding="utf-8")
            events.append(Event(event_id, manifest, len({r["outlet"] for r in rows})))
    return events


def excerpt(text: str) -> str:
    return normalise_text(text)[:EXCERPT]


def texts_key(texts: Iterable[str]) -> tuple[str, ...]:
    """The distinct excerpts of the differing texts, sorted: what a verdict names."""
    return tuple(sorted({excerpt(t) for t in texts}))


Key = tuple[str, str, tuple[str, ...]]


def finding_key(event: str, finding: Finding) -> Key:
    """(event, rule, the distinct differing texts): what a verdict is attached to."""
    return event, finding.rule, texts_key(e.text for e in finding.evidence)


@dataclass(frozen=True)
class Judgement:
    event: str
    rule: str
    texts: tuple[str, ...]
    verdict: str
    reason: str
    where: str  # file:line, for error messages and duplicates

    @property
    def key(self) -> Key:
        return self.event, self.rule, texts_key(self.texts)


def load_judgements(folder: Path) -> dict[Key, Judgement]:
    """Every verdict under ``folder``; a malformed entry is an error naming its file."""
    out: dict[Key, Judgement] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as exc:
            raise InputError(f"{path}: not valid YAML ({exc}); fix the entry it points at") from None
        if not isinstance(entries, list):
            raise InputError(f"{path}: must be a list of judgements (see benchmarks/judgements/README.md)")
        for n, entry in enumerate(entries, 1):
            where = f"{path}: entry {n}"
            if not isinstance(entry, dict) or not {"event", "rule", "texts", "verdict"} <= set(entry):
                raise InputError(f"{where}: needs event, rule, texts and verdict")
            if entry["verdict"] not in VERDICTS:
                raise InputError(f"{where}: verdict {entry['verdict']!r} must be one of {', '.join(VERDICTS)}")
            judgement = Judgement(
                str(entry["event"]), str(entry["rule"]), tuple(str(t) for t in entry["texts"]),
                entry["verdict"], str(entry.get("reason", "")), where,
            )
            if judgement.key in out and out[judgement.key].verdict != judgement.verdict:
                raise InputError(f"{where}: judged {judgement.verdict}, but {out[judgement.key].where} says {out[judgement.key].verdict}")
            out[judgement.key] = judgement
    return out


@dataclass(frozen=True)
class EventFindings:
    event: Event
    result: CheckResult


@dataclass(frozen=True)
class Tally:
    findings: int = 0
    real: int = 0
    trivial: int = 0
    wrong: int = 0

    @property
    def judged(self) -> int:
        return self.real + self.trivial + self.wrong

    @property
    def precision(self) -> float | None:
        return self.real / self.judged if self.judged else None

    def add(self, verdict: str | None) -> Tally:
        return Tally(
            self.findings + 1,
            self.real + (verdict == "real"),
            self.trivial + (verdict == "trivial"),
            self.wrong + (verdict == "wrong"),
        )


@dataclass(frozen=True)
class PrecisionReport:
    by_rule: dict[str, Tally]
    by_severity: dict[str, Tally]
    total: Tally
    per_event: dict[str, int]  # findings per event
    outlets: dict[str, int]  # outlets per event
    unjudged: tuple[tuple[str, Finding], ...]
    stories_per_event: dict[str, int] = field(default_factory=dict)
    judged: tuple[tuple[float, str], ...] = ()  # (confidence, verdict) of every judged finding


def score(runs: Sequence[EventFindings], judgements: Mapping[Key, Judgement]) -> PrecisionReport:
    """Each finding of each run counted under its rule and severity, with its verdict if any."""
    by_rule: dict[str, Tally] = {}
    by_severity: dict[str, Tally] = {}
    total = Tally()
    unjudged: list[tuple[str, Finding]] = []
    judged: list[tuple[float, str]] = []
    for run in runs:
        for finding in run.result.findings:
            judgement = judgements.get(finding_key(run.event.id, finding))
            verdict = judgement.verdict if judgement else None
            if judgement is None:
                unjudged.append((run.event.id, finding))
            else:
                judged.append((finding.confidence, judgement.verdict))
            by_rule[finding.rule] = by_rule.get(finding.rule, Tally()).add(verdict)
            by_severity[finding.severity.value] = by_severity.get(finding.severity.value, Tally()).add(verdict)
            total = total.add(verdict)
    return PrecisionReport(
        by_rule=dict(sorted(by_rule.items())),
        by_severity=by_severity,
        total=total,
        per_event={r.event.id: len(r.result.findings) for r in runs},
        outlets={r.event.id: r.event.outlets for r in runs},
        unjudged=tuple(unjudged),
        stories_per_event={r.event.id: len(r.result.stories) for r in runs},
        judged=tuple(sorted(judged)),
    )


#: Confidence bins of the reliability table: a finding at 0.8 should be real 8 times in 10.
CONFIDENCE_BINS = ((0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01))


def format_reliability(report: PrecisionReport) -> str:
    """How often findings of each confidence band are real, by the hand verdicts."""
    lines = ["Reliability (judged findings by confidence):", "", "| confidence | judged | real | share real |", "|---|---|---|---|"]
    for low, high in CONFIDENCE_BINS:
        band = [v for c, v in report.judged if low <= c < high]
        share = f"{sum(v == 'real' for v in band) / len(band):.2f}" if band else "-"
        lines.append(f"| {low:.1f}-{min(high, 1.0):.1f} | {len(band)} | {sum(v == 'real' for v in band)} | {share} |")
    return "\n".join(lines)


def unjudged_entries(unjudged: Iterable[tuple[str, Finding]]) -> list[dict]:
    """What a judge reads: the key to copy, the message and each outlet's sentence.

    Written outside the repository (it quotes whole sentences); the judge copies
    ``event``, ``rule`` and ``texts`` into a judgement file and adds the verdict.
    """
    out = []
    for event, finding in unjudged:
        out.append(
            {
                "event": event,
                "rule": finding.rule,
                "texts": list(texts_key(e.text for e in finding.evidence)),
                "severity": finding.severity.value,
                "message": finding.message,
                "evidence": [{"outlet": e.outlet, "span": e.text, "sentence": e.sentence} for e in finding.evidence],
            }
        )
    return out


def format_report(report: PrecisionReport) -> str:
    """The tables ``checker eval judged`` prints and docs/quality.md quotes."""

    def row(name: str, t: Tally) -> str:
        p = "-" if t.precision is None else f"{t.precision:.2f}"
        return f"| {name} | {t.findings} | {t.judged} | {t.real} | {t.trivial} | {t.wrong} | {p} |"

    head = ["| rule | findings | judged | real | trivial | wrong | precision |", "|---|---|---|---|---|---|---|"]
    lines = ["Per rule:", "", *head]
    lines += [row(rule, t) for rule, t in report.by_rule.items()]
    lines += [row("all", report.total), "", "Per severity:", "", *head]
    lines += [row(sev, report.by_severity[sev]) for sev in ("error", "warning", "info") if sev in report.by_severity]
    by_size: dict[int, list[int]] = {}
    for event, n in report.per_event.items():
        by_size.setdefault(report.outlets[event], []).append(n)
    lines += ["", "Findings per event:", ""]
    for size, counts in sorted(by_size.items()):
        counts.sort()
        lines.append(
            f"- {size}-outlet events ({len(counts)}): median {counts[len(counts) // 2]}, "
            f"range {counts[0]}-{counts[-1]}, total {sum(counts)}"
        )
    split = Counter(report.stories_per_event.values())
    lines.append("- stories per event: " + ", ".join(f"{counted(n, 'story')}: {counted(k, 'event')}" for n, k in sorted(split.items())))
    lines.append(f"- unjudged findings: {len(report.unjudged)}")
    return "\n".join(lines)


@dataclass(frozen=True)
class StoryGrouping:
    """How one run over every dev event at once groups articles into stories, against the
    events they belong to: pairwise precision and recall of "same story"."""

    precision: float
    recall: float
    split: tuple[str, ...]  # events whose articles landed in several stories
    mixed: int  # stories holding articles of several events


def story_grouping(events: Sequence[Event], result: CheckResult) -> StoryGrouping:
    """Score ``result`` (a run over all ``events``' manifests) against the events."""
    manifests = {e.manifest.resolve(): e.id for e in events}  # article paths are relative to the working folder
    event_of = {a.id: manifests[Path(a.path.partition("#")[0]).resolve()] for a in result.articles}
    story_of = {a: st.id for st in result.stories for a in st.articles}
    precision, recall = pairwise_agreement(story_of, event_of)
    ids = sorted(event_of)
    split = tuple(sorted(e for e in set(event_of.values()) if len({story_of[a] for a in ids if event_of[a] == e}) > 1))
    mixed = sum(1 for st in result.stories if len({event_of[a] for a in st.articles}) > 1)
    return StoryGrouping(precision, recall, split, mixed)


def pairwise_agreement(predicted: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float]:
    """Pairwise precision and recall of "same group": over every pair of the items of
    ``gold``, how many the prediction puts together that belong together, and the reverse."""
    ids = sorted(gold)
    together = belong = both = 0
    for n, a in enumerate(ids):
        for b in ids[n + 1 :]:
            p, g = predicted[a] == predicted[b], gold[a] == gold[b]
            together += p
            belong += g
            both += p and g
    return (both / together if together else 1.0), (both / belong if belong else 1.0)


def format_grouping(grouping: StoryGrouping) -> str:
    return (
        f"Story grouping, all dev events in one run: pairwise precision {grouping.precision:.3f}, "
        f"recall {grouping.recall:.3f}; {counted(len(grouping.split), 'event')} split ({', '.join(grouping.split) or 'none'}), "
        f"{counted(grouping.mixed, 'story')} mixing events"
    )


@dataclass(frozen=True)
class DevEvaluation:
    """Everything ``checker eval judged`` measures on the dev stories, for one settings."""

    precision: PrecisionReport
    grouping: StoryGrouping
    recall: RecallReport


def evaluate_dev_stories(stories_dir: Path, judgements_dir: Path, work: Path, settings, embedder) -> DevEvaluation:
    """Run each dev event alone (as a desk checks one event) and all of them together (to
    score story grouping); join findings to verdicts and to the annotators' targets."""
    verdicts = load_judgements(judgements_dir)
    events = write_event_manifests(stories_dir, work)
    runs = [EventFindings(event, check([event.manifest], settings, embedder=embedder)) for event in events]
    pooled = check([event.manifest for event in events], settings, embedder=embedder)
    targets = newswcl50_targets(stories_dir / "newswcl50_dev") + basil_targets(stories_dir / "basil_dev")
    return DevEvaluation(
        precision=score(runs, verdicts),
        grouping=story_grouping(events, pooled),
        recall=recall(targets, {run.event.id: run.result for run in runs}),
    )


def format_dev(evaluation: DevEvaluation) -> str:
    """The text ``checker eval judged`` prints and docs/quality.md quotes."""
    return "\n\n".join(
        [
            format_report(evaluation.precision),
            format_reliability(evaluation.precision),
            format_grouping(evaluation.grouping),
            format_recall(evaluation.recall),
        ]
    )
