"""Headquarters to the floor, the adapter side: urgent notices spoken, acknowledged, escalated.

The rules are pure (``knowledge_base.delivery``, ``notice_queue``, ``notice_scope``,
``notices``, ``compliance``); this package stores and acts on them. See docs/broadcast.md.
"""

from voice_agent.broadcast.broadcaster import Broadcaster
from voice_agent.broadcast.channel import NoticeChannel, Utterance, UtteranceKind
from voice_agent.broadcast.escalation import Escalation, EscalationWebhook, escalation_payload
from voice_agent.broadcast.escalator import EscalationSink

__all__ = [
    "Broadcaster",
    "Escalation",
    "EscalationSink",
    "EscalationWebhook",
    "NoticeChannel",
    "Utterance",
    "UtteranceKind",
    "escalation_payload",
]
