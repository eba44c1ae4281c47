"""Turn what a reader found into an ``Article``: explicit metadata first, inference after.

Explicit values (front matter, manifest columns) always win. A missing outlet or date is
guessed from the article's own markings, never from citations in its text: the KUNA copy
says "Japan's Kyodo News Agency reported" but its dateline "(KUNA)" says whose it is.
Every guess is recorded as an ``Inferred`` with its source so a reader can check it.

Date rule: a dateline gives the publication day. When it lacks a year, the year comes
from a caption date in the same text (a photo is taken on the publication day or before
it, so the dateline day is moved to the following year if it would fall before the
photo); with no caption date the date stays unknown rather than guessed. Without a
dateline, the latest full caption date is used: for news photos that is the publication
day or shortly before it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from checker.ingest.conventions import (
    DATELINE,
    FULL_DATE,
    Credit,
    is_caption,
    is_dateline,
    paragraph_credits,
    parse_month_day,
)
from checker.models import Article, Inferred

METADATA_KEYS = ("outlet", "published", "title", "url", "language", "story")
"""The metadata an article may state; other keys in front matter or manifests are ignored."""

# An HTML author only hints at the outlet when it names an organisation, not a reporter.
_ORGANISATION = re.compile(
    r"\b(?:News|Press|Agency|Agence|Wire|Service|Times|Post|Herald|Journal|Tribune)\b"
    r"|^[A-Z]{2,6}$"
)


@dataclass(frozen=True)
class RawArticle:
    """What a format reader found: text, explicit metadata, and hints for inference."""

    path: str  # display path, e.g. "fixtures/x/kyodo_a.txt" or "list.jsonl#3"
    text: str  # newlines normalised, leading blank lines removed, trailing space stripped
    fields: Mapping[str, object] = field(default_factory=dict)  # validated METADATA_KEYS
    name_hint: str | None = None  # a file name to take the outlet from as a last resort
    page_hints: tuple[Inferred, ...] = ()  # HTML metadata: site name, author, date
    line_offset: int = 0
    source_map: bytes = b""  # see checker/source_map.py


class FieldError(ValueError):
    """A metadata value that cannot be used; ``key`` names it so readers can locate it."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def coerce_fields(raw: Mapping[str, object]) -> dict[str, object]:
    """The known metadata keys with usable values; raises FieldError saying what is wrong.

    Unknown keys are dropped, blank values count as missing, ``published`` becomes a date.
    """
    fields: dict[str, object] = {}
    for key in METADATA_KEYS:
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if key == "published":
            try:
                fields[key] = parse_date(value)
            except ValueError as exc:
                raise FieldError(key, str(exc)) from None
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            fields[key] = str(value).strip()
        else:
            raise FieldError(key, f"'{key}' must be a single value, not {type(value).__name__}")
    return fields


def parse_date(value: object) -> dt.date:
    """A date from YAML/JSON: a date, a datetime, or an ISO string ("2022-06-29[T...]")."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
    raise ValueError(f"'published' must be a date like 2022-06-29, not {value!r}")


def content_hash(text: str) -> str:
    """sha256 of the text with runs of whitespace collapsed: same words, same hash."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def finish_article(raw: RawArticle) -> tuple[Article, list[str]]:
    """The Article for a raw reading, inferring missing outlet and date; plus notes.

    Raises ValueError when no outlet can be found at all (a manifest row without one).
    """
    notes: list[str] = []
    inferred: list[Inferred] = []
    fields = raw.fields

    outlet = fields.get("outlet")
    if outlet is None:
        guess = _first_hint(raw.page_hints, "outlet") or infer_outlet(raw.text)
        if guess is None and raw.name_hint:
            guess = outlet_from_name(raw.name_hint)
        if guess is None:
            raise ValueError("no 'outlet' given and none found in the text; add an 'outlet'")
        inferred.append(guess)
        outlet = guess.value

    published = fields.get("published")
    if published is None:
        guess = _first_hint(raw.page_hints, "published")
        if guess is None:
            guess, note = infer_published(raw.text)
            if note:
                notes.append(f"{raw.path}: {note}")
        if guess is not None:
            inferred.append(guess)
            published = dt.date.fromisoformat(guess.value)

    article = Article(
        path=raw.path,
        text=raw.text,
        outlet=str(outlet),
        published=published if isinstance(published, dt.date) else None,
        title=_optional_str(fields.get("title")),
        url=_optional_str(fields.get("url")),
        language=_optional_str(fields.get("language")),
        story=_optional_str(fields.get("story")),
        inferred=tuple(inferred),
        content_hash=content_hash(raw.text),
        line_offset=raw.line_offset,
        source_map=raw.source_map,
    )
    return article, notes


def harmonise_outlet_spelling(articles: list[Article]) -> list[Article]:
    """Spell outlets taken from file names as other articles spell them ("kyodo" -> "Kyodo").

    File names are usually lower case; left alone, one outlet would read as two.
    """
    spelled: dict[str, Article] = {}
    for article in articles:
        if not _outlet_from_file_name(article):
            spelled.setdefault(article.outlet.casefold(), article)
    result: list[Article] = []
    for article in articles:
        other = spelled.get(article.outlet.casefold())
        if other is not None and other.outlet != article.outlet and _outlet_from_file_name(article):
            inferred = tuple(
                replace(i, value=other.outlet, source=f'{i.source}, spelled as in {other.path}')
                if i.field == "outlet"
                else i
                for i in article.inferred
            )
            article = replace(article, outlet=other.outlet, inferred=inferred)
        result.append(article)
    return result


def _outlet_from_file_name(article: Article) -> bool:
    return any(i.field == "outlet" and i.source.startswith("file name") for i in article.inferred)


def infer_outlet(text: str) -> Inferred | None:
    """The agency named most often by datelines, photo credits and sign-offs, if any.

    Ties go to the agency marked first. Citations ("Kyodo News said") are not markings.
    """
    credits: list[Credit] = [c for line in text.split("\n") for c in paragraph_credits(line)]
    if not credits:
        return None
    counts = Counter(c.agency for c in credits)
    first_seen = {c.agency: i for i, c in reversed(list(enumerate(credits)))}
    agency = max(counts, key=lambda a: (counts[a], -first_seen[a]))
    example = credits[first_seen[agency]]
    source = f'{example.kind} "{example.snippet}"'
    if counts[agency] > 1:
        source += f" and {counts[agency] - 1} more"
    return Inferred("outlet", agency, source)


def outlet_from_name(name: str) -> Inferred:
    """The outlet from a file name ``outlet_slug.txt``: the stem up to the first "_"."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    outlet = stem.split("_", 1)[0] or stem
    return Inferred("outlet", outlet, f'file name "{base}"')


def infer_published(text: str) -> tuple[Inferred | None, str | None]:
    """The publication date from the dateline or the captions (see module doc), and a note
    when a dateline gives a day but nothing gives its year."""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    caption_dates: list[tuple[dt.date, str]] = []
    for paragraph in paragraphs:
        if is_caption(paragraph):
            for m in FULL_DATE.finditer(paragraph):
                day = parse_month_day(m.group("month"), m.group("day"), int(m.group("year")))
                if day:
                    caption_dates.append((day, m.group(0)))
    latest = max(caption_dates, default=None)

    for paragraph in paragraphs:
        m = DATELINE.match(paragraph)
        if not (m and m.group("date") and is_dateline(m)):
            continue
        dateline = m.group(0).rstrip(" -—–")
        if m.group("year"):
            day = parse_month_day(m.group("month"), m.group("day"), int(m.group("year")))
            if day:
                return Inferred("published", day.isoformat(), f'dateline "{dateline}"'), None
            continue
        if latest is None:
            note = (
                f'dateline "{dateline}" gives no year; published date left unknown '
                "(add 'published: YYYY-MM-DD' in front matter)"
            )
            return None, note
        day = parse_month_day(m.group("month"), m.group("day"), latest[0].year)
        if day and day < latest[0]:
            day = parse_month_day(m.group("month"), m.group("day"), latest[0].year + 1)
        if day:
            source = f'dateline "{dateline}", year from caption date "{latest[1]}"'
            return Inferred("published", day.isoformat(), source), None

    if latest is not None:
        source = f'caption date "{latest[1]}"'
        if len(caption_dates) > 1:
            source += f" (latest of {len(caption_dates)} caption dates)"
        return Inferred("published", latest[0].isoformat(), source), None
    return None, None


def page_outlet_hints(sitename: str | None, author: str | None) -> tuple[Inferred, ...]:
    """Outlet hints from HTML metadata: the site name, or an author that is an organisation."""
    hints: list[Inferred] = []
    if sitename and sitename.strip():
        hints.append(Inferred("outlet", sitename.strip(), f'HTML site name "{sitename.strip()}"'))
    if author and _ORGANISATION.search(author.strip()):
        hints.append(Inferred("outlet", author.strip(), f'HTML author "{author.strip()}"'))
    return tuple(hints)


def _first_hint(hints: tuple[Inferred, ...], name: str) -> Inferred | None:
    return next((h for h in hints if h.field == name), None)


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)
