"""The rule language's schema: every kind, every key, its type and its documentation.

This is the one place that says what a rule file may contain. The validator
(``validate.py``) checks files against it and ``docs/rules.md`` is generated from it
(``checker rules docs > docs/rules.md``; a test keeps the two equal), so the
documentation cannot drift from what the loader accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SEVERITIES = ("error", "warning", "info")
SLOT_TYPES = ("number", "name", "text")
ID_PATTERN = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")
MAX_ID_LENGTH = 64

# Limits on what one run loads; each error message names the limit and how to stay under it.
MAX_FILES = 200
MAX_RULES = 2000
MAX_LIST_ITEMS = 1000  # variants, terms, words, sentences ... in one list
MAX_TEXT_CHARS = 2000  # one name, term, message, regular expression
MAX_EXAMPLES = 100  # flag + pass examples of one rule
MAX_EXAMPLE_CHARS = 20_000  # the text of one example article


@dataclass(frozen=True)
class Field:
    """One key of a rule (or of a nested mapping such as a term family)."""

    name: str
    type: str  # see TYPES
    doc: str
    required: bool = False
    default: object = None
    fields: tuple[Field, ...] = ()  # for "mapping" and "mappings"


# What each type accepts; shown in the reference.
TYPES = {
    "id": "lower-case letters and digits, words joined by `-`, `_` or `.`; at most 64 characters",
    "kind": "one of the kinds",
    "text": "a non-empty string",
    "texts": "a non-empty list of non-empty strings",
    "bool": "`true` or `false`",
    "severity": "`error`, `warning` or `info`",
    "regexes": "an RE2 regular expression, or a list of them",
    "mappings": "a list of mappings with the keys below",
    "mapping": "a mapping with the keys below",
    "slot-types": "a mapping from slot name to `number`, `name` or `text`",
    "values": "a mapping from slot name to a value or a list of accepted values",
    "date": "a date, `YYYY-MM-DD`",
    "examples": "a mapping with `flag:` and/or `pass:`, each a list of examples (see Examples)",
    "articles": "a string (one article), a list of strings (one article per outlet) or a mapping outlet: text",
}


@dataclass(frozen=True)
class Kind:
    name: str
    family: str  # Finding.name of the kind's findings
    summary: str
    doc: str
    fields: tuple[Field, ...]
    example: str  # a complete rule file, used in the docs and run by the tests
    placeholders: tuple[str, ...] = ()  # {names} the message may use
    takes_examples: bool = True
    finding_keys: str = ""  # what Finding.key holds, for ignore rules


EXAMPLE_FIELDS = (
    Field("articles", "articles", "The example's articles; a list or mapping gives one article per outlet.", required=True),
    Field("story", "text", "Story id the example articles form (default `example`); for rules with `stories`."),
    Field("published", "date", "Publication date of every example article; for rules with `published`."),
    Field("flagged", "texts", "Only under `flag`: strings that must each occur in the evidence of the rule's findings."),
)

COMMON_FIELDS = (
    Field("id", "id", "Unique across all rule files; findings carry it as their rule code.", required=True),
    Field("kind", "kind", "What the rule does: `alias`, `terms`, `claim`, `pattern` or `ignore`.", required=True),
    Field("message", "text", "What a finding says; may use the kind's `{placeholders}`.", required=True),
    Field("severity", "severity", "Severity of the rule's findings.", required=True),
    Field("description", "text", "Longer explanation for people reading the rule file."),
    Field("examples", "examples", "Sentences or article sets that must be flagged (`flag`) and must not (`pass`)."),
)

CONTEXT_DOC = (
    "Only count a match in a sentence that also names one of these (whole words, "
    "case-insensitive; alias rules' forms count for their canonical name)."
)
STORIES_DOC = "Only in stories whose id matches one of these shell-style patterns (`2022-06-*`)."

KINDS: tuple[Kind, ...] = (
    Kind(
        name="alias",
        family="alias",
        summary="A canonical name and its known variants.",
        doc=(
            "Every variant written in an article (headline, body or caption; whole words) is flagged. "
            "The canonical name, the variants and the `accepted` forms are linked as one entity for the "
            "other rules: the built-in name-variant, framing and quote-drift rules, and the `about` "
            "lists and name slots of claim rules, read them as one name."
        ),
        fields=(
            Field("canonical", "text", "The name as the style book writes it.", required=True),
            Field("variants", "texts", "Spellings to flag and replace with the canonical name.", required=True),
            Field("accepted", "texts", "Other correct names of the same entity (the full name of an acronym): linked, never flagged."),
            Field("ignorecase", "bool", "Match variants regardless of case (then `Nato` also matches `NATO`).", default=False),
            Field("context", "texts", CONTEXT_DOC),
        ),
        placeholders=("canonical", "variant"),
        finding_keys="the variant as listed in the rule",
        example="""\
rules:
  - id: yoon-suk-yeol
    kind: alias
    message: 'Write "{canonical}", not "{variant}"'
    severity: warning
    description: The South Korean president's name as his office romanises it.
    canonical: Yoon Suk Yeol
    variants: [Yoon Seok-wyeh, Yoon Suk-yeol, Yun Sok-yol, Yun Suk-yeol]
    examples:
      flag:
        - "South Korean President Yoon Seok-wyeh attended the talks."
        - articles:
            Kyodo: South Korean President Yoon Suk Yeol attended.
            zh-translation: South Korean President Yun Sok-yol attended.
          flagged: [Yun Sok-yol]
      pass:
        - "South Korean President Yoon Suk Yeol attended the talks."
        - "Yoon Suk Yeol met Kishida."
""",
    ),
    Kind(
        name="terms",
        family="framing",
        summary="A concept and the families of terms outlets use for it.",
        doc=(
            "Flags a shared claim in which two outlets use different families for the concept, two "
            "outlets of a story that share no family at all (at `info`), and a term of a family marked "
            "`discouraged` wherever an outlet uses it outside quotation marks. A term inside a quoted statement "
            "(a quotation with a verb: \"Will the witch hunt continue?\") is the speaker's word and counts for "
            "no outlet; a quoted phrase (\"Russia's aggression against Ukraine\") is a label the outlet chose. "
            "Terms match whole words, "
            "case-insensitively, longest first; a term may be a phrase. Findings are named `framing`: "
            "term lists are data of the framing family, like the built-in framing rule CK102."
        ),
        fields=(
            Field("concept", "text", "What the terms name, for messages.", required=True),
            Field(
                "families",
                "mappings",
                "Ways of naming the concept; at least two, or one marked `discouraged`.",
                required=True,
                fields=(
                    Field("name", "text", "The family's name, shown in findings.", required=True),
                    Field("terms", "texts", "Words or phrases of the family.", required=True),
                    Field("discouraged", "bool", "Flag any use of this family.", default=False),
                ),
            ),
            Field("context", "texts", CONTEXT_DOC),
            Field(
                "aligned",
                "bool",
                "Compare two outlets' terms only where their sentences of a shared claim line up word for "
                "word around them (\"North Korean [dictator / leader] Kim Jong Un\"), never across the story: "
                "for general words (\"leader\", \"government\") that name different things in one story.",
                default=False,
            ),
            Field(
                "named",
                "bool",
                "Also compare the labels outlets pin on one named actor anywhere in the story: a term right "
                "before a name (\"dictator Kim Jong Un\"), right after it (\"the Assad regime\") or in "
                "apposition (\"Kim Jong Un, the North Korean dictator\"), the names linked across outlets as "
                "the name-variant rule links them. One finding per actor, the outlets grouped by the labels "
                "they use.",
                default=False,
            ),
        ),
        placeholders=("concept",),
        finding_keys="`family/family` for outlets using different families, `discouraged:family`, `story:family/family`, `named:NAME:family=outlet,outlet;family=outlet` (who wrote which labels of the named actor)",
        example="""\
rules:
  - id: protest-framing
    kind: terms
    message: Outlets describe the protest differently
    severity: warning
    concept: the crowd at the port
    context: [port, dock, docks, harbour]
    families:
      - name: protest
        terms: [protest, demonstration, march]
      - name: riot
        terms: [riot, rioters, unrest]
        discouraged: true
    examples:
      flag:
        - ["Thousands joined the protest at the port.", "Thousands joined the riot at the port."]
        - "Rioters gathered at the port."
      pass:
        - ["Thousands joined the protest at the port.", "Thousands joined the march at the port."]
        - "A riot of colour filled the gallery."
""",
    ),
    Kind(
        name="claim",
        family="claim",
        summary="A fact that must agree across outlets.",
        doc=(
            "A body sentence states the claim when it matches `regex` or one of `sentences` and, with "
            "`about`, the sentence or the one before it names one of the `about` names (so \"It has 30 "
            "members\" after a sentence naming NATO counts). Named slots capture the values: RE2 groups "
            "`(?P<members>...)` in `regex`, `{members}` marks in `sentences`. Values are compared by "
            "slot type: `number` reads digits and number words (\"thirty\" = 30, \"1,200\" = 1200), "
            "`name` (capitalised words) compares names through alias rules and ignoring case, `text` "
            "(up to six words) ignores case and spacing; a qualifier such as \"about\" is not part of "
            "a number. With `agree: true` a story whose outlets give different values for a slot is "
            "flagged once; with `expect` every value outside the expected ones is flagged (and only "
            "once: a disagreement that involves an unexpected value is left to `expect`). At least one "
            "of the two is required. Each of `sentences` is a template: its words must occur in "
            "order, ignoring case and punctuation, with at most 3 other words between two of them."
        ),
        fields=(
            Field("regex", "regexes", "RE2 regular expressions with named groups; a match states the claim."),
            Field("sentences", "texts", "Example sentences of the claim with `{slot}` marking each value."),
            Field("slots", "slot-types", "The type of each slot (default `text`)."),
            Field("about", "texts", "The sentence, or the one before it, must name one of these (alias-aware)."),
            Field("agree", "bool", "All outlets of a story must give the same value for each slot.", default=False),
            Field("expect", "values", "The correct value of a slot, or a list of accepted values."),
            Field("stories", "texts", STORIES_DOC),
            Field(
                "published",
                "mapping",
                "Only articles published in this window (inclusive); an undated article takes its story's "
                "earliest known date and is checked if there is none.",
                fields=(
                    Field("from", "date", "First day of the window."),
                    Field("to", "date", "Last day of the window."),
                ),
            ),
        ),
        placeholders=("slot", "values", "expected"),
        finding_keys="`slot=value` for an unexpected value, `slot=value/value` for disagreeing outlets",
        example="""\
rules:
  - id: strike-workers
    kind: claim
    message: Outlets must agree on how many dock workers strike
    severity: error
    sentences:
      - "{workers} dock workers walked out"
      - "{workers} workers went on strike"
    slots: {workers: number}
    agree: true
    examples:
      flag:
        - ["About 1,200 dock workers walked out on Monday.", "Some 1,500 dock workers walked out on Monday."]
      pass:
        - ["1,200 dock workers walked out on Monday.", "Twelve hundred workers went on strike on Monday."]
        - "1,200 dock workers walked out on Monday."
""",
    ),
    Kind(
        name="pattern",
        family="pattern",
        summary="A word, phrase or regular expression whose presence is flagged.",
        doc=(
            "Vale's existence rule: every match in an article (headline, body or caption) is flagged. "
            "`words` match whole words with any spacing; `regex` is RE2 syntax (linear time: no "
            "look-around or backreferences; `\\b` and `\\w` are ASCII, use `\\pL` for any letter). "
            "At least one of the two is required."
        ),
        fields=(
            Field("words", "texts", "Words or phrases to flag."),
            Field("regex", "regexes", "RE2 regular expressions to flag."),
            Field("ignorecase", "bool", "Match regardless of case.", default=True),
            Field("context", "texts", CONTEXT_DOC),
            Field("stories", "texts", STORIES_DOC),
            Field("claims_only", "bool", "Only in sentences that belong to a claim shared by several outlets.", default=False),
        ),
        placeholders=("match",),
        finding_keys="the matched text, lower-cased",
        example="""\
rules:
  - id: unsourced-reportedly
    kind: pattern
    message: '"{match}" hides the source; name it'
    severity: info
    words: [reportedly, it is understood]
    regex: '\\bsources? (?:said|say|told)\\b'
    examples:
      flag:
        - "The minister reportedly resigned."
        - "Sources said the minister resigned."
      pass:
        - "The minister resigned, her office said."
""",
    ),
    Kind(
        name="ignore",
        family="ignore",
        summary="Silences findings, with a required reason.",
        doc=(
            "A finding is silenced when `rule` is its rule code, name or YAML rule id (or the kind of "
            "the YAML rule that made it) and `match` equals, ignoring case, its key, its fingerprint, "
            "or the text of one of its evidence spans. Every run notes how many findings each ignore "
            "rule silenced, with its reason. Ignore rules take no message, severity or examples."
        ),
        fields=(
            Field("rule", "text", "The rule whose findings to silence: a code (`CK101`), name, YAML id or kind.", required=True),
            Field("match", "text", "A name, term, finding key or fingerprint.", required=True),
            Field("reason", "text", "Why the finding is wrong or accepted, for the next reviewer; run notes name it.", required=True),
        ),
        takes_examples=False,
        example="""\
rules:
  - id: kuna-house-style
    kind: ignore
    rule: attribution
    match: Kyodo News Agency reported
    reason: KUNA credits Kyodo by house style; the attribution is not a hedge.
""",
    ),
)

KIND_BY_NAME = {k.name: k for k in KINDS}
KIND_NAMES = tuple(k.name for k in KINDS)
FAMILIES = tuple(dict.fromkeys(k.family for k in KINDS if k.name != "ignore"))


def fields_of(kind: Kind) -> tuple[Field, ...]:
    """Every key a rule of ``kind`` may have, common keys first."""
    common = [f for f in COMMON_FIELDS if kind.name != "ignore" or f.name in ("id", "kind", "description")]
    return tuple(common) + kind.fields


# ------------------------------------------------------------------ the reference


def _field_rows(fields: tuple[Field, ...], prefix: str = "") -> list[str]:
    rows = []
    for f in fields:
        need = "required" if f.required else ("optional" if f.default is None else f"default `{str(f.default).lower()}`")
        rows.append(f"| `{prefix}{f.name}` | {TYPES[f.type]} | {need} | {f.doc} |")
        rows.extend(_field_rows(f.fields, prefix=f"{prefix}{f.name}.") if f.fields else [])
    return rows


def reference_markdown() -> str:
    """``docs/rules.md``: the rule language reference, generated from this schema."""
    out = [
        "# Rule files",
        "",
        "<!-- Generated from checker/rules/language/schema.py by `checker rules docs > docs/rules.md`;",
        "     tests/test_yaml_rules.py fails when this file and the schema differ. -->",
        "",
        "Rules are data: every `*.yaml` file under `claims/` (the shipped rules, and a `claims/`",
        "folder in the working directory) and under each `--rules` path is loaded, with no Python",
        "to write. A file holds a list of rules under `rules:`:",
        "",
        "```yaml",
        "rules:",
        "  - id: yoon-suk-yeol      # unique across all files",
        "    kind: alias            # what the rule does",
        "    message: 'Write \"{canonical}\", not \"{variant}\"'",
        "    severity: warning      # error, warning or info",
        "    canonical: Yoon Suk Yeol",
        "    variants: [Yoon Seok-wyeh]",
        "```",
        "",
        "Kinds: " + ", ".join(f"[`{k.name}`](#{k.name})" for k in KINDS) + ".",
        "",
        "Commands:",
        "",
        "- `checker rules validate [PATHS]` checks rule files without running them (exit 0, or 2 and",
        "  one `path:line:column: message (how to fix)` line per problem).",
        "- `checker rules test [PATHS]` runs every rule's `examples` and reports pass or fail per rule",
        "  (exit 1 when an example fails).",
        "- `checker rules list` prints the built-in rules and the loaded YAML rules.",
        "- `checker rules docs` prints this reference.",
        "",
        "A run (`checker report`) loads and validates every rule before reading any article and stops",
        "with exit 2 on the first invalid rule.",
        "",
        "## Keys of every rule",
        "",
        "| key | value | | meaning |",
        "|---|---|---|---|",
        *_field_rows(COMMON_FIELDS),
        "",
        "`ignore` rules have only `id`, `kind`, `description` and their own keys.",
        "",
        "## Findings of YAML rules",
        "",
        "A finding of a YAML rule carries the rule's `id` as its rule code (`Finding.rule`, the SARIF",
        "rule id) and its family as its name (`Finding.name`): the kind for `alias`, `claim` and",
        "`pattern` rules, and `framing` for `terms` rules, whose term lists belong to the framing",
        "family. So `--select yoon-suk-yeol` runs one rule, `--select alias` every alias rule,",
        "`--select names` every rule of the `names` pack (`claims/names/`), and an `ignore` rule",
        "may name a rule id or family. `Finding.key`, which `ignore` rules match, is described",
        "for each kind below.",
        "",
        "## Validation",
        "",
        "Files are checked in layers, and every problem is reported as",
        "`path:line:column: message (how to fix)`:",
        "",
        "1. YAML syntax; only plain YAML values (no tags, no aliases such as `*name`).",
        "2. Required keys present.",
        "3. Allowed values: types, severities, kinds, slot types, dates.",
        "4. Unknown keys are errors, with a \"did you mean\" suggestion.",
        "5. Rule ids unique across all files; `ignore` rules name a rule that exists.",
        "6. Regular expressions compile with RE2; slots used in `expect` exist.",
        "",
        "Limits: a rule file is at most 1 MiB, nested at most 12 levels deep, with at most 200,000",
        f"values; a run loads at most {MAX_FILES} files and {MAX_RULES:,} rules; a list holds at most",
        f"{MAX_LIST_ITEMS:,} items; a name, term, message or regular expression at most {MAX_TEXT_CHARS:,}",
        f"characters; a rule at most {MAX_EXAMPLES} examples, an example article at most {MAX_EXAMPLE_CHARS:,}",
        "characters. Each limit's error says how to stay under it.",
        "",
        "Regular expressions use [RE2 syntax](https://github.com/google/re2/wiki/Syntax), which runs",
        "in time linear in the text: a pattern such as `(a+)+$` cannot hang a run. RE2 has no",
        "look-ahead, look-behind or backreferences; `\\b`, `\\w` and `\\d` are ASCII (use `\\pL` for any",
        "letter). Named groups are written `(?P<name>...)`.",
        "",
        "## Examples",
        "",
        "Each rule except `ignore` may carry `examples:`, tested by `checker rules test`:",
        "",
        "```yaml",
        "examples:",
        "  flag:                       # each must produce a finding of this rule",
        "    - One sentence from one outlet (outlet A).",
        "    - [\"Outlet A's sentence.\", \"Outlet B's sentence.\"]",
        "    - articles: {Kyodo: \"...\", KUNA: \"...\"}",
        "      flagged: [the span that must be flagged]",
        "  pass:                       # each must produce no finding of this rule",
        "    - A sentence that must not be flagged.",
        "```",
        "",
        "An example is one story; each article is split into sentences, and the first sentences of",
        "all articles form one shared claim, the second sentences another, and so on. An example",
        "written as a mapping has these keys:",
        "",
        "| key | value | | meaning |",
        "|---|---|---|---|",
        *_field_rows(EXAMPLE_FIELDS),
        "",
    ]
    for kind in KINDS:
        out += [f"## {kind.name}", "", kind.summary + " " + kind.doc, "", "| key | value | | meaning |", "|---|---|---|---|"]
        out += _field_rows(kind.fields)
        out.append("")
        if kind.placeholders:
            out.append("The message may use " + ", ".join(f"`{{{p}}}`" for p in kind.placeholders) + ".")
        if kind.finding_keys:
            out.append(f"Finding key: {kind.finding_keys}.")
        out += ["", "Worked example:", "", "```yaml", kind.example.rstrip("\n"), "```", ""]
    return "\n".join(out)
