"""Property tests over what users and the open web feed in: arbitrary files, texts, rules.

Each property is bounded (``max_examples``) and derandomized, so CI runs the same examples
every time in a few seconds; raise ``FUZZ_EXAMPLES`` locally to search harder.
"""

from __future__ import annotations

import os
import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.errors import CheckerError, RuleFileError
from checker.ingest import KNOWN_SUFFIXES, read_articles
from checker.models import Article, Evidence
from checker.rules import fingerprint
from checker.rules.ruleset import load_rules, read_rules
from checker.segment import segment

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Pieces that steer random text towards the places where readers break: front matter,
# YAML and JSON syntax, aliases and tags, deep nesting, odd dates and numbers, control
# characters, legacy bytes, wire-copy markings.
_PIECES = [
    "---\n", "...\n", "outlet: ", "published: ", "language: ", "story: ", "title: ",
    "2022-06-29", "2022-02-30", "9" * 5000, ": ", "- ", "[", "]", "{", "}", '"', "'", ",",
    "&a ", "*a", "<<: ", "!!python/object/apply:os.system ['x']", "!!binary aGk=", "? ",
    "\n", "\r\n", "\r", "\t", " ", "\x00", "\x0b", "\ufeff", "\u00a0", "\u2028",
    '{"text": ', '"outlet": ', "null", "NaN", "1e999", "\\ud800", "\\u0000",
    "text,outlet\n", '"a ""b"" c"', "<html><body><p>", "</p>", "<script>", "<!--",
    "TOKYO, June 29 (Kyodo) -- ", "(KUNA) ", "(end)", "Photo: ", "José ", "São Paulo ",
    "The summit lasted two days. ", "Officials said 1,200 workers walked out. ",
    '"We are united," he said. ', "U.S. ", "Jan. 31 ", "...", "…", "‘", "’", "“", "”",
]
_TEXTISH = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=12)), max_size=40).map("".join)


def _only_project_errors(action) -> None:
    """Run ``action``; the project's own errors are fine, anything else is a bug."""
    try:
        action()
    except CheckerError:
        pass


# ---------------------------------------------------------------------------- ingest


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(KNOWN_SUFFIXES))
def test_ingest_of_arbitrary_bytes_raises_only_project_errors(tmp_path_factory, data: bytes, suffix: str) -> None:
    path = tmp_path_factory.mktemp("bytes") / f"outlet_article{suffix}"
    path.write_bytes(data)
    _only_project_errors(lambda: read_articles([path]))


@FUZZ
@given(text=_TEXTISH, suffix=st.sampled_from(KNOWN_SUFFIXES), encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_ingest_of_article_like_text_raises_only_project_errors(tmp_path_factory, text: str, suffix: str, encoding: str) -> None:
    path = tmp_path_factory.mktemp("text") / f"outlet_article{suffix}"
    path.write_bytes(text.encode(encoding, errors="replace"))
    _only_project_errors(lambda: read_articles([path]))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)


@FUZZ
@given(rows=st.lists(st.dictionaries(st.sampled_from(["text", "outlet", "published", "language", "story", "path", "id"]), _JSON), min_size=1, max_size=4))
def test_manifest_rows_of_any_json_raise_only_project_errors(tmp_path_factory, rows: list[dict]) -> None:
    import json

    path = tmp_path_factory.mktemp("jsonl") / "manifest.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    _only_project_errors(lambda: read_articles([path]))


# ---------------------------------------------------------------------- segmentation

_ARTICLE_TEXT = st.lists(
    st.one_of(st.sampled_from(_PIECES), st.text(alphabet=string.ascii_letters + " .,!?\"'\n", max_size=30)),
    min_size=1,
    max_size=60,
).map("".join)


@FUZZ
@given(text=_ARTICLE_TEXT)
def test_segmentation_offsets_always_map_back_to_the_source_text(text: str) -> None:
    article = Article(path="a.txt", text=text, outlet="A")
    sentences = segment(article)
    previous_end = 0
    for index, sentence in enumerate(sentences):
        assert sentence.index == index
        assert 0 <= sentence.start < sentence.end <= len(text)
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()
        assert sentence.start >= previous_end
        previous_end = sentence.end


# ----------------------------------------------------------------------- fingerprints

_WHITESPACE = st.lists(st.sampled_from([" ", "  ", "\n", "\t", "\r\n", "\u00a0", "\u2009", "\u3000"]), min_size=1, max_size=3).map("".join)
_WORDS = st.lists(st.text(alphabet=string.ascii_letters + string.digits + "'-,.\"“”’", min_size=1, max_size=10), min_size=1, max_size=8)


def _spaced(words: list[str], gaps: list[str], edges: tuple[str, str]) -> str:
    joined = "".join(word + gaps[i % len(gaps)] for i, word in enumerate(words[:-1])) + words[-1]
    return edges[0] + joined + edges[1]


@FUZZ
@given(
    spans=st.lists(_WORDS, min_size=1, max_size=3),
    key=_WORDS,
    gaps=st.lists(_WHITESPACE, min_size=1, max_size=4),
    edges=st.tuples(st.sampled_from(["", " ", "\n"]), st.sampled_from(["", " ", "\n\n"])),
    shift=st.integers(min_value=0, max_value=500),
)
def test_fingerprints_are_stable_under_whitespace_changes(spans, key, gaps, edges, shift) -> None:
    def evidence(words: list[str], i: int, spaced: bool, moved: int) -> Evidence:
        text = _spaced(words, gaps, edges) if spaced else " ".join(words)
        return Evidence(
            outlet=f"Outlet {i}", path=f"{'moved/' if moved else ''}o{i}.txt", sentence=text,
            start=moved, end=moved + len(text), text=text, line=1 + moved, column=1 + moved,
        )

    plain = [evidence(words, i, False, 0) for i, words in enumerate(spans)]
    rewrapped = [evidence(words, i, True, shift) for i, words in enumerate(spans)][::-1]
    assert fingerprint("CK103", "story", " ".join(key), plain) == fingerprint(
        "CK103", "story", _spaced(key, gaps, edges), rewrapped
    )


# ------------------------------------------------------------------------ rule loader

_RULE_PIECES = [
    "rules:\n", "  - id: r1\n", "    kind: ", "pattern", "terms", "alias", "claim", "ignore",
    "\n    message: 'x {match}'\n", "    severity: ", "error", "info", "    words: [", "so-called", "]\n",
    "    regex: '(a+)+$'\n", "    regex: '(?P<x>'\n", "    examples:\n", "      flag: [", "      pass: [",
    "&a [1, 2]", "*a", "!!python/object/apply:os.system ['x']", "\t", ": ", "- ", "[" * 30, "{", "}",
    "'", '"', "\n", "    canonical: X\n", "    variants: [Y]\n", "    rule: CK101\n", "    match: x\n",
    "    reason: why\n", "\x00", "\ufeff", "9" * 5000,
]


@FUZZ
@given(text=st.lists(st.one_of(st.sampled_from(_RULE_PIECES), st.text(max_size=10)), max_size=40).map("".join))
def test_the_rule_loader_raises_only_rule_file_errors(tmp_path_factory, text: str) -> None:
    folder = tmp_path_factory.mktemp("rules")
    (folder / "fuzz.yaml").write_bytes(text.encode("utf-8", errors="replace"))
    _, problems = read_rules([folder], builtin=False)
    assert all(isinstance(p, RuleFileError) for p in problems)
    _only_project_errors(lambda: load_rules([Path(folder)], builtin=False))


@FUZZ
@given(text=st.text(min_size=1).filter(lambda t: t.strip()), bom=st.booleans())
def test_utf8_text_is_read_back_exactly(text: str, bom: bool) -> None:
    from checker.ingest.text import decode

    data = ("\ufeff" if bom else "").encode() + text.encode("utf-8")
    expected = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    try:
        assert decode(data, "a.txt") == expected
    except CheckerError as exc:  # only control-character-heavy text may be refused, as binary
        assert "binary" in str(exc) or not expected.strip()
