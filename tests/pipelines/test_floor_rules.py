"""The floor's plain rules: how a turn is routed while a reply is awaited, and the agenda."""

from __future__ import annotations

import pytest

from pipelines.floor_agenda import FloorAgenda
from pipelines.floor_models import ExpectedReply, HeardReply, Utterance, UtteranceKind
from pipelines.floor_replies import ReplyAction, route_turn

ACK = ExpectedReply.ACKNOWLEDGEMENT


def _utterance(uid: str, *, priority: int = 0, expects: ExpectedReply = ACK) -> Utterance:
    return Utterance(
        id=uid, kind=UtteranceKind.NOTICE, sentences=("Hello.",), priority=priority,
        expects=expects, reply_within_secs=10.0, max_repeats=1,
    )  # fmt: skip


@pytest.mark.parametrize("text", ["Got it.", "收到", "Okay, understood, thanks.", "Roger that"])
def test_an_acknowledgement_is_the_reply(text: str) -> None:
    routing = route_turn(ACK, text, addressed=False)
    assert (routing.heard, routing.action) == (HeardReply.ACKNOWLEDGED, ReplyAction.ACCEPT)


@pytest.mark.parametrize("text", ["Sorry, say that again?", "I didn't catch that", "没听清"])
def test_asking_to_hear_it_again_repeats_it(text: str) -> None:
    assert route_turn(ACK, text, addressed=False).action is ReplyAction.REPEAT


def test_a_question_for_the_assistant_is_answered_and_one_for_a_customer_is_dropped() -> None:
    question = "Have we got the AX-200 in size 40?"
    assert route_turn(ACK, question, addressed=True).action is ReplyAction.ANSWER
    assert route_turn(ACK, question, addressed=False).action is ReplyAction.DROP


def test_any_quiz_answer_is_taken_but_a_request_to_repeat_the_question() -> None:
    quiz = ExpectedReply.QUIZ_ANSWER
    assert route_turn(quiz, "Twenty percent", addressed=False).heard is HeardReply.ANSWER
    assert route_turn(quiz, "Okay", addressed=False).heard is HeardReply.ANSWER
    assert route_turn(quiz, "Say that again", addressed=False).action is ReplyAction.REPEAT


def test_free_text_is_taken_as_said() -> None:
    routing = route_turn(ExpectedReply.FREE_TEXT, "Say that again", addressed=False)
    assert (routing.heard, routing.action) == (HeardReply.TEXT, ReplyAction.ACCEPT)


def test_offering_an_id_again_replaces_it_and_priority_orders_the_queue() -> None:
    agenda = FloorAgenda()
    agenda.offer(_utterance("a"))
    agenda.offer(_utterance("b", priority=2))
    agenda.offer(_utterance("a"))
    assert [item.utterance.id for item in agenda.ordered()] == ["b", "a"]


def test_while_a_reply_is_awaited_only_that_utterance_may_be_said() -> None:
    agenda = FloorAgenda()
    agenda.offer(_utterance("a"))
    first = agenda.next_up()
    assert first is not None
    token = agenda.begin(first, give_up_at=100.0)
    agenda.offer(_utterance("b", priority=9))
    assert agenda.next_up() is None  # "a" is playing
    assert agenda.played(token, now=1.0) is not None
    assert agenda.next_up() is None and agenda.expecting_reply  # "a" awaits its reply
    assert agenda.repeat() and not agenda.repeat()  # max_repeats=1
    again = agenda.next_up()
    assert again is not None and (again.utterance.id, again.play) == ("a", 2)


def test_the_reply_window_opens_when_playing_ends_and_closes_after_it() -> None:
    agenda = FloorAgenda()
    agenda.offer(_utterance("a"))
    item = agenda.next_up()
    assert item is not None
    token = agenda.begin(item, give_up_at=100.0)
    assert agenda.timed_out(now=50.0) is None  # still playing: no window yet
    agenda.played(token, now=1.0)
    assert agenda.timed_out(now=10.9) is None
    timed_out = agenda.timed_out(now=11.0)
    assert timed_out is not None and timed_out.id == "a" and not agenda.expecting_reply


def test_a_reply_is_awaited_unsaid_only_when_the_floor_is_free() -> None:
    agenda = FloorAgenda()
    assert agenda.await_reply(_utterance("a"), now=1.0)
    assert agenda.expecting_reply and agenda.queue == [] and agenda.playing is None
    assert not agenda.await_reply(_utterance("b"), now=2.0)  # one exchange at a time
    assert agenda.timed_out(now=10.9) is None
    timed_out = agenda.timed_out(now=11.0)  # reply_within_secs after it was awaited
    assert timed_out is not None and timed_out.id == "a"


def test_an_utterance_that_never_plays_out_is_given_up() -> None:
    agenda = FloorAgenda()
    agenda.offer(_utterance("a", expects=ExpectedReply.NONE))
    item = agenda.next_up()
    assert item is not None
    agenda.begin(item, give_up_at=5.0)
    assert agenda.lost(now=4.9) is None
    lost = agenda.lost(now=5.0)
    assert lost is not None and lost.id == "a" and agenda.playing is None


def test_withdrawing_forgets_a_queued_playing_or_awaited_utterance() -> None:
    agenda = FloorAgenda()
    agenda.offer(_utterance("a"))
    item = agenda.next_up()
    assert item is not None
    agenda.begin(item, give_up_at=100.0)
    utterance, was_playing = agenda.withdraw("a")
    assert utterance is not None and was_playing
    assert not agenda.busy and not agenda.expecting_reply
    assert agenda.withdraw("a") == (None, False)
