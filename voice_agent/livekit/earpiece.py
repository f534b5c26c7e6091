"""What the earpiece app and the assistant tell each other besides audio.

The earpiece's data messages are small JSON objects on the ``ptt`` topic:
``{"action": "start"}`` / ``{"action": "stop"}`` hold push-to-talk, ``{"action": "ack"}``
acknowledges a notice and ``{"action": "feedback"}`` opens a feedback capture. A message
without a ``topic`` field counts as the earpiece's.

The assistant says whether it listens in its participant attribute ``lk.agent.state``
(LiveKit's own convention for agents): ``listening`` once it is in the room, ``idle`` as it
leaves. An app should let the clerk speak only while an assistant is ``listening``: after a
reconnect, an assistant that is leaving may still be in the room and hears nothing.
"""

from __future__ import annotations

import json

PTT_TOPIC = "ptt"
"""Data topic of the earpiece's messages."""

AGENT_STATE_ATTRIBUTE = "lk.agent.state"
"""Participant attribute in which the assistant says whether it listens."""
LISTENING = "listening"
"""The assistant is in the room and hears the clerk."""
LEAVING = "idle"
"""The assistant is leaving the room: what the clerk says now is not heard."""


def earpiece_message(data: bytes) -> dict[str, object] | None:
    """A JSON object on the earpiece's topic (``ptt``, the default), else ``None``."""
    try:
        message = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(message, dict) or message.get("topic", PTT_TOPIC) != PTT_TOPIC:
        return None
    return message


def earpiece_action(data: bytes) -> str | None:
    """The ``action`` of an earpiece message (``start``, ``ack``, ...), else ``None``."""
    message = earpiece_message(data)
    action = message.get("action") if message is not None else None
    return action if isinstance(action, str) else None
