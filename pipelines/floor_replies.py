"""What to do with a clerk's turn while the floor awaits a reply (pure rules, no Pipecat).

The reading of the words is the knowledge base's
(:func:`knowledge_base.acknowledgement.read_reply`); here only the routing:

* awaiting an **acknowledgement**: "got it" is the reply; "say that again" replays the
  utterance; anything else is an ordinary question for the answerer when it was addressed
  to the assistant, and dropped (a customer conversation) when it was not; the wait goes on;
* awaiting a **quiz answer**: "say that again" replays the question, anything else is the
  answer;
* awaiting **free text**: whatever was said is the reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from knowledge_base.acknowledgement import Reply, read_reply
from pipelines.floor_models import ExpectedReply, HeardReply


class ReplyAction(StrEnum):
    """What the floor does with the turn."""

    ACCEPT = "accept"
    """It is the reply: report it, stop waiting."""
    REPEAT = "repeat"
    """Say the utterance again; keep waiting."""
    ANSWER = "answer"
    """Pass it on to the answerer; keep waiting."""
    DROP = "drop"
    """Not meant for the assistant; keep waiting."""


@dataclass(frozen=True, slots=True)
class ReplyRouting:
    """How one turn was read, and what to do with it."""

    heard: HeardReply
    action: ReplyAction


def route_turn(expects: ExpectedReply, text: str, *, addressed: bool) -> ReplyRouting:
    """Route a finished turn heard while ``expects`` is awaited.

    Args:
        expects: The awaited reply (not ``none``).
        text: The turn's transcript (without its wake phrase).
        addressed: The turn was meant for the assistant anyway (wake phrase, follow-up
            window, push-to-talk); ``False`` when it got through only because a reply
            was awaited.
    """
    if expects is ExpectedReply.FREE_TEXT:
        return ReplyRouting(HeardReply.TEXT, ReplyAction.ACCEPT)
    reply = read_reply(text)
    if reply is Reply.REPEAT:
        return ReplyRouting(HeardReply.REPEAT, ReplyAction.REPEAT)
    if expects is ExpectedReply.QUIZ_ANSWER:
        return ReplyRouting(HeardReply.ANSWER, ReplyAction.ACCEPT)
    if reply is Reply.ACKNOWLEDGED:
        return ReplyRouting(HeardReply.ACKNOWLEDGED, ReplyAction.ACCEPT)
    return ReplyRouting(HeardReply.OTHER, ReplyAction.ANSWER if addressed else ReplyAction.DROP)
