from pipelines.conversation_state import ConversationState


def _state_with_answer(*sentences: str) -> ConversationState:
    state = ConversationState(session_id="s1")
    state.start_answer()
    state.answer_sentences.extend(sentences)
    return state


def test_a_new_session_is_idle() -> None:
    assert ConversationState(session_id="s1").is_idle


def test_an_answer_not_yet_played_is_in_progress() -> None:
    state = _state_with_answer("Yes.", "It is 20 percent off.")
    assert state.reply_in_progress
    state.sentences_played = 2
    assert not state.reply_in_progress


def test_cutting_the_second_sentence_resumes_from_it() -> None:
    state = _state_with_answer("Yes.", "It is 20 percent off.", "Members save more.")
    state.sentences_played = 2
    state.mark_cut()
    assert not state.reply_in_progress
    assert state.resume() == ["It is 20 percent off.", "Members save more."]
    assert state.reply_in_progress


def test_cutting_before_any_audio_resumes_from_the_start() -> None:
    state = _state_with_answer("Yes.", "It is 20 percent off.")
    state.mark_cut()
    assert state.sentences_to_resume() == ["Yes.", "It is 20 percent off."]


def test_nothing_to_resume_without_an_answer() -> None:
    state = ConversationState(session_id="s1")
    state.mark_cut()
    assert state.resume() == []
