"""The ``checker`` command: each command is one library call plus error mapping.

Exit codes: 0 success, 1 findings at or above ``--fail-on`` (``check``), 2 usage, input
or rule-file errors. Errors are one line on stderr naming the file and what to do; a
traceback only with ``--debug``.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from contextlib import ExitStack
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import CheckerError, InputError

app = typer.Typer(
    help="Find where news outlets reporting one event disagree: names, framing, numbers, dates, quotes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="List the rules.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

_state = {"debug": False}


class Format(str, Enum):
    markdown = "markdown"
    json = "json"


class StoryMode(str, Enum):
    auto = "auto"
    folders = "folders"


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"checker: error: {message}", err=True)
    raise typer.Exit(code)


def _run(action: Callable[[], int | None]) -> None:
    """Run a library call, mapping the project's errors to one line and exit code 2."""
    try:
        code = action() or 0
    except CheckerError as exc:
        if _state["debug"]:
            traceback.print_exc()
        _fail(str(exc))
    except KeyboardInterrupt:
        _fail("interrupted; nothing was written", 130)
    except Exception as exc:  # a bug: say so in one line unless debugging
        if _state["debug"]:
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
    else:
        raise typer.Exit(code)


def _progress_enabled() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def _progress_factory(stack: ExitStack):
    if not _progress_enabled():
        return lambda stage, total: (lambda n: None)
    from tqdm import tqdm

    def factory(stage: str, total: int):
        bar = stack.enter_context(tqdm(total=total, desc=stage, unit="sentence", leave=False, file=sys.stderr))
        return bar.update

    return factory


def _default_output(paths: list[Path], fmt: Format) -> Path:
    first = paths[0].resolve()
    name = first.stem if first.is_file() else first.name
    return Path("reports") / f"{name or 'report'}.{'md' if fmt is Format.markdown else 'json'}"


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    _state["debug"] = debug


@app.command()
def report(
    paths: Annotated[list[Path], typer.Argument(help="Article files or folders (.txt .md .html, .jsonl/.csv manifests).")],
    output: Annotated[Optional[str], typer.Option("-o", "--output", help="Where to write; '-' for stdout. Default: reports/<name>.md")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.markdown,
    model: Annotated[str, typer.Option("--model", help="sentence-transformers model name or local path.")] = "all-MiniLM-L6-v2",
    rules: Annotated[Optional[list[Path]], typer.Option("--rules", help="Extra YAML rule folder or file (repeatable).")] = None,
    stories: Annotated[StoryMode, typer.Option("--stories", help="'auto' groups articles by date and content; 'folders' uses sub-folders.")] = StoryMode.auto,
    cache: Annotated[Path, typer.Option("--cache", help="Embedding cache (SQLite); safe to delete.")] = Path(".checker/embeddings.sqlite"),
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write the embedding cache.")] = False,
) -> None:
    """Write a consistency report for the articles under PATHS.

    Examples:

      checker report fixtures/nato-2022

      checker report articles/ -o - --format json
    """

    def action() -> None:
        from .pipeline import Settings, check
        from .report import render, write_output

        settings = Settings(
            model=model,
            cache=None if no_cache else cache,
            story_from_folders=stories is StoryMode.folders,
            rule_paths=tuple(rules or ()),
        )
        with ExitStack() as stack:
            result = check(paths, settings, progress=_progress_factory(stack))
        text = render(result, fmt.value)
        destination = output or str(_default_output(paths, fmt))
        write_output(text, destination, protect=tuple(a.path for a in result.articles))
        if destination != "-":
            typer.echo(
                f"wrote {destination}: {len(result.articles)} articles, {len(result.stories)} stories, "
                f"{len(result.claims)} shared claims, {len(result.findings)} findings",
                err=True,
            )
        for note in result.notes:
            typer.echo(f"checker: warning: {note}", err=True)

    _run(action)


@rules_app.command("list")
def rules_list() -> None:
    """Print every built-in rule: code, name, default severity and summary."""

    def action() -> None:
        from .rules import builtin_rules

        for rule in builtin_rules():
            typer.echo(f"{rule.code}  {rule.name:<18} {rule.severity.value:<8} {rule.summary()}")

    _run(action)


eval_app = typer.Typer(help="Measure quality on labelled pairs and fixture stories.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


class Task(str, Enum):
    claim = "claim"
    name = "name"


class EvalFormat(str, Enum):
    text = "text"
    json = "json"


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


@eval_app.command("pairs")
def eval_pairs(
    file: Annotated[Path, typer.Argument(help='JSONL of {"a", "b", "label"} (or "score" 0..5).')],
    task: Annotated[Task, typer.Option("--task", help="claim: same-claim decision; name: name linking.")] = Task.claim,
    threshold: Annotated[Optional[float], typer.Option("--threshold", help="Cut to use instead of the shipped one.")] = None,
    sweep: Annotated[bool, typer.Option("--sweep", help="Also find the best-F1 threshold.")] = False,
    fmt: Annotated[EvalFormat, typer.Option("--format", help="text or json.")] = EvalFormat.text,
    cache: Annotated[Path, typer.Option("--cache", help="Embedding cache (claim task).")] = Path(".checker/embeddings.sqlite"),
) -> None:
    """Precision, recall and F1 (or Spearman) of the pipeline's own decision on labelled pairs.

    Examples:

      checker eval pairs ../shared/eval/claim_pairs_ecbplus.jsonl --task claim --sweep

      checker eval pairs names.jsonl --task name --format json
    """

    def action() -> None:
        import json
        from dataclasses import asdict

        from .cache import Cache
        from .eval import evaluate_pairs, pair_scores, read_pairs

        pairs = read_pairs(file)
        scores = pair_scores(task.value, pairs, cache=Cache(cache))
        result = evaluate_pairs(task.value, str(file), pairs, scores, threshold, sweep)
        if fmt is EvalFormat.json:
            typer.echo(json.dumps(asdict(result), indent=2, sort_keys=True))
            return
        typer.echo(f"{result.path}: {result.pairs} pairs, task {result.task}")
        if result.spearman is not None:
            typer.echo(f"Spearman {result.spearman:.3f}")
            return
        typer.echo(f"threshold {result.threshold:.3f}: precision {_fmt(result.precision)}  recall {_fmt(result.recall)}  F1 {_fmt(result.f1)}")
        if sweep:
            typer.echo(
                f"best threshold {result.best_threshold:.3f}: precision {_fmt(result.best_precision)}  "
                f"recall {_fmt(result.best_recall)}  F1 {_fmt(result.best_f1)}"
            )

    _run(action)


@eval_app.command("findings")
def eval_findings(
    folders: Annotated[list[Path], typer.Argument(help="Fixture story folders, each with an expected.yaml.")],
    cache: Annotated[Path, typer.Option("--cache", help="Embedding cache (SQLite).")] = Path(".checker/embeddings.sqlite"),
) -> None:
    """Run the pipeline on fixture stories and compare with their expected.yaml.

    Exit 1 when an expected finding is missed (known misses aside) or a trap is flagged.

    Example:

      checker eval findings fixtures/*/
    """

    def action() -> int:
        from .eval import load_expectations, score_fixture, score_rules
        from .pipeline import Settings, check

        scores = []
        failed = False
        for folder in folders:
            expected_file = folder / "expected.yaml"
            if not expected_file.is_file():
                raise InputError(f"{folder}: no expected.yaml; see fixtures/README.md for the format")
            expected, traps = load_expectations(expected_file)
            result = check([folder], Settings(cache=cache))
            score = score_fixture(folder.name, result, expected, traps)
            scores.append(score)
            typer.echo(f"{folder}: {len(score.found)}/{len(expected)} expected found, {len(score.trap_hits)} traps hit, {len(score.unexpected)} unexpected")
            for miss in score.missed:
                typer.echo(f"  missed {miss.rule} {list(miss.contains)}" + (f" (known miss: {miss.known_miss})" if miss.known_miss else ""))
                failed |= not miss.known_miss
            for trap, finding in score.trap_hits:
                typer.echo(f"  trap {trap.rule} {list(trap.contains)} hit by {finding.rule} {finding.name}: {finding.message}")
                failed = True
            for finding in score.unexpected:
                typer.echo(f"  unexpected {finding.rule} {finding.name} ({finding.severity.value}): {finding.message}")
        typer.echo("")
        typer.echo(f"{'rule':<18} {'findings':>8} {'precision':>9} {'expected':>8} {'recall':>6}")
        for row in score_rules(scores):
            typer.echo(f"{row.rule:<18} {row.findings:>8} {_fmt(row.precision):>9} {row.expected:>8} {_fmt(row.recall):>6}")
        return 1 if failed else 0

    _run(action)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
