"""The command line: exit codes, one-line errors, output files (driven with CliRunner)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from checker.cli import app
from checker.rules import builtin_rules

runner = CliRunner()


def test_report_writes_the_file_and_says_so(tmp_path: Path, cache_path: Path) -> None:
    out = tmp_path / "deep" / "report.md"
    result = runner.invoke(app, ["report", "fixtures/nato-2022", "-o", str(out), "--cache", str(cache_path)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.startswith("# Claim consistency report")
    assert "## Story 2022-06-29-madrid" in text
    assert f"wrote {out}" in result.stderr


def test_report_to_stdout_as_json(cache_path: Path) -> None:
    import json

    result = runner.invoke(app, ["report", "fixtures/nato-2022", "-o", "-", "--format", "json", "--cache", str(cache_path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["version"] == 1
    assert {f["name"] for f in data["findings"]} >= {"name-variant"}


def test_missing_path_is_a_one_line_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(tmp_path / "nope"), "-o", str(tmp_path / "r.md")])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "nope" in lines[0] and "Traceback" not in result.output
    assert not (tmp_path / "r.md").exists()


def test_empty_file_is_an_error_naming_it(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    result = runner.invoke(app, ["report", str(empty), "-o", str(tmp_path / "r.md")])
    assert result.exit_code == 2
    assert "empty.txt" in result.stderr and "empty" in result.stderr.split("empty.txt", 1)[1]
    assert not (tmp_path / "r.md").exists()


def test_binary_and_unknown_extension_are_errors(tmp_path: Path) -> None:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    unknown = tmp_path / "notes.docx"
    unknown.write_text("hello")
    for path in (binary, unknown):
        result = runner.invoke(app, ["report", str(path), "-o", str(tmp_path / "r.md")])
        assert result.exit_code == 2, result.output
        assert path.name in result.stderr
        assert "Traceback" not in result.output


def test_folder_without_articles_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    result = runner.invoke(app, ["report", str(tmp_path / "articles"), "-o", str(tmp_path / "r.md")])
    assert result.exit_code == 2
    assert "no articles" in result.stderr


def test_report_refuses_to_overwrite_an_input(tmp_path: Path, cache_path: Path) -> None:
    article = tmp_path / "kyodo_a.txt"
    original = Path("fixtures/nato-2022/kyodo_kishida-nato-summit.txt").read_text()
    article.write_text(original)
    result = runner.invoke(app, ["report", str(article), "-o", str(article), "--cache", str(cache_path)])
    assert result.exit_code == 2
    assert "input file" in result.stderr
    assert article.read_text() == original


def test_rules_list_prints_every_rule() -> None:
    result = runner.invoke(app, ["rules", "list"])
    assert result.exit_code == 0
    for rule in builtin_rules():
        assert f"{rule.code}  {rule.name}" in result.stdout


def test_help_has_examples() -> None:
    result = runner.invoke(app, ["report", "--help"])
    assert result.exit_code == 0
    assert "checker report fixtures/nato-2022" in result.stdout


def test_hundreds_of_notes_are_cut_short_on_stderr_and_kept_whole_in_the_report(tmp_path: Path, cache_path: Path) -> None:
    from checker.cli import NOTES_SHOWN

    scans = tmp_path / "scans"
    scans.mkdir()
    for n in range(NOTES_SHOWN + 5):
        (scans / f"scan-{n:02d}.pdf").write_bytes(b"%PDF-1.4")  # each is skipped, with a note
    out = tmp_path / "report.md"
    args = ["report", "fixtures/nato-2022", str(scans), "-o", str(out), "--cache", str(cache_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    notes = [line.removeprefix("- ") for line in out.read_text().partition("\nNotes:\n\n")[2].split("\n\n")[0].splitlines()]
    assert len(notes) > NOTES_SHOWN + 5 and sum("scan-" in note for note in notes) == NOTES_SHOWN + 5
    warnings = [line for line in result.stderr.splitlines() if line.startswith("checker: warning: ")]
    assert len(warnings) == NOTES_SHOWN + 1
    assert warnings[-1] == f"checker: warning: and {len(notes) - NOTES_SHOWN} more notes (the markdown report lists them all)"
