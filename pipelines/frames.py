"""Our own Pipecat frames."""

from __future__ import annotations

from dataclasses import dataclass

from pipecat.frames.frames import ControlFrame


@dataclass
class ResumeSpeechFrame(ControlFrame):
    """The interruption that cut the bot off carried no words: say the cut sentence again."""
