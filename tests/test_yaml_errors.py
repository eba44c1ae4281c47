"""YAML syntax errors point at the line where the mistake starts: the opening quote or
bracket that is never closed, the key without its colon, the badly indented key; not at
the end of the file where PyYAML noticed it (checker/yaml_errors.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.errors import ArticleError, RuleFileError
from checker.ingest import read_articles
from checker.rules.language.source import read_rule_file

RULES = """\
rules:
  - id: ferry-name
    kind: pattern
    message: {message}
    severity: info
    words: {words}
  - id: second
    kind: pattern
    message: Second rule
    severity: info
    words: [b]
"""


def _error(tmp_path: Path, text: str) -> RuleFileError:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        read_rule_file(path, "rules.yaml")
    return caught.value


@pytest.mark.parametrize(
    ("message", "words", "line", "column", "says"),
    [
        ('"Write Maria Lenz', "[a]", 4, 14, "while scanning a quoted scalar, found unexpected end of stream on line 12 (close the quote)"),
        ("'Write Maria Lenz", "[a]", 4, 14, "found unexpected end of stream on line 12 (close the quote)"),
        ("Write Maria Lenz", "[a, b", 6, 12, "while parsing a flow sequence, expected ',' or ']', but got ':' on line 7 (close the list with ])"),
        ("Write Maria Lenz", "{a: b", 6, 12, "while parsing a flow mapping"),
    ],
)
def test_an_unclosed_construct_is_reported_where_it_opens(tmp_path: Path, message: str, words: str, line: int, column: int, says: str) -> None:
    error = _error(tmp_path, RULES.format(message=message, words=words))
    assert (error.line, error.column) == (line, column), str(error)
    assert str(error).startswith(f"rules.yaml:{line}:{column}: invalid YAML: ") and says in str(error)
    assert (tmp_path / "rules.yaml").read_text().splitlines()[line - 1][column - 1] in "\"'[{"


def test_a_key_without_its_colon_is_reported_on_its_line(tmp_path: Path) -> None:
    error = _error(tmp_path, RULES.format(message="m", words="[a]").replace("    severity: info\n", "    severity info\n", 1))
    assert (error.line, error.column) == (5, 5), str(error)


def test_bad_indentation_is_reported_on_the_bad_line_not_the_top_of_the_block(tmp_path: Path) -> None:
    error = _error(tmp_path, RULES.format(message="m", words="[a]").replace("    severity: info\n", "   severity: info\n", 1))
    assert error.line == 5, str(error)
    assert "check the indentation" in str(error)


def test_a_mapping_value_in_a_plain_value_is_reported_on_its_line(tmp_path: Path) -> None:
    error = _error(tmp_path, RULES.format(message="Write: Maria Lenz", words="[a]"))
    assert error.line == 4 and "put quotes around a value" in str(error), str(error)


def test_front_matter_with_an_unclosed_quote_names_the_line_it_opens(tmp_path: Path) -> None:
    article = tmp_path / "wire_a.md"
    article.write_text('---\noutlet: Coast Wire\ntitle: "Ferry capsizes\npublished: 2024-03-11\n---\nA ferry capsized.\n', encoding="utf-8")
    with pytest.raises(ArticleError) as caught:
        read_articles([article], cwd=tmp_path)
    assert str(caught.value).startswith("wire_a.md:3: malformed front matter"), str(caught.value)
