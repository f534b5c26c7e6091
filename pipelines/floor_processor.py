"""Headquarters' turn to speak in a clerk's session, and to listen for the clerk's reply.

A clerk's session is in one of three modes, all driven here:

* **answering** (the default): every turn goes on to the ``AnswerProcessor``;
* **speaking**: an offered :class:`~pipelines.floor_models.Utterance` (a notice, a quiz
  question, a feedback confirmation) is being said; it starts only at a quiet moment
  (:func:`knowledge_base.quiet_moments.is_quiet`), never over the clerk's speech, a question
  being answered or an answer being played;
* **awaiting a reply**: the next turn is read as the reply (an acknowledgement, a quiz
  answer, free text) and needs no wake phrase; an ordinary question is still answered.

Place it between the address gate and the ``AnswerProcessor``, and a
:class:`~pipelines.floor_playback.FloorPlaybackProbe` after the output transport. Progress
is reported as typed events (:data:`~pipelines.events.FloorEvent`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from loguru import logger
from pipecat.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    Frame,
    InterruptionFrame,
    StartFrame,
    TranscriptionFrame,
    TTSSpeakFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from knowledge_base.quiet_moments import DEFAULT_PAUSE_SECONDS, SessionMoment, not_quiet_because
from pipelines.conversation_state import ConversationState
from pipelines.events import EventSink, TurnNotAddressed, emit
from pipelines.floor_agenda import FloorAgenda, Queued
from pipelines.floor_models import (
    ExpectedReply,
    FloorListener,
    HeardReply,
    ReplyCallback,
    Utterance,
)
from pipelines.floor_replies import ReplyAction, route_turn
from pipelines.floor_reports import FloorReporter
from pipelines.frames import (
    AcknowledgeFrame,
    ResumeSpeechFrame,
    UnaddressedTurnFrame,
    UtteranceEndFrame,
    UtterancePlayedFrame,
)


class FloorProcessor(FrameProcessor):
    """Speaks offered utterances at quiet moments and routes the clerk's replies.

    Args:
        state: This session's conversation state.
        pause_secs: A notice waits this long after the last turn of the clerk or the
            assistant (a conversation may still be going on).
        listener: Receives the floor's events (utterance started, played, interrupted,
            withdrawn; reply received, timed out).
        on_quiz_answer: Receives a quiz question and the clerk's answer to it.
        on_free_text: Receives an utterance expecting free text and what the clerk said.
        on_event: Receives session events (the floor's events are among them).
        clock: Monotonic seconds (tests may pin it).
        tick_secs: How often a waiting utterance looks for a quiet moment.
        playback_secs_per_char: With ``playback_margin_secs``, how long an utterance may
            take to play before it counts as lost (never played out).
    """

    def __init__(
        self,
        *,
        state: ConversationState,
        pause_secs: float = DEFAULT_PAUSE_SECONDS,
        listener: FloorListener | None = None,
        on_quiz_answer: ReplyCallback | None = None,
        on_free_text: ReplyCallback | None = None,
        on_event: EventSink | None = None,
        clock: Callable[[], float] = time.monotonic,
        tick_secs: float = 0.1,
        playback_secs_per_char: float = 0.2,
        playback_margin_secs: float = 15.0,
    ) -> None:
        super().__init__(name=f"FloorProcessor#{state.session_id}")
        self._state = state
        self._pause_secs = pause_secs
        self._report = FloorReporter(
            session_id=state.session_id, on_event=on_event, listener=listener
        )
        self._callbacks = {
            ExpectedReply.QUIZ_ANSWER: on_quiz_answer,
            ExpectedReply.FREE_TEXT: on_free_text,
        }
        self._on_event = on_event
        self._clock = clock
        self._tick = tick_secs
        self._secs_per_char = playback_secs_per_char
        self._margin = playback_margin_secs
        self._commands: asyncio.Queue[tuple[str, Utterance | str]] = asyncio.Queue()
        self._agenda = FloorAgenda()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._waits_because: str | None = None
        """Why the next utterance waits (logged when it changes)."""
        self._bot_audio = False
        """The output transport plays the bot's audio (followed here too, so the floor does
        not depend on which processor keeps ``ConversationState.bot_speaking``)."""

    # Public API (any task on the pipeline's event loop; from another thread use
    # asyncio.run_coroutine_threadsafe).

    async def offer(self, utterance: Utterance) -> None:
        """Queue ``utterance`` to be said at the next fitting moment (same id: replaced)."""
        await self._commands.put(("offer", utterance))

    async def await_reply(self, utterance: Utterance) -> None:
        """Await the reply to ``utterance`` for its ``reply_within_secs`` without saying it.

        For something said to the clerk before this session (a notice heard before a
        rejoin or a restart). Ignored while another reply is awaited or something plays.
        """
        await self._commands.put(("await", utterance))

    async def withdraw(self, utterance_id: str) -> None:
        """Drop the utterance (superseded); stop it if it is playing; stop awaiting its reply."""
        await self._commands.put(("withdraw", utterance_id))

    @property
    def queued(self) -> list[str]:
        """Ids of the utterances waiting to be said, in speaking order."""
        return [item.utterance.id for item in self._agenda.ordered()]

    @property
    def awaiting_reply(self) -> str | None:
        """The id of the utterance whose reply is awaited, if any."""
        awaiting = self._agenda.awaiting
        return awaiting.utterance.id if awaiting else None

    # Frames

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Follow playback and the clerk's turns; take replies; pass everything else on."""
        await super().process_frame(frame, direction)
        now = self._clock()
        if isinstance(frame, StartFrame) and self._task is None:
            self._task = self.create_task(self._run())
        if isinstance(frame, (UtterancePlayedFrame, AcknowledgeFrame, UnaddressedTurnFrame)):
            async with self._lock:
                await self._consume(frame, now)
            return
        if isinstance(frame, TranscriptionFrame) and direction == FrameDirection.DOWNSTREAM:
            self._state.last_activity_at = now
            async with self._lock:
                self._agenda.cut = None
                if await self._on_turn(frame.text, addressed=True):
                    return
        elif isinstance(frame, ResumeSpeechFrame) and self._agenda.cut is not None:
            # The barge-in that cut our utterance carried no words: say it again, whole.
            self._agenda.resume_cut()
            return
        elif isinstance(frame, InterruptionFrame):
            async with self._lock:
                await self._on_interruption(now)
        elif isinstance(frame, BotStartedSpeakingFrame) and direction == FrameDirection.UPSTREAM:
            self._bot_audio = True
            item = self._agenda.started()
            if item is not None:
                await self._report.started(item.utterance, item.play)
        elif isinstance(frame, BotStoppedSpeakingFrame) and direction == FrameDirection.UPSTREAM:
            self._bot_audio = False
            self._state.last_activity_at = now
        elif isinstance(frame, VADUserStoppedSpeakingFrame):
            self._state.last_activity_at = now
        await self.push_frame(frame, direction)

    async def cleanup(self) -> None:
        """Stop the floor's task."""
        await super().cleanup()
        if self._task is not None:
            await self.cancel_task(self._task)
            self._task = None

    async def _consume(self, frame: Frame, now: float) -> None:
        if isinstance(frame, UtterancePlayedFrame):
            playing = self._agenda.played(frame.token, now)
            if playing is not None:
                self._state.last_activity_at = now
                if not playing.started:
                    await self._report.started(playing.item.utterance, playing.item.play)
                await self._report.played(playing.item.utterance)
        elif isinstance(frame, AcknowledgeFrame):
            await self._on_push_to_talk_ack()
        elif isinstance(frame, UnaddressedTurnFrame):
            self._state.last_activity_at = now
            self._agenda.cut = None
            if not await self._on_turn(frame.text, addressed=False):
                await emit(self._on_event, TurnNotAddressed(session_id=self._state.session_id))
        self._state.expecting_reply = self._agenda.expecting_reply

    # The floor's own task: offers, withdrawals, deadlines, quiet moments

    async def _run(self) -> None:
        while True:
            try:
                command = await asyncio.wait_for(
                    self._commands.get(), timeout=self._tick if self._agenda.busy else None
                )
            except TimeoutError:
                command = None
            async with self._lock:
                if command is not None:
                    await self._apply(*command)
                await self._check_deadlines(self._clock())
                await self._maybe_speak(self._clock())
                self._state.expecting_reply = self._agenda.expecting_reply

    async def _apply(self, action: str, value: Utterance | str) -> None:
        if action == "offer" and isinstance(value, Utterance):
            self._agenda.offer(value)
            logger.debug(f"{self}: offered {value.kind} {value.id!r}")
        elif action == "await" and isinstance(value, Utterance):
            if self._agenda.await_reply(value, self._clock()):
                logger.debug(f"{self}: awaiting the reply to {value.kind} {value.id!r}")
        elif action == "withdraw" and isinstance(value, str):
            utterance, was_playing = self._agenda.withdraw(value)
            if was_playing:
                self._state.mark_cut()
                await self.broadcast_interruption()
            if utterance is not None:
                await self._report.withdrawn(utterance, was_playing=was_playing)

    async def _check_deadlines(self, now: float) -> None:
        lost = self._agenda.lost(now)
        if lost is not None:
            logger.warning(f"{self}: {lost.id!r} never finished playing; giving up on it")
            self._state.mark_cut()
            await self._report.interrupted(lost, "no_playback")
        timed_out = self._agenda.timed_out(now)
        if timed_out is not None:
            await self._report.timed_out(timed_out)

    async def _maybe_speak(self, now: float) -> None:
        item = self._agenda.next_up()
        if item is None:
            self._waits_because = None
            return
        waits = item.utterance.wait_for_pause and not item.at_once
        reason = not_quiet_because(
            self._moment(now), pause_seconds=self._pause_secs if waits else 0.0
        )
        if reason is None:
            self._waits_because = None
            await self._speak(item, now)
        elif reason != self._waits_because:
            self._waits_because = reason
            logger.debug(f"{self}: {item.utterance.kind} {item.utterance.id!r} waits: {reason}")

    def _moment(self, now: float) -> SessionMoment:
        state = self._state
        return SessionMoment(
            clerk_speaking=state.user_speaking,
            assistant_speaking=self._bot_audio or state.bot_speaking or state.reply_in_progress,
            answering=state.answering or state.transcriptions_pending > 0 or state.turn_pending,
            seconds_since_last_turn=state.seconds_since_activity(now),
        )

    async def _speak(self, item: Queued, now: float) -> None:
        utterance = item.utterance
        limit = self._margin + self._secs_per_char * len(utterance.text)
        token = self._agenda.begin(item, give_up_at=now + limit)
        self._state.expecting_reply = self._agenda.expecting_reply
        self._state.speak(list(utterance.sentences))
        logger.debug(f"{self}: speaking {utterance.kind} {utterance.id!r} (play {item.play})")
        for sentence in utterance.sentences:
            await self.push_frame(TTSSpeakFrame(text=sentence, append_to_context=False))
        await self.push_frame(UtteranceEndFrame(utterance_id=utterance.id, token=token))

    async def _on_interruption(self, now: float) -> None:
        item = self._agenda.interrupted(now)
        if item is None:
            return
        if not self._state.reply_interrupted:
            self._state.mark_cut()
        await self._report.interrupted(item.utterance, "barge_in")

    # Replies

    async def _on_turn(self, text: str, *, addressed: bool) -> bool:
        """Take a finished turn as a reply; True when it was consumed here."""
        awaiting = self._agenda.awaiting
        if awaiting is None:
            return False
        utterance = awaiting.utterance
        routing = route_turn(utterance.expects, text, addressed=addressed)
        if routing.action is ReplyAction.DROP:
            # Not for the assistant (a customer conversation): its text is not kept.
            return False
        await self._report.reply(utterance, routing.heard, text, by="voice")
        if routing.action is ReplyAction.ACCEPT:
            self._agenda.replied()
            self._state.expecting_reply = False
            callback = self._callbacks.get(utterance.expects)
            if callback is not None:
                try:
                    await callback(utterance, text)
                except Exception:  # a callback bug must not end the session
                    logger.exception(f"{self}: reply callback failed for {utterance.id!r}")
            return True
        if routing.action is ReplyAction.REPEAT:
            if not self._agenda.repeat():
                logger.debug(f"{self}: {utterance.id!r} was repeated as often as allowed")
            return True
        # An ordinary question: answered as usual while the wait goes on.
        return False

    async def _on_push_to_talk_ack(self) -> None:
        awaiting = self._agenda.awaiting
        if awaiting is None or awaiting.utterance.expects is not ExpectedReply.ACKNOWLEDGEMENT:
            logger.debug(f"{self}: push-to-talk acknowledgement with nothing to acknowledge")
            return
        self._agenda.replied()
        await self._report.reply(awaiting.utterance, HeardReply.ACKNOWLEDGED, "", by="push_to_talk")
