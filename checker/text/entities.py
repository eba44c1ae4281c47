"""Linking a story's name mentions into entities, across outlets.

``link_mentions`` groups the mentions of a story into ``Entity`` values. String similarity
alone cannot tell "Kishida" from "Kushida", so a spelling variant is only linked when the
context agrees (same role, same claim, or the same slot among the same other people).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import pairwise

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .mentions import _ROLE_HEADS, _ROLE_MODIFIERS, PLURAL_TITLES, Mention
from .names import (
    _EDIT_LENGTH_CAP,
    _LETTER_CLASSES,
    _QUALIFIERS,
    NameRelation,
    acronym_letters,
    _align,
    fold_romanisation,
    _is_acronym_of,
    _is_hypocorism,
    _token_similarity,
    compare_names,
    name_key,
    name_tokens,
    surname_slip,
)

# ---------------------------------------------------------------------------------------
# Linking mentions across a story
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """Why two written forms of one entity were linked."""

    a: str  # a form as written (the earlier one in reading order)
    b: str
    relation: NameRelation  # SAME, PARTIAL, ACRONYM or VARIANT
    reason: str  # for the report: 'same role "South Korean President"; ...'


@dataclass(frozen=True)
class Entity:
    """One person, organisation or place of a story, with every mention of it."""

    canonical: str  # the fullest form written
    mentions: tuple[Mention, ...]  # sorted by (article, start)
    links: tuple[Link, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        """The distinct ways the entity is written, in reading order."""
        return tuple(dict.fromkeys(m.text for m in self.mentions))

    @property
    def variants(self) -> tuple[Link, ...]:
        """Links between spellings of the same name: what the name-variant rule flags."""
        return tuple(link for link in self.links if link.relation is NameRelation.VARIANT)


# Below ``DEFAULT_NAME_THRESHOLD`` a pair may still be one name in two transliterations
# ("Yoon Seok-wyeh"/"Yoon Suk Yeol", 0.375) when most parts agree and context confirms it.
_WEAK_PART_SIMILARITY = 0.75


@dataclass
class _Form:
    """All mentions written the same way (same ``name_key``)."""

    key: str
    mentions: list[Mention]

    # Cached: forms are complete before linking reads them, and linking reads them a lot.
    @cached_property
    def text(self) -> str:
        counts = Counter(m.text for m in self.mentions)
        return min(counts, key=lambda t: (-counts[t], t))

    @cached_property
    def tokens(self) -> tuple[str, ...]:
        return name_tokens(self.text)


class _Clusters:
    """Union-find over form indices; the smaller index is the root (deterministic)."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _role_parts(role: str) -> tuple[frozenset[str], frozenset[str]]:
    """(title words, place words) of a role: "South Korean President" ->
    ({"president"}, {"south", "korean"})."""
    words = [w.casefold().rstrip(".") for w in re.findall(r"[^\W_]+(?:[-'’.][^\W_]+)*\.?", role)]
    words = [PLURAL_TITLES.get(w, re.sub(r"['’]s$", "", w)) for w in words]
    titles = frozenset(w for w in words if w in _ROLE_HEADS or w in _ROLE_MODIFIERS)
    places = frozenset(w for w in words if w not in titles)
    return titles, places


def _same_place(a: frozenset[str], b: frozenset[str]) -> bool:
    """Place words agree, "Japan's" matching "Japanese" (a shared 4-letter stem)."""
    if not a or not b:
        return True

    def covered(xs: frozenset[str], ys: frozenset[str]) -> bool:
        return all(
            any(x == y or (x[:4] == y[:4] and len(x) >= 4 and len(y) >= 4) for y in ys) for x in xs
        )

    return covered(a, b) and covered(b, a)


def _roles_agree(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    titles_a, places_a = _role_parts(a)
    titles_b, places_b = _role_parts(b)
    return titles_a == titles_b and _same_place(places_a, places_b)


def _roles_conflict(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and not _roles_agree(a, b)


def _most_parts_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """At least two parts closely match, and at most one part of the shorter name does not
    (or the names start alike): "Yoon Seok-wyeh" / "Yoon Suk Yeol"."""
    short, long = sorted((a, b), key=len)
    close = sum(1 for _, s in _align(short, long).values() if s >= _WEAK_PART_SIMILARITY)
    if close < 2:
        return False
    return close >= len(short) - 1 or (short[0] == long[0] and 2 * close >= len(short))


def _is_surname_reference(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """A later short reference ("Albanese", "Stoltenberg") to a fuller name: the last
    parts of it, where the parts dropped are not qualifiers ("Korea" is not "South Korea")."""
    if not short or len(short) >= len(long) or long[-len(short) :] != short:
        return False
    return not any(part in _QUALIFIERS for part in long[: -len(short)])


# Comparing every pair of a story's forms costs a quadratic number of pure-Python edit
# distances, almost all between unrelated names. ``_linkable_pairs`` keeps the pairs whose
# relation can matter to ``link_mentions``; tests/test_entities.py checks on real names
# that it never drops one.
_CLOSE_PARTS = 0.5  # the lowest part similarity any link needs (see ``_linkable_pairs``)


def _close_parts(parts: Sequence[str]) -> list[set[int]]:
    """For each part, the parts (itself included) with ``_token_similarity >= 0.5``.

    rapidfuzz bounds ``_edit_distance`` in C for all pairs at once, raw and folded as
    ``_token_similarity`` compares them. With ``plain`` the edit distance and ``grouped``
    the one between letters mapped to their cheap-swap group, an alignment of F full edits
    and C cheap swaps costs F + C/2, where F >= grouped and F + C >= plain: so
    (grouped + plain) / 2 <= distance <= plain. Only pairs between the bounds are left to
    ``_token_similarity``; those with a qualifier or an initial are decided here, by its
    first two rules (the parts are distinct, so never equal).
    """
    n = len(parts)
    if n == 0:
        return []
    maybe = np.zeros((n, n), dtype=bool)
    certain = np.zeros((n, n), dtype=bool)
    for variant in (list(parts), [fold_romanisation(p) for p in parts]):
        lengths = np.array([len(p) for p in variant])
        budget = np.minimum(np.maximum(lengths[:, None], lengths[None, :]), _EDIT_LENGTH_CAP)
        mapped = [p.translate(_LETTER_CLASSES) for p in variant]
        grouped = process.cdist(mapped, mapped, scorer=OSA.distance, dtype=np.int32)
        plain = process.cdist(variant, variant, scorer=OSA.distance, dtype=np.int32)
        maybe |= grouped + plain <= budget  # 1 - distance / budget >= 0.5 is possible
        certain |= 2 * plain <= budget  # ... and certain
    qualifier = np.array([p in _QUALIFIERS for p in parts], dtype=bool)
    initial = np.array([len(p) == 1 for p in parts], dtype=bool)
    first = np.array([ord(p[0]) for p in parts])
    with_qualifier = qualifier[:, None] | qualifier[None, :]  # similarity 0
    with_initial = (initial[:, None] | initial[None, :]) & ~with_qualifier  # 1 if it starts the other
    certain = (certain & ~with_qualifier & ~with_initial) | (with_initial & (first[:, None] == first[None, :]))
    maybe = (maybe & ~with_qualifier & ~with_initial) | certain
    partners = [{i} for i in range(n)]
    for i, j in zip(*(k.tolist() for k in np.nonzero(np.triu(maybe, 1)))):
        # The similarity is symmetric: one cache entry per pair, whichever comes first.
        if certain[i, j] or _token_similarity(*sorted((parts[i], parts[j]))) >= _CLOSE_PARTS:
            partners[i].add(j)
            partners[j].add(i)
    return partners


def _linkable_pairs(texts: Sequence[str]) -> list[tuple[int, int]]:
    """The pairs (i < j, sorted) of distinct forms whose ``compare_names`` relation can be
    SAME, ACRONYM or VARIANT, or DIFFERENT with ``_most_parts_agree``: ``link_mentions``
    skips every other pair whatever its relation, so those are never compared.

    Why nothing is lost: SAME is equal joined parts. An acronym is one part, and no
    variant of a name that is not one: with such a name it matters only when it is its
    acronym. ``_most_parts_agree`` needs two parts with close partners (0.75). A VARIANT
    scores at least 0.6; unless ``_merge_split_parts`` can join two adjacent parts (only
    when the join is close, at least 0.5, to a part of the other name), every part of the
    shorter name is aligned with a partner at 0.6 or more (the first part may be a
    hypocorism of the other's first part instead).
    """
    tokens = [name_tokens(t) for t in texts]
    acronym = [bool(t) and acronym_letters(text) is not None for text, t in zip(texts, tokens)]
    vocabulary: dict[str, int] = {}
    part_columns: list[list[int]] = []
    join_columns: list[list[int]] = []
    for parts, is_acronym in zip(tokens, acronym):
        parts = () if is_acronym else parts
        part_columns.append([vocabulary.setdefault(p, len(vocabulary)) for p in parts])
        join_columns.append([vocabulary.setdefault(a + b, len(vocabulary)) for a, b in pairwise(parts)])
    partners = _close_parts(list(vocabulary))
    part_sets = [set(columns) for columns in part_columns]

    def may_link(f: int, g: int) -> bool:
        if any(partners[c] & part_sets[g] for c in join_columns[f]) or any(
            partners[c] & part_sets[f] for c in join_columns[g]
        ):
            return True  # parts may be joined: leave it to ``compare_names``
        covered_f = [bool(partners[c] & part_sets[g]) for c in part_columns[f]]
        covered_g = [bool(partners[c] & part_sets[f]) for c in part_columns[g]]
        if sum(covered_f) >= 2 or sum(covered_g) >= 2:
            return True
        first, other_first = tokens[f][0], tokens[g][0]
        nickname = _is_hypocorism(first, other_first) or _is_hypocorism(other_first, first)
        return (all(covered_f[1:]) and (covered_f[0] or nickname)) or (
            all(covered_g[1:]) and (covered_g[0] or nickname)
        )

    pairs: set[tuple[int, int]] = set()
    # Forms with a piece (a part or a join of two) close to a piece of the other, found
    # from each piece's holders rather than by trying every pair of forms.
    pieces = [set(part_columns[f] + join_columns[f]) for f in range(len(texts))]
    holders: dict[int, list[int]] = defaultdict(list)
    for g, own in enumerate(pieces):
        for c in own:
            holders[c].append(g)
    for f, own in enumerate(pieces):
        near = {g for c in own for d in partners[c] for g in holders.get(d, ()) if g > f}
        pairs.update((f, g) for g in near if may_link(f, g))
    by_joined: dict[str, list[int]] = defaultdict(list)
    for i, parts in enumerate(tokens):
        if parts:
            by_joined["".join(parts)].append(i)
    for same in by_joined.values():
        pairs.update((a, b) for k, a in enumerate(same) for b in same[k + 1 :])
    for i, is_acronym in enumerate(acronym):
        if not is_acronym:
            continue
        for j in range(len(texts)):
            # Another acronym may be a variant; any other name only its expansion.
            if j != i and tokens[j] and (acronym[j] or _is_acronym_of(texts[i], texts[j])):
                pairs.add((min(i, j), max(i, j)))
    return sorted(pairs)


def link_mentions(
    mentions: Sequence[Mention],
    outlet_of: Mapping[str, str],
    same_claim: Callable[[Mention, Mention], bool] | None = None,
    aliases: Sequence[Sequence[str]] = (),
) -> list[Entity]:
    """Group a story's mentions into entities, linking forms that name the same thing.

    Forms equal after normalisation, acronyms and unambiguous surname references are
    linked from the names alone. A spelling VARIANT needs the context to agree as well:
    the same role ("South Korean President"), a pair of mentions in the same claim
    (``same_claim``), or the same slot among the same other names ("Albanese" and
    "Ardern" in both sentences). Two forms in one sentence, or with different roles, are
    never variants. Inside a single outlet the names must be similar on their own too.
    ``outlet_of`` maps ``Mention.article`` to its outlet. ``aliases`` lists groups of
    names known to be one entity (alias rules: canonical name first, then variants and
    accepted names); their forms are linked last, as ``ALIAS``, so a variant the context
    already confirmed stays a ``VARIANT``, and the entity takes the canonical name.
    """
    ordered = sorted(mentions, key=lambda m: (m.article, m.start, m.end))
    by_key: dict[str, _Form] = {}
    for mention in ordered:
        key = name_key(mention.text) or mention.text.casefold()
        by_key.setdefault(key, _Form(key, [])).mentions.append(mention)
    forms = list(by_key.values())
    clusters = _Clusters(len(forms))
    links: list[tuple[int, int, NameRelation, str]] = []

    def link(i: int, j: int, relation: NameRelation, reason: str) -> None:
        clusters.union(i, j)
        links.append((min(i, j), max(i, j), relation, reason))

    index_pairs = _linkable_pairs([form.text for form in forms])
    relations = {(i, j): compare_names(forms[i].text, forms[j].text) for i, j in index_pairs}

    # 1. Names alone: the same name written differently, and acronyms.
    for (i, j), relation in relations.items():
        if relation is NameRelation.SAME:
            link(i, j, relation, "same name")
        elif relation is NameRelation.ACRONYM:
            link(i, j, relation, "acronym")

    # 2. Short references to a fuller name, when only one fuller name fits.
    ending_with: dict[str, list[int]] = defaultdict(list)  # a fuller name ends as the short one
    for j, other in enumerate(forms):
        if other.tokens:
            ending_with[other.tokens[-1]].append(j)
    for i, form in enumerate(forms):
        if acronym_letters(form.text) is not None or not form.tokens:
            continue
        fuller = [j for j in ending_with[form.tokens[-1]] if _is_surname_reference(form.tokens, forms[j].tokens)]
        roots = {clusters.find(j) for j in fuller}
        if len(roots) == 1:
            target = min(fuller, key=lambda j: (-len(forms[j].tokens), j))
            link(i, target, NameRelation.PARTIAL, f'short for "{forms[target].text}"')

    # 3. Spelling variants, confirmed by context.
    neighbours = _listing_neighbours(forms, clusters)
    for i, j in index_pairs:
        if clusters.find(i) == clusters.find(j):
            continue
        reason = _variant_reason(
            forms[i], forms[j], relations[(i, j)], neighbours, forms, outlet_of, same_claim
        )
        if reason:
            link(i, j, NameRelation.VARIANT, reason)

    # 4. Names an alias rule lists as one entity.
    canonical_of: dict[int, str] = {}
    for group in aliases:
        keys = {name_key(name) or name.casefold() for name in group}
        members = [i for i, form in enumerate(forms) if form.key in keys]
        for j in members[1:]:
            if clusters.find(j) != clusters.find(members[0]):
                link(members[0], j, NameRelation.ALIAS, f'alias rule for "{group[0]}"')
        for i in members:
            canonical_of.setdefault(i, group[0])

    entities = _entities(forms, clusters, links)
    if not canonical_of:
        return entities
    named = {clusters.find(i): name for i, name in sorted(canonical_of.items())}
    form_root = {m: clusters.find(i) for i, form in enumerate(forms) for m in form.mentions}
    return [
        replace(e, canonical=named[form_root[e.mentions[0]]]) if form_root[e.mentions[0]] in named else e
        for e in entities
    ]


_ListingKey = tuple[str, int, int]  # (article, sentence, listing)


def _listing_neighbours(forms: Sequence[_Form], clusters: _Clusters) -> dict[_ListingKey, set[int]]:
    """For each enumeration of names: the entity clusters named in it."""
    found: dict[_ListingKey, set[int]] = defaultdict(set)
    for index, form in enumerate(forms):
        for mention in form.mentions:
            if mention.listing is not None:
                found[(mention.article, mention.sentence, mention.listing)].add(
                    clusters.find(index)
                )
    return found


def _variant_reason(
    a: _Form,
    b: _Form,
    relation: NameRelation,
    neighbours: Mapping[_ListingKey, set[int]],
    forms: Sequence[_Form],
    outlet_of: Mapping[str, str],
    same_claim: Callable[[Mention, Mention], bool] | None,
) -> str:
    """Why two forms are one entity spelled two ways, or "" if the evidence is missing.

    Evidence: the same role is strong; the same claim and the same slot among other names
    are each weaker. Similar multi-part names need one piece of evidence; one-part names
    ("Kishida"/"Kushida", "Iran"/"Iraq") need a role or two pieces; names that are only
    partly similar ("Yoon Seok-wyeh"/"Yoon Suk Yeol") need a role plus another piece, and
    must come from different outlets.
    """
    similar = relation is NameRelation.VARIANT
    if not similar and not (
        relation is NameRelation.DIFFERENT and _most_parts_agree(a.tokens, b.tokens)
    ):
        return ""
    if similar and not _surnames_slip(a.tokens, b.tokens):
        return ""
    sentences_a = {(m.article, m.sentence) for m in a.mentions}
    if sentences_a & {(m.article, m.sentence) for m in b.mentions}:
        return ""  # named side by side: two different names
    if any(_roles_conflict(x.role, y.role) for x in a.mentions for y in b.mentions):
        return ""
    outlets_a = {outlet_of.get(m.article, m.article) for m in a.mentions}
    outlets_b = {outlet_of.get(m.article, m.article) for m in b.mentions}
    if not similar and not (outlets_a - outlets_b and outlets_b - outlets_a):
        return ""  # one outlet's two partly similar names are more likely two people
    role = next(
        (x.role for x in a.mentions for y in b.mentions if _roles_agree(x.role, y.role)), None
    )
    claim = same_claim is not None and any(same_claim(x, y) for x in a.mentions for y in b.mentions)
    slot = _shared_slot(a, b, neighbours, forms)
    weaker = int(claim) + int(bool(slot))
    if similar and min(len(a.tokens), len(b.tokens)) > 1:
        enough = bool(role) or weaker >= 1
    elif similar:
        enough = bool(role) or weaker >= 2
    else:
        enough = bool(role) and weaker >= 1
    if not enough:
        return ""
    reasons = [f'same role "{role}"'] if role else []
    if claim:
        reasons.append("same claim")
    if slot:
        reasons.append(f"named with {slot}")
    return "; ".join(reasons)


def _surnames_slip(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """For two similar names: the family name (the one part of a one-part name, else the
    last part) is the same or a slip of it. Given names may differ more ("Mario" /
    "Marco"): a reporter mishearing a first name still names the same person."""
    if len(a) == 1 or len(b) == 1:
        return surname_slip(a[-1], b[-1]) if len(a) == len(b) else True
    return surname_slip(a[-1], b[-1], min_length=1)


def _shared_slot(
    a: _Form, b: _Form, neighbours: Mapping[_ListingKey, set[int]], forms: Sequence[_Form]
) -> str:
    """The other names, at least two, listed beside both forms in some enumeration."""
    own = {forms.index(a), forms.index(b)}
    best: list[int] = []
    for x in a.mentions:
        for y in b.mentions:
            if x.listing is None or y.listing is None:
                continue
            beside_x = neighbours[(x.article, x.sentence, x.listing)] - own
            beside_y = neighbours[(y.article, y.sentence, y.listing)] - own
            shared = sorted(beside_x & beside_y)
            # A slot, not a busy sentence: most of the names around each mention are shared.
            if len(shared) >= 2 and 2 * len(shared) >= len(beside_x | beside_y):
                best = max(best, shared, key=lambda s: (len(s), [-k for k in s]))
    if not best:
        return ""
    return ", ".join(sorted(forms[k].text for k in best))


def _entities(
    forms: Sequence[_Form], clusters: _Clusters, links: Sequence[tuple[int, int, NameRelation, str]]
) -> list[Entity]:
    members: dict[int, list[int]] = defaultdict(list)
    for index in range(len(forms)):
        members[clusters.find(index)].append(index)
    entities = []
    for root, indices in members.items():
        mentions = tuple(
            sorted(
                (m for k in indices for m in forms[k].mentions), key=lambda m: (m.article, m.start)
            )
        )
        canonical = forms[
            min(indices, key=lambda k: (-len(forms[k].tokens), -len(forms[k].mentions), k))
        ].text
        own = sorted(
            (
                Link(forms[i].text, forms[j].text, relation, reason)
                for i, j, relation, reason in links
                if clusters.find(i) == root
            ),
            key=lambda link: (link.relation.value, link.a, link.b),
        )
        entities.append(Entity(canonical, mentions, tuple(own)))
    entities.sort(key=lambda e: (e.mentions[0].article, e.mentions[0].start))
    return entities

