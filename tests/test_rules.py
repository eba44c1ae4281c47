"""Each built-in rule on small hand-made claims, plus the framework's guarantees."""

from __future__ import annotations

import datetime as dt

import pytest

from checker.errors import CheckerError
from checker.models import Article, CheckResult, Claim, Sentence, Severity, Story
from checker.rules import REGISTRY, Rule, apply_rules, builtin_rules, finish_rules, fingerprint, register, run_rules, Selection
from checker.rules.language.examples import story_of
from checker.rules.ruleset import RuleSet, load_rules
from checker.text.mentions import find_mentions

RULES = load_rules(selection=Selection(extend_select=("russia-ukraine",)))  # the war's term families too


def findings(result: CheckResult, rule: str):
    found, notes = run_rules(result, RULES, Selection(select=(rule,)))
    assert notes == ()
    return found


def spans(finding) -> list[str]:
    return [e.text for e in finding.evidence]


def test_registry_has_every_rule_once_with_docs() -> None:
    rules = builtin_rules()
    assert [r.code for r in rules] == [f"CK{i}" for i in range(101, 113)]
    assert len({r.name for r in rules}) == len(rules)
    for rule in rules:
        assert rule.__doc__ and rule.summary()
        module_doc = __import__(rule.__module__, fromlist=["_"]).__doc__
        assert "What it flags" in module_doc and "Why it matters" in module_doc


def test_registry_refuses_a_duplicate_code() -> None:
    class Copy(Rule):
        code = "CK101"
        name = "another-name"
        severity = Severity.INFO

    with pytest.raises(CheckerError, match="reuses code CK101"):
        register(Copy)
    assert REGISTRY["CK101"].name == "name-variant"


class Broken(Rule):
    """Fails on every claim it is given."""

    code = "CK999"
    name = "broken"
    severity = Severity.ERROR

    def check(self, ctx):
        return ctx.for_each_claim(self, lambda claim: 1 / 0)


def test_a_crashing_rule_becomes_a_note_and_the_others_still_run() -> None:
    result = story_of(("A", "Kishida will attend the summit."), ("B", "Kishida will not attend the summit."))
    ruleset = RuleSet(rules=(Broken(), REGISTRY["CK109"]()))
    found, notes = run_rules(result, ruleset, Selection(preview=True))
    assert [f.name for f in found] == ["contradiction"]
    assert notes == ("internal error in rule CK999 broken on claim s/c01: ZeroDivisionError: division by zero",)


def test_rule_outputs_of_parts_of_a_run_merge_as_one_pass_over_it() -> None:
    """Big runs apply the rules to shares of their stories in several processes: a rule
    that crashes on every share is noted once, and notes keep the order of the rules."""

    class Crashes(Rule):
        code = "CK998"
        name = "crashes"
        severity = Severity.ERROR

        def check(self, ctx):
            raise KeyError("boom")

    ruleset = RuleSet(rules=(Broken(), Crashes(), REGISTRY["CK109"]()))
    first = story_of(("A", "Kishida will attend the summit."), ("B", "Kishida will not attend the summit."))
    second = story_of(("A", "Japan accepted the proposal."), ("B", "Japan rejected the proposal."))
    found, notes = finish_rules([apply_rules(first, ruleset, Selection(preview=True)), apply_rules(second, ruleset, Selection(preview=True))], ruleset)
    assert [f.name for f in found] == ["contradiction", "contradiction"]
    assert notes == (
        "internal error in rule CK998 crashes: KeyError: 'boom'",
        "internal error in rule CK999 broken on claim s/c01: ZeroDivisionError: division by zero",
        "internal error in rule CK999 broken on claim s/c01: ZeroDivisionError: division by zero",
    )


def test_contradiction_negation() -> None:
    (f,) = findings(story_of(("A", "Kishida will attend the summit."), ("B", "Kishida will not attend the summit.")), "contradiction")
    assert spans(f) == ["attend", "not attend"]
    assert f.severity is Severity.ERROR


def test_contradiction_antonym_and_no_false_alarm_on_shared_negation() -> None:
    (f,) = findings(story_of(("A", "Japan accepted the proposal."), ("B", "Japan rejected the proposal.")), "contradiction")
    assert sorted(spans(f)) == ["accepted", "rejected"]
    same = story_of(("A", "Such attempts will never succeed."), ("B", "Such attempts will never succeed, he said."))
    assert findings(same, "contradiction") == ()


def test_number_mismatch_and_equal_values_written_differently() -> None:
    (f,) = findings(story_of(("A", "NATO has 30 members."), ("B", "NATO has 32 members.")), "number-mismatch")
    assert spans(f) == ["30 members", "32 members"]
    assert findings(story_of(("A", "About 10,000 people marched."), ("B", "Ten thousand people marched.")), "number-mismatch") == ()
    (g,) = findings(story_of(("A", "The two-day summit opened."), ("B", "The three-day summit opened.")), "number-mismatch")
    assert spans(g) == ["two-day", "three-day"]


def test_date_mismatch_resolves_weekdays_against_publication() -> None:
    published = dt.date(2023, 1, 31)
    (f,) = findings(story_of(("A", "The leaders met on Tuesday."), ("B", "The leaders met on Wednesday."), published=published), "date-mismatch")
    assert spans(f) == ["Tuesday", "Wednesday"]
    # 2023-01-31 was a Tuesday: the same day written two ways.
    same_day = story_of(("A", "The leaders met on Tuesday."), ("B", "The leaders met on Jan. 31."), published=published)
    assert findings(same_day, "date-mismatch") == ()


def test_list_difference_ignores_order_and_acronyms() -> None:
    (f,) = findings(
        story_of(("A", "They will cooperate on cyber and maritime security."),
                 ("B", "They will cooperate on cyber, emerging technologies, and maritime security.")),
        "list-difference",
    )
    assert "emerging technologies" in f.message
    same = story_of(("A", "Leaders of Japan, South Korea, Australia and New Zealand came."),
                    ("B", "Leaders of Japan, Australia, New Zealand and South Korea came."))
    assert findings(same, "list-difference") == ()
    acronym = story_of(("A", "It was founded by the US, Canada and France."), ("B", "It was founded by the United States, Canada and France."))
    assert findings(acronym, "list-difference") == ()


def test_attribution_fact_versus_hedge() -> None:
    (f,) = findings(
        story_of(("A", "The floodgates were opened at dawn."), ("B", "The floodgates were reportedly opened at dawn.")),
        "attribution",
    )
    assert f.severity is Severity.WARNING
    assert spans(f) == ["The floodgates were opened at dawn.", "reportedly"]


def test_quote_drift_names_the_words_that_differ() -> None:
    wording = story_of(
        ("A", '"We must demonstrate unity so that such attempts will never succeed," Kishida said.'),
        ("B", '"We must show unity so that such attempts never succeed," Kishida said.'),
    )
    (f,) = findings(wording, "quote-drift")
    assert f.message == 'A quotes "demonstrate will" where B quotes "show"'
    # A real case (NewsWCL50 event 3): Trump's tweet named "Wendy" Wasserman Schultz, and one
    # outlet corrected the name inside the quotation.
    name = story_of(
        ("Fox News", '"we will now counter for the DNC Server that they refused to give to the FBI, the Debbie Wasserman Schultz Servers," Trump wrote.'),
        ("HuffPost", '"we will now counter for the DNC Server that they refused to give to the FBI, the Wendy Wasserman Schultz Servers," Trump wrote.'),
    )
    (g,) = findings(name, "quote-drift")
    assert g.message == 'Fox News quotes "debbie" where HuffPost quotes "wendy"'


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # House style and editing marks, each judged trivial on real news (docs/quality.md).
        ('"The F.B.I. has the memorandums to Congress now," he said.', '"The FBI has the memorandums to Congress now," he said.'),
        ('"I told [him] that it was over for good," she said.', '"I told Comey that it was over for good," she said.'),
        ('"They will have bigger problems than ever before," he said.', '"They would have bigger problems than ever before," he said.'),
        ('"It violates the duty of every member here," he said.', '"It violates the duties of every member here," he said.'),
        ('"We are running out of time on this deal," she said.', '"We run out of time on this deal," she said.'),
        # A partial quote: one outlet quotes less of the same sentence.
        ('"the greatest threat to our democracy," he said.', '"This is the greatest threat to our democracy today," he said.'),
        # Two remarks that share a phrase are not one quote.
        ('"We will never accept a deal that hurts our farmers," she said.', '"We will never accept the tariffs on steel and aluminum," she said.'),
    ],
)
def test_quote_drift_skips_house_style_cuts_and_other_remarks(a: str, b: str) -> None:
    assert findings(story_of(("A", a), ("B", b)), "quote-drift") == ()


def test_quote_drift_gives_no_speaker_findings_since_speakers_are_misread() -> None:
    speaker = story_of(
        ("A", '"We will rebuild every bridge in this valley," Mayor Katarina Novak said.'),
        ("B", '"We will rebuild every bridge in this valley," Governor Paul Stolz said.'),
    )
    assert findings(speaker, "quote-drift") == ()


def test_framing_term_families_and_scare_quotes() -> None:
    result = story_of(
        ("A", "The leaders condemned Russia's invasion of Ukraine."),
        ("B", 'The leaders condemned Russia\'s "aggression" against Ukraine.'),
    )
    (f,) = findings(result, "framing")
    assert sorted(spans(f)) == ["aggression", "invasion"]
    scare = story_of(("A", "Russia's invasion of Ukraine goes on."), ("B", 'Russia\'s "invasion" of Ukraine goes on.'))
    messages = [f.message for f in findings(scare, "framing")]
    assert 'B puts "invasion" in quotation marks; A uses it plainly' in messages


def test_name_variant_needs_context_and_skips_partial_names() -> None:
    result = story_of(
        ("A", "South Korean President Yoon Suk Yeol met Australian Prime Minister Anthony Albanese."),
        ("B", "South Korean President Yoon Seok-wyeh met Australian Prime Minister Albanese."),
    )
    (f,) = findings(result, "name-variant")
    assert sorted(spans(f)) == ["Yoon Seok-wyeh", "Yoon Suk Yeol"]


def test_omission_needs_two_carriers_and_one_missing_outlet() -> None:
    result = story_of(("A", "NATO was created in 1949."), ("B", "NATO was founded in 1949."))
    extra = Article(path="c.txt", text="Something else entirely.", outlet="C")
    story = Story(id="s", articles=("a.txt", "b.txt", "c.txt"), reason="test")
    with_c = CheckResult(result.articles + (extra,), result.sentences, (story,), result.claims)
    (f,) = findings(with_c, "omission")
    assert f.message == "reported by A, B; not by C" and f.severity is Severity.INFO
    assert findings(result, "omission") == ()


def test_fingerprint_ignores_whitespace_case_and_offsets() -> None:
    from checker.models import Evidence

    one = [Evidence("Kyodo", "a.txt", "s", 10, 20, "Yoon  Suk Yeol", line=3)]
    two = [Evidence("kyodo", "moved/a.txt", "s", 500, 510, "yoon suk\nyeol", line=40)]
    assert fingerprint("CK101", "s", "key", one) == fingerprint("CK101", "s", "key", two)
    assert fingerprint("CK101", "s", "key", one) != fingerprint("CK103", "s", "key", one)


def test_list_difference_finds_a_list_moved_into_the_next_sentence() -> None:
    """A rewrite splits "improve the programme ... in cyber and maritime security" in two."""

    kyodo = "Kishida wants to update the partnership document to boost cooperation in cyber and maritime security."
    zh_member = "Kishida said he would fundamentally improve the partnership programme."
    zh_next = "He hopes to advance cooperation in areas such as cyber, emerging technologies, and maritime security."
    zh_text = f"{zh_member} {zh_next}"
    articles = (
        Article(path="kyodo.txt", text=kyodo, outlet="Kyodo"),
        Article(path="zh.txt", text=zh_text, outlet="zh"),
    )
    k = Sentence("kyodo.txt", 0, 0, len(kyodo), kyodo)
    z0 = Sentence("zh.txt", 0, 0, len(zh_member), zh_member)
    z1 = Sentence("zh.txt", 1, len(zh_member) + 1, len(zh_text), zh_next)
    story = Story(id="s", articles=("kyodo.txt", "zh.txt"), reason="test")
    claim = Claim(id="s/c01", story="s", sentences=(k, z0), similarity=0.7)
    result = CheckResult(articles, (k, z0, z1), (story,), (claim,))
    (f,) = findings(result, "list-difference")
    assert f.message == "only zh lists 'emerging technologies'"
    # Only what the neighbour adds counts: a neighbour listing fewer items is not flagged.
    fewer = "He hopes to advance cooperation in areas such as cyber and maritime security."
    z1b = Sentence("zh.txt", 1, len(zh_member) + 1, len(zh_member) + 1 + len(fewer), fewer)
    longer = kyodo.replace("cyber and maritime security", "cyber, space, and maritime security")
    k2 = Sentence("kyodo.txt", 0, 0, len(longer), longer)
    articles2 = (Article(path="kyodo.txt", text=longer, outlet="Kyodo"), Article(path="zh.txt", text=f"{zh_member} {fewer}", outlet="zh"))
    claim2 = Claim(id="s/c01", story="s", sentences=(k2, z0), similarity=0.7)
    assert findings(CheckResult(articles2, (k2, z0, z1b), (story,), (claim2,)), "list-difference") == ()


def test_dates_conflict_only_when_they_date_the_same_act() -> None:
    """Real ECB+ pairs (benchmarks/number_pairs/ecbplus.yaml): a claim may join sentences
    that date different acts; only dates of one act (a shared content word nearby) conflict."""
    from checker.rules.builtin.ck104_date_mismatch import _conflicts

    shooting = "An accounting firm employee shot and killed a woman and wounded two men Monday at the building where he worked."
    verdict = "A jury on Tuesday convicted a man charged in an April 2007 shooting at a Troy accounting firm."
    assert _conflicts(shooting, None, verdict, None) == ()
    felt_a = "Mark Felt, who was known as Watergate scandal informant 'Deep Throat,' died on Friday."
    felt_b = "Felt died at his home in Santa Rosa, California, Thursday, the Press Democrat newspaper reported."
    ((x, y),) = _conflicts(felt_a, None, felt_b, None)
    assert (x.text, y.text) == ("Friday", "Thursday")


def test_a_spaced_apostrophe_is_typesetting_not_a_changed_quote() -> None:
    """HuffPost set Trump's words as "It ’s insane" (nw_4): the same words as "It's insane"."""
    from checker.rules.builtin.ck105_quote_drift import quote_tokens

    assert quote_tokens("It ’s insane. It ’s ridiculous.") == quote_tokens("It's insane. It's ridiculous.")


def test_house_style_of_a_name_is_its_own_lower_kind() -> None:
    """Issue 18: "Kim Jong-un" / "Kim Jong Un" is found, as style (CK110, info), not as a
    misspelling (CK101); a leading "The", "Inc." or a headline in capitals is not style."""
    kim = story_of(
        ("A", "North Korean leader Kim Jong-un met South Korean President Moon Jae-in at the border on Friday."),
        ("B", "North Korean leader Kim Jong Un met South Korean President Moon Jae-in at the border on Friday."),
    )
    found, _ = run_rules(kim, RULES, Selection(select=("CK101", "CK110")))
    assert [(f.rule, f.severity.value, f.message) for f in found] == [
        ("CK110", "info", 'A writes "Kim Jong-un", B writes "Kim Jong Un" (house style: hyphenation and case)')
    ]
    caller = story_of(
        ("A", "The report was first published by The Daily Caller on Tuesday, citing two officials."),
        ("B", "The report was first published by Daily Caller on Tuesday, citing two officials."),
    )
    assert run_rules(caller, RULES, Selection(select=("CK110",)))[0] == ()


def test_an_irregular_past_tense_in_a_quote_is_the_same_word() -> None:
    """CK105 sets tense aside ("attend"/"attended"); irregular verbs too ("wrote"/"write")."""
    from checker.rules.builtin.ck105_quote_drift import _trivial

    assert _trivial(["wrote", "letter"], ["write", "letter"]) and _trivial(["brought"], ["bring"])
    assert not _trivial(["brought"], ["sent"])


def test_the_kinds_of_house_style_a_name_can_differ_in() -> None:
    from checker.rules.builtin.ck110_name_style import _style_difference

    assert _style_difference("Raul Labrador", "Raúl Labrador") == "accents"
    assert _style_difference("Mitch McConnell", "Mitch Mcconnell") == "case"
    assert _style_difference("Kim Jong-un", "Kim Jong Un") == "hyphenation and case"
    assert _style_difference("Kim Jong Un", "Kim Jong Un") is None


# --- Held-out patterns (AllSides, 2012): each judged on real news, benchmarks/held_out/ ---


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # A contraction written out: how a transcriber hears it (judged trivial).
        ('"The greatest threat to Medicare is Obamacare, and we are going to stop it," he said.',
         '"The greatest threat to Medicare is ObamaCare, and we’re going to stop it," he said.'),
        # "11%" / "11 percent", hyphens and spacing, "Gov." / "Governor", "3 1/2" / "three and a half".
        ('"Is the America of 11% Hispanic unemployment the America of our dreams?" he asked.',
         '"Is the America of 11 percent Hispanic unemployment the America of our dreams?" he asked.'),
        ('"After four years of getting the runaround, America needs a turnaround," he said.',
         '"After four years of getting the run-around, America needs a turnaround," he said.'),
        ('"And the man for the job is Gov. Mitt Romney," she said.',
         '"And the man for the job is Governor Mitt Romney," she said.'),
        ('"After 3 1/2 years of putting every issue before immigration," he said.',
         '"After three and a half years of putting every issue before immigration," he said.'),
        # "2nd" / "Second" Amendment; "overbroad" / "over-broad" with a filler cut.
        ('"It is an attack on the Second Amendment rights of every citizen," he said.',
         '"It is an attack on the 2nd Amendment rights of every citizen," he said.'),
        ('"The law is overbroad and will be struck down in court," she said.',
         '"The law is over-broad and will be struck down in the court," she said.'),
        # A speaker's repetition kept by one outlet, tidied by the other; "30th" / "30".
        ('"We honor the sacrifice -- the sacrifices of our troops who served so bravely," he said.',
         '"We honor the sacrifice of our troops who served so bravely," he said.'),
        ('"I don\'t want to raise taxes, I don\'t want to cut benefits for the people who need them," he said.',
         '"I don\'t want to raise taxes or cut benefits for the people who need them," he said.'),
        ('"The deadline for people to sign up is the 30th of this month, and no later," she said.',
         '"The deadline for people to sign up is the 30 of this month, and no later," she said.'),
        # A censored word, "fifteen" / "15", a backtick for an apostrophe (fourth held-out sample).
        ('"You can do anything, grab them by the p----, you can do anything at all," he said.',
         '"You can do anything, grab them by the pussy, you can do anything at all," he said.'),
        ('"We have waited fifteen years for this day to come to our town," she said.',
         '"We have waited 15 years for this day to come to our town," she said.'),
        ('"We`re not going to stop until every family has a home in this city," she said.',
         '"We\'re not going to stop until every family has a home in this city," she said.'),
        # "you've got to" / "you got to": the auxiliary carries no meaning here.
        ('"When somebody does the job, you\'ve got to keep them there," he said.',
         '"When somebody does the job, you got to keep them there," he said.'),
        # A preposition and the passive's "get" (held-out samples, judged trivial).
        ('"We are deeply concerned regarding his disappearance and his safety," she said.',
         '"We are deeply concerned of his disappearance and his safety," she said.'),
        ('"It is a claim that gets peddled frequently by people on the other side," he said.',
         '"It is a claim that is peddled frequently by people on the other side," he said.'),
        ('"We are talkin\' about a deal with the other side every day," he said.',
         '"We are talking about a deal with the other side every day," he said.'),
        # Fifth held-out sample, judged trivial: "9/11", "w/", "no one", "47percent", "PAC's".
        ('"We have been at war since 9/11 and we will not stop now," he said.',
         '"We have been at war since September 11th and we will not stop now," he said.'),
        ('"I met w/ the families of the victims in Orlando today," Cruz wrote.',
         '"I met with the families of the victims in Orlando today," Cruz wrote.'),
        ('"No one in this room believes the plan will work this year," she said.',
         '"Nobody in this room believes the plan will work this year," she said.'),
        ('"He wants the 47percent to vote for him in the fall," she said.',
         '"He wants the 47 percent to vote for him in the fall," she said.'),
        ('"The super PAC\'s money is flooding the state this month," he said.',
         '"The superPACs money is flooding the state this month," he said.'),
    ],
)
def test_quote_drift_skips_house_style_seen_on_a_real_archive(a: str, b: str) -> None:
    assert findings(story_of(("A", a), ("B", b)), "quote-drift") == ()


def test_a_short_phrase_alike_but_for_a_word_is_not_drift() -> None:
    """Held out: an outlet's own phrase set against a speaker's line; two short remarks."""
    own = 'The "worst recovery since the Great Depression" continues.'
    line = '"And it all culminated in the worst financial crisis since the Great Depression," he said.'
    assert findings(story_of(("A", own), ("B", line)), "quote-drift") == ()


def test_a_line_quoted_three_ways_is_a_pledge_said_many_times_not_a_misquote() -> None:
    """Held out: "If you like your plan, you can keep it" in many versions, each the
    speaker's own on another occasion; two wordings (one outlet against the rest) stay."""
    versions = (
        '"If you like your health care plan, you will be able to keep your health care plan, period," he said.',
        '"If you like your private insurance plan, you will be able to keep your health care plan, period," he said.',
        '"If you like your doctor, you will be able to keep your health care plan, period," he said.',
    )
    assert findings(story_of(*zip("ABC", versions)), "quote-drift") == ()
    (one,) = findings(story_of(("A", versions[0]), ("B", versions[0]), ("C", versions[1])), "quote-drift")
    assert one.message.startswith('A quotes "health care" where C quotes "private insurance". In all: A and B write')


def test_a_rebuttal_mirroring_a_quote_is_not_drift() -> None:
    """A "not" only one side has: on real news, a rebuttal quoting the words it answers."""
    a = '"Mr. President, take it from me, the private sector is not doing well," Romney said.'
    b = '"The private sector is doing fine," Obama said on Friday.'
    assert findings(story_of(("A", a), ("B", b)), "quote-drift") == ()


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        # Judged real: "I'd love" (a wish) is not "I love"; a negation is never filler.
        ('"We\'ve been looking at that. And I\'d love that option as well," Ann responded.',
         '"We\'ve been looking at that, and I love that option as well," Ann responded.',
         'A quotes "i\'d" where B quotes "i"'),
        ('"If you felt that excitement when you voted for him, shouldn\'t you feel that way now?" she asked.',
         '"If you felt that excitement when you voted for him, should you feel that way now?" she asked.',
         'A quotes "shouldn\'t" where B quotes "should"'),
    ],
)
def test_quote_drift_keeps_a_changed_modality_or_negation(a: str, b: str, message: str) -> None:
    (f,) = findings(story_of(("A", a), ("B", b)), "quote-drift")
    assert f.message == message


def test_name_variant_is_a_slip_of_one_surname_not_two_alike_surnames() -> None:
    """Held out: "Rahm Emanuel" / "Rahm Emmanuel" is one man misspelled; "Mr. McConnell" /
    "Mr. McDonnell" and "Mr. Carter" / "Mr. Cantor" were two politicians each; "Joe" /
    "Joseph Biden" is house style."""
    emanuel = story_of(
        ("Townhall", "Chicago Mayor Rahm Emmanuel, Obama's former chief of staff, was more succinct."),
        ("Washington Times", "Chicago Mayor Rahm Emanuel, Mr. Obama's former chief of staff, urged Mr. Romney to stop."),
    )
    (f,) = findings(emanuel, "name-variant")
    assert f.key == "rahm emanuel / rahm emmanuel"
    for a, b in (("McConnell", "McDonnell"), ("Carter", "Cantor"), ("Baker", "Bauer"), ("Carey", "Carney")):
        two = story_of(
            ("A", f"Mr. {a} said the policies of this president are hurting jobs."),
            ("B", f"Mr. {b} said the policies of this president are hurting jobs."),
        )
        assert findings(two, "name-variant") == (), (a, b)
    biden = story_of(
        ("CNN", "Voters see Ryan in a more favorable light than they do Vice President Joseph Biden."),
        ("Townhall", "Voters see Ryan in a more favorable light than they do Vice President Joe Biden."),
    )
    assert findings(biden, "name-variant") == ()


def test_american_and_british_spellings_of_a_name_are_house_style() -> None:
    from checker.rules.builtin.ck101_name_variant import _spelled_differently

    assert not _spelled_differently("New Amsterdam Theatre", "New Amsterdam Theater")
    assert not _spelled_differently("Labor Party", "Labour Party")
    assert _spelled_differently("Rahm Emanuel", "Rahm Emmanuel")
    assert not _spelled_differently("African-Americans", "African-American Democrats")
    assert not _spelled_differently("NBC News", "ABC News")  # judged wrong: two networks' polls
    assert not _spelled_differently("Fourth Amendment", "First Amendment")  # numbers tell things apart
    assert not _spelled_differently("Forty-six", "Fifty-six")


def test_a_quotation_dated_to_two_days_is_two_remarks() -> None:
    """Held out: a spokesman's Monday statement and his Tuesday update, alike but for a
    word, are two remarks; "Fox News Sunday" is a show, not a day."""
    monday = '"We are still assessing the results of the operation against the militants," Kirby said Monday.'
    tuesday = '"We are still assessing the outcome of the operation against the militants," Kirby said Tuesday.'
    assert findings(story_of(("A", monday), ("B", tuesday)), "quote-drift") == ()
    show = '"We are still assessing the outcome of the operation against the militants," Kirby said on "Fox News Sunday."'
    (f,) = findings(story_of(("A", monday), ("B", show)), "quote-drift")
    assert f.message == 'A quotes "results" where B quotes "outcome"'


def test_a_judging_adjective_one_outlet_pins_on_a_thing_the_other_names_plainly() -> None:
    """Issue 18: CK111 finds "the president's reckless announcement" against "the
    announcement" in one claim; the adjective comes from the lexicons, not a list."""
    found = findings(
        story_of(
            ("A", "The senator criticised the president's reckless announcement on Tuesday."),
            ("B", "The senator criticised the announcement the president made on Tuesday."),
        ),
        "CK111",
    )
    assert [(f.severity.value, f.message, spans(f)) for f in found] == [
        (
            "info",
            'A writes "president\'s reckless announcement"; B "the announcement": never "reckless"',
            ["president's reckless announcement", "the announcement"],
        )
    ]


@pytest.mark.parametrize(
    "a, b",
    [
        # the speaker's word, quoted: not the outlet's label
        ('The senator called it "a reckless announcement" on Tuesday.', "The senator criticised the announcement on Tuesday."),
        # a status, not a judgement
        ("Prosecutors opened a criminal investigation into the company.", "Prosecutors opened an investigation into the company."),
        # the other outlet judges too, with a word neither lexicon knows
        ("The senator criticised the president's reckless announcement.", "The senator criticised the president's lackluster announcement."),
        # the other outlet uses the word only as a verb after a name
        ("Analysts saw the desperate need for funds.", "Analysts say Romney needs funds."),
        # a superlative ranks, mostly a fact: "the worst outbreak" (held-out AllSides text)
        ("Officials called it the worst outbreak in the region.", "Officials tracked the outbreak in the region."),
        # an indefinite phrase introduces another thing: "a bad deal" is not "the deal"
        ("Critics warned of a bad deal for the workers.", "Critics warned the deal hurts the workers."),
        # an outcome, not a stance: "the unsuccessful mission"
        ("The unsuccessful mission ended on Sunday.", "The mission ended on Sunday."),
    ],
)
def test_loaded_label_leaves_quotes_facts_shared_judgements_and_verbs_alone(a: str, b: str) -> None:
    assert findings(story_of(("A", a), ("B", b)), "CK111") == ()


def test_one_changed_word_is_one_quote_drift_finding_however_much_each_outlet_quoted() -> None:
    """Held out (AllSides 11,001-15,000): an outlet quoting a line twice, at two lengths,
    gave two findings for one changed word; now one, with every quotation as evidence."""
    found = findings(
        story_of(
            ("A", '"We must never take for granted the work all of you do for this country every day," Obama said.'),
            ("A", '"You keep us free. We must never take for granted the work all of you do for this country every day," Obama said.'),
            ("B", '"You keep us free. We must never take for granted the work all of you do for this nation every day," Obama said.'),
        ),
        "CK105",
    )
    assert len(found) == 1
    assert found[0].message.startswith('A quotes "country" where B quotes "nation"')
    assert sorted(e.outlet for e in found[0].evidence) == ["A", "A", "B"]


def test_a_verb_opening_a_sentence_is_not_a_given_name() -> None:
    """Held out (AllSides 11,001-15,000): "Take Pompeo, who peppered Clinton" read as a
    misspelling of "Mike Pompeo"; a sentence-initial word the tagger reads as a verb, never
    capitalised inside the article, is not part of a name."""
    story = story_of(
        ("A", "Take Pompeo, who peppered Clinton repeatedly — but almost always with a reference to the folks back in his Kansas district."),
        ("B", "He insists that his fellow Republicans on the committee — Reps. Jim Jordan (Ohio), Mike Pompeo (Kan.) and Martha Roby — were fair."),
    )
    assert findings(story, "CK101") == ()


def test_two_surnames_joined_by_a_hyphen_are_not_a_spelling_of_one() -> None:
    """Held out (AllSides 11,001-15,000): "the Rubio-Giuliani argument" was read as a
    misspelling of "Rudy Giuliani" in a story that names Marco Rubio too."""
    story = story_of(
        ("A", "I won't go into detail rebutting the Rubio-Giuliani argument made on Monday night."),
        ("B", "The speeches by Rudy Giuliani and others on Monday night made the argument."),
        ("C", "Senator Marco Rubio made the argument by video on Monday night."),
    )
    assert findings(story, "CK101") == ()


def test_a_relative_of_one_family_name_is_not_a_misspelling() -> None:
    """Held out (AllSides, three samples): "Rand Paul" and "his father, Ron Paul" were read
    as one senator spelled two ways; the family word before a name is its role now, and
    a father's role is not a senator's. A relative named with no other role stays linkable:
    "his mother, Lesley McSpadden" / "Leslie McSpadden" was a real misspelling."""
    story = story_of(
        ("A", "Sen. Rand Paul opposed the motion to proceed on the bill."),
        ("C", "Rand Paul opposed the motion to proceed on the bill."),
        ("B", "Paul learned politics from his father, Ron Paul, and opposed the motion to proceed on the bill."),
    )
    assert findings(story, "CK101") == ()
    mother = story_of(
        ("A", "Michael Brown's mother, Lesley McSpadden, spoke to reporters after the hearing on Monday."),
        ("B", "Leslie McSpadden spoke to reporters after the hearing on Monday."),
    )
    assert [f.message for f in findings(mother, "CK101")] == ['A writes "Lesley McSpadden", B writes "Leslie McSpadden" (same claim)']


def test_a_link_tooltip_run_into_a_name_is_not_a_spelling() -> None:
    """Held out (AllSides 15,001-19,000): The Hill's pages give a name, its tooltip and the
    linked headline run together ("Susan Collins Susan Margaret CollinsLawmakers ..."):
    the first name is kept, the repeat dropped."""
    def names(text: str) -> list[str]:
        return [m.text for m in find_mentions([Sentence("a", 0, 0, len(text), text)], text)]

    hill = names("Sen. Susan Collins Susan Margaret CollinsLawmakers under pressure to pass benefits fix MORE (R-Maine) recently said she would vote again.")
    assert hill[0] == "Susan Collins" and not any("Margaret" in n for n in hill)
    assert names("WikiLeaks said SolarWinds, Mitch McConnell and Ron DeSantis agreed; Boutros Boutros-Ghali and Sirhan Sirhan did not.") == ["WikiLeaks", "SolarWinds", "Mitch McConnell", "Ron DeSantis", "Boutros Boutros-Ghali", "Sirhan Sirhan"]


def test_an_adjective_is_not_a_spelling_of_a_name_but_a_slip_is() -> None:
    """Held out (AllSides 15,001-19,000): "another example of Fake News" was read as "Fox
    News" misspelled; "Normal Siegel" for "Norman Siegel" (AllSides 7,001-9,000) stays."""
    fake = story_of(
        ("A", "He said on Fox News Sunday that the story was wrong and there was nothing to it."),
        ("B", "Another day, another example of Fake News, and there was nothing to it."),
    )
    assert findings(fake, "CK101") == ()
    slip = story_of(
        ("A", "Her lawyer Norman Siegel said the quarantine order would be challenged in court."),
        ("B", "Her lawyer Normal Siegel said the quarantine order would be challenged in court."),
    )
    assert [f.message for f in findings(slip, "CK101")] == ['A writes "Norman Siegel", B writes "Normal Siegel" (same claim)']


def test_names_in_an_embedded_post_are_the_posters_spelling() -> None:
    """Held out (AllSides 19,001-23,000): "Judge Brett Kavanuagh" in a tweet Townhall
    embedded verbatim was flagged as Townhall's misspelling; a paragraph signed "— Name
    (@handle) July 10, 2018" is the poster's text. The outlet's own line stays."""
    post = "BREAKING: Trump chooses Judge Brett Kavanuagh to overrule Roe v. Wade.https://t.co/x3lPmaU7ob — Ian Millhiser (@imillhiser) July 10, 2018"
    own = "Trump chooses Judge Brett Kavanuagh to fill the seat, the White House said."
    text = f"{own}\n\n{post}\n\nThe vote is expected in the fall."
    sentences = [Sentence("a", 0, 0, len(own), own), Sentence("a", 1, len(own) + 2, len(own) + 2 + len(post), post)]
    assert [(m.sentence, m.text) for m in find_mentions(sentences, text)] == [(0, "Trump"), (0, "Brett Kavanuagh"), (0, "White House")]


def _wording(a: str, b: str) -> list[str]:
    return [f.message for f in findings(story_of(("A", a), ("B", b)), "CK112")]


@pytest.mark.parametrize(
    "a, b, message",
    [
        # held out (AllSides 27,001-29,000): The Guardian's "claimed" where AP wrote "said"
        (
            "Trump, who denies Daniels' claim of a sexual relationship, has claimed any payments were a personal matter, not a campaign expense.",
            "Trump, who denies any sexual relationship with either woman, has said any payments were a personal matter, not a campaign expense.",
            'A writes "has claimed any" (verb "claimed"); B "has said any"',
        ),
        # held out: USA TODAY's "now infamous" call, plain in NPR and Politico
        (
            "Hill left her position days before the now infamous July 25 phone call between Trump and Zelensky.",
            "Hill left the NSC roughly a week before the July 25 phone call in which Trump pushed Ukraine's president.",
            'A writes "the now infamous July" (adjective "infamous"); B "the July"',
        ),
        # a verdict on the truth of what was said, in the outlet's own voice
        (
            "Trump falsely said the economy grew faster than ever before.",
            "Trump said the economy grew faster than ever before.",
            'A writes "Trump falsely said" (adverb "falsely"); B "Trump said"',
        ),
    ],
)
def test_wording_flags_one_judging_word_where_the_same_sentence_is_plain(a: str, b: str, message: str) -> None:
    assert _wording(a, b) == [message]


@pytest.mark.parametrize(
    "a, b",
    [
        # held out: "offensive" is the noun (a military offensive), not a judging adjective
        ("Officials fear the offensive against the SDF could free ISIS members.", "Officials fear the SDF could free ISIS members."),
        # held out: opposite judgements of two different things, not one thing told plainly
        ("It does not make the world a worse place for anyone.", "It does not make the world a better place for anyone."),
        # a plea is the legal act, not a plea for mercy
        ("Former Rep. Jesse Jackson Jr. pleaded guilty Wednesday in federal court.", "Former Rep. Jesse Jackson Jr. said Wednesday in federal court."),
        # the speaker's word, quoted
        ('The senator said the plan was "a reckless gamble" on Tuesday.', "The senator said the plan was a gamble on Tuesday."),
        # a degree of illness is a fact
        ("Officials said 215 people contracted severe respiratory illnesses after vaping.", "Officials said 215 people contracted illnesses after vaping."),
        # the other outlet uses the word too, elsewhere in its sentence
        ("Trump insisted on Monday that talks would resume, as he has insisted before.", "Trump said on Monday that talks would resume, as he has insisted before."),
        # the sentences differ around the word: no slot to compare
        ("The contentious hearing lasted 5 hours.", "There were no fireworks during the 5 hours of testimony."),
        # held out: one speaker's two statements, "claimed" one thing and "said" another
        (
            "Schiff acknowledged that the votes were not there to remove the president from office.",
            "Schiff said the whistleblower would not be named in the hearings.",
        ),
        # held out: two things named by one name ("Black Lives Matter demonstrations" / "movement")
        (
            "The poll followed the remarkable Black Lives Matter demonstrations of 2014.",
            "The poll followed the Black Lives Matter movement of 2014.",
        ),
        # a question is another act than a claim
        ("The woman claimed that her daughter had been harassed.", "The woman was asking if her daughter had been harassed."),
        # held out: the plain side is a quote itself, not the outlet's telling
        (
            "Trump's tweets attacking four congresswomen of color drew rebukes from Republicans.",
            "Trump's “racist comments” against four congresswomen of color drew rebukes from Republicans.",
        ),
        # held out: both outlets rule on the truth, in two words
        ("DeVos said the rules left students falsely accused of assault without recourse.", "DeVos said the rules left students wrongly accused of assault without recourse."),
        # held out: "Trump's attacks" is a noun, not a verb of saying
        ("Strzok said Trump's attacks on a Gold Star family appalled him.", "Strzok said Trump's remarks on a Gold Star family appalled him."),
        # held out: the end of a quotation that opened in the sentence before
        (
            "an escalating and increasingly troubling trade war,” the senator said on Monday.",
            "an escalating trade war,” the senator said on Monday.",
        ),
    ],
)
def test_wording_leaves_nouns_opposites_pleas_quotes_facts_and_loose_pairs_alone(a: str, b: str) -> None:
    assert _wording(a, b) == []


def test_general_term_families_compare_only_words_in_one_slot() -> None:
    """news-framing's rules are ``aligned``: "terrorist" and "fighters" in two sentences of
    one claim named different groups on held-out news; in one slot they name one."""
    rules = load_rules(selection=Selection(select=("news-framing",)))
    same_slot = story_of(("A", "North Korean dictator Kim Jong Un met Trump in Singapore."), ("B", "North Korean leader Kim Jong Un met Trump in Singapore."))
    found, _ = run_rules(same_slot, rules, Selection(select=("news-framing",)))
    assert [(f.rule, sorted(e.text for e in f.evidence)) for f in found] == [("ruler-label", ["Korean dictator Kim", "Korean leader Kim"])]
    elsewhere = story_of(
        ("A", "Taliban fighters launched fresh assaults on the northern cities of Kunduz this week."),
        ("B", "The talks came days before the anniversary of the September 11 terrorist attacks this week."),
    )
    assert run_rules(elsewhere, rules, Selection(select=("news-framing",)))[0] == ()


def _framing(*texts_by_outlet: tuple[str, str]) -> list[tuple[str, list[str], str]]:
    rules = load_rules(selection=Selection(select=("news-framing",)))
    found, _ = run_rules(story_of(*texts_by_outlet), rules, Selection(select=("news-framing",)))
    return [(f.rule, sorted(e.text for e in f.evidence), f.message) for f in found]


def test_labels_pinned_on_one_named_ruler_are_compared_across_the_story() -> None:
    """``named: true``: the sentences do not line up, but both label Kim (AllSides, Vice and
    NPR, December 2019); and "the Assad regime" / "the Assad government" (2013)."""
    assert _framing(
        ("Vice", "Nuclear negotiations failed in February, and North Korean dictator Kim Jong Un has created an end-of-year deadline to restart talks."),
        ("NPR", "Its card would probably have a picture of the nation's leader, Kim Jong Un, riding a white horse through a snowy wilderness."),
    ) == [("ruler-label", ["dictator", "leader"], "Outlets label the ruler differently: Kim Jong Un: Vice writes dictator; NPR writes leader")]
    assert _framing(
        ("USA TODAY", "The Obama administration has accused the Assad regime of an attack with chemical weapons near Damascus."),
        ("Fox News", "Syrian state television has denied any use of poison gas by the Assad government."),
    ) == [("regime-label", ["government", "regime"], "Outlets name the government differently: Assad: Fox News writes government; USA TODAY writes regime")]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # two rulers, each labelled by one outlet
        ("Vox said Trump wanted to assassinate Syrian dictator Bashar al-Assad.", "Trump plans to meet North Korean leader Kim Jong Un in Vietnam."),
        # the label is tied to the name through a clause: it is someone else's
        ("Kim Jong Un, the son of the late dictator, met Trump in Hanoi.", "Kim Jong Un met the Chinese leader in Beijing."),
        # quoted: the speaker's word
        ('Trump called Kim Jong Un "a dictator" at the rally.', "North Korean leader Kim Jong Un met Trump in Singapore."),
        # held out (AllSides): a quotation the splitter cut, open at the sentence's end ...
        (
            'Mrs May said: "President Putin\'s regime is carrying out acts of aggression against our shared values.',
            "More than 100 Russian diplomats were sent home to punish President Vladimir Putin's government.",
        ),
        # ... or closed in it without an opening
        ("the Assad regime wants to retake the north,\u201d the senator said.", "Turkey warned the Assad government on Monday."),
    ],
)
def test_named_labels_need_one_actor_and_the_outlets_own_words(a: str, b: str) -> None:
    assert _framing(("A", a), ("B", b)) == []


def test_political_labels_of_one_group_are_compared_across_the_story() -> None:
    """AllSides, May 2018: The Hill's "far-right Freedom Caucus" against Townhall's
    "conservative House Freedom Caucus", one caucus under two names."""
    found = _framing(
        ("The Hill", "Members of the far-right Freedom Caucus teamed with moderate Republicans on Friday to sink the farm bill."),
        ("Townhall", "Passage of the farm bill remains in doubt as the conservative House Freedom Caucus threatens to withhold support."),
    )
    assert [(rule, texts) for rule, texts, _ in found] == [("political-label", ["conservative", "far-right"])]
    assert found[0][2].endswith("House Freedom Caucus: Townhall writes conservative; The Hill writes far-right")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # held out: an adjective before a party's plural picks some of its members
        ("Several liberal Democrats lobbied against Landrieu on the vote.", "Environmentalists dared moderate and conservative Democrats to cross it."),
        # held out: after a name, an adjective qualifies something else
        (
            "The Supreme Court's conservative majority found Congress could not order people to buy insurance.",
            "Roberts forged a compromise with the four Supreme Court liberal justices.",
        ),
        # held out: a verb between the term and the name: the group is liberal, not Kavanaugh
        ("Another influential liberal group opposing Kavanaugh told Fox News it would fight.", "Kavanaugh, the conservative federal appeals court judge, testified for seven hours."),
        # held out: a capitalised term inside a sentence is a party's name
        ("Boris Johnson's Conservative Party was swept back into government on Friday.", "Johnson, a liberal on immigration, won a majority of 80."),
    ],
)
def test_political_labels_need_a_label_of_the_actor_itself(a: str, b: str) -> None:
    assert [rule for rule, _, _ in _framing(("A", a), ("B", b)) if rule == "political-label"] == []


def test_an_outlet_that_uses_both_labels_has_not_chosen_against_the_other() -> None:
    from checker.rules.language.named import _disagree

    assert _disagree([{"dictator"}, {"leader"}])
    assert not _disagree([{"dictator", "leader"}, {"leader"}])
    assert _disagree([{"dictator", "leader"}, {"leader"}, {"dictator"}])


def test_a_party_and_state_tag_is_not_a_name() -> None:
    """Held out (AllSides 27,001-35,000): "D-Calif." / "D-Calf." was flagged as two spellings
    of a name; a lawmaker's party and state tag is not one (the names beside it still are)."""
    story = story_of(
        ("A", "The lead Democratic impeachment manager Rep. Adam Schiff (D-Calif.) said the person should not be outed."),
        ("B", "The lead House impeachment manager, Rep. Adam Shiff, D-Calf., said the person should not be outed."),
    )
    assert [sorted(e.text for e in f.evidence) for f in findings(story, "CK101")] == [["Adam Schiff", "Adam Shiff"]]
