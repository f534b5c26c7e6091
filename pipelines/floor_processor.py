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
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass

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

from knowledge_base.quiet_moments import DEFAULT_PAUSE_SECONDS, SessionMoment, is_quiet
from pipelines.conversation_state import ConversationState
from pipelines.events import (
    EventSink,
    FloorEvent,
    ReplyReceived,
    ReplyTimedOut,
    TurnNotAddressed,
    UtteranceInterrupted,
    UtterancePlayed,
    UtteranceStarted,
    UtteranceWithdrawn,
    emit,
)
from pipelines.floor_models import (
    ExpectedReply,
    FloorListener,
    HeardReply,
    ReplyCallback,
    Utterance,
)
from pipelines.floor_replies import ReplyAction, route_turn
from pipelines.frames import (
    AcknowledgeFrame,
    ResumeSpeechFrame,
    UnaddressedTurnFrame,
    UtteranceEndFrame,
    UtterancePlayedFrame,
)


@dataclass(slots=True)
class _Queued:
    utterance: Utterance
    seq: int
    play: int = 1
    """The how-manieth playing this will be."""
    at_once: bool = False
    """A repeat or a resumed cut: spoken as soon as nothing goes on, before anything else."""


@dataclass(slots=True)
class _Playing:
    item: _Queued
    token: int
    give_up_at: float
    started: bool = False


@dataclass(slots=True)
class _Awaiting:
    utterance: Utterance
    deadline: float | None = None
    """Monotonic seconds; ``None`` while the utterance is still playing."""
    repeats: int = 0


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
        self._listener = listener
        self._on_quiz_answer = on_quiz_answer
        self._on_free_text = on_free_text
        self._on_event = on_event
        self._clock = clock
        self._tick = tick_secs
        self._secs_per_char = playback_secs_per_char
        self._margin = playback_margin_secs
        self._commands: asyncio.Queue[tuple[str, Utterance | str]] = asyncio.Queue()
        self._queue: list[_Queued] = []
        self._playing: _Playing | None = None
        self._awaiting: _Awaiting | None = None
        self._cut: _Queued | None = None
        self._seq = itertools.count()
        self._tokens = itertools.count(1)
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    # Public API (any task on the pipeline's event loop; from another thread use
    # asyncio.run_coroutine_threadsafe).

    async def offer(self, utterance: Utterance) -> None:
        """Queue ``utterance`` to be said at the next fitting moment (same id: replaced)."""
        await self._commands.put(("offer", utterance))

    async def withdraw(self, utterance_id: str) -> None:
        """Drop the utterance (superseded); stop it if it is playing; stop awaiting its reply."""
        await self._commands.put(("withdraw", utterance_id))

    @property
    def queued(self) -> list[str]:
        """Ids of the utterances waiting to be said, in speaking order."""
        return [item.utterance.id for item in sorted(self._queue, key=_order)]

    @property
    def awaiting_reply(self) -> str | None:
        """The id of the utterance whose reply is awaited, if any."""
        return self._awaiting.utterance.id if self._awaiting else None

    # Frames

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Follow playback and the clerk's turns; take replies; pass everything else on."""
        await super().process_frame(frame, direction)
        now = self._clock()
        if isinstance(frame, StartFrame) and self._task is None:
            self._task = self.create_task(self._run())
        if isinstance(frame, UtterancePlayedFrame):
            async with self._lock:
                await self._on_played(frame, now)
            return
        if isinstance(frame, AcknowledgeFrame):
            async with self._lock:
                await self._on_push_to_talk_ack()
            return
        if isinstance(frame, UnaddressedTurnFrame):
            self._state.last_activity_at = now
            async with self._lock:
                self._cut = None
                if not await self._on_turn(frame.text, addressed=False):
                    await emit(self._on_event, TurnNotAddressed(session_id=self._state.session_id))
            return
        if isinstance(frame, TranscriptionFrame) and direction == FrameDirection.DOWNSTREAM:
            self._state.last_activity_at = now
            async with self._lock:
                self._cut = None
                if await self._on_turn(frame.text, addressed=True):
                    return
        elif isinstance(frame, ResumeSpeechFrame) and self._cut is not None:
            # The barge-in that cut our utterance carried no words: say it again, whole.
            async with self._lock:
                self._requeue_cut()
            return
        elif isinstance(frame, InterruptionFrame):
            async with self._lock:
                await self._on_interruption(now)
        elif isinstance(frame, BotStartedSpeakingFrame) and direction == FrameDirection.UPSTREAM:
            await self._on_bot_started()
        elif isinstance(frame, BotStoppedSpeakingFrame) and direction == FrameDirection.UPSTREAM:
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

    # The floor's own task: offers, withdrawals, deadlines, quiet moments

    async def _run(self) -> None:
        while True:
            busy = self._queue or self._playing or self._awaiting
            try:
                command = await asyncio.wait_for(
                    self._commands.get(), timeout=self._tick if busy else None
                )
            except TimeoutError:
                command = None
            async with self._lock:
                if command is not None:
                    await self._apply(*command)
                await self._check_deadlines(self._clock())
                await self._maybe_speak(self._clock())

    async def _apply(self, action: str, value: Utterance | str) -> None:
        if action == "offer" and isinstance(value, Utterance):
            self._queue = [item for item in self._queue if item.utterance.id != value.id]
            self._queue.append(_Queued(value, next(self._seq)))
            logger.debug(f"{self}: offered {value.kind} {value.id!r}")
        elif action == "withdraw" and isinstance(value, str):
            await self._withdraw(value)

    async def _withdraw(self, utterance_id: str) -> None:
        found = [item.utterance for item in self._queue if item.utterance.id == utterance_id]
        self._queue = [item for item in self._queue if item.utterance.id != utterance_id]
        playing = self._playing is not None and self._playing.item.utterance.id == utterance_id
        if self._playing is not None and playing:
            found.append(self._playing.item.utterance)
            self._playing = None
            self._state.mark_cut()
            await self.broadcast_interruption()
        if self._cut is not None and self._cut.utterance.id == utterance_id:
            self._cut = None
        if self._awaiting is not None and self._awaiting.utterance.id == utterance_id:
            found.append(self._awaiting.utterance)
            self._stop_awaiting()
        if found:
            await self._report(
                UtteranceWithdrawn(
                    session_id=self._state.session_id,
                    utterance_id=utterance_id,
                    kind=str(found[0].kind),
                    was_playing=playing,
                )
            )

    async def _check_deadlines(self, now: float) -> None:
        if self._playing is not None and now >= self._playing.give_up_at:
            utterance = self._playing.item.utterance
            logger.warning(f"{self}: {utterance.id!r} never finished playing; giving up on it")
            self._playing = None
            self._state.mark_cut()
            await self._report_interrupted(utterance, "no_playback", now)
        awaiting = self._awaiting
        if awaiting is not None and awaiting.deadline is not None and now >= awaiting.deadline:
            self._stop_awaiting()
            await self._report(
                ReplyTimedOut(
                    session_id=self._state.session_id,
                    utterance_id=awaiting.utterance.id,
                    kind=str(awaiting.utterance.kind),
                )
            )

    async def _maybe_speak(self, now: float) -> None:
        if self._playing is not None or not self._queue:
            return
        candidates = self._queue
        if self._awaiting is not None:
            # One exchange at a time: only the awaited utterance itself may be said again.
            awaited = self._awaiting.utterance.id
            candidates = [item for item in self._queue if item.utterance.id == awaited]
        if not candidates:
            return
        item = min(candidates, key=_order)
        waits = item.utterance.wait_for_pause and not item.at_once
        if not is_quiet(self._moment(now), pause_seconds=self._pause_secs if waits else 0.0):
            return
        self._queue.remove(item)
        await self._speak(item, now)

    def _moment(self, now: float) -> SessionMoment:
        state = self._state
        return SessionMoment(
            clerk_speaking=state.user_speaking,
            assistant_speaking=state.bot_speaking or state.reply_in_progress,
            answering=state.answering or state.transcriptions_pending > 0 or state.turn_pending,
            seconds_since_last_turn=state.seconds_since_activity(now),
        )

    async def _speak(self, item: _Queued, now: float) -> None:
        utterance = item.utterance
        token = next(self._tokens)
        limit = self._margin + self._secs_per_char * len(utterance.text)
        self._playing = _Playing(item=item, token=token, give_up_at=now + limit)
        self._cut = None
        if utterance.expects is ExpectedReply.NONE:
            if self._awaiting is not None and self._awaiting.utterance.id == utterance.id:
                self._stop_awaiting()
        else:
            same = self._awaiting is not None and self._awaiting.utterance.id == utterance.id
            repeats = self._awaiting.repeats if self._awaiting is not None and same else 0
            self._awaiting = _Awaiting(utterance=utterance, repeats=repeats)
            self._state.expecting_reply = True
        self._state.speak(list(utterance.sentences))
        logger.debug(f"{self}: speaking {utterance.kind} {utterance.id!r} (play {item.play})")
        for sentence in utterance.sentences:
            await self.push_frame(TTSSpeakFrame(text=sentence, append_to_context=False))
        await self.push_frame(UtteranceEndFrame(utterance_id=utterance.id, token=token))

    # Playback

    async def _on_bot_started(self) -> None:
        if self._playing is not None and not self._playing.started:
            self._playing.started = True
            await self._report_started(self._playing.item)

    async def _on_played(self, frame: UtterancePlayedFrame, now: float) -> None:
        playing = self._playing
        if playing is None or playing.token != frame.token:
            return
        self._playing = None
        self._state.last_activity_at = now
        utterance = playing.item.utterance
        if not playing.started:
            await self._report_started(playing.item)
        if self._awaiting is not None and self._awaiting.utterance.id == utterance.id:
            self._awaiting.deadline = now + utterance.reply_within_secs
        await self._report(
            UtterancePlayed(
                session_id=self._state.session_id,
                utterance_id=utterance.id,
                kind=str(utterance.kind),
            )
        )

    async def _on_interruption(self, now: float) -> None:
        if self._playing is None:
            return
        item = self._playing.item
        self._playing = None
        if not self._state.reply_interrupted:
            self._state.mark_cut()
        self._cut = item
        await self._report_interrupted(item.utterance, "barge_in", now)

    def _requeue_cut(self) -> None:
        assert self._cut is not None
        item, self._cut = self._cut, None
        self._queue = [queued for queued in self._queue if queued.utterance.id != item.utterance.id]
        self._queue.append(
            _Queued(item.utterance, next(self._seq), play=item.play + 1, at_once=True)
        )

    # Replies

    async def _on_turn(self, text: str, *, addressed: bool) -> bool:
        """Take a finished turn as a reply; True when it was consumed here."""
        awaiting = self._awaiting
        if awaiting is None:
            return False
        utterance = awaiting.utterance
        routing = route_turn(utterance.expects, text, addressed=addressed)
        if routing.action is ReplyAction.DROP:
            # Not for the assistant (a customer conversation): its text is not kept.
            return False
        await self._report_reply(utterance, routing.heard, text, by="voice")
        if routing.action is ReplyAction.ACCEPT:
            self._stop_awaiting()
            callback = (
                self._on_quiz_answer
                if utterance.expects is ExpectedReply.QUIZ_ANSWER
                else self._on_free_text
                if utterance.expects is ExpectedReply.FREE_TEXT
                else None
            )
            if callback is not None:
                try:
                    await callback(utterance, text)
                except Exception:  # a listener bug must not end the session
                    logger.exception(f"{self}: reply callback failed for {utterance.id!r}")
            return True
        if routing.action is ReplyAction.REPEAT:
            self._repeat(awaiting)
            return True
        # An ordinary question: answered as usual while the wait goes on.
        return False

    def _repeat(self, awaiting: _Awaiting) -> None:
        utterance = awaiting.utterance
        if awaiting.repeats >= utterance.max_repeats:
            logger.debug(f"{self}: {utterance.id!r} was repeated {awaiting.repeats} times already")
            return
        awaiting.repeats += 1
        awaiting.deadline = None
        if self._playing is not None and self._playing.item.utterance.id == utterance.id:
            return
        self._queue = [item for item in self._queue if item.utterance.id != utterance.id]
        self._queue.append(
            _Queued(utterance, next(self._seq), play=awaiting.repeats + 1, at_once=True)
        )

    async def _on_push_to_talk_ack(self) -> None:
        awaiting = self._awaiting
        if awaiting is None or awaiting.utterance.expects is not ExpectedReply.ACKNOWLEDGEMENT:
            logger.debug(f"{self}: push-to-talk acknowledgement with nothing to acknowledge")
            return
        self._stop_awaiting()
        await self._report_reply(awaiting.utterance, HeardReply.ACKNOWLEDGED, "", by="push_to_talk")

    def _stop_awaiting(self) -> None:
        self._awaiting = None
        self._state.expecting_reply = False

    # Reports

    async def _report(self, event: FloorEvent) -> None:
        await emit(self._on_event, event)
        if self._listener is not None:
            try:
                result = self._listener(event)
                if result is not None:
                    await result
            except Exception:  # a listener bug must not end the session
                logger.exception(f"{self}: floor listener failed on {event.type}")

    async def _report_started(self, item: _Queued) -> None:
        utterance = item.utterance
        await self._report(
            UtteranceStarted(
                session_id=self._state.session_id,
                utterance_id=utterance.id,
                kind=str(utterance.kind),
                play=item.play,
            )
        )

    async def _report_interrupted(self, utterance: Utterance, reason: str, now: float) -> None:
        if self._awaiting is not None and self._awaiting.utterance.id == utterance.id:
            self._awaiting.deadline = now + utterance.reply_within_secs
        await self._report(
            UtteranceInterrupted(
                session_id=self._state.session_id,
                utterance_id=utterance.id,
                kind=str(utterance.kind),
                reason=reason,
            )
        )

    async def _report_reply(
        self, utterance: Utterance, heard: HeardReply, text: str, *, by: str
    ) -> None:
        await self._report(
            ReplyReceived(
                session_id=self._state.session_id,
                utterance_id=utterance.id,
                kind=str(utterance.kind),
                reply=str(heard),
                text=text,
                by=by,
            )
        )


def _order(item: _Queued) -> tuple[bool, int, int]:
    return (not item.at_once, -item.utterance.priority, item.seq)
