import pytest

from pipelines.stt_guards import (
    FULL_WINDOW_SECS,
    OutputGuard,
    Unreliable,
    WindowPolicy,
    is_repeating,
)


@pytest.mark.parametrize(
    ("audio_secs", "window"),
    [(0.5, 10.0), (3.0, 10.0), (8.0, 10.0), (8.5, 15.0), (12.9, 15.0), (13.5, 20.0)],
)
def test_the_window_follows_the_audio_with_a_10_second_floor(
    audio_secs: float, window: float
) -> None:
    assert WindowPolicy().window_secs(audio_secs) == window


@pytest.mark.parametrize("audio_secs", [2.0, 5.0, 9.9, 14.0, 20.0, 27.5])
def test_the_window_always_keeps_silence_after_the_audio(audio_secs: float) -> None:
    policy = WindowPolicy()
    assert policy.window_secs(audio_secs) >= audio_secs + policy.margin_secs or (
        policy.window_secs(audio_secs) == FULL_WINDOW_SECS
    )


def test_long_clips_get_the_full_window() -> None:
    assert WindowPolicy().window_secs(29.0) == FULL_WINDOW_SECS
    assert WindowPolicy().window_secs(45.0) == FULL_WINDOW_SECS


def test_the_output_cap_grows_with_the_clip() -> None:
    guard = OutputGuard(tokens_per_sec=6.0, extra_tokens=12)
    assert guard.max_new_tokens(1.0) == 18
    assert guard.max_new_tokens(3.5) == 33


def test_a_confident_question_is_trusted() -> None:
    guard = OutputGuard()
    assert (
        guard.unreliable(
            text="Is the AX-200 in the weekend offer?",
            avg_logprob=-0.2,
            num_tokens=12,
            audio_secs=3.0,
        )
        is None
    )


@pytest.mark.parametrize(
    ("text", "avg_logprob", "num_tokens", "reason"),
    [
        ("Is the AX-200 in the weekend", -0.3, 30, Unreliable.RUNAWAY),
        ("", -0.3, 0, Unreliable.EMPTY),
        ("  ", -0.3, 1, Unreliable.EMPTY),
        ("the offer the offer the offer the offer", -0.3, 16, Unreliable.REPEATING),
        ("Is the AX-200 in the weekend offer?", -1.4, 12, Unreliable.LOW_LOGPROB),
    ],
)
def test_an_unreliable_short_window_result_says_why(
    text: str, avg_logprob: float, num_tokens: int, reason: Unreliable
) -> None:
    guard = OutputGuard(tokens_per_sec=6.0, extra_tokens=12)
    assert (
        guard.unreliable(text=text, avg_logprob=avg_logprob, num_tokens=num_tokens, audio_secs=3.0)
        == reason
    )


def test_silence_follows_whispers_own_no_speech_rule() -> None:
    guard = OutputGuard()
    assert guard.is_silence(avg_logprob=-1.5, no_speech_prob=0.9)
    assert not guard.is_silence(avg_logprob=-0.3, no_speech_prob=0.9)
    assert not guard.is_silence(avg_logprob=-1.5, no_speech_prob=0.2)


@pytest.mark.parametrize(
    "text",
    [
        "Is the is the is the is the",
        "no no no no",
        "Thank you. Thank you. Thank you. Thank you. Thank you. Thank you.",
    ],
)
def test_repetitions_are_recognised(text: str) -> None:
    assert is_repeating(text)


@pytest.mark.parametrize(
    "text",
    [
        "Is the AX-200 in the weekend offer?",
        "Can a member buy two pairs of AX-200 at the member price?",
        "Stop.",
    ],
)
def test_ordinary_questions_do_not_count_as_repeating(text: str) -> None:
    assert not is_repeating(text)
