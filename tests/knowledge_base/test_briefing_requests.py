"""A clerk who missed a briefing: recognising the request, answering from its sentences."""

from datetime import date

import pytest

from knowledge_base.briefing_requests import (
    BriefingRequest,
    BriefingRequestKind,
    briefing_answer,
    briefing_day,
    mentioning,
    playing_briefing,
    read_briefing_request,
)
from knowledge_base.knowledge import KnowledgeBase

SAID = [
    "Good morning everyone, here is the briefing for this weekend.",
    "From Saturday the A X 200 is out of the weekend offer.",
    "Please tell customers before they get to the till. The Road Nova stays in it.",
]


@pytest.mark.parametrize(
    "text",
    [
        "Hey promo, play me today's briefing.",
        "Can I listen to the briefing?",
        "replay the morning briefing please",
        "播放今天的简报",
    ],
)
def test_asking_to_hear_the_briefing_is_a_play_request(text: str, knowledge: KnowledgeBase) -> None:
    assert read_briefing_request(text, knowledge=knowledge) == BriefingRequest(
        BriefingRequestKind.PLAY
    )


def test_asking_what_it_said_about_an_item_names_the_item(knowledge: KnowledgeBase) -> None:
    request = read_briefing_request(
        "What did the briefing say about the AX-200?", knowledge=knowledge
    )
    assert request is not None and request.kind is BriefingRequestKind.ASK
    assert "AX-200" in request.skus
    about_offer = read_briefing_request(
        "anything in the briefing about the weekend offer", knowledge=knowledge
    )
    assert about_offer is not None and about_offer.promotion_ids == ("weekend-running",)


@pytest.mark.parametrize(
    "text",
    ["Is the AX-200 in the weekend offer?", "Play some music", "What changed in the offer?"],
)
def test_anything_that_does_not_name_a_briefing_is_not_a_request(
    text: str, knowledge: KnowledgeBase
) -> None:
    assert read_briefing_request(text, knowledge=knowledge) is None


def test_the_answer_quotes_only_the_sentences_that_name_the_item(
    knowledge: KnowledgeBase,
) -> None:
    request = BriefingRequest(BriefingRequestKind.ASK, skus=("AX-200",))
    assert mentioning(request, SAID, knowledge=knowledge) == [SAID[1]]
    answer = briefing_answer(request, SAID, knowledge=knowledge, when="today")
    assert (
        answer == "The briefing today said: From Saturday the A X 200 is out of the weekend offer."
    )


def test_an_item_the_briefing_did_not_mention_is_said_so(knowledge: KnowledgeBase) -> None:
    request = BriefingRequest(BriefingRequestKind.ASK, skus=("WB-320",))
    answer = briefing_answer(request, SAID, knowledge=knowledge, when="yesterday")
    assert answer.startswith("The briefing yesterday did not mention")
    assert "Glacier Boot" in answer


def test_without_an_item_the_answer_is_the_first_sentences(knowledge: KnowledgeBase) -> None:
    request = BriefingRequest(BriefingRequestKind.ASK)
    answer = briefing_answer(request, SAID, knowledge=knowledge, when="today", max_sentences=2)
    assert answer == f"The briefing today said: {SAID[0]} {SAID[1]}"


def test_chinese_answers(knowledge: KnowledgeBase) -> None:
    request = BriefingRequest(BriefingRequestKind.ASK, skus=("AX-200",))
    answer = briefing_answer(request, SAID, knowledge=knowledge, when="今天", language="zh-CN")
    assert answer.startswith("今天的简报说：")


def test_the_day_of_a_briefing_is_named_as_the_listener_knows_it() -> None:
    today = date(2026, 12, 1)
    assert briefing_day(today, today=today) == "today"
    assert briefing_day(date(2026, 11, 30), today=today) == "yesterday"
    assert briefing_day(date(2026, 11, 28), today=today) == "on 28 November"
    assert briefing_day(date(2026, 11, 28), today=today, language="zh-CN") == "11月28日"


def test_a_recording_is_introduced_with_its_day() -> None:
    assert playing_briefing("today") == "Here is the briefing from today."
    assert playing_briefing("on 28 November") == "Here is the briefing on 28 November."
    assert playing_briefing("昨天", language="zh-CN") == "下面是昨天的简报。"
