"""CK111 loaded-label: one outlet qualifies a thing with a judging adjective that the
others, naming the same thing, leave out.

What it flags, inside one story: a noun phrase in an outlet's own voice (not inside
quotation marks) whose adjective judges ("Obama's *woeful* debate performance", "his
*reckless* announcement", "the *contentious* meeting"), when another outlet names the same
head noun in its own voice in a sentence of the same claim, and nowhere in the story uses
the adjective or qualifies that noun with a word that may judge the same way. Which adjectives judge comes from
two lexicons (``text.connotation.evaluative_polarity``), not from a hand list; adjectives
that state a status ("a *guilty* plea", "a *criminal* investigation") are facts, not labels.
Why it matters: the adjective an outlet pins on an act or an actor is its stance; the
editor should see where one outlet's wording is not the others'.
Not flagged: a quoted label (the speaker's word, not the outlet's); a label every outlet
shares in some form ("worst deal" / "terrible deal" when each outlet has one); a
superlative ("the worst outbreak": a ranking, mostly a fact); an indefinite phrase on
either side ("a bad deal" / "a campaign": on held-out news, most often two different
deals or campaigns); outcomes and terms of art ("the unsuccessful mission", "lame duck").
Measured (docs/quality.md): 13 real of 69 judged before those last three exclusions, 3 of
15 and 4 of 20 on two fresh samples after them, so the rule is preview, run by name
(``--extend-select CK111``). What is left is the claim: inside a loose claim of a campaign
week, "the debate performance" of one candidate meets another's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ...models import Finding, Sentence, Severity, Story
from ...text.connotation import evaluative_polarity, is_noun, may_judge, part_of_speech
from .._common import in_open_quotation, stem
from ..base import Rule, RuleContext, register

#: Words a determiner may open before the adjective ("the", "Obama's").
_DETERMINERS = frozenset("a an the his her their its this these those our your my such another".split())
#: A phrase that points at a thing the story already holds: "the law", "Obama's law". An
#: indefinite one ("a bad deal", "a campaign") introduces a new referent, which on held-out
#: news was another deal or another candidate's campaign more often than not.
_DEFINITE = frozenset("the his her their its this these those our your my".split())
_INDEFINITE = frozenset("a an another some any such".split())
_INTENSIFIERS = frozenset("very most more so too quite rather increasingly particularly especially".split())
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_QUOTE_MARKS = "\"“”‘’`"
MAX_MODIFIERS = 2  # words between the adjective and its head ("woeful debate performance")
#: Heads that name a stretch of time: "an acrimonious week" judges the news, not an actor.
_TIME_HEADS = frozenset("day days week weeks month months year years time times night morning evening afternoon moment period season decade".split())


def head_key(word: str) -> str:
    """One key for a head noun and its plural ("deal" / "deals"), nothing cruder: "hearing"
    is not "hear"."""
    w = word.casefold().replace("’", "'").removesuffix("'s")
    if len(w) > 4 and w.endswith("s") and not w.endswith("ss"):
        return w[:-2] if w.endswith(("ches", "shes", "xes", "sses")) else w[:-1]
    return w


@dataclass(frozen=True)
class LabelledHead:
    """A noun phrase of one sentence: its judging adjective and its head noun."""

    sentence: Sentence
    start: int  # offsets in the sentence text
    end: int
    adjective: str  # casefolded
    polarity: int
    head: str  # casefolded


def _is_possessive(word: str) -> bool:
    return word.endswith(("'s", "’s"))


def labelled_heads(sentence: Sentence) -> list[LabelledHead]:
    """Each "determiner [adverb] judging-adjective [modifiers] head-noun" phrase of the
    sentence, in the outlet's own voice."""
    text = sentence.text
    tokens = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]
    out = []
    for i, (start, end, word) in enumerate(tokens):
        if not word[0].islower():
            continue
        polarity = evaluative_polarity(word)
        if not polarity:
            continue
        j = i - 1
        while j >= 0 and (tokens[j][2].casefold() in _INTENSIFIERS or tokens[j][2].endswith("ly")):
            j -= 1
        if j < 0 or text[tokens[j][1] : start].strip(" -"):
            continue  # punctuation between: not one phrase
        opener = tokens[j][2]
        if opener.casefold() not in _DEFINITE and not _is_possessive(opener):
            continue
        head_at = None
        for k in range(i + 1, min(i + 2 + MAX_MODIFIERS, len(tokens))):
            if text[tokens[k - 1][1] : tokens[k][0]].strip(" -"):
                break
            nxt = tokens[k][2]
            if nxt[0].islower() and is_noun(nxt):
                head_at = k
            elif not (nxt[0].isupper() or part_of_speech(nxt.casefold()).startswith(("JJ", "NN"))):
                break
        if head_at is None or in_open_quotation(text, start) or tokens[head_at][2].casefold() in _TIME_HEADS:
            continue
        phrase_start, phrase_end = tokens[j][0], tokens[head_at][1]
        if any(c in text[phrase_start:phrase_end] for c in _QUOTE_MARKS.replace("’", "")):
            continue
        out.append(LabelledHead(sentence, phrase_start, phrase_end, word.casefold(), polarity, tokens[head_at][2].casefold()))
    return out


def _words_before(text: str, at: int, n: int = 3) -> list[str]:
    """Up to ``n`` words just before ``at``, nearest first, up to punctuation."""
    out = []
    tokens = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text[:at])]
    end = at
    for s, e, word in reversed(tokens[-n:]):
        if text[e:end].strip(" -"):
            break
        out.append(word)
        end = s
    return out


def _modifiers(text: str, at: int) -> list[str]:
    """The words that qualify a head at ``at``: back to its determiner, over adjectives and
    nouns only ("the *American* economy", not "criticised the economy")."""
    out = []
    for word in _words_before(text, at):
        tag = part_of_speech(word) or part_of_speech(word.casefold())
        if word.casefold() in _DETERMINERS or _is_possessive(word) or (tag and not tag.startswith(("JJ", "NN", "VBN", "VBG"))):
            break
        out.append(word)
    return out


def _names_the_thing(text: str, at: int, word: str) -> bool:
    """``word`` at ``at`` is used as a noun in the outlet's own voice: a determiner,
    possessive, adjective or noun stands right before it ("your question", "Friday's job
    numbers", "the American economy"), not a preposition ("producer of words"). A form that
    is mostly a verb ("needs") must follow a determiner or an adjective, not a name
    ("Romney needs")."""
    before = _words_before(text, at, 1)
    if not before or in_open_quotation(text, at):
        return False
    prev = before[0]
    if prev.casefold() in _INDEFINITE:
        return False  # "a plan": not the thing the other outlet names
    if prev.casefold() in _DETERMINERS or _is_possessive(prev):
        return True
    tag = part_of_speech(prev) or part_of_speech(prev.casefold())
    if part_of_speech(word).startswith("VB"):
        return prev[0].islower() and tag in ("JJ", "JJR", "JJS")
    return tag in ("JJ", "JJR", "JJS", "NN", "NNS", "NNP", "VBN")


def _head_phrase(text: str, at: int, end: int) -> tuple[int, int]:
    """The head's phrase: the head and the modifiers before it, up to a determiner."""
    tokens = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text[:at])]
    start = at
    for s, e, word in reversed(tokens[-3:]):
        if text[e:start].strip():
            break
        start = s
        if word.casefold() in _DETERMINERS or _is_possessive(word):
            break
    return start, end


@register
class LoadedLabel(Rule):
    """One outlet pins a judging adjective on a thing the others name plainly."""

    code = "CK111"
    name = "loaded-label"
    severity = Severity.INFO
    # Real / judged: 2 of 2 on the dev events, 11 of 67 on held-out AllSides text
    # (benchmarks/held_out/allsides-ck111.yaml): one head noun names two things in a loose
    # claim ("a disastrous campaign" / "a campaign" of another candidate); after the fixes
    # that sample prompted, 3 of 15, 4 of 20 and 8 of 20 on three fresh ones
    # (allsides-15000-fresh.yaml, -19000-fresh.yaml, -23000-fresh.yaml).
    measured_precision = "0.23 (28/124)"
    preview = True  # off by default: measured precision below 0.5 (docs/quality.md)
    confidence = 0.16  # its share of real findings on held-out news

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        for story in ctx.result.stories:
            yield from self._story(ctx, story)

    def _story(self, ctx: RuleContext, story: Story) -> Iterable[Finding]:
        sentences = [s for a in story.articles for s in ctx.sentences_by_article.get(a, ()) if s.kind in ("body", "headline")]
        outlets = sorted({ctx.outlet(a) for a in story.articles})
        if len(outlets) < 2:
            return
        uses: dict[str, dict[str, list[tuple[Sentence, int, int]]]] = {}  # head key -> outlet -> places
        stems_used: dict[str, set[str]] = {o: set() for o in outlets}
        for s in sentences:
            outlet = ctx.outlet(s.article)
            for m in _TOKEN.finditer(s.text):
                w = m.group(0).casefold()
                stems_used[outlet].add(stem(w))
                uses.setdefault(head_key(w), {}).setdefault(outlet, []).append((s, m.start(), m.end()))
        labels: dict[str, list[LabelledHead]] = {o: [] for o in outlets}
        for s in sentences:
            labels[ctx.outlet(s.article)].extend(labelled_heads(s))
        seen: set[tuple[str, str, str]] = set()
        for outlet in outlets:
            for label in sorted(labels[outlet], key=lambda x: (x.sentence.article, x.sentence.index, x.start)):
                key = (outlet, head_key(label.head), label.adjective)
                if key in seen:
                    continue
                places = uses.get(head_key(label.head), {})
                plain = {}
                for other in outlets:
                    if other == outlet or stem(label.adjective) in stems_used[other]:
                        continue
                    if any(may_judge(w, label.polarity) for s, at, _ in places.get(other, ()) for w in _modifiers(s.text, at)):
                        continue  # the other outlet judges the thing too, in its own words
                    same_claim = [p for p in places.get(other, ()) if ctx.claim_of(label.sentence, p[0]) and _names_the_thing(p[0].text, p[1], p[0].text[p[1] : p[2]])]
                    if same_claim:
                        plain[other] = min(same_claim, key=lambda p: (p[0].article, p[0].index, p[1]))
                if not plain:
                    continue
                seen.add(key)
                yield self._finding(ctx, story, label, outlet, plain)

    def _finding(self, ctx, story, label: LabelledHead, outlet: str, plain: dict[str, tuple[Sentence, int, int]]) -> Finding:
        s = label.sentence
        evidence = [ctx.evidence(s, s.start + label.start, s.start + label.end)]
        shown = []
        for other, (sentence, at, end) in sorted(plain.items()):
            ps, pe = _head_phrase(sentence.text, at, end)
            evidence.append(ctx.evidence(sentence, sentence.start + ps, sentence.start + pe))
            shown.append(f'{other} "{sentence.text[ps:pe]}"')
        phrase = s.text[label.start : label.end]
        return ctx.finding(
            self,
            story=story.id,
            key=f"label:{head_key(label.head)}:{label.adjective}:{outlet.casefold()}",
            claim=ctx.claim_of(s, *(p[0] for p in plain.values())),
            message=f'{outlet} writes "{phrase}"; {", ".join(shown)}: never "{label.adjective}"',
            evidence=evidence,
        )
