"""One clerk's feedback conversation, wired to the recorder: what a voice session calls.

A session feeds every final transcript to :meth:`FeedbackConversation.hear` first; when
``consumed`` is false the utterance is an ordinary question for the answerer. Whatever is
in ``say`` is spoken; a confirmation is only ever composed after the record was committed
(:class:`~voice_agent.feedback.recorder.FeedbackRecorder`).
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge_base.answering import Role
from knowledge_base.feedback.dialogue import DialogueStep, FeedbackDialogue
from voice_agent.feedback.audio import FeedbackAudio
from voice_agent.feedback.recorder import FeedbackRecorder, RecordOutcome


@dataclass(frozen=True, slots=True)
class FeedbackReply:
    """The result of one utterance or silence."""

    consumed: bool
    """The utterance was feedback: do not answer it as a question."""
    say: str | None = None
    """What to speak now, if anything."""
    outcome: RecordOutcome | None = None
    """Set when a record was attempted (saved or not)."""


class FeedbackConversation:
    """Capture rules (:class:`FeedbackDialogue`) plus recording, for one clerk."""

    def __init__(
        self,
        *,
        recorder: FeedbackRecorder,
        clerk_id: str,
        store_id: str,
        role: Role = Role.CLERK,
        dialogue: FeedbackDialogue | None = None,
        heard_language: str | None = None,
    ) -> None:
        """Hold one clerk's feedback state.

        Args:
            recorder: Classifies, commits and confirms.
            clerk_id: Who is speaking.
            store_id: Their store.
            role: Their role.
            dialogue: The capture state machine (a default one otherwise).
            heard_language: The language the recogniser was told this clerk speaks: records
                and confirmations are in it, even when a transcript holds only a code such as
                "TR-900". ``None``: each transcript's own language is detected.
        """
        self._recorder = recorder
        self._clerk_id = clerk_id
        self._store_id = store_id
        self._role = role
        self._heard_language = heard_language
        self.dialogue = dialogue or FeedbackDialogue()

    async def hear(
        self, utterance: str, *, push_to_talk: bool = False, audio: FeedbackAudio | None = None
    ) -> FeedbackReply:
        """A final transcript from the clerk.

        ``audio`` is the capture's compressed audio so far; it is stored with the record
        if this utterance ends the capture (see :func:`~voice_agent.feedback.audio.encode_flac`).
        """
        step = self.dialogue.hear(utterance, push_to_talk=push_to_talk)
        return await self._act(step, audio)

    async def silence(self, seconds: float, *, audio: FeedbackAudio | None = None) -> FeedbackReply:
        """``seconds`` of silence since the clerk last spoke (``audio`` as in :meth:`hear`)."""
        return await self._act(self.dialogue.silence(seconds), audio)

    async def _act(self, step: DialogueStep, audio: FeedbackAudio | None = None) -> FeedbackReply:
        if step.record is None:
            return FeedbackReply(consumed=step.consumed, say=step.say)
        outcome = await self._recorder.record(
            step.record, clerk_id=self._clerk_id, store_id=self._store_id, role=self._role,
            language=self._heard_language, supersedes=step.supersedes, audio=audio,
        )  # fmt: skip
        if outcome.saved and outcome.records:
            self.dialogue.saved(outcome.records[0].id)
        return FeedbackReply(consumed=True, say=outcome.spoken, outcome=outcome)
