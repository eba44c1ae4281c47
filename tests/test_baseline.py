"""Baselines and fingerprints: the file round trip, bad files, and that a baselined
finding stays baselined when the articles are re-formatted, reordered or edited elsewhere.

The stability tests run the real pipeline on edited copies of the seed articles and
compare fingerprints with the seed run: every seed finding must come back with the same
fingerprint, and no new finding may appear.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SEEDS

import checker
from checker import baseline
from checker.baseline import BaselineError
from checker.config import folder_settings
from checker.models import Severity

ARTICLES = sorted(SEEDS.glob("*.txt"))


def _copy(tmp_path: Path, transform: Callable[[str, str], str] = lambda name, text: text) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for source in ARTICLES:
        text = source.read_text(encoding="utf-8")
        (folder / source.name).write_bytes(transform(source.name, text).encode("utf-8"))
    return folder


def _run(paths, embedder, cache_path):
    return checker.check(paths, folder_settings(SEEDS, checker.Settings(cache=cache_path, preview=True)), embedder=embedder)


def _assert_same_findings(seed_result, other) -> None:
    seed = {f.fingerprint: f for f in seed_result.findings}
    found = {f.fingerprint: f for f in other.findings}
    missing = [f"{f.rule} {f.message}" for fp, f in seed.items() if fp not in found]
    new = [f"{f.rule} {f.message}" for fp, f in found.items() if fp not in seed]
    assert not missing and not new, f"lost {missing}; new {new}"
    match = baseline.apply(other.findings, baseline.from_findings(seed_result.findings))
    assert match.new == () and len(match.baselined) == len(seed_result.findings) and match.stale == ()


# --------------------------------------------------------------------------- stability


def test_fingerprints_survive_whitespace_changes(seed_result, embedder, cache_path, tmp_path) -> None:
    """CRLF line ends, tab indents, trailing blanks, blank lines between paragraphs and
    two spaces after full stops: the same findings, the same fingerprints."""

    def reformat(name: str, text: str) -> str:
        text = text.replace(". ", ".  ")
        lines = [f"\t{line} \t" if line.strip() else line for line in text.split("\n")]
        return "\r\n\r\n".join(lines)

    folder = _copy(tmp_path, reformat)
    assert b"\r\n\r\n\t" in (folder / ARTICLES[0].name).read_bytes()
    _assert_same_findings(seed_result, _run([folder], embedder, cache_path))


def test_fingerprints_survive_reordering_and_moving_the_files(seed_result, embedder, cache_path, tmp_path) -> None:
    folder = _copy(tmp_path)
    files = [str(folder / a.name) for a in reversed(ARTICLES)]
    moved = _run(files, embedder, cache_path)
    assert [a.path for a in moved.articles] != [a.path for a in seed_result.articles]  # other paths
    _assert_same_findings(seed_result, moved)


def test_fingerprints_survive_an_unrelated_edit_elsewhere_in_the_article(seed_result, embedder, cache_path, tmp_path) -> None:
    """A sentence that no claim or finding involves is reworded in two articles."""
    edits = {
        "kyodo_kishida-nato-summit.txt": (
            "Japan, the sole Asian member of the Group of Seven industrialized nations, has been",
            "Japan, the only Asian member of the G7 club of industrialized nations, has long been",
        ),
        "zh-translation_four-leaders-madrid.txt": (
            "In addition, he also said that he will promote the dispatch of self-defense officers to NATO headquarters",
            "The weather in Madrid was hot and dry that week, and he said he would send officers to NATO headquarters",
        ),
    }
    untouched = {(e.path.rsplit("/", 1)[-1], e.sentence) for f in seed_result.findings for e in f.evidence}
    for name, (old, _) in edits.items():
        assert not any(n == name and old in sentence for n, sentence in untouched)  # really unrelated

    def edit(name: str, text: str) -> str:
        if name not in edits:
            return text
        old, new = edits[name]
        assert old in text
        return text.replace(old, new)

    _assert_same_findings(seed_result, _run([_copy(tmp_path, edit)], embedder, cache_path))


def test_an_edit_to_the_wording_a_finding_is_about_changes_its_fingerprint(seed_result, embedder, cache_path, tmp_path) -> None:
    """The other side of stability: fix the misspelt name and its finding is gone."""
    name_variant = next(f for f in seed_result.findings if f.rule == "CK101")
    fixed = _run([_copy(tmp_path, lambda n, t: t.replace("Yoon Seok-wyeh", "Yoon Suk Yeol"))], embedder, cache_path)
    assert name_variant.fingerprint not in {f.fingerprint for f in fixed.findings}
    match = baseline.apply(fixed.findings, baseline.from_findings(seed_result.findings))
    assert name_variant.fingerprint in {e.fingerprint for e in match.stale}


def test_fingerprints_survive_rewrapping_the_paragraphs(seed_result, embedder, cache_path, tmp_path) -> None:
    """Every paragraph re-wrapped at 60 columns, paragraphs separated by blank lines."""

    def rewrap(name: str, text: str) -> str:
        paragraphs = [p for p in text.split("\n") if p.strip()]
        return "\n\n".join(textwrap.fill(p, 60, break_on_hyphens=False, break_long_words=False) for p in paragraphs) + "\n"

    _assert_same_findings(seed_result, _run([_copy(tmp_path, rewrap)], embedder, cache_path))


# --------------------------------------------------------------------------- the file


def test_baseline_file_round_trips_and_is_deterministic(seed_result, tmp_path) -> None:
    made = baseline.from_findings(seed_result.findings)
    text = baseline.dumps(made)
    assert text == baseline.dumps(baseline.from_findings(reversed(seed_result.findings)))
    assert str(Path.cwd()) not in text and "generated" not in text
    path = tmp_path / "b.json"
    path.write_text(text, encoding="utf-8")
    loaded = baseline.load(path)
    assert loaded == made
    assert loaded.fingerprints == {f.fingerprint for f in seed_result.findings}
    data = json.loads(text)
    assert (data["kind"], data["version"]) == ("checker-baseline", baseline.FORMAT_VERSION)
    assert list(data) == ["kind", "version", "tool", "findings"]
    first = next(e for e in data["findings"] if e["rule"] == "CK101")
    assert first["severity"] == "error" and "Yoon Seok-wyeh" in first["message"]


def test_apply_splits_new_baselined_and_stale(seed_result) -> None:
    errors = [f for f in seed_result.findings if f.severity is Severity.ERROR]
    others = [f for f in seed_result.findings if f.severity is not Severity.ERROR]
    assert errors and others
    gone = baseline.BaselineEntry("0123456789abcdef0123", "CK103", "number-mismatch", "error", "s", "gone")
    accepted = baseline.Baseline(baseline.from_findings(errors).entries + (gone,))
    match = baseline.apply(seed_result.findings, accepted)
    assert match.baselined == tuple(errors)
    assert match.new == tuple(others)  # order kept
    assert match.stale == (gone,)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such baseline file; create it with `checker baseline PATHS... -o"),
        ("{not json", "is not valid JSON (line 1, column 2"),
        ("[]", "is not a checker baseline (expected a JSON object)"),
        ('{"version": 1, "findings": []}', 'is not a checker baseline (no "kind"'),
        ('{"version": 1, "findings": [], "articles": []}', "is a checker JSON report, not a baseline"),
        ('{"kind": "checker-baseline", "version": 3, "tool": {"version": "9.0"}, "findings": []}',
         "is baseline format version 3 (written by checker 9.0); this checker"),
        ('{"kind": "checker-baseline", "version": 2, "findings": {}}', 'is corrupt: "findings" must be a list'),
        ('{"kind": "checker-baseline", "version": 2, "findings": [{"rule": "CK101"}]}',
         'is corrupt: finding 1 has no valid "fingerprint"'),
    ],
)
def test_unusable_baselines_are_clear_errors(tmp_path, content, message) -> None:
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError) as caught:
        baseline.load(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
    assert isinstance(caught.value, checker.InputError)
