"""Barge-in on the first windows of speech, before the VAD confirms the start.

The VAD's confirmed start takes ``start_secs`` of speech plus its volume smoothing, about
240 ms after the wearer starts talking over the bot (docs/BENCHMARKS.md, "Where a LiveKit
turn's time goes"). :class:`EarlyBargeIn` stops the bot as soon as Silero has rated a few
windows in a row as speech that is loud enough to be the wearer
(:meth:`~pipelines.turn_policy.BargeInPolicy.stops_early`), and gives the bot its sentence
back when that sound never becomes speech the VAD starts on (a knock, a cough).

Pure: it is told about each audio frame and answers what to do; the turn processor does it.
"""

from __future__ import annotations

from enum import Enum

from pipecat.audio.vad.vad_analyzer import VADState

from pipelines.turn_policy import BargeInPolicy

RESUME_AFTER_QUIET_SECS = 0.3
"""Quiet after an early cut that the VAD never confirmed as speech: the bot resumes."""


class EarlyStep(Enum):
    """What one audio frame asks of the turn processor."""

    NOTHING = "nothing"
    CUT = "cut"
    """Stop the bot's audio now (a barge-in)."""
    RESUME = "resume"
    """The cut was no speech: resume the sentence it cut off."""


class EarlyBargeIn:
    """One session's early barge-in: cuts on loud speech windows, resumes after quiet.

    Args:
        policy: The session's barge-in policy (its ``onset_windows`` and level floor).
    """

    def __init__(self, policy: BargeInPolicy) -> None:
        self._policy = policy
        self._cut = False
        self._quiet_secs = 0.0

    @property
    def cut_pending(self) -> bool:
        """The bot was cut early and the VAD has not confirmed the speech yet."""
        return self._cut

    def on_frame(
        self,
        *,
        speech_windows: int,
        vad_state: VADState | None,
        frame_secs: float,
        bot_replying: bool,
        recording: bool,
        level_dbfs: float,
    ) -> EarlyStep:
        """Decide for one audio frame.

        Args:
            speech_windows: Silero windows in a row rated speech, up to this frame.
            vad_state: The VAD's state after this frame.
            frame_secs: Length of the frame.
            bot_replying: The bot is answering or speaking.
            recording: The VAD has confirmed speech and the turn is being recorded.
            level_dbfs: Loudness of those speech windows.
        """
        if self._cut:
            if speech_windows or vad_state is not VADState.QUIET:
                self._quiet_secs = 0.0
                return EarlyStep.NOTHING
            self._quiet_secs += frame_secs
            if self._quiet_secs < RESUME_AFTER_QUIET_SECS:
                return EarlyStep.NOTHING
            self._cut = False
            return EarlyStep.RESUME
        if recording or not bot_replying:
            return EarlyStep.NOTHING
        if not self._policy.stops_early(speech_windows=speech_windows, level_dbfs=level_dbfs):
            return EarlyStep.NOTHING
        self._cut = True
        self._quiet_secs = 0.0
        return EarlyStep.CUT

    def take_cut(self) -> bool:
        """The VAD confirmed the speech: whether it was already a barge-in (then forgotten)."""
        cut, self._cut = self._cut, False
        return cut
