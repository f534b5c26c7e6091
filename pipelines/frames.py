"""Our own Pipecat frames."""

from __future__ import annotations

from dataclasses import dataclass

from pipecat.frames.frames import ControlFrame, SystemFrame


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
