"""The fact guard: every number an answer states must be backed by the facts."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from knowledge_base.answering import Question, Role
from knowledge_base.claim_extraction import extract_claims
from knowledge_base.claims import ClaimKind
from knowledge_base.fact_guard import FactSet, check_facts
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.loader import load_knowledge_base

ZONES = {
    "SH-01": "Asia/Shanghai",
    "HZ-01": "Asia/Shanghai",
    "SG-01": "Asia/Singapore",
    "BER-01": "Europe/Berlin",
}

# Facts as the knowledge base and the tools phrase them (the sample chain).
WEEKEND_FACTS = [
    "Weekend Running Offer (weekend-running), version 2: 2026-11-27 00:00 to 2026-11-29 23:59 "
    "local time, regions east-china and singapore.",
    "20 percent off the running-shoes category; AX-200-LE (Aero X 200 Limited Edition) is "
    "excluded. Members get an extra 5 percent off the discounted price. Limit 2 pairs per "
    "customer. Not stackable with Winter Boots Spend and Save; stacks with Socks 3 for 2.",
    "Talk track: This weekend all running shoes are 20 percent off, and members save another "
    "5 percent.",
    "Contact: Lin Wei, east region promotions, extension 2204.",
    "Aero X 200 (AX-200), list price 899 CNY at SH-01.",
]
QUOTE_FACTS = [
    "Quote at SH-01 (CNY), member: 2 x Aero X 200 (AX-200) at 899.00 = 1,798.00; "
    "Weekend Running Offer -359.60; member extra -71.92; total 1,366.48 CNY.",
]
WINTER_FACTS = [
    "Winter Boots Spend and Save: 2026-11-15 to 2026-12-15, east-china. Boots: spend 1000 "
    "yuan get 150 off; spend 2000 get 350 off (the highest threshold reached applies once).",
]
ZH_FACTS = ["周末跑鞋优惠：11月27日至11月29日，跑鞋八折，会员再享九五折，每人限购两双。"]


def violations(answer: str, facts: list[str], question: str = "") -> list[str]:
    return [v.claim.value for v in check_facts(answer, facts, question=question).violations]


# --- answers that must pass ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "This weekend all running shoes are 20 percent off, and members save another 5 percent.",
        "Running shoes are 20% off this weekend; members get 5% more.",
        "Running shoes are twenty percent off, members another five per cent.",
        "You can buy at most two pairs.",
        "The limit is 2 pairs per customer.",
        "The offer ends on 29 November.",
        "It runs until November 29th, 2026.",
        "It runs from 27 to 29 November.",
        "It runs November 27-29.",
        "It ends Sunday, 29 November at 23:59.",
        "It ends at midnight on the 29th.",
        "It ends on 2026-11-29.",
        "It ends in November.",
        "Ask Lin Wei on extension 2204.",
        "The Aero X 200 is included, but the AX-200-LE is not.",
        "The Aero X 200 lists at 899 yuan.",
        "The Aero X 200 costs ¥899.",
        "That is no surprise: the one you asked about is in the offer.",
        "It is one of the running shoes in the offer.",
    ],
)
def test_answers_using_only_fact_numbers_pass(answer: str) -> None:
    assert violations(answer, WEEKEND_FACTS) == []


@pytest.mark.parametrize(
    "answer",
    [
        "Two pairs of the Aero X 200 come to 1366.48 yuan for a member.",
        "For a member that is ¥1,366.48 in total.",
        "The total is 1,366.48 CNY.",
        "The weekend discount takes 359.60 off and the member extra 71.92.",
        "The weekend discount takes 359.6 yuan off.",
    ],
)
def test_quoted_prices_pass_in_any_format(answer: str) -> None:
    assert violations(answer, QUOTE_FACTS) == []


@pytest.mark.parametrize(
    "answer",
    [
        "Spend 1000 yuan on boots and get 150 yuan off.",
        "Spend one thousand yuan and you save one hundred and fifty yuan.",
        "Above 2,000 yuan the saving is 350 yuan.",
        "It runs until 15 December.",
    ],
)
def test_spend_and_save_thresholds_pass(answer: str) -> None:
    assert violations(answer, WINTER_FACTS) == []


@pytest.mark.parametrize(
    "answer",
    [
        "跑鞋八折，会员再享九五折。",
        "跑鞋打8折，每人限购2双。",
        "跑鞋打八折，活动到11月29日结束。",
        "活动十一月二十九日结束，每人最多两双。",
    ],
)
def test_chinese_answers_pass_against_chinese_facts(answer: str) -> None:
    assert violations(answer, ZH_FACTS) == []


def test_chinese_discount_matches_english_percent() -> None:
    assert violations("跑鞋八折。", WEEKEND_FACTS) == []
    assert violations("Running shoes are 20 percent off.", ZH_FACTS) == []
    assert violations("会员再享百分之五的折扣。", ZH_FACTS) == []  # 九五折 is 5 percent off
    assert violations("会员再享百分之十的折扣。", ZH_FACTS) == ["10%"]


def test_small_counts_from_the_question_may_be_repeated() -> None:
    question = "I want three pairs of Aero X, can I?"
    assert violations("Three pairs is over the limit of 2.", WEEKEND_FACTS, question) == []
    assert violations("Three pairs is over the limit of 2.", WEEKEND_FACTS) == ["3"]


def test_codes_and_weekdays_from_the_question_may_be_repeated() -> None:
    question = "Is the TR-900 on sale on Tuesday?"
    assert violations("I have nothing on the TR-900 for Tuesday.", [], question) == []
    assert violations("I have nothing on the TR-900.", []) == ["TR-900"]


# --- answers that must be caught ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "caught"),
    [
        ("Running shoes are 25 percent off this weekend.", "25%"),
        ("Running shoes are 25% off this weekend.", "25%"),
        ("Running shoes are twenty-five percent off.", "25%"),
        ("Running shoes are 15 percent off.", "15%"),  # version 1's number, now wrong
        ("Members save another 10 percent.", "10%"),
        ("跑鞋打七五折。", "25%"),
        ("会员再享百分之十。", "10%"),
        ("Running shoes are half price.", "50%"),
    ],
)
def test_a_wrong_discount_is_caught(answer: str, caught: str) -> None:
    assert caught in violations(answer, WEEKEND_FACTS)


@pytest.mark.parametrize(
    ("answer", "caught"),
    [
        ("The offer ends on 30 November.", "11-30"),
        ("The offer ends on November 30th.", "11-30"),
        ("The offer ends on 2026-11-30.", "2026-11-30"),
        ("The offer ends on 29 November 2025.", "2025-11-29"),
        ("The offer runs until 12月1日.", "12-01"),
        ("It ends in December.", "December"),
        ("It ends on the 30th.", "30th"),
    ],
)
def test_an_invented_date_is_caught(answer: str, caught: str) -> None:
    assert caught in violations(answer, WEEKEND_FACTS)


def test_a_weekday_that_does_not_fit_the_date_is_caught() -> None:
    # 29 November 2026 is a Sunday.
    assert violations("It ends Sunday, 29 November.", WEEKEND_FACTS) == []
    assert violations("It ends Monday, 29 November.", WEEKEND_FACTS) == ["Monday 11-29"]
    assert violations("It also runs on Tuesday.", WEEKEND_FACTS) == ["Tuesday"]


@pytest.mark.parametrize(
    ("answer", "caught"),
    [
        ("The Aero X 200 is now 719.20 yuan.", "719.2 CNY"),
        ("The Aero X 200 is now ¥719.", "719 CNY"),
        ("The Aero X 200 costs S$169 here.", "169 SGD"),
        ("The Aero X 200 costs 200 yuan.", "200 CNY"),  # the name's number is no price
        ("The Aero X 200 costs 899 euros.", "899 EUR"),  # right number, wrong currency
        ("Two pairs come to 1,336.48 yuan.", "1336.48 CNY"),
        ("Two pairs come to one thousand yuan.", "1000 CNY"),
        ("It costs 七百一十九点二元.", "719.2 CNY"),
    ],
)
def test_an_invented_price_is_caught(answer: str, caught: str) -> None:
    assert caught in violations(answer, WEEKEND_FACTS)


@pytest.mark.parametrize(
    ("answer", "caught"),
    [
        ("The limit is 3 pairs per customer.", "3"),
        ("You can buy up to four pairs.", "4"),
        ("Call extension 2205.", "2205"),
        ("Ask for extension 1000.", "1000"),
        ("每人限购三双。", "3"),
        ("Staff should be on the wall from 6 pm.", "18:00"),
        ("It ends at 8 p.m. on Sunday.", "20:00"),
        ("It ends at 18:30.", "18:30"),
        ("It also covers the TR-900.", "TR-900"),
    ],
)
def test_invented_counts_times_and_codes_are_caught(answer: str, caught: str) -> None:
    assert caught in violations(answer, WEEKEND_FACTS)


def test_a_number_inside_a_name_backs_only_that_name() -> None:
    # "Socks 3 for 2" and "Aero X 200" are names: their numbers are no quantities or prices.
    assert violations("Socks 3 for 2 stacks with it.", WEEKEND_FACTS) == []
    assert violations("The AX 200 is in the offer.", WEEKEND_FACTS) == []
    assert violations("The limit is 3 pairs.", WEEKEND_FACTS) == ["3"]
    assert violations("The Aero X 300 is in the offer.", WEEKEND_FACTS) == ["300"]
    double_12 = ["Double 12: 2026-12-12 00:00 to 23:59, 12 percent off all shoes."]
    assert violations("Double 12 starts on 12 December.", double_12) == []


def test_a_leading_question_does_not_make_its_percentage_true() -> None:
    question = "Is it 25 percent off this weekend?"
    assert violations("Yes, it is 25 percent off.", WEEKEND_FACTS, question) == ["25%"]


def test_a_large_count_in_the_question_is_not_a_fact() -> None:
    question = "Can I buy 12 pairs?"
    assert violations("Yes, 12 pairs is fine.", WEEKEND_FACTS, question) == ["12"]


def test_a_percentage_in_the_facts_is_no_bare_number() -> None:
    assert violations("Running shoes: save 20 this weekend.", WEEKEND_FACTS) == ["20"]


def test_no_facts_means_no_number_may_be_said() -> None:
    assert violations("I don't know, please ask the promotions desk.", []) == []
    assert violations("It is probably 10 percent off.", []) == ["10%"]


# --- normalisation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("1,366.48", ClaimKind.NUMBER, "1366.48"),
        ("719.20 yuan", ClaimKind.MONEY, "719.2 CNY"),
        ("¥899", ClaimKind.MONEY, "899 CNY"),
        ("899元", ClaimKind.MONEY, "899 CNY"),
        ("S$169", ClaimKind.MONEY, "169 SGD"),
        ("169 Singapore dollars", ClaimKind.MONEY, "169 SGD"),
        ("119 euros", ClaimKind.MONEY, "119 EUR"),
        ("€119", ClaimKind.MONEY, "119 EUR"),
        ("20 percent", ClaimKind.PERCENT, "20%"),
        ("20 per cent", ClaimKind.PERCENT, "20%"),
        ("twenty percent", ClaimKind.PERCENT, "20%"),
        ("20-percent", ClaimKind.PERCENT, "20%"),
        ("２０％", ClaimKind.PERCENT, "20%"),
        ("百分之二十", ClaimKind.PERCENT, "20%"),
        ("八折", ClaimKind.PERCENT, "20%"),
        ("8折", ClaimKind.PERCENT, "20%"),
        ("八五折", ClaimKind.PERCENT, "15%"),
        ("8.5折", ClaimKind.PERCENT, "15%"),
        ("半价", ClaimKind.PERCENT, "50%"),
        ("29 November", ClaimKind.DATE, "11-29"),
        ("November 29", ClaimKind.DATE, "11-29"),
        ("Nov. 29th, 2026", ClaimKind.DATE, "2026-11-29"),
        ("the 29th of November", ClaimKind.DATE, "11-29"),
        ("2026-11-29", ClaimKind.DATE, "2026-11-29"),
        ("2026年11月29日", ClaimKind.DATE, "2026-11-29"),
        ("十一月二十九号", ClaimKind.DATE, "11-29"),
        ("Sunday 29 November", ClaimKind.DATE, "Sunday 11-29"),
        ("18:00", ClaimKind.TIME, "18:00"),
        ("6 pm", ClaimKind.TIME, "18:00"),
        ("6:30 p.m.", ClaimKind.TIME, "18:30"),
        ("12 am", ClaimKind.TIME, "00:00"),
        ("6 o'clock", ClaimKind.TIME, "06:00/18:00"),
        ("下午六点", ClaimKind.TIME, "18:00"),
        ("晚上6点半", ClaimKind.TIME, "18:30"),
        ("星期天", ClaimKind.WEEKDAY, "Sunday"),
        ("twenty-five", ClaimKind.NUMBER, "25"),
        ("one hundred and fifty", ClaimKind.NUMBER, "150"),
        ("seventeen", ClaimKind.NUMBER, "17"),
        ("两双", ClaimKind.NUMBER, "2"),
        ("二零二六", ClaimKind.NUMBER, "2026"),
        ("AX-200-LE", ClaimKind.CODE, "AX-200-LE"),
    ],
)
def test_claims_are_normalised(text: str, kind: ClaimKind, value: str) -> None:
    claims = extract_claims(text)
    assert [(c.kind, c.value) for c in claims] == [(kind, value)]
    assert claims[0].text in text


def test_two_dates_in_a_range_are_two_claims() -> None:
    claims = extract_claims("from 27 to 29 November")
    assert [c.value for c in claims] == ["11-27", "11-29"]


def test_a_number_inside_a_name_is_a_label() -> None:
    (claim,) = extract_claims("the Aero X 200")
    assert claim.kind is ClaimKind.LABEL


@pytest.mark.parametrize(
    "text",
    [
        "Which one do you mean?",
        "It is one of our best sellers.",
        "No one told me.",
        "We can check that together, 一起看看。",
        "便宜一点吗？",
        "You may combine it with the socks offer.",
        "Members get the better price.",
    ],
)
def test_words_that_only_look_like_numbers_are_no_claims(text: str) -> None:
    assert extract_claims(text) == []


def test_a_fact_set_grows_with_tool_results() -> None:
    facts = FactSet.from_texts(WEEKEND_FACTS)
    assert not facts.check("Two pairs are 1,366.48 yuan for a member.").ok
    facts.add_facts(QUOTE_FACTS)
    assert facts.check("Two pairs are 1,366.48 yuan for a member.").ok


def test_a_violation_says_what_and_why() -> None:
    check = check_facts("Running shoes are 25 percent off.", WEEKEND_FACTS)
    assert not check.ok
    assert check.describe() == ["'25 percent' (25%): percentage not in the facts"]
    assert [c.kind for c in check.claims] == [ClaimKind.PERCENT]


# --- the guard and the grounded answerer agree ---------------------------------------------------

GROUNDED_QUESTIONS = [
    ("Is the Aero X 200 in the weekend offer?", "SH-01", "en", Role.CLERK),
    ("What do two pairs of Aero X 200 cost for a member?", "SH-01", "en", Role.CLERK),
    ("Is the AX-200 limited edition included?", "SH-01", "en", Role.CLERK),
    ("How much off are winter boots?", "SH-01", "en", Role.CLERK),
    ("What does a Winter Boot 310 cost?", "SH-01", "en", Role.CLERK),
    ("Is the Storm Jacket on sale?", "BER-01", "en", Role.CLERK),
    ("Is the autumn clearance still on?", "SH-01", "en", Role.CLERK),
    ("When does Double 12 start?", "SG-01", "en", Role.CLERK),
    ("Who do I call about the socks offer?", "SH-01", "en", Role.CLERK),
    ("How much are three Sport Socks three-packs?", "SG-01", "en", Role.CLERK),
    ("What changed in the weekend offer?", "SH-01", "en", Role.CLERK),
    ("Is the TR-900 on sale?", "SH-01", "en", Role.CLERK),
    ("Any staffing notes for the weekend offer?", "SH-01", "en", Role.STORE_MANAGER),
    ("What is the sell-through target?", "SH-01", "en", Role.REGIONAL_MANAGER),
    ("Is the Road Nova 300 discounted?", "SG-01", "en", Role.CLERK),
    ("AX-200 周末有优惠吗？", "SH-01", "zh-CN", Role.CLERK),
    ("两双 Aero X 200 会员多少钱？", "SH-01", "zh-CN", Role.CLERK),
    ("冬季靴子有什么优惠？", "HZ-01", "zh-CN", Role.CLERK),
]


@pytest.fixture(scope="module")
def grounded() -> GroundedAnswerer:
    return GroundedAnswerer(
        knowledge=load_knowledge_base(),
        default_contact="the promotions desk at headquarters, extension 1000",
    )


@pytest.mark.parametrize(("text", "store_id", "language", "role"), GROUNDED_QUESTIONS)
def test_every_grounded_answer_passes_the_guard_against_its_own_facts(
    grounded: GroundedAnswerer, text: str, store_id: str, language: str, role: Role
) -> None:
    # Two independent readers of the same numbers: the grounded composer writes them, the
    # guard reads them back. A disagreement is a bug in one of them.
    asked_at = datetime(2026, 11, 28, 15, 0, tzinfo=ZoneInfo(ZONES[store_id]))
    question = Question(text, role=role, store_id=store_id, language=language, asked_at=asked_at)
    answer = grounded.answer_now(question)
    check = check_facts(answer.text, answer.facts, question=text)
    assert check.claims, f"no number in {answer.text!r}: pick a question with numbers"
    assert check.describe() == []


def test_a_grounded_answer_checked_against_other_facts_fails(grounded: GroundedAnswerer) -> None:
    asked_at = datetime(2026, 11, 28, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    answer = grounded.answer_now(
        Question("Is the Aero X 200 in the weekend offer?", store_id="SH-01", asked_at=asked_at)
    )
    assert not check_facts(answer.text, WINTER_FACTS).ok
