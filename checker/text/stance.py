"""Words that tell the reader what to think of a statement or an act, beside the plain
words for it: "Trump *insisted*" / "Trump *said*", "she *falsely* claimed" / "she
claimed", "the lawmakers *slammed* Schiff" / "the lawmakers *criticized* Schiff".

Sources: the verbs of saying are those Wikipedia's Manual of Style lists under "Words to
watch: said" (MOS:SAID: "reveal, point out, clarify, expose, explain, find, note, observe,
insist, speculate, surmise, claim, assert, admit, confess, deny"; CC BY-SA 4.0), without
the ones that in news mostly report a plain act ("explain", "find", "note", "observe",
"deny", which a neutral outlet uses for the same statement), plus the verbs of attack and
of boasting that news copy uses for speech ("slammed", "blasted", "touted") and that AP
style tells reporters to avoid for "said". General news vocabulary, no topic.
"""

from __future__ import annotations

from functools import cache

#: Plain verbs of saying: the word a neutral account uses for a statement (not "asked": a
#: question is another act than a claim, "claimed that her" / "asking if her").
NEUTRAL_SAYING = frozenset(
    """say said says saying tell told tells telling state stated states stating add added adds
    adding write wrote writes writing written reply replied replies
    respond responded responds comment commented comments remark remarked remarks announce
    announced announces note noted notes explain explained explains""".split()
)

#: Verbs of saying that judge the statement or the speaker (base forms).
_LOADED_SAYING = """claim insist assert contend admit concede confess acknowledge reveal
    boast brag tout crow gloat trumpet complain grumble gripe whine moan rant rail fume
    scoff sneer snap snipe slam blast rip bash lambaste lambast assail berate chide scold
    mock ridicule deride taunt lash attack plead beg quip speculate surmise""".split()

#: Adverbs that say a statement is untrue or unfounded, beside a neutral verb ("falsely
#: said", "wrongly claimed"): the outlet rules on the claim in its own voice.
VERACITY_ADVERBS = frozenset(
    """falsely wrongly baselessly misleadingly erroneously incorrectly inaccurately
    dubiously dishonestly untruthfully spuriously""".split()
)


def _forms(base: str) -> set[str]:
    """The regular inflections of a verb: "slam" -> slams, slammed, slamming."""
    forms = {base, base + "s", base + "ed", base + "ing"}
    if base.endswith("e"):
        forms |= {base + "d", base[:-1] + "ing"}
    if base.endswith(("sh", "ch", "x", "s")):
        forms.add(base + "es")
    if base.endswith("y") and base[-2] not in "aeiou":
        forms |= {base[:-1] + "ies", base[:-1] + "ied"}
    vowel, last = base[-2:-1], base[-1:]
    if len(base) <= 4 and vowel in set("aeiou") and last not in set("aeiouwxy") and base[-3:-2] not in set("aeiou"):
        forms |= {base + last + "ed", base + last + "ing"}  # slam -> slammed, rip -> ripping
    return forms


@cache
def _loaded_saying() -> dict[str, str]:
    """Inflected form -> base form of every loaded verb of saying."""
    return {form: base for base in _LOADED_SAYING for form in _forms(base)}


def loaded_saying(word: str) -> str | None:
    """The base form when ``word`` is a loaded verb of saying ("insisted" -> "insist")."""
    return _loaded_saying().get(word.casefold())


def is_neutral_saying(word: str) -> bool:
    return word.casefold() in NEUTRAL_SAYING
