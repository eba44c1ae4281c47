"""Files: inputs are only read, outputs are written whole or not at all, and an output
path that is an input is refused (report, check, baseline), through the real CLI."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from checker import baseline
from checker.cli import app
from checker.report import write_output

runner = CliRunner()
PORT = ROOT / "fixtures" / "port-strike-2024"
RULE = """\
rules:
  - id: so-called-label
    kind: pattern
    message: 'Distancing word "{match}"'
    severity: info
    words: [so-called]
"""


pytestmark = pytest.mark.usefixtures("cli_shares_model")


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """Articles (one of them twice), a JSONL manifest, a rule file and a baseline."""
    folder = tmp_path / "inputs"
    articles = folder / "articles"
    articles.mkdir(parents=True)
    for source in sorted(PORT.glob("*.txt")):
        shutil.copy(source, articles / source.name)
    shutil.copy(PORT / "coastwire_kellsmouth-port-shut.txt", articles / "coastwire_copy.txt")  # a duplicate
    body = (ROOT / "fixtures" / "flood-relief-2023" / "meridianwire_marven-flood.txt").read_text(encoding="utf-8")
    (folder / "feed.jsonl").write_text(json.dumps({"text": body, "outlet": "Meridian Wire"}) + "\n", encoding="utf-8")
    (folder / "rules").mkdir()
    (folder / "rules" / "mine.yaml").write_text(RULE, encoding="utf-8")
    (folder / "baseline.json").write_text(baseline.dumps(baseline.from_findings([])), encoding="utf-8")
    return folder


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_no_command_modifies_or_adds_an_input_file(inputs: Path, tmp_path: Path, cache_path: Path) -> None:
    before = _hashes(inputs)
    out = tmp_path / "out"
    sources = [str(inputs / "articles"), str(inputs / "feed.jsonl")]
    common = ["--rules", str(inputs / "rules"), "--cache", str(cache_path)]
    runs = [
        ["report", *sources, "-o", str(out / "report.md"), *common],
        ["report", *sources, "-o", str(out / "report.json"), "--format", "json", *common],
        ["check", *sources, "--baseline", str(inputs / "baseline.json"), "--fail-on", "info", "-o", str(out / "check.sarif"), "--format", "sarif", *common],
        ["baseline", *sources, "-o", str(out / "baseline.json"), *common],
        ["add", *sources, "--store", str(out / "store.sqlite"), "--cache", str(cache_path)],
    ]
    for args in runs:
        result = runner.invoke(app, args)
        assert result.exit_code in (0, 1), (args[0], result.output)
    assert _hashes(inputs) == before  # same files, same bytes: nothing modified, nothing left behind


@pytest.mark.parametrize(
    ("command", "target", "extra"),
    [
        ("report", "articles/coastwire_kellsmouth-port-shut.txt", []),  # an article the run read
        ("report", "articles/coastwire_copy.txt", []),  # a duplicate, left out of the result
        ("check", "baseline.json", ["--baseline", "{inputs}/baseline.json"]),
        ("check", "feed.jsonl", []),  # a manifest
        ("baseline", "rules/mine.yaml", []),  # a rule file
        ("baseline", "articles/dailyledger_kellsmouth-walkout.txt", []),
    ],
)
def test_an_output_path_that_is_an_input_is_refused(inputs: Path, cache_path: Path, command: str, target: str, extra: list[str]) -> None:
    victim = inputs / target
    original = victim.read_bytes()
    args = [command, str(inputs / "articles"), str(inputs / "feed.jsonl"), "--rules", str(inputs / "rules")]
    args += [e.format(inputs=inputs) for e in extra] + ["-o", str(victim), "--cache", str(cache_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"checker: error: {victim}: refusing to overwrite an input file") and "choose another -o path" in line
    assert "Traceback" not in result.output
    assert victim.read_bytes() == original


def test_other_files_in_an_input_folder_may_be_replaced(inputs: Path, cache_path: Path) -> None:
    """Only files a run reads are protected: a SARIF file beside the articles is not one."""
    sarif = inputs / "articles" / "checker.sarif"
    sarif.write_text("old", encoding="utf-8")
    result = runner.invoke(app, ["check", str(inputs / "articles"), "--format", "sarif", "-o", str(sarif), "--cache", str(cache_path)])
    assert result.exit_code in (0, 1), result.output
    assert json.loads(sarif.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_a_cache_path_that_is_an_article_is_refused_and_left_alone(inputs: Path, tmp_path: Path) -> None:
    article = inputs / "articles" / "dailyledger_kellsmouth-walkout.txt"
    original = article.read_bytes()
    result = runner.invoke(app, ["report", str(inputs / "articles"), "-o", str(tmp_path / "r.md"), "--cache", str(article)])
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert f"{article}: cannot be used as the cache (file is not a database)" in line
    assert article.read_bytes() == original and not (tmp_path / "r.md").exists()


def test_a_failed_write_keeps_the_previous_report_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    report.write_text("previous report\n", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):  # a lone surrogate cannot be written as UTF-8
        write_output("new report, half written \ud800 and never finished", report)
    assert report.read_text(encoding="utf-8") == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]
    write_output("new report\n", report)
    assert report.read_text(encoding="utf-8") == "new report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]
