"""Barge-in on the first windows of loud speech, before the VAD confirms the start."""

from __future__ import annotations

from pipecat.audio.vad.vad_analyzer import VADState

from pipelines.early_barge_in import RESUME_AFTER_QUIET_SECS, EarlyBargeIn, EarlyStep
from pipelines.turn_policy import BargeInPolicy

FRAME = 0.02


def _frame(
    early: EarlyBargeIn,
    windows: int,
    *,
    level: float = -18.0,
    state: VADState = VADState.STARTING,
    replying: bool = True,
    recording: bool = False,
) -> EarlyStep:
    return early.on_frame(
        speech_windows=windows,
        vad_state=state,
        frame_secs=FRAME,
        bot_replying=replying,
        recording=recording,
        level_dbfs=level,
    )


def _quiet(early: EarlyBargeIn, secs: float) -> list[EarlyStep]:
    return [
        _frame(early, 0, state=VADState.QUIET, level=-120.0) for _ in range(round(secs / FRAME))
    ]


def test_loud_speech_over_the_bot_cuts_it_on_the_second_speech_window() -> None:
    early = EarlyBargeIn(BargeInPolicy(min_level_dbfs=-26.0, onset_windows=2))

    assert _frame(early, 1) is EarlyStep.NOTHING
    assert _frame(early, 2) is EarlyStep.CUT
    assert early.cut_pending
    # Cut once: the speech going on asks nothing more.
    assert _frame(early, 3) is EarlyStep.NOTHING


def test_speech_too_quiet_to_be_the_wearer_does_not_cut_early() -> None:
    early = EarlyBargeIn(BargeInPolicy(min_level_dbfs=-26.0, onset_windows=2))

    assert [_frame(early, n, level=-34.0) for n in range(1, 8)] == [EarlyStep.NOTHING] * 7


def test_no_early_cut_when_the_bot_is_silent_or_the_turn_is_already_recorded() -> None:
    policy = BargeInPolicy(onset_windows=2)

    assert _frame(EarlyBargeIn(policy), 3, replying=False) is EarlyStep.NOTHING
    assert _frame(EarlyBargeIn(policy), 3, recording=True) is EarlyStep.NOTHING


def test_onset_windows_zero_or_barge_in_disabled_leave_it_to_the_vad() -> None:
    assert _frame(EarlyBargeIn(BargeInPolicy(onset_windows=0)), 9) is EarlyStep.NOTHING
    assert _frame(EarlyBargeIn(BargeInPolicy(enabled=False)), 9) is EarlyStep.NOTHING


def test_a_cut_the_vad_never_confirms_resumes_the_bot_after_a_quiet_spell() -> None:
    early = EarlyBargeIn(BargeInPolicy(onset_windows=2))
    assert _frame(early, 2) is EarlyStep.CUT

    steps = _quiet(early, RESUME_AFTER_QUIET_SECS)

    assert steps[:-1] == [EarlyStep.NOTHING] * (len(steps) - 1)
    assert steps[-1] is EarlyStep.RESUME
    assert not early.cut_pending


def test_a_short_dip_in_the_speech_does_not_resume_the_bot() -> None:
    early = EarlyBargeIn(BargeInPolicy(onset_windows=2))
    assert _frame(early, 2) is EarlyStep.CUT

    dip = _quiet(early, RESUME_AFTER_QUIET_SECS / 2)
    assert _frame(early, 1) is EarlyStep.NOTHING
    dip += _quiet(early, RESUME_AFTER_QUIET_SECS / 2)

    assert EarlyStep.RESUME not in dip
    assert early.cut_pending


def test_once_the_vad_confirms_the_speech_the_cut_is_the_turns_barge_in() -> None:
    early = EarlyBargeIn(BargeInPolicy(onset_windows=2))
    assert _frame(early, 2) is EarlyStep.CUT

    assert early.take_cut() is True
    assert early.take_cut() is False
    assert EarlyStep.RESUME not in _quiet(early, 2 * RESUME_AFTER_QUIET_SECS)
