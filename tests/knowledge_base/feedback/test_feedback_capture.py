"""Capture rules: what starts a feedback turn, what ends it, how utterances join and chunk."""

from __future__ import annotations

import pytest

from knowledge_base.feedback.capture import (
    CaptureEnd,
    FeedbackCapture,
    chunk_text,
    feedback_content,
    feedback_trigger,
    is_correction,
    join_utterances,
    start_capture,
    strip_end_phrase,
)


@pytest.mark.parametrize(
    ("said", "content"),
    [
        ("hey promo, feedback: size 40 of the AX-200 sold out", "size 40 of the AX-200 sold out"),
        ("Hey Promo feedback the till rejects the discount", "the till rejects the discount"),
        ("record feedback", ""),
        ("Record feedback. Customers love the socks offer", "Customers love the socks offer"),
        ("I have some feedback: traffic is low", "traffic is low"),
        ("反馈：40码卖完了", "40码卖完了"),
        ("我要反馈一下 收银机不认折扣", "收银机不认折扣"),
        ("意见，顾客觉得太贵", "顾客觉得太贵"),
    ],
)
def test_a_trigger_starts_feedback_and_the_rest_is_its_content(said: str, content: str) -> None:
    assert feedback_trigger(said) == content


@pytest.mark.parametrize(
    "said",
    ["is the AX-200 in the weekend offer?", "hey promo, what is on sale", "周末优惠是多少"],
)
def test_a_question_is_not_feedback(said: str) -> None:
    assert feedback_trigger(said) is None


@pytest.mark.parametrize(
    ("said", "content"),
    [
        ("size 40 sold out. Done.", "size 40 sold out"),
        ("done", ""),
        ("That's all", ""),
        ("the display is broken, that is all", "the display is broken"),
        ("40码卖完了。好了", "40码卖完了"),
        ("完了", ""),
        ("就这些", ""),
    ],
)
def test_an_end_phrase_ends_the_capture_and_is_not_recorded(said: str, content: str) -> None:
    assert strip_end_phrase(said) == (content, True)


@pytest.mark.parametrize(
    "said", ["40码卖完了", "收银机修好了", "the window display is not done", "we are over budget?"]
)
def test_words_that_only_look_like_an_end_phrase_do_not_end_it(said: str) -> None:
    assert strip_end_phrase(said) == (said, False)


def test_several_utterances_join_into_one_text_until_done() -> None:
    capture = start_capture("hey promo, feedback: size 40 of the AX-200 sold out")
    assert capture is not None
    assert capture.add("again at Nanjing Road") is None
    assert capture.add("third time this week. done") is CaptureEnd.DONE
    assert (
        capture.text
        == "size 40 of the AX-200 sold out. again at Nanjing Road. third time this week"
    )


def test_chinese_utterances_join_without_spaces() -> None:
    assert join_utterances(["40码卖完了", "顾客很多"]) == "40码卖完了，顾客很多"


def test_silence_ends_the_capture() -> None:
    capture = FeedbackCapture(silence_secs=4.0)
    capture.add("the till is slow")
    assert capture.silence(2.0) is None
    assert capture.silence(4.0) is CaptureEnd.SILENCE


def test_nothing_said_leaves_an_empty_capture() -> None:
    capture = start_capture("record feedback")
    assert capture is not None
    capture.add("done")
    assert capture.empty and capture.ended is CaptureEnd.DONE


def test_push_to_talk_starts_feedback_without_a_trigger() -> None:
    capture = start_capture("the poster fell down", push_to_talk=True)
    assert capture is not None and capture.text == "the poster fell down"


def test_a_capture_that_ended_takes_no_more_words() -> None:
    capture = FeedbackCapture()
    capture.add("done")
    with pytest.raises(RuntimeError):
        capture.add("more")


def test_a_five_minute_monologue_is_chunked_and_nothing_is_dropped() -> None:
    sentences = [
        f"Observation number {i} about the running wall and the weekend offer." for i in range(120)
    ]
    capture = FeedbackCapture()
    for sentence in sentences:
        capture.add(sentence)
    chunks = capture.chunks(1500)
    assert len(chunks) > 1
    assert all(len(chunk) <= 1500 for chunk in chunks)
    joined = " ".join(chunks)
    for i in range(120):
        assert f"Observation number {i} " in joined


def test_a_sentence_longer_than_a_chunk_is_split_at_spaces() -> None:
    chunks = chunk_text("word " * 1000, max_chars=100)
    assert all(len(chunk) <= 100 for chunk in chunks)
    assert sum(chunk.count("word") for chunk in chunks) == 1000


def test_a_capture_past_its_size_limit_ends_and_keeps_what_fits() -> None:
    capture = FeedbackCapture(max_chars=50)
    assert capture.add("x" * 30) is None
    assert capture.add("y" * 30) is CaptureEnd.LIMIT
    assert len(capture.text.replace(". ", "")) == 50


@pytest.mark.parametrize(
    "said", ["correct that", "No, change that", "that's wrong", "不对", "更正一下"]
)
def test_the_clerk_can_ask_to_correct_the_last_record(said: str) -> None:
    assert is_correction(said)


def test_feedback_about_correct_prices_is_not_a_correction() -> None:
    assert not is_correction("the price labels are now correct")


def test_one_shot_feedback_loses_its_trigger_and_end_phrase() -> None:
    assert feedback_content("hey promo, feedback: the till is down. done") == "the till is down"
    assert feedback_content("反馈：40码卖完了。好了") == "40码卖完了"
    assert feedback_content("the till is down") == "the till is down"


def test_what_does_not_fit_a_full_capture_is_kept_as_overflow() -> None:
    capture = FeedbackCapture(max_chars=10)
    assert capture.add("0123456789abc") is CaptureEnd.LIMIT
    assert capture.text == "0123456789" and capture.overflow == "abc"


def test_a_trigger_heard_as_two_words_still_starts_feedback() -> None:
    # Whisper often writes the spoken trigger as "Feed Back" or "feed-back".
    assert feedback_trigger("Feed Back, no more Glacier Boot 320") == "no more Glacier Boot 320"
    assert feedback_trigger("feed-back: the till is down") == "the till is down"
    assert feedback_trigger("is the feed back good?") is None
