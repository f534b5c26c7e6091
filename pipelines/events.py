"""Typed session events: what happened in a voice session, in order.

Processors report progress through an injected callback; the replay report, benchmarks,
the HTTP API and (later) the dashboard read these events without knowing the pipeline.
Times are ``time.monotonic()`` seconds of the process that ran the session.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Literal

from pydantic import BaseModel, Field


class _Event(BaseModel):
    session_id: str
    at: float = Field(default_factory=time.monotonic)
    """Monotonic seconds when the event happened."""


class UserSpeechStarted(_Event):
    """The VAD heard the user start speaking."""

    type: Literal["user_speech_started"] = "user_speech_started"
    bot_speaking: bool
    level_dbfs: float
    """Loudness of the speech that started the turn, in dB relative to full scale."""


class UserSpeechStopped(_Event):
    """The VAD heard the user stop speaking (a turn candidate ends)."""

    type: Literal["user_speech_stopped"] = "user_speech_stopped"
    speech_secs: float


class BargeIn(_Event):
    """The user's speech interrupted the bot (its audio is being stopped)."""

    type: Literal["barge_in"] = "barge_in"
    level_dbfs: float


class BargeInIgnored(_Event):
    """Sound during the bot's speech that did not qualify as a barge-in."""

    type: Literal["barge_in_ignored"] = "barge_in_ignored"
    reason: str


class SpeechResumed(_Event):
    """An interruption carried no words: the bot resumed the cut sentence."""

    type: Literal["speech_resumed"] = "speech_resumed"
    sentence: str


class StopRequested(_Event):
    """The user told the assistant to stop ("stop", "never mind"); nothing is answered."""

    type: Literal["stop_requested"] = "stop_requested"


class Transcribed(_Event):
    """Speech recognition finished one utterance."""

    type: Literal["transcribed"] = "transcribed"
    text: str
    audio_secs: float
    stt_secs: float
    """Wall seconds the transcription took."""
    whole_turn: bool = False
    """A turn that pauses split into pieces, heard again as one recording."""


class TurnWaiting(_Event):
    """The transcript looked unfinished; waiting for the user to go on."""

    type: Literal["turn_waiting"] = "turn_waiting"
    text: str
    wait_secs: float


class UserTurn(_Event):
    """A complete user turn, ready to be answered."""

    type: Literal["user_turn"] = "user_turn"
    text: str


class TurnAddressed(_Event):
    """A turn was meant for the assistant (``by``: wake_phrase, follow_up, push_to_talk)."""

    type: Literal["turn_addressed"] = "turn_addressed"
    by: str


class TurnNotAddressed(_Event):
    """A turn was not meant for the assistant; it is dropped (its text is not kept)."""

    type: Literal["turn_not_addressed"] = "turn_not_addressed"


class AnswerStarted(_Event):
    """The first sentence of the answer is ready for speech."""

    type: Literal["answer_started"] = "answer_started"
    sentence: str
    answer_secs: float
    """Wall seconds from the user turn to the first sentence."""


class AnswerCompleted(_Event):
    """The whole answer text is known."""

    type: Literal["answer_completed"] = "answer_completed"
    question: str
    text: str
    source: str
    promotion_ids: list[str] = Field(default_factory=list)
    facts: list[str] = Field(default_factory=list)
    """Knowledge-base text the answer was composed from (for audits and the fact guard)."""


class BotAudioStarted(_Event):
    """The first sample of a reply left the pipeline."""

    type: Literal["bot_audio_started"] = "bot_audio_started"


class BotAudioStopped(_Event):
    """The bot's audio stopped (finished or interrupted)."""

    type: Literal["bot_audio_stopped"] = "bot_audio_stopped"


class UtteranceStarted(_Event):
    """A floor utterance (notice, quiz question, ...) started playing."""

    type: Literal["utterance_started"] = "utterance_started"
    utterance_id: str
    kind: str
    play: int
    """1 the first time, 2 for the first repeat, ..."""


class UtterancePlayed(_Event):
    """A floor utterance was played to its end."""

    type: Literal["utterance_played"] = "utterance_played"
    utterance_id: str
    kind: str


class UtteranceInterrupted(_Event):
    """A floor utterance was cut off before its end (it is not queued again by the floor)."""

    type: Literal["utterance_interrupted"] = "utterance_interrupted"
    utterance_id: str
    kind: str
    reason: str
    """``barge_in`` (the clerk spoke or asked something), ``no_playback`` (never played out)."""


class UtteranceWithdrawn(_Event):
    """A floor utterance was withdrawn (superseded); it was stopped if it was playing."""

    type: Literal["utterance_withdrawn"] = "utterance_withdrawn"
    utterance_id: str
    kind: str
    was_playing: bool


class ReplyReceived(_Event):
    """The clerk replied to a floor utterance.

    ``reply``: ``acknowledged``, ``repeat``, ``other`` (a question, answered as usual),
    ``answer`` (a quiz answer) or ``text`` (free text).
    """

    type: Literal["reply_received"] = "reply_received"
    utterance_id: str
    kind: str
    reply: str
    text: str
    """What was heard (empty for a push-to-talk acknowledgement)."""
    by: str
    """``voice`` or ``push_to_talk``."""


class ReplyTimedOut(_Event):
    """No reply came within the utterance's reply window; the clerk needs the wake phrase again."""

    type: Literal["reply_timed_out"] = "reply_timed_out"
    utterance_id: str
    kind: str


class PipelineErrorEvent(_Event):
    """A stage failed; the session goes on."""

    type: Literal["error"] = "error"
    code: str
    message: str


SessionEvent = Annotated[
    UserSpeechStarted
    | UserSpeechStopped
    | BargeIn
    | BargeInIgnored
    | SpeechResumed
    | StopRequested
    | Transcribed
    | TurnWaiting
    | UserTurn
    | TurnAddressed
    | TurnNotAddressed
    | AnswerStarted
    | AnswerCompleted
    | BotAudioStarted
    | BotAudioStopped
    | UtteranceStarted
    | UtterancePlayed
    | UtteranceInterrupted
    | UtteranceWithdrawn
    | ReplyReceived
    | ReplyTimedOut
    | PipelineErrorEvent,
    Field(discriminator="type"),
]

FloorEvent = (
    UtteranceStarted
    | UtterancePlayed
    | UtteranceInterrupted
    | UtteranceWithdrawn
    | ReplyReceived
    | ReplyTimedOut
)
"""What the floor reports about the utterances it was offered."""

EventSink = Callable[[SessionEvent], Awaitable[None] | None]
"""Receives session events; may be sync or async."""


async def emit(sink: EventSink | None, event: SessionEvent) -> None:
    """Deliver ``event`` to ``sink`` (if any), awaiting it when it is a coroutine."""
    if sink is None:
        return
    result = sink(event)
    if result is not None:
        await result
