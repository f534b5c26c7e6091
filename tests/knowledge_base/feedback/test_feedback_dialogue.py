"""One clerk's feedback conversation: start, several utterances, end, save, correct."""

from __future__ import annotations

from knowledge_base.feedback.capture import CaptureEnd
from knowledge_base.feedback.dialogue import DialogueState, FeedbackDialogue


def test_a_question_is_left_to_the_answerer() -> None:
    dialogue = FeedbackDialogue()
    assert not dialogue.hear("is the AX-200 in the weekend offer?").consumed
    assert dialogue.state is DialogueState.IDLE


def test_feedback_in_one_breath_is_ready_to_record() -> None:
    step = FeedbackDialogue().hear("hey promo, feedback: size 40 of the AX-200 sold out. done")
    assert step.consumed and step.record == "size 40 of the AX-200 sold out"
    assert step.ended is CaptureEnd.DONE


def test_several_utterances_then_silence_make_one_record() -> None:
    dialogue = FeedbackDialogue(silence_secs=3.0)
    assert dialogue.hear("record feedback").record is None
    assert dialogue.hear("the till rejects the weekend discount").consumed
    assert dialogue.silence(1.0).record is None
    assert dialogue.hear("on every AX-200").consumed
    step = dialogue.silence(3.0)
    assert step.record == "the till rejects the weekend discount. on every AX-200"
    assert step.ended is CaptureEnd.SILENCE


def test_a_trigger_and_nothing_else_saves_nothing_and_says_so() -> None:
    dialogue = FeedbackDialogue(language="zh-CN")
    dialogue.hear("反馈")
    step = dialogue.hear("好了")
    assert step.record is None and step.say is not None and "没有" in step.say


def test_correct_that_replaces_the_last_record() -> None:
    dialogue = FeedbackDialogue()
    first = dialogue.hear("feedback: the till is slow. done")
    assert first.record == "the till is slow"
    dialogue.saved("rec-1")
    prompt = dialogue.hear("correct that")
    assert prompt.consumed and prompt.say == "Okay, please say the feedback again."
    fixed = dialogue.hear("the till rejects the member discount. done")
    assert fixed.record == "the till rejects the member discount"
    assert fixed.supersedes == "rec-1"


def test_the_chance_to_correct_closes_after_silence_or_a_question() -> None:
    dialogue = FeedbackDialogue(correction_window_secs=5.0)
    dialogue.hear("feedback: traffic is low. done")
    dialogue.saved("rec-1")
    dialogue.silence(5.0)
    assert not dialogue.hear("correct that").consumed
    dialogue.hear("feedback: traffic is low. done")
    dialogue.saved("rec-2")
    assert not dialogue.hear("what is on sale today?").consumed
    assert dialogue.state is DialogueState.IDLE


def test_push_to_talk_feedback_needs_no_trigger() -> None:
    step = FeedbackDialogue().hear("the poster fell down. that's all", push_to_talk=True)
    assert step.record == "the poster fell down"


def test_a_monologue_longer_than_one_capture_loses_nothing() -> None:
    dialogue = FeedbackDialogue(max_chars=100, silence_secs=3.0)
    dialogue.hear("record feedback")
    recorded: list[str] = []
    for i in range(30):
        step = dialogue.hear(f"sentence {i:02d} about the running wall")
        if step.record:
            recorded.append(step.record)
    last = dialogue.silence(3.0)
    assert last.record is not None
    recorded.append(last.record)
    assert len(recorded) > 1
    text = " ".join(recorded)
    assert all(f"sentence {i:02d}" in text for i in range(30))
