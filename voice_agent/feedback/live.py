"""Spoken feedback in a live voice session: the adapter behind ``pipelines.feedback_processor``.

:class:`LiveFeedbackCapture` implements :class:`~pipelines.feedback_processor.FeedbackCapturer`
over a :class:`~voice_agent.feedback.conversation.FeedbackConversation` (the domain's
dialogue plus the recorder, which commits before it confirms), compressing the capture's
audio to FLAC. :func:`feedback_session_processors` builds, per voice loop, the audio tap and
the processor for one clerk. The earpiece's feedback button is the data message
``{"action": "feedback"}`` (:func:`feedback_button`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from loguru import logger

from knowledge_base.feedback.capture import DEFAULT_SILENCE_SECS, feedback_trigger
from knowledge_base.feedback.dialogue import DialogueState, FeedbackDialogue
from knowledge_base.knowledge import KnowledgeBase
from pipelines.answer_processor import CallerProfile
from pipelines.conversation_state import ConversationState
from pipelines.feedback_audio import FeedbackAudioTap
from pipelines.feedback_processor import CaptureReply, FeedbackProcessor
from pipelines.voice_loop import SessionProcessorFactory, SessionProcessors
from voice_agent.feedback.audio import FeedbackAudio, FeedbackAudioError, encode_flac
from voice_agent.feedback.conversation import FeedbackConversation, FeedbackReply
from voice_agent.feedback.recorder import FeedbackRecorder
from voice_agent.livekit.earpiece import earpiece_action

if TYPE_CHECKING:
    from voice_agent.feedback.desk import FeedbackDesk

FEEDBACK_ACTION = "feedback"
"""``action`` of the earpiece's feedback-button data message (topic ``ptt``, as push-to-talk)."""


class LiveFeedbackCapture:
    """One clerk's feedback capture as the voice loop's processor sees it."""

    def __init__(self, *, conversation: FeedbackConversation) -> None:
        """Capture through ``conversation`` (its dialogue and recorder)."""
        self.conversation = conversation

    @property
    def capturing(self) -> bool:
        """A capture is open."""
        return self.conversation.dialogue.state is DialogueState.CAPTURING

    @property
    def listening(self) -> bool:
        """A capture is open, or the last record may still be corrected."""
        return self.conversation.dialogue.state is not DialogueState.IDLE

    async def hear(
        self, text: str, *, push_to_talk: bool, pcm: bytes, sample_rate: int
    ) -> CaptureReply:
        """A finished turn of the clerk."""
        idle = self.conversation.dialogue.state is DialogueState.IDLE
        if idle and not push_to_talk and feedback_trigger(text) is None:
            # An ordinary question: no record can come of it, so no audio is encoded.
            return _reply(await self.conversation.hear(text))
        reply = await self.conversation.hear(
            text, push_to_talk=push_to_talk, audio=_flac(pcm, sample_rate)
        )
        return _reply(reply)

    async def silence(self, seconds: float, *, pcm: bytes, sample_rate: int) -> CaptureReply:
        """``seconds`` since the clerk last spoke."""
        if not self.capturing:
            return _reply(await self.conversation.silence(seconds))
        return _reply(await self.conversation.silence(seconds, audio=_flac(pcm, sample_rate)))


def feedback_session_processors(
    *,
    recorder: Callable[[], FeedbackRecorder],
    clerk_id: str,
    caller: CallerProfile,
    silence_secs: float = DEFAULT_SILENCE_SECS,
) -> SessionProcessorFactory:
    """The feedback capture of one clerk's sessions, for ``RoomConnection(session_processors=)``.

    Args:
        recorder: A recorder over the knowledge base served now (called per voice loop),
            e.g. ``lambda: desk.recorder(runtime.knowledge)``.
        clerk_id: The clerk's identity, stored with each record.
        caller: The clerk's role, store and language.
        silence_secs: Silence that ends a capture, in seconds.

    Raises:
        ValueError: ``caller`` has no store (a record needs one).
    """
    if not caller.store_id:
        raise ValueError("feedback capture needs the clerk's store")
    store_id = caller.store_id

    def build(state: ConversationState) -> SessionProcessors:
        dialogue = FeedbackDialogue(language=caller.language, silence_secs=silence_secs)
        conversation = FeedbackConversation(
            recorder=recorder(), clerk_id=clerk_id, store_id=store_id, role=caller.role,
            dialogue=dialogue, heard_language=caller.stt_language,
        )  # fmt: skip
        tap = FeedbackAudioTap()
        processor = FeedbackProcessor(
            state=state, capture=LiveFeedbackCapture(conversation=conversation), audio=tap
        )
        return SessionProcessors(input=[tap], before_answer=[processor])

    return build


class ServesKnowledge(Protocol):
    """What serves the knowledge base right now (the process's ``Runtime``)."""

    @property
    def knowledge(self) -> KnowledgeBase:
        """The knowledge base served now."""
        ...


def feedback_for_clerks(
    *, desk: FeedbackDesk, runtime: ServesKnowledge
) -> Callable[[str, CallerProfile], SessionProcessorFactory | None]:
    """Per clerk, the feedback capture of their sessions, recording through ``desk``.

    Each voice loop records over the knowledge base served when it is built. A caller with
    no store gets ``None`` (a record needs a store).
    """

    def for_clerk(clerk_id: str, caller: CallerProfile) -> SessionProcessorFactory | None:
        if not caller.store_id:
            return None
        return feedback_session_processors(
            recorder=lambda: desk.recorder(runtime.knowledge),
            clerk_id=clerk_id,
            caller=caller,
            silence_secs=desk.settings.feedback.end_silence_secs,
        )

    return for_clerk


def feedback_button(data: bytes) -> bool:
    """True for the earpiece's feedback-button message ``{"action": "feedback"}``."""
    return earpiece_action(data) == FEEDBACK_ACTION


def _flac(pcm: bytes, sample_rate: int) -> FeedbackAudio | None:
    if not pcm or not sample_rate:
        return None
    try:
        return encode_flac(pcm, sample_rate)
    except FeedbackAudioError as e:
        logger.warning("feedback audio not kept: {} ({})", e, e.code)
        return None


def _reply(reply: FeedbackReply) -> CaptureReply:
    return CaptureReply(consumed=reply.consumed, say=reply.say, recorded=reply.outcome is not None)
