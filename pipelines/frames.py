"""Our own Pipecat frames."""

from __future__ import annotations

from dataclasses import dataclass

from pipecat.frames.frames import ControlFrame, DataFrame, SystemFrame


@dataclass
class ResumeSpeechFrame(ControlFrame):
    """The interruption that cut the bot off carried no words: say the cut sentence again."""


@dataclass
class PushToTalkFrame(SystemFrame):
    """The earpiece's push-to-talk button changed (from a LiveKit data message).

    Releasing it ends the user's turn at once: what was recorded is transcribed without
    waiting for the VAD's silence hangover.
    """

    pressed: bool = True


@dataclass
class AcknowledgeFrame(SystemFrame):
    """The clerk pressed "acknowledge" on the earpiece (LiveKit data message ``{"action": "ack"}``).

    The :class:`~pipelines.floor_processor.FloorProcessor` takes it as a spoken "got it" for
    the utterance awaiting an acknowledgement; with none awaited it is ignored.
    """


@dataclass
class UnaddressedTurnFrame(DataFrame):
    """A finished turn without the wake phrase, let through only because a reply is awaited.

    The address gate sends it instead of dropping the turn while
    ``ConversationState.expecting_reply`` is set; the floor takes it as the reply or drops
    it. It is not a ``TextFrame``, so nothing downstream would answer or speak it.
    """

    text: str = ""
    user_id: str = ""
    timestamp: str = ""


@dataclass
class UtteranceEndFrame(ControlFrame):
    """Follows the last sentence of a floor utterance down to the output transport.

    The output transport passes a control frame on only after the audio before it has
    played, so this frame leaving the transport means "played to the end". An interruption
    drops it with the audio.
    """

    utterance_id: str = ""
    token: int = 0
    """Tells two playings of one utterance apart."""


@dataclass
class UtterancePlayedFrame(SystemFrame):
    """Sent upstream by the playback probe when an :class:`UtteranceEndFrame` was played."""

    utterance_id: str = ""
    token: int = 0
