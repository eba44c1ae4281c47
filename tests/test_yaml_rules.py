"""The YAML rule language: validation layers, safety limits, each kind, rule tests, CLI, docs."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from conftest import SEEDS
from typer.testing import CliRunner

from checker.cli import app
from checker.text.names import NameRelation
from checker.errors import RuleFileError
from checker.models import Severity
from checker.rules import RuleContext, Selection, run_rules
from checker.rules.language import schema
from checker.rules.language.examples import example_story, run_all_examples, story_of
from checker.rules.ruleset import SHIPPED_RULES, build_ruleset, load_rules, read_rules, shipped_packs
from checker.rules.language.spec import ClaimRule, Example, IgnoreRule, PatternRule
from checker.rules.language.engine import YamlCheck, _ClaimReader
from checker.rules.language.source import MAX_FILE_BYTES

runner = CliRunner()
SHIPPED = load_rules()
#: The seeds' rules: the default packs, the war pack their checker.toml selects, and
#: their own topic rules (fixtures/nato-2022/claims: NATO facts, China's conduct).
SEED_RULES = load_rules([SEEDS / "claims"], selection=Selection(extend_select=("russia-ukraine",)))


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(folder: Path) -> list[str]:
    _, found = read_rules([folder], builtin=False)
    return [str(p) for p in found]


def rules_from(folder: Path):
    rules, found = read_rules([folder], builtin=False)
    assert found == []
    return build_ruleset(rules)


PATTERN = """\
rules:
  - id: so-called
    kind: pattern
    message: 'Avoid "{match}"'
    severity: info
    words: [so-called]
"""


# ------------------------------------------------------------------ validation layers


def test_yaml_syntax_error_points_at_line_and_column(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "rules:\n  - id: x\n    kind: alias\n   message: oops\n")
    assert problems(tmp_path) == [
        (
            f"{tmp_path}/a.yaml:4:4: invalid YAML: while parsing a block collection, expected <block end>, "
            "but found '<block mapping start>' (check the indentation: the keys of one rule must line up)"
        )
    ]


def test_missing_required_key(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "rules:\n  - id: yoon\n    kind: alias\n    message: m\n    severity: info\n    canonical: Yoon Suk Yeol\n")
    assert problems(tmp_path) == [
        f"{tmp_path}/a.yaml:2:5: rule 'yoon' (kind alias) is missing required key 'variants' (add variants: ...; see docs/rules.md#alias)"
    ]


def test_allowed_values_with_did_you_mean(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", PATTERN.replace("severity: info", "severity: warn").replace("kind: pattern", "kind: pattern"))
    write(tmp_path, "b.yaml", PATTERN.replace("kind: pattern", "kind: patern").replace("so-called", "other"))
    assert problems(tmp_path) == [
        f"{tmp_path}/a.yaml:5:15: 'severity' must be one of error, warning, info, not 'warn' (did you mean 'warning'?)",
        f"{tmp_path}/b.yaml:3:11: 'kind' must be one of alias, terms, claim, pattern, ignore, not 'patern' (did you mean 'pattern'?)",
    ]


def test_unknown_keys_are_errors_with_did_you_mean(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", PATTERN + "    ignore_case: false\n    canonical: X\n")
    assert problems(tmp_path) == [
        f"{tmp_path}/a.yaml:7:5: unknown key 'ignore_case' in rule 'so-called' (kind pattern) (did you mean 'ignorecase'?)",
        (
            f"{tmp_path}/a.yaml:8:5: unknown key 'canonical' in rule 'so-called' (kind pattern) "
            "('canonical' is a key of kind alias; remove it or change the kind)"
        ),
    ]


def test_wrong_types_duplicate_keys_and_bad_ids(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        "rules:\n"
        "  - id: Bad Name\n    kind: pattern\n    message: m\n    severity: info\n    words: so-called\n"
        "  - id: twice\n    kind: pattern\n    message: m\n    message: n\n    severity: info\n    words: [a, a]\n"
        "    claims_only: maybe\n",
    )
    assert problems(tmp_path) == [
        f"{tmp_path}/a.yaml:2:9: id 'Bad Name' must be lower-case words joined by '-' (write id: bad-name)",
        f"{tmp_path}/a.yaml:6:12: 'words' must be a list, not 'so-called' (write words: [so-called])",
        f"{tmp_path}/a.yaml:10:5: duplicate key 'message' in a rule, first given on line 9 (remove one)",
        f"{tmp_path}/a.yaml:12:16: 'a' is listed twice in 'words' (remove one)",
        f"{tmp_path}/a.yaml:13:18: 'claims_only' must be true or false, not 'maybe'",
    ]


def test_duplicate_ids_across_two_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", PATTERN)
    write(tmp_path, "b.yaml", "# another file\n" + PATTERN)
    assert problems(tmp_path) == [
        f"{tmp_path}/b.yaml:3:5: duplicate rule id 'so-called', first defined at {tmp_path}/a.yaml:2:5 (rename one)"
    ]


def test_ids_of_builtin_rules_and_unknown_ignore_targets_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", PATTERN.replace("id: so-called", "id: framing"))
    write(tmp_path, "b.yaml", "rules:\n  - id: quiet\n    kind: ignore\n    rule: CK1O1\n    match: Yoon\n    reason: known\n")
    assert problems(tmp_path) == [
        f"{tmp_path}/a.yaml:2:5: rule id 'framing' is the name of a built-in rule or kind (choose another id)",
        f"{tmp_path}/b.yaml:4:11: ignore rule 'quiet' names rule 'CK1O1', which does not exist (did you mean 'CK101'?)",
    ]


def test_ignore_needs_a_reason_and_takes_no_severity(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "rules:\n  - id: quiet\n    kind: ignore\n    rule: CK101\n    match: Yoon\n    severity: info\n")
    assert problems(tmp_path) == [
        f"{tmp_path}/a.yaml:2:5: rule 'quiet' (kind ignore) is missing required key 'reason' (add reason: ...; see docs/rules.md#ignore)",
        f"{tmp_path}/a.yaml:6:5: unknown key 'severity' in rule 'quiet' (kind ignore) (ignore rules take no message, severity or examples; remove it)",
    ]


@pytest.mark.parametrize(
    ("regex", "message"),
    [
        ("(?<=so-)called", "RE2 does not support look-ahead or look-behind '(?<=' (match the surrounding text instead)"),
        (r"(so)-\1", r"RE2 does not support backreferences '\1' (list the alternatives instead)"),
        ("(so-called", "regular expression does not compile: missing ): (so-called (RE2 syntax: https://github.com/google/re2/wiki/Syntax)"),
        ("(?P<x>a)(?P<x>b)", "group name 'x' is used twice (give each named group its own name)"),
    ],
)
def test_regular_expressions_that_re2_cannot_compile(tmp_path: Path, regex: str, message: str) -> None:
    write(tmp_path, "a.yaml", PATTERN.replace("words: [so-called]", f"regex: '{regex}'"))
    assert problems(tmp_path) == [f"{tmp_path}/a.yaml:6:12: {message}"]


def test_empty_matches_and_reversed_windows_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", PATTERN.replace("words: [so-called]", "regex: 'x*'"))
    write(
        tmp_path,
        "b.yaml",
        "rules:\n  - id: members\n    kind: claim\n    message: m\n    severity: error\n"
        "    regex: '(?P<members>\\d+) members'\n    agree: true\n    published: {from: 2023-04-03, to: 2022-06-01}\n",
    )
    assert problems(tmp_path) == [
        f"{tmp_path}/a.yaml:6:12: the regular expression matches empty text, so it would flag nothing (use + instead of *)",
        f"{tmp_path}/b.yaml:8:16: 'published' window ends (2022-06-01) before it starts (2023-04-03) (swap the dates)",
    ]


def test_claim_rules_check_slots_placeholders_and_what_they_can_flag(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        "rules:\n"
        "  - id: members\n    kind: claim\n    message: 'NATO has {expectd} members'\n    severity: error\n"
        "    regex: '(?P<members>\\d+) members'\n    expect: {members: 30}\n"
        "  - id: members-2\n    kind: claim\n    message: m\n    severity: error\n"
        "    sentences: ['NATO has {members} members', 'it has {count members']\n    slots: {member: number}\n"
        "    expect: {membres: thirty}\n"
        "  - id: members-3\n    kind: claim\n    message: m\n    severity: error\n    regex: '\\d+ members'\n",
    )
    assert problems(tmp_path) == [
        f"{tmp_path}/a.yaml:4:14: unknown placeholder '{{expectd}}' in message (did you mean 'expected'?; claim rules allow {{slot}}, {{values}}, {{expected}})",
        f"{tmp_path}/a.yaml:12:47: unbalanced braces in the sentence (mark each slot as {{name}})",
        f"{tmp_path}/a.yaml:13:13: slot 'member' is not captured by regex or sentences (did you mean 'members'?)",
        f"{tmp_path}/a.yaml:14:14: expect names slot 'membres', which regex and sentences do not capture (did you mean 'members'?)",
        f"{tmp_path}/a.yaml:15:5: claim rule 'members-3' needs agree: true or expect: {{slot: value}} (otherwise it can flag nothing)",
        f"{tmp_path}/a.yaml:19:12: the regular expression has no named group (capture the value as (?P<name>...))",
    ]


def test_terms_and_alias_rules_that_could_never_work(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        "rules:\n"
        "  - id: one-family\n    kind: terms\n    message: m\n    severity: info\n    concept: c\n"
        "    families:\n      - name: war\n        terms: [war]\n"
        "  - id: yoon\n    kind: alias\n    message: m\n    severity: info\n    canonical: Yoon Suk Yeol\n"
        "    variants: [Yoon Seok-wyeh, Yoon Suk Yeol]\n",
    )
    assert problems(tmp_path) == [
        f"{tmp_path}/a.yaml:8:7: a terms rule needs two families, or one marked discouraged: true (otherwise it can flag nothing)",
        f"{tmp_path}/a.yaml:15:32: variant 'Yoon Suk Yeol' is the canonical name (remove it from variants)",
    ]


def test_a_run_stops_on_the_first_problem_and_counts_the_rest(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", PATTERN.replace("severity: info", "severity: loud") + "    colour: red\n")
    with pytest.raises(RuleFileError) as caught:
        load_rules([tmp_path], builtin=False)
    assert str(caught.value) == (
        f"{tmp_path}/a.yaml:5:15: 'severity' must be one of error, warning, info, not 'loud' (one of error, info, warning)"
        " [and 1 more problem: run `checker rules validate`]"
    )


def test_missing_rules_path_and_wrong_suffix(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="no such rule file or folder"):
        load_rules([tmp_path / "nope"], builtin=False)
    with pytest.raises(RuleFileError, match=r"must end in \.yaml or \.yml"):
        load_rules([write(tmp_path, "rules.txt", PATTERN)], builtin=False)


# ------------------------------------------------------------------ safety


def test_a_catastrophic_regex_cannot_hang_a_run(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", PATTERN.replace("words: [so-called]", "regex: '(a+)+$'").replace("'Avoid \"{match}\"'", "m"))
    ruleset = rules_from(tmp_path)
    # Python's backtracking engine would need about 2**50000 steps on this text.
    found, notes = run_rules(story_of(("A", "a" * 100_000 + "!")), ruleset)
    assert (found, notes) == ((), ())
    (hit,) = run_rules(story_of(("A", "b" + "a" * 100_000)), ruleset)[0]
    assert len(hit.evidence[0].text) == 100_000


def test_a_billion_laughs_file_is_refused_at_its_first_alias(tmp_path: Path) -> None:
    lines = ['lol0: &lol0 "lol"']
    lines += [f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 10) + "]" for i in range(1, 10)]
    write(tmp_path, "bomb.yaml", "\n".join(lines) + "\nrules: *lol9\n")
    assert problems(tmp_path) == [f"{tmp_path}/bomb.yaml:2:14: YAML alias '*lol0' is not allowed in rule files (write the value out instead)"]


def test_python_tags_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "rules:\n  - !!python/object/apply:os.system ['echo pwned']\n")
    assert problems(tmp_path) == [f"{tmp_path}/a.yaml:2:5: YAML tag '!!python/object/apply:os.system' is not allowed (rule files hold plain values only)"]


def test_size_depth_and_count_limits(tmp_path: Path) -> None:
    big = tmp_path / "big"
    big.mkdir()
    write(big, "a.yaml", "# " + "x" * MAX_FILE_BYTES + "\n")
    assert problems(big) == [f"{big}/a.yaml:1:1: rule file is {MAX_FILE_BYTES + 3:,} bytes, over the limit of {MAX_FILE_BYTES:,} (split it into several files)"]

    deep = tmp_path / "deep"
    deep.mkdir()
    write(deep, "a.yaml", "rules: " + "[" * 20 + "]" * 20 + "\n")
    assert problems(deep) == [f"{deep}/a.yaml:1:19: nested deeper than 12 levels (rule files are shallow; check the indentation)"]

    many = tmp_path / "many"
    many.mkdir()
    rule = "  - {{id: r{n}, kind: pattern, message: m, severity: info, words: [w{n}]}}\n"
    write(many, "a.yaml", "rules:\n" + "".join(rule.format(n=n) for n in range(schema.MAX_RULES + 1)))
    assert problems(many) == [f"{many}/a.yaml:2:3: 2,001 rules in one file, over the limit of 2,000 (split the file)"]

    long_list = tmp_path / "list"
    long_list.mkdir()
    write(long_list, "a.yaml", PATTERN.replace("[so-called]", "[" + ", ".join(f"w{n}" for n in range(1001)) + "]"))
    assert problems(long_list) == [f"{long_list}/a.yaml:6:12: 'words' has 1,001 items, over the limit of 1,000 (split the rule)"]

    files = tmp_path / "files"
    files.mkdir()
    for n in range(schema.MAX_FILES + 1):
        write(files, f"r{n:03d}.yaml", "")
    assert problems(files) == [f"{files}:1:1: more than 200 rule files under this folder (point --rules at a smaller folder)"]


# ------------------------------------------------------------------ the kinds at work


def test_every_shipped_rule_has_examples_and_they_pass() -> None:
    every = load_rules([SEEDS / "claims"], every_pack=True)
    specs = [r for r in every.yaml_rules if r.kind != "ignore"]
    assert {r.id for r in specs} >= {"yoon-suk-yeol", "russia-ukraine-war", "nato", "north-atlantic-council", "nato-strategic-concept", "nato-members-june-2022"}
    assert all(r.examples.flag and r.examples.pass_ for r in specs)
    results = run_all_examples(every)
    assert [r.rule.id for r in results] == [r.id for r in specs]
    assert [(r.rule.id, [o.problem for o in r.failures]) for r in results if not r.passed] == []


def test_each_kind_flags_and_passes_its_worked_example(tmp_path: Path) -> None:
    for kind in schema.KINDS:
        write(tmp_path, f"{kind.name}.yaml", kind.example)
    ruleset = rules_from(tmp_path)
    results = {r.rule.kind: r for r in run_all_examples(ruleset)}
    assert sorted(results) == ["alias", "claim", "pattern", "terms"]
    for kind, result in results.items():
        assert result.passed, (kind, [o.problem for o in result.failures])
        assert all(o.findings for o in result.outcomes if o.expect_flag)


def test_failing_examples_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", PATTERN + "    examples:\n      flag: ['A so-called reform.', 'A reform.']\n      pass: ['The so-called reform.']\n")
    (result,) = run_all_examples(rules_from(tmp_path))
    assert [(o.example.where, o.problem) for o in result.failures] == [
        (f"{tmp_path}/a.yaml:8:37", "flag example was not flagged"),
        (f"{tmp_path}/a.yaml:9:14", 'pass example was flagged: Avoid "so-called" [so-called]'),
    ]


def test_alias_flags_variants_not_the_canonical_or_accepted_forms() -> None:
    result = story_of(
        ("A", "Nato and the North Atlantic Treaty Organisation met; NATO and the North Atlantic Treaty Organization agreed."),
        ("B", "Japan will join NATO Council meetings of the North Atlantic Council."),
    )
    found, _ = run_rules(result, SEED_RULES, Selection(select=("alias",)))
    assert sorted((f.rule, f.key, f.evidence[0].text) for f in found) == [
        ("nato", "Nato", "Nato"),
        ("nato", "North Atlantic Treaty Organisation", "North Atlantic Treaty Organisation"),
        ("north-atlantic-council", "NATO Council", "NATO Council"),
    ]
    assert {f.name for f in found} == {"alias"} and {f.severity for f in found} == {Severity.WARNING}


def test_alias_forms_are_one_entity_for_the_other_rules() -> None:
    # Different claims, no shared title: the names alone do not link these two spellings.
    result = example_story(Example(articles=(("A", "Yoon Suk Yeol spoke first. Rain fell."), ("B", "Rain fell. Yun Sok-yol spoke last."))))
    without = RuleContext(result, build_ruleset([], builtin_classes=[]))
    assert not any({"Yoon Suk Yeol", "Yun Sok-yol"} <= set(e.forms) for e in without.entities(result.stories[0]))
    ctx = RuleContext(result, SHIPPED)
    (entity,) = [e for e in ctx.entities(result.stories[0]) if "Yun Sok-yol" in e.forms]
    assert entity.canonical == "Yoon Suk Yeol" and set(entity.forms) == {"Yoon Suk Yeol", "Yun Sok-yol"}
    assert [link.relation for link in entity.links] == [NameRelation.ALIAS]


def test_pattern_scoping_by_context_story_and_claims() -> None:
    hedge = PatternRule(id="hedge", message="{match}", severity=Severity.INFO, words=("reportedly",), context=("Kishida",), stories=("2022-*",))
    ruleset = build_ruleset([hedge], builtin_classes=[])
    sentences = (("A", "Kishida reportedly left."), ("B", "The train reportedly left."))
    assert [f.evidence[0].outlet for f in run_rules(story_of(*sentences, story="2022-06-29-madrid"), ruleset)[0]] == ["A"]
    assert run_rules(story_of(*sentences, story="2023-01-31-tokyo"), ruleset)[0] == ()
    only_claims = build_ruleset([dataclasses.replace(hedge, context=(), stories=(), claims_only=True)], builtin_classes=[])
    lone = example_story(Example(articles=(("A", "Kishida reportedly left. Rain fell."), ("B", "Kishida left."))))
    assert [f.evidence[0].text for f in run_rules(lone, only_claims)[0]] == ["reportedly"]
    lone_b = example_story(Example(articles=(("A", "Rain fell. Kishida reportedly left."), ("B", "Kishida left."))))
    assert run_rules(lone_b, only_claims)[0] == ()


def test_claim_templates_agree_expect_and_publication_window() -> None:
    members = ClaimRule(
        id="members",
        message="NATO had {expected} members",
        severity=Severity.ERROR,
        sentences=("NATO has {members} members",),
        slots=(("members", "number"),),
        about=("NATO",),
        agree=True,
        expect=(("members", (30, "thirty")),),
        published_from=dt.date(2022, 6, 1),
        published_to=dt.date(2023, 4, 3),
    )
    ruleset = build_ruleset([members], builtin_classes=[])

    def run(*articles, published=None):
        return run_rules(example_story(Example(articles=articles, published=published)), ruleset)[0]

    assert run(("A", "NATO now has thirty members."), ("B", "NATO has 30 members.")) == ()
    (wrong,) = run(("A", "NATO has 30 members."), ("B", "NATO has 32 allied members."))
    assert wrong.message == "NATO had 30 members: B gives members = 32, expected 30"
    assert (wrong.key, [e.text for e in wrong.evidence]) == ("members=32", ["32"])
    assert run(("A", "NATO has 32 members."), published=dt.date(2024, 3, 8)) == ()
    assert len(run(("A", "NATO has 32 members."), published=dt.date(2022, 6, 29))) == 1
    # about: the sentence or the one before must name NATO (or an alias form of it).
    assert run(("A", "The club has 32 members.")) == ()
    agree_only = build_ruleset([dataclasses.replace(members, expect=())], builtin_classes=[])
    (split,) = run_rules(example_story(Example(articles=(("A", "NATO has 30 members."), ("B", "NATO has 31 members.")))), agree_only)[0]
    assert split.message == "NATO had  members: outlets give different numbers of members (A: 30; B: 31)"
    assert split.claim == "example/c01" and split.key == "members=30/31"


def test_name_slots_compare_names_through_alias_rules() -> None:
    chair = ClaimRule(
        id="chair",
        message="The four-way meeting was chaired by {expected}",
        severity=Severity.WARNING,
        sentences=("{chair} chaired the meeting",),
        slots=(("chair", "name"),),
        agree=True,
        expect=(("chair", ("Yoon Suk Yeol",)),),
    )
    yoon = next(r for r in SHIPPED.aliases if r.id == "yoon-suk-yeol")
    ruleset = build_ruleset([chair, yoon], builtin_classes=[])
    same = Example(articles=(("A", "Yoon Suk Yeol chaired the meeting."), ("B", "Yun Sok-yol chaired the meeting.")))
    assert [f.rule for f in run_rules(example_story(same), ruleset)[0]] == ["yoon-suk-yeol"]  # the alias rule, not the claim
    other = Example(articles=(("A", "Yoon Suk Yeol chaired the meeting."), ("B", "Fumio Kishida chaired the meeting.")))
    (wrong,) = [f for f in run_rules(example_story(other), ruleset)[0] if f.rule == "chair"]
    assert wrong.message == "The four-way meeting was chaired by Yoon Suk Yeol: B gives chair = Fumio Kishida, expected Yoon Suk Yeol"


# ------------------------------------------------------------------ the seed articles


def test_seed_run_flags_the_yoon_alias_and_the_nato_council(seed_result) -> None:
    alias = sorted((f.rule, f.name, f.evidence[0].outlet, f.evidence[0].text) for f in seed_result.findings if f.name == "alias")
    assert alias == [
        ("north-atlantic-council", "alias", "zh-translation", "NATO Council"),
        ("yoon-suk-yeol", "alias", "zh-translation", "Yoon Seok-wyeh"),
    ]
    (yoon,) = [f for f in seed_result.findings if f.rule == "yoon-suk-yeol"]
    assert yoon.message == 'Write "Yoon Suk Yeol", not "Yoon Seok-wyeh"' and yoon.story == "2022-06-29-madrid"


def test_seed_nato_members_claim(seed_result) -> None:
    rule = next(r for r in SEED_RULES.claims if r.id == "nato-members-june-2022")
    ctx = RuleContext(seed_result, SEED_RULES)
    madrid = next(s for s in seed_result.stories if s.id == "2022-06-29-madrid")
    statements = _ClaimReader(ctx, rule).statements(madrid)
    assert [(s.outlet, s.slot, s.shown, s.sentence.text[s.start : s.end]) for s in statements] == [("Kyodo", "members", "30", "30")]
    assert not [f for f in seed_result.findings if f.rule == rule.id]  # 30 is expected
    wrong = dataclasses.replace(rule, expect=(("members", (32,)),))
    (finding,) = YamlCheck(wrong).check(ctx)
    assert finding.message == "NATO had 32 members at the Madrid summit in June 2022: Kyodo gives members = 30, expected 32"
    assert (finding.evidence[0].path, finding.evidence[0].text, finding.evidence[0].line) == (
        "fixtures/nato-2022/kyodo_kishida-nato-summit.txt",
        "30",
        39,
    )


# ------------------------------------------------------------------ command line and docs


def test_cli_validate_exit_codes(tmp_path: Path) -> None:
    ok = runner.invoke(app, ["rules", "validate"])
    assert ok.exit_code == 0, ok.output
    assert "rules in 3 files are valid" in ok.stderr  # every shipped pack, on by default or not
    seeds = runner.invoke(app, ["rules", "validate", "fixtures/nato-2022/claims"])
    assert seeds.exit_code == 0 and "rules in 5 files are valid" in seeds.stderr
    write(tmp_path, "a.yaml", PATTERN.replace("severity: info", "severity: loud"))
    bad = runner.invoke(app, ["rules", "validate", str(tmp_path)])
    assert bad.exit_code == 2
    assert bad.stdout == f"{tmp_path}/a.yaml:5:15: 'severity' must be one of error, warning, info, not 'loud' (one of error, info, warning)\n"


def test_cli_test_exit_codes(tmp_path: Path) -> None:
    ok = runner.invoke(app, ["rules", "test"])
    assert ok.exit_code == 0, ok.output
    assert "PASS  yoon-suk-yeol" in ok.stdout and "PASS  russia-ukraine-war" in ok.stdout  # an opt-in pack too
    seeds = runner.invoke(app, ["rules", "test", "fixtures/nato-2022/claims"])
    assert seeds.exit_code == 0 and "PASS  nato-members-june-2022" in seeds.stdout
    write(tmp_path, "a.yaml", PATTERN + "    examples:\n      flag: ['A reform.']\n")
    failing = runner.invoke(app, ["rules", "test", str(tmp_path)])
    assert failing.exit_code == 1
    assert failing.stdout.splitlines() == [
        f"FAIL  so-called                    pattern  1 of 1 examples failed  [{tmp_path}/a.yaml:2:5]",
        f"      {tmp_path}/a.yaml:8:14: flag example was not flagged: A reform.",
    ]
    write(tmp_path, "b.yaml", "rules: [")
    broken = runner.invoke(app, ["rules", "test", str(tmp_path)])
    assert broken.exit_code == 2 and broken.stderr.startswith(f"checker: error: {tmp_path}/b.yaml:1:9: invalid YAML")


def test_a_report_with_an_invalid_rule_stops_before_reading_articles(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", PATTERN.replace("words:", "wrds:"))
    out = tmp_path / "r.md"
    result = runner.invoke(app, ["report", str(tmp_path / "no-such-articles"), "--rules", str(tmp_path), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr == f"checker: error: {tmp_path}/a.yaml:6:5: unknown key 'wrds' in rule 'so-called' (kind pattern) (did you mean 'words'?)\n"
    assert not out.exists()


def test_select_and_ignore_name_yaml_rules_by_id_or_kind() -> None:
    result = story_of(("A", "Yoon Seok-wyeh met Nato leaders."))
    assert [f.rule for f in run_rules(result, SEED_RULES, Selection(select=("yoon-suk-yeol",)))[0]] == ["yoon-suk-yeol"]
    assert sorted(f.rule for f in run_rules(result, SEED_RULES, Selection(select=("alias",)))[0]) == ["nato", "yoon-suk-yeol"]
    assert [f.rule for f in run_rules(result, SEED_RULES, Selection(select=("names",)))[0]] == ["yoon-suk-yeol"]  # a pack
    assert sorted(f.rule for f in run_rules(result, SEED_RULES, Selection(ignore=("names",)))[0]) == ["nato"]
    quiet = IgnoreRule(id="quiet", message="", severity=Severity.INFO, rule="alias", match="yoon seok-wyeh", reason="a quote")
    ruleset = dataclasses.replace(SEED_RULES, ignores=(quiet,))
    found, notes = run_rules(result, ruleset, Selection(select=("alias",)))
    assert [f.rule for f in found] == ["nato"]
    assert notes == ("ignore rule quiet silenced 1 finding of alias: a quote",)


def test_docs_are_generated_from_the_schema() -> None:
    committed = Path("docs/rules.md").read_text(encoding="utf-8")
    assert committed == schema.reference_markdown(), "docs/rules.md is out of date: run `checker rules docs > docs/rules.md`"
    for kind in schema.KINDS:
        assert f"## {kind.name}\n" in committed
        for field in schema.fields_of(kind):
            assert f"| `{field.name}` |" in committed
            for sub in field.fields:
                assert f"| `{field.name}.{sub.name}` |" in committed


_SAMPLE = {
    "text": "value",
    "texts": "[Alpha Beta, Gamma]",
    "bool": "true",
    "severity": "info",
    "regexes": "'(?P<members>\\d+) members'",
    "slot-types": "{members: number}",
    "values": "{members: 30}",
    "date": "2022-06-01",
}


def test_every_documented_key_is_accepted_by_the_validator(tmp_path: Path) -> None:
    """The schema drives the validator: a rule using every key of its kind validates."""
    for kind in schema.KINDS:
        lines = [f"  - id: all-{kind.name}", f"    kind: {kind.name}"]
        for field in kind.fields + tuple(f for f in schema.COMMON_FIELDS if f.name in ("message", "severity", "description")):
            if kind.name == "ignore" and field.name in ("message", "severity"):
                continue
            if field.name == "rule":
                value = "CK101"
            elif field.name == "message":
                value = "m"
            elif field.name == "families":
                value = "[{name: a, terms: [x], discouraged: true}]"
            elif field.name == "published":
                value = "{from: 2022-06-01, to: 2022-06-30}"
            elif field.name == "accepted":
                value = "[Delta Epsilon]"
            elif field.name == "sentences":
                value = "['NATO has {members} members']"
            else:
                value = _SAMPLE[field.type]
            lines.append(f"    {field.name}: {value}")
        write(tmp_path, f"{kind.name}.yaml", "rules:\n" + "\n".join(lines) + "\n")
    rules, found = read_rules([tmp_path], builtin=False)
    assert [str(p) for p in found] == []
    assert sorted(r.kind for r in rules) == sorted(schema.KIND_NAMES)


def test_shipped_rules_are_packs_with_a_readme_and_no_topic_of_the_fixtures() -> None:
    files = sorted(p.relative_to(SHIPPED_RULES).as_posix() for p in SHIPPED_RULES.rglob("*.yaml"))
    assert files == ["names/names.yaml", "news-framing/framing.yaml", "russia-ukraine/framing.yaml"]
    packs = {p.name: p.default for p in shipped_packs()}
    assert packs == {"names": True, "news-framing": True, "russia-ukraine": False}
    assert all((SHIPPED_RULES / name / "README.md").is_file() for name in packs)
    assert {r.pack for r in SHIPPED.yaml_rules} == {"names", "news-framing"}  # opt-in packs load only when selected
    assert not any("nato" in r.id for r in SHIPPED.yaml_rules)


def test_a_wheel_carries_the_shipped_rules_and_finds_them(tmp_path: Path) -> None:
    """A non-editable install (``pip install checker``) has no claims/ folder beside it:
    the wheel carries the rules as checker/shipped_claims, and that is where they are read."""
    import shutil
    import subprocess
    import sys
    import zipfile

    root = Path(__file__).resolve().parents[1]
    source = tmp_path / "source"  # built from a copy: the build writes build/ next to pyproject.toml
    for folder in ("checker", "claims"):
        shutil.copytree(root / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for file in ("pyproject.toml", "README.md"):
        shutil.copy(root / file, source / file)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("checker-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path / "installed")
    packages = sorted(p.parent.relative_to(root).as_posix() for p in (root / "checker").rglob("__init__.py"))
    unpacked = tmp_path / "installed"
    assert sorted(p.parent.relative_to(unpacked).as_posix() for p in unpacked.rglob("__init__.py")) == packages
    shipped = sorted(p.relative_to(root / "claims").as_posix() for p in (root / "claims").rglob("*") if p.is_file())
    carried = unpacked / "checker" / "shipped_claims"
    assert sorted(p.relative_to(carried).as_posix() for p in carried.rglob("*") if p.is_file()) == shipped
    found = subprocess.run(
        [sys.executable, "-c", "from checker.rules.ruleset import SHIPPED_RULES, shipped_packs; print(SHIPPED_RULES, [p.name for p in shipped_packs()])"],
        capture_output=True, text=True, cwd=tmp_path, env={"PYTHONPATH": str(unpacked), "PATH": ""},
    )
    assert found.stdout.strip() == f"{carried} ['names', 'news-framing', 'russia-ukraine']", found.stderr


def test_the_quick_gate_before_a_phrase_search_never_turns_away_a_match() -> None:
    """Alias, terms and context lists are first searched without word boundaries
    (``words_gate``), which is many times faster; on every fixture and ECB+ sample sentence, with
    the shipped rules' phrases and their variants in other cases and spacings, a text the
    exact pattern matches passes the gate, and the gate turns most texts away."""
    import json

    from checker.ingest import read_articles
    from checker.rules.language.terms import term_pattern
    from checker.rules.language.patterns import phrase_pattern, words_gate
    from checker.rules.language.spec import AliasRule, TermsRule
    from checker.segment import segment

    texts = {s.text for a in read_articles(["fixtures"])[0] for s in segment(a)}
    for line in (Path(__file__).resolve().parent / "data" / "claim_pairs_ecbplus_sample.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        texts.update((row["a"], row["b"]))
    phrases: set[str] = set()
    for spec in (c.spec for c in load_rules([SEEDS / "claims"], every_pack=True).rules if isinstance(c, YamlCheck)):
        if isinstance(spec, AliasRule):
            phrases.update((spec.canonical, *spec.variants, *spec.accepted, *spec.context))
        elif isinstance(spec, TermsRule):
            phrases.update(t for family in spec.families for t in family.terms)
            phrases.update(spec.context)
    texts |= {f"Before {p.upper()}, after." for p in phrases} | {f"x{p}x and {p.replace(' ', chr(10))}." for p in phrases}
    matched = turned_away = 0
    for phrase in sorted(phrases):
        for ignorecase in (True, False):
            gate, exact = words_gate((phrase, "zz top"), ignorecase), phrase_pattern(phrase, ignorecase)
            for text in texts:
                if exact.search(text) or (ignorecase and term_pattern(phrase).search(text)):
                    matched += 1
                    assert gate.search(text), (phrase, text)
                elif not gate.search(text):
                    turned_away += 1
    assert matched > 200 and turned_away > 0.9 * len(phrases) * 2 * len(texts)
