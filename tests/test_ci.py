"""`checker check`, `baseline` and `diff` on the command line, and the ready-made CI:
the GitHub Actions workflow in docs/ci.md and the pre-commit hook, run command by command.

Runs that need the pipeline use the session's embedding cache, so no test loads the
model again; the pre-commit hook runs as a real subprocess through the installed
``checker`` script.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import ROOT, SEED_CONFIG, SEEDS
from typer.testing import CliRunner

from checker import baseline
from checker.cli import app
from checker.models import Severity

runner = CliRunner()
SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
CI_DOC = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
KUNA = "kuna_japan-pm-nato-partnership.txt"


def _check(*args: str, env: dict | None = None):
    return runner.invoke(app, list(args), env=env)


def _at_or_above(findings, level: Severity) -> bool:
    return any(f.severity.rank <= level.rank for f in findings)


# --------------------------------------------------------------------------- exit codes


def test_check_exit_codes_follow_fail_on_baseline_and_ignore_rules(seed_default_result, cache_path, tmp_path) -> None:
    findings = seed_default_result.findings
    errors = [f for f in findings if f.severity is Severity.ERROR]
    assert errors and any(f.severity is Severity.WARNING for f in findings)  # the name variant, framing...
    common = ["check", "fixtures/nato-2022", *SEED_CONFIG, "--cache", str(cache_path), "-o", str(tmp_path / "out.md")]
    for level in ("error", "warning", "info"):
        result = _check(*common, "--fail-on", level)
        assert result.exit_code == 1, (level, result.output)
        assert f"at or above {level}: failed" in result.stderr
    assert _check(*common).exit_code == 1  # --fail-on error is the default

    accepted = tmp_path / "errors-accepted.json"
    accepted.write_text(baseline.dumps(baseline.from_findings(errors)), encoding="utf-8")
    passed = _check(*common, "--baseline", str(accepted))
    assert passed.exit_code == 0, passed.output
    assert f"{len(findings) - len(errors)} findings, {len(errors)} baselined; none at or above error: passed" in passed.stderr
    assert _check(*common, "--baseline", str(accepted), "--fail-on", "warning").exit_code == 1

    rules = tmp_path / "ignore.yaml"
    rules.write_text(
        "rules:\n"
        + "".join(
            f"  - id: accepted-{i}\n    kind: ignore\n    rule: {f.rule}\n    match: {f.fingerprint}\n    reason: checked by hand\n"
            for i, f in enumerate(errors)
        ),
        encoding="utf-8",
    )
    ignored = _check(*common, "--rules", str(rules))
    assert ignored.exit_code == 0, ignored.output
    assert "baselined" not in (tmp_path / "out.md").read_text()


def test_usage_errors_exit_2() -> None:
    assert _check("check").exit_code == 2  # no paths
    assert _check("check", "fixtures/nato-2022", *SEED_CONFIG, "--fail-on", "fatal").exit_code == 2
    assert _check("baseline", "fixtures/nato-2022").exit_code == 2  # -o is required


# --------------------------------------------------------------------------- baselines


def test_baseline_round_trip_through_the_cli(seed_default_result, cache_path, tmp_path) -> None:
    file = tmp_path / "new" / "folder" / "checker-baseline.json"
    made = _check("baseline", "fixtures/nato-2022", *SEED_CONFIG, "--cache", str(cache_path), "-o", str(file))
    assert made.exit_code == 0, made.output
    n = len(seed_default_result.findings)
    assert f"wrote {file}: {n} findings baselined" in made.stderr
    first = file.read_bytes()
    assert _check("baseline", "fixtures/nato-2022", *SEED_CONFIG, "--cache", str(cache_path), "-o", str(file)).exit_code == 0
    assert file.read_bytes() == first  # regenerating an unchanged baseline changes nothing

    summary_file = tmp_path / "step-summary.md"
    summary_file.write_text("earlier step\n", encoding="utf-8")
    out = tmp_path / "out.json"
    checked = _check(
        "check", "fixtures/nato-2022", *SEED_CONFIG, "--cache", str(cache_path), "--baseline", str(file), "--fail-on", "info",
        "--format", "json", "-o", str(out), env={"GITHUB_STEP_SUMMARY": str(summary_file)},
    )
    assert checked.exit_code == 0, checked.output
    data = json.loads(out.read_text())
    assert data["findings"] == [] and len(data["baselined"]) == n
    assert data["summary"]["baselined"] == n and data["summary"]["failing"] == 0
    step = summary_file.read_text()
    assert step.startswith("earlier step\n\n## checker check: passed\n")  # appended, not replaced
    assert f"{n} baselined (accepted in {file}, not shown)." in step.replace("\\_", "_")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such baseline file"),
        ('{"kind": "checker-baseline", "version": 1, "findings": [', "is not valid JSON"),
        ('{"kind": "checker-baseline", "version": 0, "findings": []}', "is baseline format version 0"),
        ('{"version": 1, "articles": [], "findings": []}', "is a checker JSON report, not a baseline"),
    ],
)
def test_unusable_baseline_exits_2_and_writes_nothing(tmp_path, content, message) -> None:
    file = tmp_path / "checker-baseline.json"
    if content is not None:
        file.write_text(content, encoding="utf-8")
    summary_file = tmp_path / "step-summary.md"
    summary_file.write_text("earlier step\n", encoding="utf-8")
    out = tmp_path / "reports" / "out.sarif"
    result = _check(
        "check", "fixtures/nato-2022", *SEED_CONFIG, "--baseline", str(file), "--format", "sarif", "-o", str(out),
        env={"GITHUB_STEP_SUMMARY": str(summary_file)},
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"checker: error: {file}: ") and message in lines[0]
    assert "checker baseline" in lines[0]  # says how to fix it
    assert not out.parent.exists() and summary_file.read_text() == "earlier step\n"


# --------------------------------------------------------------------------- outputs


def test_check_output_is_byte_identical_across_runs_and_input_orders(cache_path, tmp_path) -> None:
    files = sorted(str(p.relative_to(ROOT)) for p in SEEDS.glob("*.txt"))
    for fmt in ("json", "sarif"):
        outputs = []
        for n, paths in enumerate((["fixtures/nato-2022"], list(reversed(files)))):
            out = tmp_path / f"{fmt}{n}" / f"out.{fmt}"  # folders that do not exist yet
            assert _check("check", *paths, "--cache", str(cache_path), "--format", fmt, "-o", str(out)).exit_code == 1
            outputs.append(out.read_bytes())
        assert outputs[0] == outputs[1]
        assert str(ROOT).encode() not in outputs[0] and b"fixtures/nato-2022/kyodo_kishida-nato-summit.txt" in outputs[0]
    assert jsonschema.Draft4Validator(SCHEMA).is_valid(json.loads(outputs[0]))
    stamped = _check("check", "fixtures/nato-2022", *SEED_CONFIG, "--cache", str(cache_path), "--format", "json", "-o", "-", "--timestamp")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", json.loads(stamped.stdout)["generated_at"])


def test_github_format_prints_only_workflow_commands(cache_path) -> None:
    result = _check("check", "fixtures/nato-2022", *SEED_CONFIG, "--cache", str(cache_path), "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines and all(re.match(r"::(error|warning|notice) file=fixtures/nato-2022/[^,]+\.txt,line=\d+,", line) for line in lines)
    assert any("::error file=fixtures/nato-2022/zh-translation_four-leaders-madrid.txt," in line and "Yoon Seok-wyeh" in line for line in lines)


# --------------------------------------------------------------------------- diff


def _copy_seed_settings(project: Path) -> None:
    """The seeds' checker.toml and topic rules at the project's root, where a plain
    `checker` command run there finds them."""
    shutil.copy(SEEDS / "checker.toml", project / "checker.toml")
    shutil.copytree(SEEDS / "claims", project / "claims")


def _copy_articles(folder: Path, names, edit=lambda name, text: text) -> None:
    folder.mkdir(parents=True)
    for name in names:
        (folder / name).write_text(edit(name, (SEEDS / name).read_text(encoding="utf-8")), encoding="utf-8")


def test_diff_lists_added_resolved_and_unchanged(cache_path, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _copy_seed_settings(tmp_path)
    madrid = ["kyodo_kishida-nato-summit.txt", "zh-translation_four-leaders-madrid.txt"]
    _copy_articles(Path("before"), madrid)
    # The change: KUNA's article is added and the zh translation's misspelt name fixed.
    _copy_articles(Path("after"), madrid + [KUNA], lambda n, t: t.replace("Yoon Seok-wyeh", "Yoon Suk Yeol"))
    for name in ("before", "after"):
        made = _check("report", name, "--cache", str(cache_path), "--format", "json", "-o", f"{name}.json")
        assert made.exit_code == 0, made.output
    old, new = (json.loads(Path(f"{n}.json").read_text()) for n in ("before", "after"))
    old_fps = {f["fingerprint"] for f in old["findings"]}
    new_fps = {f["fingerprint"] for f in new["findings"]}
    name_variant = next(f["fingerprint"] for f in old["findings"] if f["rule"] == "CK101")
    assert name_variant not in new_fps
    assert new_fps - old_fps and old_fps & new_fps  # something added, something kept

    result = _check("diff", "before.json", "after.json", "-o", "comment/diff.md")
    assert result.exit_code == 0, result.output
    added, resolved, unchanged = new_fps - old_fps, old_fps - new_fps, old_fps & new_fps
    assert f"checker: {len(added)} added, {len(resolved)} resolved, {len(unchanged)} unchanged" in result.stderr
    text = Path("comment/diff.md").read_text()
    sections = re.split(r"^### |^<details>", text, flags=re.MULTILINE)
    found = {title.split(" ", 1)[0]: set(re.findall(r"`([0-9a-f]{20})`", body)) for title, body in
             ((s.split("\n", 1)[0], s) for s in sections[1:])}
    assert found["Added"] == added and found["Resolved"] == resolved
    assert found["<summary>Unchanged"] == unchanged
    assert name_variant in found["Resolved"]
    assert f"{len(added)} added, {len(resolved)} resolved, {len(unchanged)} unchanged (old: before.json, new: after.json)." in text

    added_severities = {f["severity"] for f in new["findings"] if f["fingerprint"] in added}
    assert _check("diff", "before.json", "after.json", "--fail-on", "info").exit_code == 1
    expected = 1 if "error" in added_severities else 0
    assert _check("diff", "before.json", "after.json", "--fail-on", "error").exit_code == expected
    Path("broken.json").write_text('{"version": 1, "findings": [{"rule": "CK101"}]}')
    broken = _check("diff", "before.json", "broken.json")
    assert broken.exit_code == 2 and "broken.json: is corrupt" in broken.stderr
    assert _check("diff", "before.json", "missing.json").exit_code == 2


# --------------------------------------------------------------------------- ready-made CI


def _yaml_block(containing: str) -> dict | list:
    blocks = re.findall(r"```yaml\n(.*?)```", CI_DOC, flags=re.DOTALL)
    (block,) = [b for b in blocks if containing in b]
    return yaml.safe_load(block)


def _seed_cache(project: Path, cache_path: Path) -> None:
    """The session's embeddings, copied to where a plain `checker` command looks."""
    target = project / ".checker" / "embeddings.sqlite"
    target.parent.mkdir(parents=True)
    with sqlite3.connect(cache_path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)


def test_the_github_workflow_runs_as_written(seed_result, cache_path, tmp_path, monkeypatch) -> None:
    workflow = _yaml_block("jobs:")
    steps = workflow["jobs"]["check"]["steps"]
    commands = [s["run"] for s in steps if "run" in s]
    installs = [c for c in commands if c.startswith("python -m pip install ")]
    checks = [c for c in commands if c.startswith("checker ")]
    assert len(installs) == 2 and len(installs) + len(checks) == len(commands)  # nothing else to run
    for command in checks:
        assert not re.search(r"[|&;<>`$\\\n]", command), command  # plain argv: no shell needed
    (baseline_command,) = re.findall(r"^checker baseline .*$", CI_DOC, flags=re.MULTILINE)

    # The project: main had the Kyodo and zh articles and committed a baseline of them;
    # the pull request adds KUNA's article. The workflow checks out main under base/.
    madrid = ["kyodo_kishida-nato-summit.txt", "zh-translation_four-leaders-madrid.txt"]
    project = tmp_path / "project"
    _copy_articles(project / "articles", madrid + [KUNA])
    _copy_articles(project / "base" / "articles", madrid)
    _copy_seed_settings(project)  # found from project/base too: the nearest one above
    _seed_cache(project, cache_path)
    _seed_cache(project / "base", cache_path)
    monkeypatch.chdir(project / "base")
    made = _check(*shlex.split(baseline_command)[1:])
    assert made.exit_code == 0, made.output
    shutil.copy("checker-baseline.json", project / "checker-baseline.json")
    monkeypatch.chdir(project)

    summary_file = project / "step-summary.md"
    codes = {}
    for command in checks:
        result = _check(*shlex.split(command)[1:], env={"GITHUB_STEP_SUMMARY": str(summary_file), "CI": "true"})
        assert result.exit_code in (0, 1), f"{command}: {result.output}"
        codes[command] = (result.exit_code, result.stdout)

    github_step, sarif_step = checks[0], checks[1]
    assert "--format github" in github_step and "--format sarif" in sarif_step
    sarif = json.loads(Path("checker.sarif").read_text())
    assert jsonschema.Draft4Validator(SCHEMA).is_valid(sarif)
    results = sarif["runs"][0]["results"]
    new = [r for r in results if "suppressions" not in r]
    assert new and all(r["baselineState"] == "new" for r in new)  # KUNA's article brings new findings
    assert any(r["baselineState"] == "unchanged" for r in results)  # the baselined ones
    exit_code, annotations = codes[github_step]
    assert exit_code == (1 if any(r["level"] == "error" for r in new) else 0)
    lines = annotations.splitlines()
    assert len(lines) == sum(1 + len(r.get("relatedLocations", [])) for r in new)
    assert all(line.startswith("::") and Path(re.match(r"::\w+ file=([^,]+),", line).group(1)).is_file() for line in lines)
    assert codes[sarif_step][0] == 1  # --fail-on info with new findings; the step continues on error
    assert summary_file.read_text().count("## checker check: ") == 2  # both check steps

    uploads = [s["with"] for s in steps if "uses" in s and "with" in s]
    produced = [w.get("sarif_file") or w.get("path") for w in uploads if "sarif_file" in w or w.get("header") == "checker"]
    assert produced == ["checker.sarif", "reports/diff.md"] and all(Path(p).is_file() for p in produced)
    diff = Path("reports/diff.md").read_text()
    assert re.search(r"^\d+ added, \d+ resolved, \d+ unchanged \(old: reports/base\.json", diff, flags=re.MULTILINE)
    assert "### Added (0)" not in diff


def test_the_pre_commit_hook_runs_as_written(seed_default_result, cache_path, tmp_path) -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "checker" and hook["language"] == "python" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("articles/kyodo_a.txt") and files.search("claims/house.yaml") and not files.search("checker/cli.py")
    config = _yaml_block("repos:")
    (configured,) = [h for repo in config["repos"] for h in repo["hooks"] if h["id"] == hook["id"]]

    project = tmp_path / "project"
    _copy_articles(project / "articles", [p.name for p in sorted(SEEDS.glob("*.txt"))])
    _copy_seed_settings(project)
    _seed_cache(project, cache_path)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("GITHUB_STEP_SUMMARY", None)
    argv = shlex.split(hook["entry"]) + list(configured["args"])
    file = project / "checker-baseline.json"

    # A baseline without today's errors (a commit that brings a new error) fails ...
    errors = [f for f in seed_default_result.findings if f.severity is Severity.ERROR]
    file.write_text(baseline.dumps(baseline.from_findings(f for f in seed_default_result.findings if f not in errors)))
    failed = subprocess.run(argv, check=False, cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert failed.returncode == 1, failed.stderr
    assert failed.stdout.startswith(f"## checker check: failed\n\n{len(errors)} finding")
    # ... and once the findings are accepted, the commit passes.
    file.write_text(baseline.dumps(baseline.from_findings(seed_default_result.findings)))
    done = subprocess.run(argv, check=False, cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("## checker check: passed\n")
    assert f"{len(seed_default_result.findings)} baselined" in done.stdout
