"""Follow-up questions are read with the subject of the previous question, and only they."""

from kb_helpers import local

from knowledge_base.answering import Answer, AnswerSource, FollowUpContext, Question
from knowledge_base.grounded import GroundedAnswerer

SATURDAY = local("SH-01", "2026-11-28T15:00")


def conversation(answerer: GroundedAnswerer, *texts: str) -> list[Answer]:
    """Ask ``texts`` in order, each with the context the previous answer left."""
    answers: list[Answer] = []
    context: FollowUpContext | None = None
    for text in texts:
        answer = answerer.answer_now(
            Question(text=text, store_id="SH-01", asked_at=SATURDAY, context=context)
        )
        answers.append(answer)
        context = answer.about
    return answers


def test_and_for_members_follows_the_product_asked_about(answerer) -> None:
    first, follow = conversation(
        answerer, "Is the AX-200 in the weekend offer?", "And for members?"
    )
    assert first.about == FollowUpContext(products=("AX-200",), promotions=("weekend-running",))
    assert follow.source is AnswerSource.GROUNDED
    assert "AX-200" in follow.text and "Members save another 5 percent" in follow.text


def test_without_context_the_same_words_are_not_understood(answerer) -> None:
    (alone,) = conversation(answerer, "And for members?")
    assert alone.source is AnswerSource.UNKNOWN


def test_a_price_follow_up_quotes_the_product_of_the_previous_question(answerer) -> None:
    _, price = conversation(answerer, "Is the AX-200 in the weekend offer?", "How much is it?")
    assert "719.20 yuan" in price.text


def test_a_named_store_carries_over_until_another_is_named(answerer) -> None:
    there, members, home = conversation(
        answerer,
        "Is the AX-200 on offer at Hangzhou West Lake?",
        "and for members?",
        "what about Nanjing Road?",
    )
    assert there.about is not None and there.about.store_id == "HZ-01"
    assert members.detail["store_id"] == "HZ-01"
    assert home.detail["store_id"] == "SH-01"
    assert "AX-200" in home.text


def test_a_question_with_its_own_subject_ignores_the_context(answerer) -> None:
    _, other = conversation(
        answerer, "Is the AX-200 in the weekend offer?", "Is the TR-900 on sale?"
    )
    assert "TR-900" in other.text and "AX-200" not in other.text


def test_an_unrelated_question_is_not_taken_for_a_follow_up_and_ends_the_context(
    answerer,
) -> None:
    _, weather, members = conversation(
        answerer,
        "Is the AX-200 in the weekend offer?",
        "what's the weather like",
        "and for members?",
    )
    assert weather.source is AnswerSource.UNKNOWN
    assert weather.about is not None and weather.about.empty
    assert members.source is AnswerSource.UNKNOWN
