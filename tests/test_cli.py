"""The command line: exit codes, one-line errors, output files (driven with CliRunner)."""

from __future__ import annotations

from pathlib import Path

from conftest import SEED_CONFIG
from typer.testing import CliRunner

from checker.cli import app
from checker.rules import builtin_rules

runner = CliRunner()


def test_report_writes_the_file_and_says_so(tmp_path: Path, cache_path: Path) -> None:
    out = tmp_path / "deep" / "report.md"
    result = runner.invoke(app, ["report", "fixtures/nato-2022", *SEED_CONFIG, "-o", str(out), "--cache", str(cache_path)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.startswith("# Claim consistency report")
    assert "## Story 2022-06-29-madrid" in text
    assert f"wrote {out}" in result.stderr


def test_report_to_stdout_as_json(cache_path: Path) -> None:
    import json

    result = runner.invoke(app, ["report", "fixtures/nato-2022", *SEED_CONFIG, "-o", "-", "--format", "json", "--cache", str(cache_path)])
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
    args = ["report", "fixtures/nato-2022", *SEED_CONFIG, str(scans), "-o", str(out), "--cache", str(cache_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    notes = [line.removeprefix("- ") for line in out.read_text().partition("\nNotes:\n\n")[2].split("\n\n")[0].splitlines()]
    assert len(notes) > NOTES_SHOWN + 5 and sum("scan-" in note for note in notes) == NOTES_SHOWN + 5
    warnings = [line for line in result.stderr.splitlines() if line.startswith("checker: warning: ")]
    assert len(warnings) == NOTES_SHOWN + 1
    assert warnings[-1] == f"checker: warning: and {len(notes) - NOTES_SHOWN} more notes (the markdown report lists them all)"


# --------------------------------------------------------------------------- rule selection


def _rules_found(*args: str, cache_path: Path) -> set[str]:
    import json

    result = runner.invoke(app, ["report", *args, "-o", "-", "--format", "json", "--cache", str(cache_path)])
    assert result.exit_code == 0, result.output
    return {f["rule"] for f in json.loads(result.stdout)["findings"]}


def test_select_ignore_and_extend_select_pick_rules_by_code_name_id_or_pack(cache_path: Path) -> None:
    seeds = ("fixtures/nato-2022", *SEED_CONFIG)
    every = _rules_found(*seeds, cache_path=cache_path)
    assert {"CK101", "yoon-suk-yeol", "russia-ukraine-war", "china-assertiveness"} <= every and "CK108" not in every  # preview: off
    assert _rules_found(*seeds, "--select", "CK101", cache_path=cache_path) == {"CK101"}
    assert _rules_found(*seeds, "--select", "name-variant,yoon-suk-yeol", cache_path=cache_path) == {"CK101", "yoon-suk-yeol"}
    assert _rules_found(*seeds, "--ignore", "names", "--ignore", "CK101", cache_path=cache_path) == every - {"yoon-suk-yeol", "CK101"}
    assert _rules_found(*seeds, "--extend-select", "list-difference", cache_path=cache_path) == every | {"CK108"}
    assert _rules_found(*seeds, "--preview", cache_path=cache_path) >= every | {"CK102", "CK108"}
    assert "russia-ukraine-war" not in _rules_found("fixtures/nato-2022", cache_path=cache_path)  # an opt-in pack
    assert "russia-ukraine-war" in _rules_found("fixtures/nato-2022", "--extend-select", "russia-ukraine", cache_path=cache_path)


def test_a_selection_naming_no_rule_is_a_one_line_error(tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    result = runner.invoke(app, ["report", "fixtures/nato-2022", "--select", "name-varient", "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert result.stderr == "checker: error: no rule or pack is called 'name-varient' (did you mean 'name-variant'?)\n"


def test_settings_are_found_from_the_working_folder_upward(tmp_path: Path, cache_path: Path, monkeypatch) -> None:
    import shutil

    root = Path.cwd()
    project = tmp_path / "desk"
    shutil.copytree(root / "fixtures" / "nato-2022", project / "articles", ignore=shutil.ignore_patterns("*.toml", "claims", "*.yaml"))
    (project / "pyproject.toml").write_text('[project]\nname = "desk"\n\n[tool.checker]\nselect = ["CK101"]\n')
    (project / "articles" / "today").mkdir()
    monkeypatch.chdir(project / "articles" / "today")
    assert _rules_found("..", cache_path=cache_path) == {"CK101"}
    assert _rules_found("..", "--select", "yoon-suk-yeol", cache_path=cache_path) == {"yoon-suk-yeol"}  # the command line wins
    (project / "checker.toml").write_text('selct = ["CK101"]\n')  # checker.toml comes before pyproject.toml
    bad = runner.invoke(app, ["report", "..", "-o", "-"])
    assert bad.exit_code == 2
    assert bad.stderr == f"checker: error: {project / 'checker.toml'}: unknown setting 'selct' (did you mean 'select'?)\n"
    (project / "checker.toml").write_text("select = CK101\n")
    broken = runner.invoke(app, ["report", "..", "-o", "-"])
    assert broken.exit_code == 2 and broken.stderr.startswith(f"checker: error: {project / 'checker.toml'}: not valid TOML")


def _stderr_on_a_terminal(args: list[str]) -> str:
    """Run ``checker ARGS`` with stderr on a pseudo-terminal (as a person at a terminal sees
    it) and return what it drew there."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal 100 wide
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    done = subprocess.run([sys.executable, "-m", "checker.cli", *args], stderr=child, stdout=subprocess.DEVNULL, env=env, check=False)
    os.close(child)
    drawn = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal's other end is closed: all read
            break
        if not chunk:
            break
        drawn += chunk
    os.close(main)
    assert done.returncode == 0, drawn
    return drawn.decode(errors="replace")


def test_progress_bars_on_a_terminal_and_quiet_hides_them(tmp_path: Path) -> None:
    # No cache: a cached result has no stages to show.
    report = ["report", "fixtures/nato-2022", *SEED_CONFIG, "-o", str(tmp_path / "r.md"), "--no-cache"]
    assert "segmenting" in _stderr_on_a_terminal(report)
    assert "segmenting" not in _stderr_on_a_terminal(["--quiet", *report])
