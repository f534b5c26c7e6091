import pytest

from pipelines.addressing import AddressedBy, AddressPolicy


@pytest.mark.parametrize(
    ("transcript", "question"),
    [
        ("Hey promo, is the AX-200 in the weekend offer?", "Is the AX-200 in the weekend offer?"),
        ("Hey, Promo. When does the boot offer end?", "When does the boot offer end?"),
        ("So hey promo what about socks?", "What about socks?"),
        ("小促，周末跑鞋优惠什么时候结束？", "周末跑鞋优惠什么时候结束？"),
    ],
)
def test_a_wake_phrase_addresses_the_assistant_and_is_stripped(
    transcript: str, question: str
) -> None:
    decision = AddressPolicy().decide(transcript, now=100.0)
    assert decision.addressed
    assert decision.by is AddressedBy.WAKE_PHRASE
    assert decision.text == question


def test_customer_chatter_is_not_addressed() -> None:
    decision = AddressPolicy().decide("Would you like to try the size 42?", now=100.0)
    assert not decision.addressed


def test_a_wake_phrase_late_in_the_sentence_does_not_count() -> None:
    decision = AddressPolicy().decide("I told my friend about the hey promo thing", now=1.0)
    assert not decision.addressed


def test_follow_up_window_opens_after_the_bot_speaks_and_closes_later() -> None:
    policy = AddressPolicy(follow_up_secs=5.0)
    policy.bot_finished_speaking(now=10.0)
    assert policy.decide("And for members?", now=13.0, speech_started_at=12.0).by is (
        AddressedBy.FOLLOW_UP
    )
    assert not policy.decide("And for members?", now=17.0, speech_started_at=16.0).addressed


def test_push_to_talk_opens_a_turn_without_the_wake_phrase() -> None:
    policy = AddressPolicy()
    policy.push_to_talk(pressed=True, now=5.0)
    assert policy.decide("Member price for two pairs?", now=7.0).by is AddressedBy.PUSH_TO_TALK


def test_speech_begun_under_push_to_talk_counts_after_release() -> None:
    policy = AddressPolicy()
    policy.push_to_talk(pressed=True, now=5.0)
    policy.push_to_talk(pressed=False, now=8.0)
    assert policy.decide("Member price?", now=8.5, speech_started_at=6.0).addressed
    assert not policy.decide("Next customer please", now=20.0, speech_started_at=19.0).addressed


def test_only_the_wake_phrase_leaves_an_empty_question() -> None:
    decision = AddressPolicy().decide("Hey promo.", now=1.0)
    assert decision.addressed
    assert decision.text == ""


def test_speech_over_the_assistants_answer_is_meant_for_it() -> None:
    policy = AddressPolicy(follow_up_secs=5.0)
    policy.bot_started_speaking()
    assert policy.decide("Is the TR-900 on sale?", now=30.0, speech_started_at=29.0).by is (
        AddressedBy.FOLLOW_UP
    )
