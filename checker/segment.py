"""Split an article into sentences with exact offsets, and tag what each sentence is.

Paragraphs (lines) are classified first, then split into sentences with pysbd: its
rules keep "U.S.", "Jan. 31", "Mr." and quoted speech intact and it needs no model or
data download (NLTK's punkt does; spaCy's sentencizer splits at every period). Only body
sentences make claims, so the rest is tagged: a short opening line without a final
period is the headline; photo captions (credits like "(Kyodo)", "(C)" position markers,
"pose for the family photo") are captions; widgets ("A+ A-"), "Related coverage:" and
all after it, and wire sign-offs ("(end) mk.ibi") are boilerplate. A leading dateline
("TOKYO, June 29 (KUNA) --") is metadata and is left out of the first sentence's span.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Literal

import pysbd
from pysbd.languages import LANGUAGE_CODES

from checker.ingest import conventions
from checker.ingest.conventions import (
    CAPTION_CREDIT,
    CONTRIBUTOR_LINE,
    DATELINE,
    END_MARK,
    MEDIA_LABEL,
    PHOTO_CREDIT,
    SIGNOFF,
    TWEET_SIGNATURE,
    is_caption,
    is_dateline,
)
from checker.models import Article, Sentence, SentenceKind

_WIDGET = re.compile(
    r"(?:A\+\s*A-|A-\s*A\+|Share|Print|E-?mail|Tweet|Advertisement|Font size:?|Listen"
    r"|Save|Comments?|Copy link)(?:\s*[|/·•]?\s*(?:Share|Print|E-?mail|Tweet|Save|Copy link))*",
    re.IGNORECASE,
)
"""A line that is only page furniture: font-size buttons, share links, ad labels."""

_RELATED = re.compile(
    r"(?:Related (?:coverage|articles?|stories|news|content|links?)|Read more|See also"
    r"|More (?:on this|stories)|Recommended)\s*:?",
    re.IGNORECASE,
)
"""A header after which a page lists other articles, not this one."""

_COPYRIGHT = re.compile(r"^(?:©|Copyright\b|\(c\)\s*\d{4}|All rights reserved)", re.IGNORECASE)
_MARKDOWN_HEADING = re.compile(r"#{1,6}\s+")
_CREDIT_FRAGMENT = re.compile(r"(?:\([^()\n]*\)\s*)+(?:==\s*\S.*)?")
_FINAL_STOP = re.compile(r"[.!…][\"'”’)]*$")
_LINE_END = re.compile(r"[.!?…:;\"'”’)\]]$")
_HEADLINE_MAX_WORDS = 25
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_PYSBD_CHUNK = 5_000  # characters given to pysbd at once (see _pysbd_chunks)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"'“‘(]?[A-Z])")


@functools.lru_cache(maxsize=8)
def _segmenter(language: str) -> pysbd.Segmenter:
    return pysbd.Segmenter(language=language, clean=False)


def _pysbd_pieces(splitter: pysbd.Segmenter, text: str) -> tuple[str, ...]:
    """``splitter.segment(text)``, kept for short texts: pysbd is nearly all of a cold
    run's splitting time, and wire copy repeats whole paragraphs across outlets and stories
    (long pieces of text rarely repeat, and would make the cache big)."""
    return _pysbd_split(splitter, text) if len(text) > _KEPT_UP_TO else _kept_pysbd_split(splitter, text)


_KEPT_UP_TO = 2_000  # characters


def _pysbd_split(splitter: pysbd.Segmenter, text: str) -> tuple[str, ...]:
    if not text or pysbd.__version__ != _PYSBD_MIRRORED:
        return tuple(splitter.segment(text))
    sentences = splitter.processor(text).process()
    if not all(sentences):
        return tuple(splitter.segment(text))
    return _located(sentences, text)


_kept_pysbd_split = functools.lru_cache(maxsize=16384)(_pysbd_split)
_PYSBD_MIRRORED = "0.3.4"  # the pysbd release whose ``Segmenter.segment`` ``_located`` mirrors


def _located(sentences: list[str], text: str) -> tuple[str, ...]:
    """What ``Segmenter.segment`` makes of pysbd's processed sentences: each is looked
    for from the left of ``text`` (with the whitespace after it), an occurrence counting
    only if it ends after the previous sentence; a sentence never found is left out.

    pysbd does this with one new regular expression per sentence (escaped sentence plus
    ``\\s*``), which took half of its time; this is the same search with ``str.find``.
    """
    found: list[str] = []
    previous_end = 0
    for sentence in sentences:
        position = 0
        while (start := text.find(sentence, position)) >= 0:
            end = start + len(sentence)
            while end < len(text) and text[end].isspace():
                end += 1
            if end > previous_end:
                found.append(text[start:end])
                previous_end = end
                break
            position = end  # matches do not overlap, as with re.finditer
    return tuple(found)


def _code_fingerprint() -> str:
    """Hash of the code that decides sentence spans, so cached spans follow code changes."""
    digest = hashlib.sha256(pysbd.__version__.encode())
    for module in (Path(__file__), Path(conventions.__file__)):
        digest.update(module.read_bytes())
    return digest.hexdigest()[:16]


SEGMENTER_ID = _code_fingerprint()


def language_of(article: Article) -> str:
    """The pysbd language code to split ``article`` with (English when unsupported)."""
    language = (article.language or "en").split("-")[0].lower()
    return language if language in LANGUAGE_CODES else "en"


def spans_key(article: Article) -> str:
    """Cache key of an article's sentence spans: segmentation code, language and text."""
    raw = f"{SEGMENTER_ID}\x1f{language_of(article)}\x1f{article.text}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def segment(article: Article, spans: Sequence[tuple[int, int, str]] | None = None) -> tuple[Sentence, ...]:
    """The article's sentences in order, each with ``text == article.text[start:end]``.

    ``spans`` are precomputed ``sentence_spans`` (e.g. from the cache) to skip splitting.
    """
    text = article.text
    if spans is None:
        spans = sentence_spans(text, language_of(article))
    return tuple(
        Sentence(article.id, index, start, end, text[start:end], _sentence_kind(text[start:end], kind))  # type: ignore[arg-type]
        for index, (start, end, kind) in enumerate(spans)
    )


_WORDS = re.compile(r"[^\W\d_]{2,}|[^\W\d_](?=\W*$)")


def _sentence_kind(text: str, kind: SentenceKind) -> SentenceKind:
    """A body sentence that states nothing is set aside, kept as boilerplate or caption.

    - One word: a splitter's fragment ("m." of a tokenised "7 p. m."), a lone "Photo". Two
      articles that both held "m." shared a "near-identical sentence", which chained 11
      ECB+ topics into one story.
    - Page furniture a web page leaves in extracted text: an embedded tweet's signature
      line, a photo credit standing alone, a contributor line, a player's or picture's
      label ("Media caption ..."), a caption closing on "/Getty Images". Each of a kind reads
      alike whatever the article reports, so on the AllSides archive most pairs of
      articles "sharing two near-identical sentences" that had little else in common
      shared tweet signatures and photo credits (``ingest/conventions.py``).
    """
    if kind != "body":
        return kind
    if len(_WORDS.findall(text)) < 2 and not _UNSPACED_SCRIPT.search(text):
        return "boilerplate"
    if TWEET_SIGNATURE.match(text) or PHOTO_CREDIT.match(text) or CONTRIBUTOR_LINE.match(text):
        return "boilerplate"
    if MEDIA_LABEL.match(text) or CAPTION_CREDIT.search(text):
        return "caption"
    return kind


# Scripts written without spaces between words (CJK, Thai): a sentence there is one "word".
_UNSPACED_SCRIPT = re.compile(r"[\u0E00-\u0E7F\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF]")


#: One block of an article's layout: (start, end, kind, is_run). A run is body or caption
#: text that pysbd splits into sentences; any other block is one span as it stands.
Block = tuple[int, int, SentenceKind, bool]
Spans = tuple[tuple[int, int, SentenceKind], ...]


def sentence_spans(text: str, language: str = "en") -> Spans:
    """(start, end, kind) of every sentence of ``text``: the slow, cacheable part."""
    return spans_from_layout(text, layout(text), lambda run: run_spans(run, language))


def layout(text: str) -> list[Block]:
    """The article's paragraphs as blocks: headlines and boilerplate as they stand, body
    and caption text as runs to split (datelines left out, sign-offs split off).

    Cheap next to splitting the runs (``run_spans``), which depends on nothing but the
    run's own text: wire copy repeats whole paragraphs, so a big run splits each distinct
    run once.
    """
    paragraphs = list(_paragraphs(text))
    kinds = _paragraph_kinds([text[s:e] for s, e in paragraphs])
    blocks: list[Block] = []
    for (start, end), kind in zip(paragraphs, kinds, strict=True):
        if kind in ("headline", "boilerplate"):
            blocks.append((start + _heading_marker_length(text[start:end]), end, kind, False))
        elif kind == "caption":
            blocks.append((start, end, kind, True))
        else:
            blocks.extend((start + b, start + e, k, run) for b, e, k, run in _body_blocks(text[start:end]))
    return blocks


def spans_from_layout(text: str, blocks: Sequence[Block], split: Callable[[str], Sequence[tuple[int, int]]]) -> Spans:
    """The sentence spans of ``text``, given its ``layout`` and ``split``, which gives the
    spans of a run relative to it (``run_spans`` or the same, computed elsewhere)."""
    spans: list[tuple[int, int, SentenceKind]] = []
    for start, end, kind, is_run in blocks:
        if is_run:
            spans.extend((start + s, start + e, kind) for s, e in split(text[start:end]))
        else:
            spans.append((start, end, kind))
    return tuple(spans)


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each paragraph, without surrounding whitespace.

    Text that separates paragraphs with blank lines is taken at its word: single newlines
    inside are just wrapping. Otherwise every line is a paragraph (wire copy often uses
    single newlines), except that a line starting in lower case continues the line before
    it when that one has no final punctuation ("... the alliance\nwould grow").
    """
    blank_line_paragraphs = _BLANK_LINE.search(text) is not None
    current: tuple[int, int] | None = None
    for m in re.finditer(r"[^\n]+", text):
        line = m.group(0)
        if not line.strip():
            continue
        start = m.start() + len(line) - len(line.lstrip())
        end = m.start() + len(line.rstrip())
        wrapped = current is not None and text.count("\n", current[1], start) == 1
        if wrapped and (
            blank_line_paragraphs
            or (line.lstrip()[0].islower() and not _LINE_END.search(text[current[0] : current[1]]))
        ):
            current = (current[0], end)
            continue
        if current is not None:
            yield current
        current = (start, end)
    if current is not None:
        yield current


def _paragraph_kinds(paragraphs: list[str]) -> list[SentenceKind]:
    """The role of each paragraph; see the module doc for the rules."""
    kinds: list[SentenceKind] = []
    related_seen = False
    for paragraph in paragraphs:
        kind = _own_kind(paragraph)
        if related_seen or kind == "related":
            related_seen = True
            kinds.append("boilerplate")
        else:
            kinds.append(kind)

    content = [i for i, kind in enumerate(kinds) if kind != "boilerplate"]
    if len(content) > 1 and kinds[content[0]] == "body" and _looks_like_headline(
        paragraphs[content[0]]
    ):
        kinds[content[0]] = "headline"
    return kinds


# Wire copy repeats whole paragraphs across articles (10,000 benchmark articles have 72,000
# paragraphs, most of them repeats): a paragraph's own kind and its body blocks are found
# once per text. What depends on its place in the article stays in ``_paragraph_kinds``.
_PARAGRAPHS_KEPT = 65536


@functools.lru_cache(maxsize=_PARAGRAPHS_KEPT)
def _own_kind(paragraph: str) -> SentenceKind | Literal["related"]:
    """A paragraph's kind by its text alone; "related" starts a list of related links."""
    if _RELATED.fullmatch(paragraph):
        return "related"
    if (
        _WIDGET.fullmatch(paragraph)
        or _COPYRIGHT.match(paragraph)
        or END_MARK.fullmatch(paragraph)
        or SIGNOFF.fullmatch(paragraph)
    ):
        return "boilerplate"
    if _MARKDOWN_HEADING.match(paragraph):
        return "headline"
    if is_caption(paragraph):
        return "caption"
    return "body"


def _looks_like_headline(paragraph: str) -> bool:
    dateline = DATELINE.match(paragraph)
    if dateline and is_dateline(dateline):
        return False
    return len(paragraph.split()) <= _HEADLINE_MAX_WORDS and not _FINAL_STOP.search(paragraph)


def _heading_marker_length(paragraph: str) -> int:
    m = _MARKDOWN_HEADING.match(paragraph)
    return m.end() if m else 0


@functools.lru_cache(maxsize=_PARAGRAPHS_KEPT)
def _body_blocks(whole: str) -> tuple[Block, ...]:
    """A body paragraph as a run without its dateline, and its sign-off as boilerplate
    (offsets relative to the paragraph)."""
    start, end = 0, len(whole)
    paragraph = whole  # from here on, without the dateline
    dateline = DATELINE.match(paragraph)
    if dateline and is_dateline(dateline) and dateline.end() < len(paragraph):
        start += dateline.end()
        paragraph = whole[start:end]
    tail: list[Block] = []
    signoff = END_MARK.search(paragraph) or SIGNOFF.search(paragraph)
    if signoff and signoff.start() > 0:
        mark = signoff.group(0)
        mark_start = start + signoff.start() + len(mark) - len(mark.lstrip())
        tail.append((mark_start, end, "boilerplate", False))
        end = start + len(paragraph[: signoff.start()].rstrip())
    return ((start, end, "body", True), *tail)


def run_spans(run: str, language: str = "en") -> tuple[tuple[int, int], ...]:
    """Sentence spans inside one run of text (offsets relative to it), stripped, with
    credit fragments merged.

    pysbd returns strings; they are located in the run from left to right. Should a
    piece not be found verbatim, the rest of the run is kept as one sentence rather
    than risk a wrong offset.
    """
    splitter = _segmenter(language)
    paragraph = run.replace("\n", " ")  # same length: offsets still hold
    spans: list[tuple[int, int]] = []
    cursor = 0
    pieces = (piece for chunk in _pysbd_chunks(paragraph) for piece in _pysbd_pieces(splitter, chunk))
    for piece in pieces:
        stripped = piece.strip()
        if not stripped:
            continue
        found = paragraph.find(stripped, cursor)
        if found < 0:
            break
        spans.append((found, found + len(stripped)))
        cursor = found + len(stripped)
    if cursor < len(paragraph.rstrip()):
        rest = paragraph[cursor:]
        left = len(rest) - len(rest.lstrip())
        if rest.strip():
            spans.append((cursor + left, cursor + len(rest.rstrip())))
    return tuple(_merge_fragments(paragraph, spans))


def _pysbd_chunks(paragraph: str) -> Iterator[str]:
    """The paragraph in pieces of at most about ``_PYSBD_CHUNK`` characters, each cut
    after a sentence end (else at a space), so that pysbd's time stays linear.

    pysbd's time grows with the square of the text it is given: a 100 KB paragraph
    takes 7 s, 300 KB 50 s, so an article pasted as one 1 MB line would take minutes.
    Paragraphs of real articles are far shorter than a chunk and are passed whole.
    """
    start = 0
    while len(paragraph) - start > _PYSBD_CHUNK:
        limit = start + _PYSBD_CHUNK
        ends = [m.end() for m in _SENTENCE_END.finditer(paragraph, start + _PYSBD_CHUNK // 2, limit)]
        space = paragraph.rfind(" ", start + 1, limit)
        cut = ends[-1] if ends else space + 1 if space > start else limit
        yield paragraph[start:cut]
        start = cut
    yield paragraph[start:]


_ENDS_ON_FIGURE = re.compile(r"(?<=\s)\d{1,3}\.$")  # "of 4." (not "52-48.", not "2016.")
_STARTS_ON_DIGITS = re.compile(r"\d{1,3}(?!\d)")  # "5 struck" (not a year: "2016 was")


def _merge_fragments(paragraph: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join pieces that are not sentences to a neighbour: "(Pool photo)(Kyodo)" to the
    caption before it, "(Clockwise from back R)" to the sentence after, stray quotes back,
    and a decimal a tokeniser spaced ("a magnitude of 4. 5 struck", as in ECB+): news does
    not end a sentence on a figure and start the next with one."""
    merged: list[tuple[int, int]] = []
    pending_start: int | None = None
    for i, (s, e) in enumerate(spans):
        piece = paragraph[s:e]
        fragment = _CREDIT_FRAGMENT.fullmatch(piece) or not re.search(r"\w", piece)
        if merged and _STARTS_ON_DIGITS.match(piece) and paragraph[merged[-1][1] : s] == " " and _ENDS_ON_FIGURE.search(paragraph[merged[-1][0] : merged[-1][1]]):
            fragment = True
        if pending_start is not None:
            s, pending_start = pending_start, None
        if fragment and not merged and i + 1 < len(spans):
            pending_start = s
        elif fragment and merged:
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged
