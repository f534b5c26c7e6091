"""Classes of misses found on Rendezvous Denim and Qingfeng Sports, each measured unseen once.

A Chinese answer names a product as Chinese-speaking clerks do and says the price the offer
makes, as an English one does; a time of day said as "at 10 tonight" or "晚上10点" is the
moment asked about; a member price is asked as "number price" or by the club's first word
("Encore price"). Each is checked here on questions the fixtures do not hold, and on other
chains where the class reaches them.
"""

from __future__ import annotations

import pytest
from kb_helpers import SampleChain, ask_sample, sample_chain

from knowledge_base.claim_extraction import extract_claims

QINGFENG = sample_chain("qingfeng-sports")
RENDEZVOUS = sample_chain("rendezvous-denim")


def test_a_chinese_answer_names_the_product_by_its_chinese_name_and_says_its_price() -> None:
    answer = ask_sample(QINGFENG, "云步参加618吗")
    assert answer.text.startswith("是的，云步参加618年中大促，优惠20%，折后559.20元。")
    assert "QF-CLOUD" not in answer.text


def test_a_chain_whose_clerks_say_codes_keeps_its_codes_in_chinese() -> None:
    answer = ask_sample(sample_chain("xingchen-digital"), "XC-P12参加双十一吗？")
    assert answer.text.startswith("是的，XC-P12参加双十一")


def test_a_chinese_what_question_is_not_answered_with_yes() -> None:
    answer = ask_sample(QINGFENG, "云步有什么优惠")
    assert answer.text.startswith("云步参加618年中大促"), answer.text


def test_a_price_asked_for_tonight_after_a_flash_sale_ends_is_the_shelf_price() -> None:
    # The Hoodie Flash ends at 21:00 today.
    answer = ask_sample(RENDEZVOUS, "pullover hoodie price at 10 tonight")
    assert "72 Canadian dollars" in answer.text and "50.40" not in answer.text
    zh = ask_sample(QINGFENG, "晚上九点半水壶多少钱")  # the Night Run Specials end at 21:00
    assert "129元" in zh.text and "103.20" not in zh.text


def test_a_member_price_asked_is_the_members_own() -> None:
    member = ask_sample(RENDEZVOUS, "member price on the 522")
    assert member.text.startswith("For a member, the RD-522 is 77 Canadian dollars")


@pytest.mark.parametrize(
    ("chain", "question", "member_price"),
    [
        (RENDEZVOUS, "number price on the bootcut", "72.80"),  # "number" before "price"
        (sample_chain("cadenza-music"), "Encore price on the Koa Bay", "1169.10"),
    ],
)
def test_member_heard_as_another_word_or_the_clubs_first_word_asks_the_member_price(
    chain: SampleChain, question: str, member_price: str
) -> None:
    assert member_price in ask_sample(chain, question).text


def test_yen_written_in_chinese_is_money_not_a_day_of_the_month() -> None:
    claims = extract_claims("折后5100日元。")
    assert [(c.kind.value, c.value) for c in claims] == [("number", "5100")]


@pytest.mark.parametrize("question", ["whats dana's number", "dana's email?"])
def test_a_person_asked_for_by_first_name_and_a_way_to_reach_them_is_a_contact(
    question: str,
) -> None:
    assert ask_sample(RENDEZVOUS, question).text.startswith(
        "You can reach Dana Whitfield, US promotions"
    )
