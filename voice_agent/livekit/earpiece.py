"""The earpiece's data messages: small JSON objects on the ``ptt`` topic.

``{"action": "start"}`` / ``{"action": "stop"}`` hold push-to-talk, ``{"action": "ack"}``
acknowledges a notice and ``{"action": "feedback"}`` opens a feedback capture. A message
without a ``topic`` field counts as the earpiece's.
"""

from __future__ import annotations

import json

PTT_TOPIC = "ptt"
"""Data topic of the earpiece's messages."""


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
