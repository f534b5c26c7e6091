"""The turn assembly on plain values: what each transcript does to the turn."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import pipelines.turn_assembly
from pipelines.turn_assembly import TurnAssembly, TurnContext, TurnStep, Utterance

QUIET = TurnContext()
"""Nothing else going on: no speech since, no wait, only this transcript pending."""


def _said(text: str, at: float = 10.0, *, secs: float = 1.0, barged_in: bool = False) -> Utterance:
    return Utterance(text=text, started_at=at, ended_at=at + secs, barged_in=barged_in)


def test_a_finished_question_finishes_the_turn_with_its_words() -> None:
    turns = TurnAssembly()
    assert turns.decide(_said("Is the AX-200 in the weekend offer?"), QUIET) is TurnStep.FINISH
    assert turns.finish(ended_at=11.0).text == "Is the AX-200 in the weekend offer?"
    assert turns.pending_text == ""


def test_an_unfinished_question_waits_once_then_finishes() -> None:
    turns = TurnAssembly()
    assert turns.decide(_said("Is the AX-200 in the"), QUIET) is TurnStep.WAIT
    assert turns.pending_text == "Is the AX-200 in the"
    # Still unfinished after the rest: it has waited once already.
    assert turns.decide(_said("uh, the", at=13.0), QUIET) is TurnStep.FINISH
    assert turns.finish(ended_at=14.0).text == "Is the AX-200 in the uh, the"


def test_the_rest_of_an_unfinished_question_joins_it() -> None:
    turns = TurnAssembly()
    turns.decide(_said("Is the AX-200 in the"), QUIET)
    assert turns.decide(_said("weekend offer?", at=12.0), QUIET) is TurnStep.FINISH
    assert turns.finish(ended_at=13.0).text == "Is the AX-200 in the weekend offer?"


def test_an_unfinished_question_holds_while_the_user_already_speaks_again() -> None:
    turns = TurnAssembly()
    speaking_again = TurnContext(recording=True, speech_started_at=11.5)
    assert turns.decide(_said("Is the AX-200 in the"), speaking_again) is TurnStep.HOLD


def test_speech_soon_after_a_finished_question_holds_it_for_the_rest() -> None:
    turns = TurnAssembly(continuation_gap_secs=0.8)
    soon = TurnContext(speech_started_at=11.5)
    late = TurnContext(speech_started_at=12.5)
    assert turns.decide(_said("What's the member price?"), soon) is TurnStep.HOLD
    assert TurnAssembly().decide(_said("What's the member price?"), late) is TurnStep.FINISH


def test_a_continuation_right_after_a_finished_turn_is_merged_into_it() -> None:
    turns = TurnAssembly(continuation_gap_secs=0.8)
    turns.decide(_said("Is the AX-200."), QUIET)
    turns.finish(ended_at=11.0)
    heard = TurnContext(answer_heard=True)
    assert turns.decide(_said("in the weekend offer?", at=11.5), heard) is TurnStep.FINISH
    assert turns.finish(ended_at=12.5).text == "Is the AX-200. in the weekend offer?"


def test_a_new_question_after_the_answer_was_heard_is_a_turn_of_its_own() -> None:
    turns = TurnAssembly(continuation_gap_secs=0.8)
    turns.decide(_said("Is the AX-200 on sale?"), QUIET)
    turns.finish(ended_at=11.0)
    heard = TurnContext(answer_heard=True)
    assert turns.decide(_said("What about socks?", at=11.5), heard) is TurnStep.FINISH
    assert turns.finish(ended_at=12.5).text == "What about socks?"


def test_a_second_sentence_before_the_answer_was_heard_extends_the_question() -> None:
    turns = TurnAssembly(continuation_gap_secs=0.8)
    turns.decide(_said("Is the AX-200 on sale?"), QUIET)
    turns.finish(ended_at=11.0)
    unheard = TurnContext(answer_heard=False)
    turns.decide(_said("For members?", at=11.5), unheard)
    assert turns.finish(ended_at=12.5).text == "Is the AX-200 on sale? For members?"


def test_a_turn_keeps_the_utterances_it_was_put_together_from() -> None:
    turns = TurnAssembly(continuation_gap_secs=0.8)
    first, rest = _said("Hey, pro."), _said("Hello, is the AX-200 in the weekend offer?", at=11.2)
    turns.decide(first, QUIET)
    assert turns.finish(ended_at=11.0).pieces == (first,)
    # Said before any answer was heard: the rest of the same turn, with both pieces.
    turns.decide(rest, TurnContext(answer_heard=False))
    merged = turns.finish(ended_at=12.5)
    assert merged.text == "Hey, pro. Hello, is the AX-200 in the weekend offer?"
    assert merged.pieces == (first, rest)


def test_a_continuation_joins_the_words_the_turn_was_heard_again_as() -> None:
    turns = TurnAssembly(continuation_gap_secs=0.8)
    turns.decide(_said("Hey, pro. Hello, is the AX-200"), QUIET)
    turns.finish(ended_at=11.0)
    turns.heard_again("Hey promo, is the AX-200")
    turns.decide(_said("in the weekend offer?", at=11.5), TurnContext(answer_heard=True))
    assert turns.finish(ended_at=12.5).text == "Hey promo, is the AX-200 in the weekend offer?"


@pytest.mark.parametrize("reply_awaited", [False, True])
def test_stop_stops_the_bot_unless_the_floor_awaits_a_reply(reply_awaited: bool) -> None:
    step = TurnAssembly().decide(_said("Stop."), TurnContext(expecting_reply=reply_awaited))
    assert step is (TurnStep.FINISH if reply_awaited else TurnStep.STOP)


def test_stop_after_half_a_question_is_part_of_the_question() -> None:
    turns = TurnAssembly()
    turns.decide(_said("Is the AX-200 in the"), QUIET)
    assert turns.decide(_said("stop", at=12.0), QUIET) is not TurnStep.STOP


def test_a_wordless_interruption_resumes_the_bot() -> None:
    step = TurnAssembly().decide(_said("(cough)", barged_in=True), QUIET)
    assert step is TurnStep.RESUME


def test_wordless_sound_holds_when_no_turn_is_pending() -> None:
    assert TurnAssembly().decide(_said("[music]"), QUIET) is TurnStep.HOLD


def test_wordless_sound_after_half_a_question_finishes_it_unless_a_wait_runs() -> None:
    turns = TurnAssembly()
    turns.decide(_said("Is the AX-200 in the"), QUIET)
    assert turns.decide(_said("Hmm", at=12.0), TurnContext(waiting=True)) is TurnStep.HOLD
    assert turns.decide(_said("Hmm", at=13.0), QUIET) is TurnStep.FINISH
    assert turns.finish(ended_at=14.0).text == "Is the AX-200 in the"


def test_while_push_to_talk_is_held_a_finished_sentence_does_not_end_the_turn() -> None:
    turns = TurnAssembly()
    turns.press()
    assert turns.decide(_said("What's the discount on the AX-200?"), QUIET) is TurnStep.HOLD
    assert turns.decide(_said("Hmm", at=12.0), QUIET) is TurnStep.HOLD
    assert turns.decide(_said("For members?", at=13.0), QUIET) is TurnStep.HOLD
    assert turns.pending_text == "What's the discount on the AX-200? For members?"


def test_after_a_release_the_last_transcript_ends_even_an_unfinished_turn() -> None:
    turns = TurnAssembly()
    turns.press()
    turns.release()
    two_coming = TurnContext(transcriptions_pending=2)
    assert turns.decide(_said("Is the AX-200 in the"), two_coming) is TurnStep.HOLD
    assert turns.decide(_said("weekend", at=12.0), QUIET) is TurnStep.FINISH
    assert turns.finish(ended_at=13.0).text == "Is the AX-200 in the weekend"


def test_a_release_finishes_at_once_only_when_no_transcript_is_coming() -> None:
    turns = TurnAssembly()
    turns.press()
    turns.decide(_said("Is the AX-200 in the"), QUIET)
    turns.release()
    assert turns.after_release(transcriptions_pending=1) is TurnStep.HOLD
    assert turns.after_release(transcriptions_pending=0) is TurnStep.FINISH


def test_a_release_ends_one_turn_only() -> None:
    turns = TurnAssembly()
    turns.press()
    turns.release()
    turns.clear_release()
    # Without the button, an unfinished question waits for its rest as usual.
    assert turns.decide(_said("Is the AX-200 in the"), QUIET) is TurnStep.WAIT


def test_finishing_with_nothing_pending_gives_no_turn() -> None:
    assert TurnAssembly().finish(ended_at=1.0).text == ""


def test_the_assembly_imports_no_pipecat() -> None:
    tree = ast.parse(Path(pipelines.turn_assembly.__file__).read_text())
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
    }
    assert imported <= {"__future__", "dataclasses", "enum", "pipelines"}
