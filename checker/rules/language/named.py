"""Labels pinned on one named actor: the ``named: true`` mode of ``kind: terms`` rules.

A term counts here only where it labels a name of the story, as news copy writes it:

- right before the name, or before its title, with at most two plain lowercase words
  between: "North Korean *dictator* Kim Jong Un", "the *far-right* National Front",
  "*far-right* candidate Marine Le Pen", "*conservative* Sen. Ted Cruz", "the *leader*,
  Kim Jong Un," (a comma only in a closed apposition after "the" or a possessive);
- right after it: "the Assad *regime*", "Kim's *regime*", "Hamas *militants*";
- in apposition after it: "Kim Jong Un, the North Korean *dictator*", "Maduro, Venezuela's
  *strongman*".

The names are the story's entities (``RuleContext.entities``): one person or group across
outlets however each spells it. So two outlets are compared on what they call the same
actor anywhere in the story, not only where two of their sentences of one claim line up
word for word (``aligned: true``), which is where most label choices were missed: an
outlet that writes "dictator" once and another that writes "leader" throughout seldom
say it in one lined-up sentence. Why it is safe for words as general as "leader": the term
is tied to the name it labels, so "Taliban fighters" and "9/11 terrorist attacks" (two
things) are never compared; only labels of one entity are.

Not counted: a term in quotation marks (the speaker's word or a quoted label); a term
linked to a name through a clause ("Kim, the son of the dictator", "Kim, who met the
leader").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence

from ...models import Finding, Sentence, Story
from ...text.entities import Entity
from ...text.connotation import part_of_speech
from ...text.names import name_key
from ..base import Rule, RuleContext
from .patterns import format_message
from .spec import TermsRule

#: Between a term and the name after it: a space ("dictator Kim"), or a comma closing
#: "the ... leader," when the name is followed by the apposition's close.
_BEFORE_NAME = re.compile(r"\s+(?:[a-z][a-z\-]*\s+){0,2}")
_BEFORE_NAME_COMMA = re.compile(r",\s+")
_OPENS_APPOSITION = re.compile(r"(?:\bthe|['’]s)(?:\s+[\w'’.\-]+){0,3}\s+$", re.IGNORECASE)
_CLOSES_APPOSITION = re.compile(r"\s*(?:[,.;:)]|$)")
#: Between a name and the term after it: a space or a possessive ("the Assad regime",
#: "Kim's regime").
_AFTER_NAME = re.compile(r"(?:['’]s)?\s+")
#: ", the North Korean ", ", Venezuela's ": an apposition of at most three words before
#: the term, none of which opens a clause or a relation to someone else.
_APPOSITION = re.compile(r",\s+(?:the|an?|[A-Z][\w.\-]*['’]s)((?:\s+[\w'’.\-]+){0,3})\s+")
_CLAUSE_WORDS = frozenset("of who whom whose that which and or with to for by from as than said says".split())
#: Words that put another noun phrase between a term and a name ("dictator and the
#: president"): the term is not the name's label then.
_NOT_BETWEEN = _CLAUSE_WORDS | frozenset("a an the his her their its this that these those in on at over about against into after is was are were has had".split())


def _between(gap: str) -> bool:
    """The words between a term and the name after it are a label's own nouns and
    adjectives ("far-right *candidate* Marine Le Pen", "right-wing *radio host* Curt
    Schilling"), not a verb or preposition that puts the term on something else ("liberal
    group *opposing* Kavanaugh", "conservative outcry *over* Rep. Omar")."""
    if not _BEFORE_NAME.fullmatch(gap):
        return False
    words = gap.split()
    return not _NOT_BETWEEN.intersection(words) and all(_nominal(part_of_speech(w)) for w in words)


def _nominal(tag: str) -> bool:
    return not tag or tag.startswith(("NN", "JJ"))  # words the tagger does not know are mostly nouns ("pundit")


def _is_noun(term: str) -> bool:
    """A label after a name must be a noun ("the Assad *regime*"); an adjective there
    qualifies something else ("the Supreme Court's *conservative* majority")."""
    return not part_of_speech(term.split()[-1].casefold()).startswith("JJ")


def _is_actor(name: str) -> bool:
    """A name a label can be pinned on. Not a party or faith word alone ("Democrats",
    "Republican", "Christian"): an adjective before it picks some of its members ("liberal
    Democrats", "conservative Democrats" in one story are two sets of people), it does not
    label one actor."""
    if " " in name.strip():
        return True
    word = name.casefold()
    return not (part_of_speech(word).startswith(("JJ", "NNS")) or word.endswith(("ans", "ats", "ian")))


def _labels(text: str, start: int, end: int, mention_start: int, mention_end: int, role: str | None = None) -> bool:
    """Whether the term at ``text[start:end]`` labels the name at
    ``text[mention_start:mention_end]`` (offsets into one sentence's article text), whose
    title ``role`` (as ``Mention.role``) stands right before it."""
    if end <= mention_start:
        head = text[:mention_start].rstrip()
        if role and head.endswith(role) and end <= len(head) - len(role):
            mention_start = len(head) - len(role)  # "conservative Sen. Ted Cruz": the title is the name's
        gap = text[end:mention_start]
        if _between(gap):
            return True
        return bool(
            _BEFORE_NAME_COMMA.fullmatch(gap)
            and _OPENS_APPOSITION.search(text, max(0, start - 60), start)
            and _CLOSES_APPOSITION.match(text, mention_end)
        )
    if mention_end <= start:
        gap = text[mention_end:start]
        if _AFTER_NAME.fullmatch(gap):
            return _is_noun(text[start:end])
        m = _APPOSITION.fullmatch(gap)
        return bool(m) and not any(w.casefold() in _CLAUSE_WORDS for w in m.group(1).split())
    return False


def _labelled(ctx: RuleContext, story: Story, uses_by_sentence: Mapping[tuple[str, int], Sequence]) -> dict[int, dict[str, list]]:
    """For each entity (by index in ``ctx.entities(story)``), each outlet's term uses that
    label it."""
    entities = ctx.entities(story)
    by_sentence: dict[tuple[str, int], list[tuple[int, int, str | None, int]]] = {}
    for i, entity in enumerate(entities):
        for m in entity.mentions:
            if (m.article, m.sentence) in uses_by_sentence and _is_actor(m.text):
                by_sentence.setdefault((m.article, m.sentence), []).append((m.start, m.end, m.role, i))
    out: dict[int, dict[str, list]] = {}
    for key, uses in uses_by_sentence.items():
        names = by_sentence.get(key)
        if not names:
            continue
        text = ctx.articles[key[0]].text
        for use in uses:
            s: Sentence = use.sentence
            if s.text[use.start].isupper() and use.start > 0 and s.kind != "headline":
                continue  # "Boris Johnson's Conservative Party", "Conservative MP": a name, not a label
            start, end = s.start + use.start, s.start + use.end
            # The nearest name the term labels: "Kim Jong Un, the dictator" labels Kim.
            labelled = [(min(abs(ms - end), abs(start - me)), i) for ms, me, role, i in names if _labels(text, start, end, ms, me, role)]
            if labelled:
                out.setdefault(min(labelled)[1], {}).setdefault(ctx.outlet(key[0]), []).append(use)
    return out


def named_label_findings(
    ctx: RuleContext, rule: Rule, terms: TermsRule, stories: Iterable[tuple[Story, Mapping[tuple[str, int], Sequence]]], flagged: set[tuple[str, str]]
) -> Iterator[Finding]:
    """One finding per named actor whose outlets label it with different families.

    ``stories`` pairs each story with its unquoted term uses by (article, sentence index);
    ``flagged`` holds (story, key) of the lined-up findings already made, which a named
    finding would repeat.
    """
    for story, uses in stories:
        for index, by_outlet in sorted(_labelled(ctx, story, uses).items()):
            families = {o: {u.family for u in us} for o, us in by_outlet.items()}
            if not _disagree(families.values()):
                continue
            union = set().union(*families.values())
            if (story.id, "/".join(sorted(union))) in flagged:
                continue
            yield _finding(ctx, rule, terms, story, ctx.entities(story)[index], by_outlet, families)  # computed once per story


def _disagree(families: Iterable[set[str]]) -> bool:
    """Two outlets each label the actor with a family the other never uses for it.

    An outlet that writes "regime" in one place and "government" in another has made no
    choice against one that writes "regime": the pair shows no label one of them avoids.
    """
    sets = list(families)
    return any(a - b and b - a for i, a in enumerate(sets) for b in sets[i + 1 :])


def _finding(ctx: RuleContext, rule: Rule, terms: TermsRule, story: Story, entity: Entity, by_outlet, families) -> Finding:
    shared = set.intersection(*families.values())
    evidence = []
    for outlet in sorted(by_outlet):
        own = sorted(families[outlet] - shared) or sorted(families[outlet])
        for family in own:
            use = min((u for u in by_outlet[outlet] if u.family == family), key=lambda u: (u.sentence.article, u.sentence.index, u.start))
            s = use.sentence
            evidence.append(ctx.evidence(s, s.start + use.start, s.start + use.end))
    groups: dict[tuple[str, ...], list[str]] = {}
    for outlet in sorted(families):
        groups.setdefault(tuple(sorted(families[outlet])), []).append(outlet)
    sides = "; ".join(
        f"{_and(outlets)} {'write' if len(outlets) > 1 else 'writes'} {' and '.join(fams)}"
        for fams, outlets in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    )
    # Who wrote what is part of the key: the bare words ("dictator", "leader") are the same
    # for every outlet pair in every story of the actor, and the difference is which
    # outlets chose them (the same outlets and labels in two stories are one difference).
    chosen = ";".join(f"{'/'.join(fams)}={','.join(outlets)}" for fams, outlets in sorted(groups.items()))
    return ctx.finding(
        rule,
        story=story.id,
        key=f"named:{name_key(entity.canonical)}:{chosen}",
        message=f"{format_message(terms.message, {'concept': terms.concept})}: {entity.canonical}: {sides}",
        evidence=evidence,
        confidence=0.5,
    )


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
