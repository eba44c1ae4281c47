"""Which articles are read as English: stated languages, other scripts at any length, and
function words in longer texts (checker/ingest/language.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.ingest import read_articles
from checker.ingest.language import MIN_CHARACTERS, not_english, other_script
from checker.models import Article

CHINESE_BRIEF = "新华社北京12月6日电 外交部发言人周二表示，中方愿同东盟国家继续推进南海行为准则磋商，争取早日达成一致，共同维护南海地区的和平稳定与繁荣发展。"
SHORT_BRIEFS = {
    "Chinese characters": CHINESE_BRIEF,
    "Cyrillic": "Президент России заявил во вторник о новых мерах поддержки экономики.",
    "Arabic": "قال وزير الخارجية المصري يوم الثلاثاء إن المحادثات ستستمر في القاهرة.",
    "Korean Hangul": "윤석열 대통령은 화요일 서울에서 기자회견을 열었다.",
    "Greek": "Ο πρωθυπουργός συναντήθηκε με τον πρόεδρο στην Αθήνα την Τρίτη.",
    "Hebrew": "ראש הממשלה נפגש ביום שלישי עם נשיא ארצות הברית בירושלים.",
}


def _article(text: str, language: str | None = None) -> Article:
    return Article("brief.txt", text, "Wire", language=language)


@pytest.mark.parametrize("script", sorted(SHORT_BRIEFS))
def test_a_short_brief_in_another_script_is_not_read_as_english(script: str) -> None:
    text = SHORT_BRIEFS[script]
    assert len(text) < MIN_CHARACTERS  # too short for the function-word test
    reason = not_english(_article(text))
    assert reason is not None and f"of its letters are {script}, not Latin" in reason


def test_the_chinese_brief_of_the_issue_is_skipped_with_a_note(tmp_path: Path) -> None:
    (tmp_path / "xinhua_brief.txt").write_text(CHINESE_BRIEF + "\n", encoding="utf-8")
    (tmp_path / "wire_a.txt").write_text(
        "---\noutlet: Wire\n---\nThe foreign ministry said on Tuesday that talks with ASEAN on a code of conduct "
        "in the South China Sea would go on, and that it hoped for an early agreement.\n",
        encoding="utf-8",
    )
    articles, notes = read_articles([tmp_path], cwd=tmp_path)
    assert [a.path for a in articles] == ["wire_a.txt"]
    assert any(n.startswith("skipped xinhua_brief.txt: it does not read as English (100% of its letters are Chinese characters") for n in notes)


@pytest.mark.parametrize(
    "text",
    [
        "Xi Jinping (习近平) met Joe Biden in San Francisco on Wednesday.",  # a name in its own script
        "Putin sworn in as Russian president",  # headline English, few function words
        "Zelenskyy visits Kyiv hospital",
        "東京",  # two letters: too few to judge
        "Tokyo, June 29 (Kyodo) -- Japan's prime minister Fumio Kishida said...",
    ],
)
def test_short_english_and_too_short_texts_are_kept(text: str) -> None:
    assert not_english(_article(text)) is None


def test_a_stated_language_wins_over_the_script() -> None:
    assert not_english(_article(CHINESE_BRIEF, language="en")) is None
    assert "its language is 'zh'" in not_english(_article("A plain English sentence about a ferry.", language="zh"))


def test_japanese_names_its_scripts() -> None:
    share, names = other_script("日本の首相は火曜日、東京で記者会見を開いた。")
    assert share == 1.0 and names == "Chinese characters and Japanese kana"
