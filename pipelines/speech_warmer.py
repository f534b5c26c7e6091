"""Rendering the answer's first words while the VAD still waits to confirm the turn's end.

Transcription starts at the first silent window (speculative STT) and is usually done before
the VAD's stop hangover ends. The answer to that transcript is known at once (the offline
answerer takes about a millisecond), so its first sentence can be rendered during the rest of
the hangover: when the turn is confirmed, the TTS service finds it in the shared speech cache
(or waits for the render under way instead of starting a second one). If the clerk goes on
speaking, the render is simply not used.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from loguru import logger

from pipelines.addressing import AddressPolicy
from pipelines.conversation_state import ConversationState

FirstChunks = Callable[[str], Awaitable[list[str]]]
"""The texts speech would get first for a turn (``AnswerProcessor.first_chunks``)."""
RenderChunk = Callable[[str], Awaitable[bool]]
"""Renders one text into the shared speech cache; whether it rendered (not held already)."""


class SpeechWarmer:
    """Renders the answer's first chunks to one session's speculative transcripts.

    Args:
        state: The session's conversation state (a turn awaited as a reply, or spoken
            feedback, is not a question: nothing is rendered for it).
        first_chunks: The session's answer processor's ``first_chunks``.
        render: Renders a text into the node's speech cache.
        policy: The session's address policy when turns need the wake phrase (a turn it
            would drop is not rendered; the wake phrase is stripped as the gate does).
        max_chunks: Chunks rendered per turn at most (a lead-in and the rest of the first
            sentence).
    """

    def __init__(
        self,
        *,
        state: ConversationState,
        first_chunks: FirstChunks,
        render: RenderChunk,
        policy: AddressPolicy | None = None,
        max_chunks: int = 2,
    ) -> None:
        self._state = state
        self._first_chunks = first_chunks
        self._render = render
        self._policy = policy
        self._max_chunks = max_chunks
        self._task: asyncio.Task[int] | None = None
        self.rendered = 0
        """Chunks this warmer rendered over its life."""

    @property
    def task(self) -> asyncio.Task[int] | None:
        """The warming under way or last done, if any."""
        return self._task

    def warm(self, text: str, speech_started_at: float | None = None) -> None:
        """Start rendering the answer to ``text`` (a speculative transcript) in the background."""
        question = self._question(text, speech_started_at)
        if question is None:
            return
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = asyncio.get_running_loop().create_task(
            self._warm(question), name=f"speech-warmer#{self._state.session_id}"
        )

    def cancel(self) -> None:
        """Stop the warming under way (a render already in a thread still completes)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()

    def _question(self, text: str, speech_started_at: float | None) -> str | None:
        if self._state.expecting_reply or self._state.feedback_capturing:
            return None
        if self._policy is not None:
            decision = self._policy.decide(
                text, now=time.monotonic(), speech_started_at=speech_started_at
            )
            if not decision.addressed:
                return None
            text = decision.text
        return text.strip() or None

    async def _warm(self, question: str) -> int:
        rendered = 0
        try:
            for chunk in (await self._first_chunks(question))[: self._max_chunks]:
                if await self._render(chunk):
                    rendered += 1
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.opt(exception=True).warning(f"rendering ahead for {question!r} failed")
        self.rendered += rendered
        return rendered
