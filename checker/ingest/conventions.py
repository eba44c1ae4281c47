"""Wire-copy conventions: datelines, photo credits, sign-offs and caption markers.

News agencies mark their copy in a few fixed ways ("TOKYO, June 29 (KUNA) --",
"... in Madrid. (Pool photo)(Kyodo)", "==Kyodo", "(end) mk.ibi"). Metadata inference
reads the agency and date from them and segmentation uses them to keep captions,
datelines and sign-offs out of claim text, so both share the patterns kept here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..text.calendar import month_number

# Month names as datelines print them (the numbers: text/calendar.py).
_MONTH = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?"
    r"|Aug(?:ust|\.)?|Sep(?:tember|t\.|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)

# An agency or credit name as printed: capitalised words, acronyms, "AP", "Getty Images".
_NAME = r"[A-Z][\w&.'’-]*(?: [A-Z][\w&.'’-]*){0,3}"

DATELINE = re.compile(
    r"^(?P<city>[A-Z][A-Z.'’-]*(?: [A-Z][A-Z.'’-]*){0,3})"
    r"(?:, +(?P<region>[A-Z][a-z]+\.?))?"
    rf"(?:, +(?P<date>(?P<month>{_MONTH}) +(?P<day>\d{{1,2}})(?:, +(?P<year>\d{{4}}))?))?"
    r"(?: +\((?P<agency>[^()\n]{2,40})\))?"
    r"\s*(?P<dash>--|—|–|-)\s*"
)
"""A dateline at the start of a paragraph: ``TOKYO, June 29 (KUNA) --``."""

FULL_DATE = re.compile(rf"\b(?P<month>{_MONTH}) +(?P<day>\d{{1,2}}), +(?P<year>\d{{4}})\b")  # "Jan.  31": two spaces after a stop
"""A date with its year, as printed in captions: "June 29, 2022", "Jan. 31, 2023"."""

TRAILING_CREDITS = re.compile(
    r"(?<=[.!?\"”’])\s*(?P<credits>(?:\([^()\n]{1,60}\)\s*)+)"
    rf"(?:==\s*(?P<signoff>{_NAME}))?\s*$"
)
"""Photo credits closing a caption: "... in Madrid. (Pool photo)(Kyodo) ==Kyodo"."""

SIGNOFF = re.compile(rf"(?P<mark>==\s*(?P<agency>{_NAME}))\s*$")
"""An agency sign-off at the end of a paragraph: "==Kyodo"."""

END_MARK = re.compile(
    r"\s*(?:\(end(?:[/ ][^()\n]{0,20})?\)(?:\s+[\w.]{1,20})?"
    r"|\((?:Reporting|Writing|Editing|Additional reporting|Compiled) by\b[^()\n]*\))\s*$",
    re.IGNORECASE,
)
"""A wire end mark: "(end) mk.ibi" (with editors' initials), "(Reporting by ...)"."""

POSITION_MARKER = re.compile(
    r"\((?:[LRC]|[LRC], (?i:front|back|top|bottom|center|centre)"
    r"|(?i:front|back|cent(?:er|re)|left|right|top|bottom|second from [LR]"
    r"|(?:counter-?)?clockwise\b[^()\n]{0,30}|from (?:L|R|left|right)\b[^()\n]{0,30}))\)"
)
"""Who-is-where markers used only in photo captions: "(C)", "(L, front)"."""

PHOTO_PHRASE = re.compile(
    r"\bposes? for (?:a|the)\b[^.]{0,25}\bphoto\b|\b(?:file )?photo (?:shows|taken)\b",
    re.IGNORECASE,
)
"""Present-tense caption wording: "leaders pose for the family photo"."""

# --- web page furniture that survives text extraction as sentences ------------------------
# Real archives (AllSides, 37k articles, newspaper3k text) carry these in thousands of
# articles. Each embeds close to every other of its kind whatever the article is about
# (two tweet signatures of different weeks: cosine above 0.75), so as claims they linked
# unrelated articles as "sharing near-identical sentences", story grouping's strongest link.

TWEET_SIGNATURE = re.compile(
    r"^(?:pic\.twitter\.com/\S+\s*)?[—–-]{1,2}\s*[^()\n]{1,80}?\(@\w{1,15}\)\s*"
    rf"{_MONTH} +\d{{1,2}},? +\d{{4}}(?:\s+Report)?\s*$"
)
"""The signature line of an embedded tweet: "— Donald J. Trump (@realDonaldTrump) November 5, 2019"."""

_PHOTO_AGENCY = r"(?:Getty Images|AFP|AP Photo|AP|Reuters|EPA(?:-EFE)?|Shutterstock|Bloomberg|NurPhoto|Sipa USA)"

PHOTO_CREDIT = re.compile(
    rf"^(?:Image copyright\s+)?(?:[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){{0,3}}\s*/\s*)*{_PHOTO_AGENCY}"
    rf"(?:\s*(?:via|/)\s*{_PHOTO_AGENCY})?\s*$"
)
"""A photo credit standing alone: "Getty Images", "Jewel Samad/AFP/Getty Images"."""

CAPTION_CREDIT = re.compile(r"[\s/](?:Getty Images|AFP via Getty Images)\s*$")
"""A caption that closes on its photo's credit: "... in West Palm Beach, Fla. Joe Raedle/Getty Images"."""

MEDIA_LABEL = re.compile(r"^(?:Media playback is unsupported on your device|Media caption|Image (?:copyright|caption))\b")
"""A player or picture label before its caption: "Media playback is unsupported on your device Media caption ..."."""

CONTRIBUTOR_LINE = re.compile(
    r"^[^.!?\n]{0,200}\bcontributed (?:reporting )?to (?:this|the) (?:report|story|article)\.?\s*$", re.IGNORECASE
)
"""A contributor credit: "Fox News' Paul Steinhauser and The Associated Press contributed to this report."."""


_NOT_AN_AGENCY = re.compile(r"photo|pool|file|courtesy|handout|screenshot|^end$", re.IGNORECASE)


@dataclass(frozen=True)
class Credit:
    """An agency named by the article's own markings (not by a citation in its text)."""

    agency: str
    kind: str  # "dateline" | "photo credit" | "sign-off"
    snippet: str  # the marking as printed, for the Inferred.source


def parse_month_day(month: str, day: str, year: int) -> dt.date | None:
    """The date for a printed month name and day, or None if there is no such day."""
    try:
        return dt.date(year, month_number(month[:3]), int(day))
    except (KeyError, ValueError):
        return None


def credit_agency(group: str) -> str | None:
    """The agency in one credit: the last name of "WPA Pool/Getty/Kyodo", if it is one."""
    name = group.split("/")[-1].strip()
    if not re.fullmatch(_NAME, name) or _NOT_AN_AGENCY.search(name):
        return None
    return name


def paragraph_credits(paragraph: str) -> list[Credit]:
    """The agency markings in one paragraph (one line of an article), in reading order."""
    credits: list[Credit] = []
    dateline = DATELINE.match(paragraph)
    if dateline and dateline.group("agency") and is_dateline(dateline):
        agency = credit_agency(dateline.group("agency"))
        if agency:
            credits.append(Credit(agency, "dateline", dateline.group(0).rstrip(" -—–")))
    trailing = TRAILING_CREDITS.search(paragraph)
    if trailing:
        groups = re.findall(r"\(([^()]+)\)", trailing.group("credits"))
        agency = credit_agency(groups[-1])
        if agency:
            credits.append(Credit(agency, "photo credit", trailing.group("credits").strip()))
    signoff = SIGNOFF.search(paragraph)
    if signoff:
        credits.append(Credit(signoff.group("agency"), "sign-off", signoff.group("mark")))
    return credits


def is_dateline(match: re.Match[str]) -> bool:
    """Whether a DATELINE match is one: it needs a date or an agency, not just caps + dash.

    "NATO -- the alliance ..." starts like a dateline but names neither; a single hyphen
    only counts after an agency ("MADRID (Reuters) -").
    """
    if not (match.group("date") or match.group("agency")):
        return False
    return match.group("dash") != "-" or bool(match.group("agency"))


def is_caption(paragraph: str) -> bool:
    """Whether a paragraph is a photo caption: it ends in credits ("(Kyodo)", "Joe
    Raedle/Getty Images") or places people in a photo."""
    if CAPTION_CREDIT.search(paragraph):
        return True
    trailing = TRAILING_CREDITS.search(paragraph)
    if trailing and any(
        credit_agency(g) or _NOT_AN_AGENCY.search(g)
        for g in re.findall(r"\(([^()]+)\)", trailing.group("credits"))
        if not re.fullmatch(r"end\b.*", g, re.IGNORECASE)
    ):
        return True
    return bool(POSITION_MARKER.search(paragraph) or PHOTO_PHRASE.search(paragraph))
