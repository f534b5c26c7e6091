"""One connection of the assistant to a clerk's room: join, run the voice loop, end.

:class:`RoomConnection` joins with its own agent token, runs the Pipecat voice loop and
ends in one of four ways: :meth:`RoomConnection.close` was called (``"stopped"``), the
clerk stayed out of the room for ``clerk_absent_timeout_secs`` (``"clerk_absent"``),
another assistant session joined the room and LiveKit put this one out for the duplicate
identity (``"replaced"``: two sessions of one clerk, say one rejoining on a worker while
the room was dispatched again to another, must not take turns pushing each other out), or
the connection failed: it did not come up within ``connect_timeout_secs`` or dropped
(:class:`ConnectionLostError`). Rejoining is not its business: the
:class:`~voice_agent.agent.session.AgentSession` that owns it decides.

Given ``notices``, the connection is also the clerk's
:class:`~voice_agent.broadcast.session_channel.SessionChannel`: connected to the
broadcaster while both the agent and the clerk are in the room, so urgent notices are
spoken through the voice loop's floor. The clerk's data messages ``{"action": "start"}`` /
``{"action": "stop"}`` (push-to-talk) and ``{"action": "ack"}`` (acknowledge the notice)
become frames pushed downstream from the transport's input.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from datetime import datetime

from livekit import rtc
from loguru import logger
from pipecat.frames.frames import EndFrame, Frame
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.transports.livekit.transport import LiveKitTransport
from pipecat.workers.runner import WorkerRunner

from pipelines.address_gate import PushToTalkFrame
from pipelines.answer_processor import AnswerListener, CallerProfile
from pipelines.conversation_memory import ConversationMemory
from pipelines.events import EventSink
from pipelines.feedback_processor import FeedbackTalkFrame
from pipelines.floor_options import FloorOptions
from pipelines.frames import AcknowledgeFrame
from pipelines.participant_filter import ParticipantAudioFilter
from pipelines.voice_loop import SessionProcessorFactory, VoiceLoopConfig, build_voice_loop
from voice_agent.agent.lifecycle import EndReason
from voice_agent.agent.transport import (
    LiveKitEndpoint,
    agent_transport,
    announce_state,
)
from voice_agent.agent.watchdog import WatchVerdict, watch_step
from voice_agent.broadcast.session_channel import SessionChannel, SessionNotices
from voice_agent.feedback.live import feedback_button
from voice_agent.livekit.earpiece import LEAVING, LISTENING, earpiece_action
from voice_agent.runtime import Runtime

_RESUME_GRACE_SECS = 0.0
"""How long the SDK may try to resume a dropped link before we rejoin from scratch.

After LiveKit restarts, what the SDK's own reconnection leaves of the pipeline (tracks,
subscriptions) is not something to rely on; a fresh join always works and costs well under
a second, so the link's first loss ends the connection."""
_CANCEL_GRACE_SECS = 10.0


class ConnectionLostError(Exception):
    """The connection to the room did not come up in time, or dropped."""

    code = "connection_lost"


class RoomConnection:
    """The assistant in one room for one connection (see the module docstring).

    Args:
        runtime: Models, transcriber and answerer shared by the process.
        endpoint: LiveKit server and keys.
        room: The clerk's room.
        clerk_identity: The only participant whose audio is listened to.
        caller: Role, store and language of the clerk.
        config: Voice-loop tuning.
        clock: "Now" for questions (tests pin it).
        on_event: Receives pipeline events.
        on_answer: Receives every question and answer.
        on_connected: Called each time the agent is in the room.
        connect_timeout_secs: A join that takes longer counts as a failure.
        clerk_absent_timeout_secs: The connection ends once the clerk has been out of the
            room this long (from joining, or from the clerk leaving).
        memory: The clerk's conversation (the session's, shared by its connections).
        session_processors: Builds extra processors for each voice loop (e.g. the feedback
            capture of ``voice_agent.feedback.live``).
        notices: Connects the clerk's session to the broadcaster (``None``: no notices).
    """

    def __init__(
        self,
        *,
        runtime: Runtime,
        endpoint: LiveKitEndpoint,
        room: str,
        clerk_identity: str,
        caller: CallerProfile,
        config: VoiceLoopConfig,
        clock: Callable[[], datetime] | None = None,
        on_event: EventSink | None = None,
        on_answer: AnswerListener | None = None,
        on_connected: Callable[[], None] | None = None,
        connect_timeout_secs: float = 20.0,
        clerk_absent_timeout_secs: float = 60.0,
        memory: ConversationMemory | None = None,
        session_processors: SessionProcessorFactory | None = None,
        notices: SessionNotices | None = None,
    ) -> None:
        self.room = room
        self.memory = memory if memory is not None else ConversationMemory()
        self._session_processors = session_processors
        self.clerk_identity = clerk_identity
        self._runtime = runtime
        self._endpoint = endpoint
        self._caller = caller
        self._config = config
        self._clock = clock
        self._on_event = on_event
        self._on_answer = on_answer
        self._on_connected = on_connected
        self._connect_timeout = connect_timeout_secs
        self._absent_timeout = clerk_absent_timeout_secs
        self._worker: PipelineWorker | None = None
        self._closing = False
        self._connected = False
        self._lost: str | None = None
        self._end_reason: EndReason = "stopped"
        self._clerk_absent_since: float | None = time.monotonic()
        self._link_down_since: float | None = None
        self._following_link = False
        self._state_changed = asyncio.Event()
        self._notices = notices
        self._channel: SessionChannel | None = None
        self._channel_connected = False
        self._live_transport: LiveKitTransport | None = None
        self._pipeline_started = False
        self._said_listening = False
        self._replaced = False

    async def run(self) -> EndReason:
        """Join and serve the room until it ends (see the class docstring).

        Raises:
            ConnectionLostError: The join failed or timed out, or the connection dropped.
        """
        transport = agent_transport(
            self._endpoint,
            self.room,
            input_sample_rate=self._config.input_sample_rate,
            output_sample_rate=self._config.output_sample_rate,
        )
        self._live_transport = transport
        channel = None
        if self._notices is not None:
            channel = self._notices.channel(
                identity=self.clerk_identity, language=self._caller.language
            )
        self._channel = channel
        loop = build_voice_loop(
            session_id=self.room,
            transport=transport,
            models=self._runtime.models,
            transcriber=self._runtime.transcriber,
            answerer=self._runtime.answerer,
            caller=self._caller,
            config=self._config,
            clock=self._clock,
            on_event=self._on_event,
            on_answer=self._on_answer,
            input_processors=[ParticipantAudioFilter(identity=self.clerk_identity)],
            memory=self.memory,
            session_processors=self._session_processors,
            floor=FloorOptions(
                listener=channel.on_floor_event, on_quiz_answer=channel.on_quiz_answer
            )
            if channel
            else None,
        )
        if channel is not None:
            channel.attach(loop.floor)
        worker = PipelineWorker(
            loop.pipeline,
            params=PipelineParams(
                audio_in_sample_rate=self._config.input_sample_rate,
                audio_out_sample_rate=self._config.output_sample_rate,
            ),
            cancel_on_idle_timeout=False,
            idle_timeout_secs=None,
            enable_rtvi=False,
        )
        self._worker = worker
        self._handle_transport_events(transport, worker)

        @worker.event_handler("on_pipeline_started")
        async def on_pipeline_started(_worker: PipelineWorker, _frame: Frame) -> None:
            self._pipeline_started = True
            await self._listening_once_ready(transport)

        runner = WorkerRunner(handle_sigint=False)
        await runner.add_workers(worker)
        running = asyncio.create_task(runner.run(), name=f"pipeline {self.room}")
        watching = asyncio.create_task(self._watch(worker), name=f"watch {self.room}")
        try:
            await running
        finally:
            watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watching
            if not running.done():  # cancelled from outside: take the pipeline down too
                await worker.cancel()
                await asyncio.wait({running}, timeout=_CANCEL_GRACE_SECS)
                running.cancel()
            self._worker = None
            self._live_transport = None
            await self._notices_off()
        if self._lost is not None:
            raise ConnectionLostError(self._lost)
        if not self._connected and not self._closing:
            raise ConnectionLostError("the pipeline ended before the agent joined the room")
        return self._end_reason

    async def close(self) -> None:
        """Leave the room; :meth:`run` returns ``"stopped"``."""
        self._closing = True
        self._changed()
        if self._live_transport is not None and self._connected:
            await announce_state(self._live_transport, self.room, LEAVING)
        if self._worker is not None:
            await self._worker.queue_frame(EndFrame())

    async def _listening_once_ready(self, transport: LiveKitTransport) -> None:
        """Say ``listening`` once the agent is in the room and the voice loop has started."""
        if self._connected and self._pipeline_started and not self._said_listening:
            self._said_listening = True
            await announce_state(transport, self.room, LISTENING)

    def _handle_transport_events(self, transport: LiveKitTransport, worker: PipelineWorker) -> None:
        @transport.event_handler("on_connected")
        async def on_connected(_transport: LiveKitTransport) -> None:
            self._connected = True
            self._link_down_since = None
            self._changed()
            self._follow_link(transport)
            if self._on_connected is not None:
                self._on_connected()
            await self._listening_once_ready(transport)
            # A clerk already in the room gets no participant_connected event.
            if self.clerk_identity in transport._client.room.remote_participants:
                self._clerk_absent_since = None
                self._changed()
                await self._notices_on()

        @transport.event_handler("on_disconnected")
        async def on_disconnected(_transport: LiveKitTransport) -> None:
            if self._replaced and not self._closing:
                # Rejoining would push the other session out in turn, and so on: two
                # assistants taking turns in the room, neither hearing a whole question.
                logger.warning(
                    "[{}] another assistant session took the room; this one ends", self.room
                )
                self._end_reason = "replaced"
                self._closing = True
                self._changed()
                await worker.cancel()
            elif not self._closing:
                await self._fail(worker, "the connection to LiveKit dropped")

        @transport.event_handler("on_participant_connected")
        async def on_participant_connected(_transport: LiveKitTransport, identity: str) -> None:
            if identity == self.clerk_identity:
                self._clerk_absent_since = None
                self._changed()
                if self._connected:
                    await self._notices_on()

        @transport.event_handler("on_participant_disconnected")
        async def on_participant_disconnected(_transport: LiveKitTransport, identity: str) -> None:
            if identity == self.clerk_identity:
                self._clerk_absent_since = time.monotonic()
                self._changed()
                await self._notices_off()

        @transport.event_handler("on_data_received")
        async def on_data_received(
            _transport: LiveKitTransport, data: bytes, participant_id: str | None
        ) -> None:
            frame = clerk_message_frame(data)
            if frame is not None and participant_id == self.clerk_identity:
                await worker.queue_frame(frame)

    async def _notices_on(self) -> None:
        if self._notices is None or self._channel is None or self._channel_connected:
            return
        self._channel_connected = True
        await self._notices.connect(self._channel)

    async def _notices_off(self) -> None:
        if self._notices is None or self._channel is None or not self._channel_connected:
            return
        self._channel_connected = False
        await self._notices.disconnect(self._channel)

    async def _watch(self, worker: PipelineWorker) -> None:
        """Fail a slow join or a link that stays down; end when the clerk stays away.

        Sleeps until the next deadline or until the connection's state changes
        (:meth:`_changed`); a connected session with its clerk present does not wake at all.
        """
        began = time.monotonic()
        while not self._closing:
            self._state_changed.clear()
            step = watch_step(
                now=time.monotonic(),
                began=began,
                connected=self._connected,
                link_down_since=self._link_down_since,
                clerk_absent_since=self._clerk_absent_since,
                connect_timeout_secs=self._connect_timeout,
                resume_grace_secs=_RESUME_GRACE_SECS,
                absent_timeout_secs=self._absent_timeout,
            )
            if step.verdict is WatchVerdict.NOT_JOINED:
                await self._fail(
                    worker, f"not in the room {self._connect_timeout:.0f} s after joining"
                )
                return
            if step.verdict is WatchVerdict.LINK_LOST:
                await self._fail(worker, "the link to LiveKit did not come back")
                return
            if step.verdict is WatchVerdict.CLERK_ABSENT:
                logger.info(
                    "[{}] clerk {} away for {:.0f} s: ending the session",
                    self.room,
                    self.clerk_identity,
                    self._absent_timeout,
                )
                self._end_reason = "clerk_absent"
                await self.close()
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._state_changed.wait(), step.wait_secs)

    def _changed(self) -> None:
        """The connection's state changed: the watchdog decides again."""
        self._state_changed.set()

    def _follow_link(self, transport: LiveKitTransport) -> None:
        """Note when the SDK starts and ends its own reconnection attempts."""
        if self._following_link:
            return
        # The transport does not pass these events on; its client's rtc.Room has them.
        room: rtc.Room = transport._client.room
        self._following_link = True

        def reconnecting() -> None:
            if self._link_down_since is None:
                self._link_down_since = time.monotonic()
                self._changed()
                logger.info("[{}] link to LiveKit lost; the SDK tries to resume", self.room)

        def reconnected() -> None:
            self._link_down_since = None
            self._changed()

        def disconnected(reason: int) -> None:
            if reason == rtc.DisconnectReason.DUPLICATE_IDENTITY:
                self._replaced = True

        room.on("reconnecting", reconnecting)
        room.on("reconnected", reconnected)
        room.on("disconnected", disconnected)

    async def _fail(self, worker: PipelineWorker, why: str) -> None:
        if self._lost is None:
            self._lost = why
            logger.warning("[{}] {}", self.room, why)
        await worker.cancel()


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
