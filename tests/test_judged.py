"""The precision harness (``checker eval judged``) and one finding per difference."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.errors import InputError
from checker.judged import Tally, finding_key, load_judgements
from checker.models import Evidence, Finding, Severity
from checker.rules import fingerprint
from checker.rules._grouping import group_differences
from checker.rules.builtin.ck101_name_variant import _spelled_differently
from checker.rules.builtin.ck102_framing import DISTANCING
from checker.text.connotation import is_loaded


def _evidence(outlet: str, text: str) -> Evidence:
    return Evidence(outlet=outlet, path=f"{outlet}.txt", sentence=text, start=0, end=len(text), text=text)


def _finding(*sides: tuple[str, str], rule: str = "CK105") -> Finding:
    evidence = tuple(_evidence(o, t) for o, t in sides)
    return Finding(rule, "quote-drift", Severity.WARNING, f"{sides[0][0]} differs", "s1", None, evidence,
                   fingerprint(rule, "s1", "k", evidence), key="k")


def test_a_line_carried_by_three_outlets_is_one_finding_with_every_outlet() -> None:
    pairs = [_finding(("A", "Debbie"), ("C", "Wendy")), _finding(("B", "Debbie"), ("C", "Wendy"))]
    (merged,) = group_differences(pairs)
    assert [e.outlet for e in merged.evidence] == ["A", "B", "C"]
    assert merged.message.endswith('In all: A and B write "Debbie"; C writes "Wendy"')
    # The fingerprint leaves outlets out, so it does not move when an outlet is added.
    assert merged.fingerprint == pairs[0].fingerprint == pairs[1].fingerprint


def test_verdicts_are_keyed_by_event_rule_and_texts_not_outlets(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "- {event: nw_3, rule: CK105, texts: [Wendy, Debbie], verdict: real, reason: a name in a quote}\n"
    )
    judged = load_judgements(tmp_path)
    grouped = _finding(("A", "Debbie"), ("B", "Debbie"), ("C", "Wendy"))
    assert judged[finding_key("nw_3", grouped)].verdict == "real"
    assert Tally().add("real").add(None).add("wrong").precision == 0.5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- {event: e, rule: CK101, texts: [a], verdict: maybe}\n", "verdict 'maybe' must be one of real, trivial, wrong"),
        ("- {event: e, rule: CK101}\n", "needs event, rule, texts and verdict"),
        ("event: e\n", "must be a list of judgements"),
    ],
)
def test_a_malformed_judgement_names_its_file(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "bad.yaml").write_text(text)
    with pytest.raises(InputError, match=message):
        load_judgements(tmp_path)


def test_two_verdicts_for_one_key_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("- {event: e, rule: CK105, texts: [x, y], verdict: real}\n")
    (tmp_path / "b.yaml").write_text("- {event: e, rule: CK105, texts: [y, x], verdict: wrong}\n")
    with pytest.raises(InputError, match="judged wrong, but .*a.yaml: entry 1 says real"):
        load_judgements(tmp_path)


@pytest.mark.parametrize(
    ("a", "b", "variant"),
    [
        ("Hutchinson", "Hutchison", True),  # a real misspelling (BASIL)
        ("Kim Jong-un", "Kim Jong Un", True),
        ("House Republicans", "House Republican", False),  # judged wrong on real news
        ("European Union", "Europe", False),
        ("New York", "New Yorker", False),
        ("Golden Showers", "Golden Shower Thing", False),
        # The whole AllSides archive: two names, not one spelled twice; a word order stays.
        ("Jeff Flake of Arizona", "Jeff Sessions of Alabama", False),
        ("Institute of Human Virology", "Wuhan Institute of Virology", False),
        ("Marjory Stoneman Douglas High School", "Marjory Douglas Stoneman High School", True),
        ("Massive Ordnance Air Blast Bomb", "Massive Ordnance Air Burst Bomb", True),
        # Every finding of the archive judged (session 9): other initials, another president;
        # a familiar given name after a title the title list lacks is house style.
        ("Geogre W. Bush", "George H.W. Bush", False),
        ("Geogre W. Bush", "George W. Bush", True),
        ("Sheriff Joe Lombardo", "Sheriff Joseph Lombardo", False),
    ],
)
def test_name_variants_are_spellings_not_plurals_or_demonyms(a: str, b: str, variant: bool) -> None:
    assert _spelled_differently(a, b) is variant


def test_distancing_takes_the_phrase_up_to_its_first_function_word() -> None:
    (m,) = DISTANCING.finditer("Critics demanded a so-called independent inquiry into the disaster.")
    assert m.groups() == ("so-called", "independent inquiry")
    assert list(DISTANCING.finditer("He was allegedly involved in the scheme.")) == []  # legal caution


def test_loaded_words_come_from_the_vader_lexicon() -> None:
    assert is_loaded("riots") and is_loaded("crisis") and is_loaded("smugglers")
    assert not is_loaded("leader") and not is_loaded("chairman") and not is_loaded("Mr.")


def test_pairwise_agreement_counts_pairs_put_together_and_belonging_together() -> None:
    from checker.judged import pairwise_agreement

    # Stories {a, b, c}, {d}; events {a, b}, {c, d}: 3 pairs put together, 1 of them right;
    # 2 pairs belong together, 1 of them found.
    predicted = {"a": "s1", "b": "s1", "c": "s1", "d": "s2"}
    gold = {"a": "e1", "b": "e1", "c": "e2", "d": "e2"}
    assert pairwise_agreement(predicted, gold) == (1 / 3, 1 / 2)
    assert pairwise_agreement({"a": "s"}, {"a": "e"}) == (1.0, 1.0)  # no pairs: nothing wrong
