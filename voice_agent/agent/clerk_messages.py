"""What a clerk's earpiece data message means to the voice loop: the frame it stands for.

The messages themselves are read in :mod:`voice_agent.livekit.earpiece`; here each known
action becomes the frame the connection pushes into the clerk's pipeline.
"""

from __future__ import annotations

from pipecat.frames.frames import Frame

from pipelines.feedback_processor import FeedbackTalkFrame
from pipelines.frames import AcknowledgeFrame, PushToTalkFrame
from voice_agent.feedback.live import feedback_button
from voice_agent.livekit.earpiece import earpiece_action


def clerk_message_frame(data: bytes) -> Frame | None:
    """The frame a clerk's data message stands for (push-to-talk, ack, feedback), else ``None``."""
    pressed = push_to_talk(data)
    if pressed is not None:
        return PushToTalkFrame(pressed=pressed)
    if acknowledgement(data):
        return AcknowledgeFrame()
    return FeedbackTalkFrame() if feedback_button(data) else None


def acknowledgement(data: bytes) -> bool:
    """Whether ``data`` is the earpiece's acknowledge message ``{"action": "ack"}``."""
    return earpiece_action(data) == "ack"


def push_to_talk(data: bytes) -> bool | None:
    """``True``/``False`` for a push-to-talk start/stop message, ``None`` for anything else."""
    action = earpiece_action(data)
    return {"start": True, "stop": False}.get(action) if action is not None else None
