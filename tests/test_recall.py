"""Recall targets derived from expert annotations, and what counts as finding one."""

from __future__ import annotations

import json
from pathlib import Path

from checker.models import Evidence, Finding, Severity
from checker.recall import basil_targets, newswcl50_targets, outcome
from checker.rules import fingerprint


def _jsonl(path: Path, rows) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _finding(*sides: tuple[str, str, str]) -> Finding:
    """A finding with (outlet, sentence, span) evidence."""
    evidence = tuple(
        Evidence(outlet=o, path=f"{o}.txt", sentence=s, start=s.find(t), end=s.find(t) + len(t), text=t) for o, s, t in sides
    )
    return Finding("CK102", "framing", Severity.INFO, "m", "s1", None, evidence, fingerprint("CK102", "s1", "k", evidence), key="k")


def test_a_label_target_is_a_loaded_word_one_outlet_uses_and_another_never_does(tmp_path: Path) -> None:
    _jsonl(tmp_path / "articles.jsonl", [{"outlet": o, "outlet_name": n} for o, n in (("L", "Left"), ("R", "Right"), ("M", "Mid"))])
    _jsonl(tmp_path / "concept_mentions.jsonl", [
        {"event": "4", "concept": "Iran deal", "code_type": "OBJECT", "mentions_by_outlet": {
            "L": {"the deal": 4, "a terrible deal": 1, "the worst thing that has ever been agreed by anyone anywhere": 1},
            "R": {"the agreement": 2, "the accord": 1},  # never "terrible": a target
            "M": {"the deal": 1, "a terrible deal": 2},  # uses it too
        }},
        {"event": "4", "concept": "USA", "code_type": "COUNTRY", "mentions_by_outlet": {"L": {"the great nation": 3}, "R": {"America": 3}}},
    ])
    (target,) = newswcl50_targets(tmp_path)
    # "deal" is the concept's own name, the long mention is a clause, countries are left out.
    assert (target.event, target.about, target.outlet, target.words, target.others) == ("nw_4", "Iran deal", "Left", "terrible", ("Right",))
    sentence = "Trump called it a terrible deal on Tuesday at the White House."
    other = "Trump criticised the agreement on Tuesday at the White House."
    named = _finding(("Left", sentence, "a terrible deal"), ("Right", other, "the agreement"))
    assert outcome(target, [named]) == "found"
    assert outcome(target, [_finding(("Left", sentence, "a terrible deal"))]) == "partly"
    whole = _finding(("Left", sentence, sentence), ("Right", other, other))  # a sentence does not name a label
    assert outcome(target, [whole]) == "missed"


def test_a_lexical_bias_target_is_a_span_no_other_outlet_repeats(tmp_path: Path) -> None:
    _jsonl(tmp_path / "articles.jsonl", [
        {"event": "abcdef12-x", "outlet": "fox", "outlet_name": "Fox News", "text": "Democrats slammed the plan. It was fierce."},
        {"event": "abcdef12-x", "outlet": "nyt", "outlet_name": "New York Times", "text": "Democrats criticized the plan. It was fierce."},
    ])
    _jsonl(tmp_path / "annotations.jsonl", [
        {"event": "abcdef12-x", "outlet": "fox", "sentence": "Democrats slammed the plan.", "span": "slammed", "bias": "lexical"},
        {"event": "abcdef12-x", "outlet": "fox", "sentence": "It was fierce.", "span": "fierce", "bias": "lexical"},  # NYT says it too
        {"event": "abcdef12-x", "outlet": "fox", "sentence": "Democrats slammed the plan.", "span": "Democrats slammed", "bias": "informational"},
    ])
    (target,) = basil_targets(tmp_path)
    assert (target.event, target.outlet, target.words, target.others) == ("basil_abcdef12", "Fox News", "slammed", ("New York Times",))
    found = _finding(("Fox News", "Democrats slammed the plan.", "slammed"), ("New York Times", "Democrats criticized the plan.", "criticized"))
    assert outcome(target, [found]) == "found"
