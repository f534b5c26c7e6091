"""One connection of the assistant to a clerk's room: join, run the voice loop, end.

:class:`RoomConnection` joins with its own agent token, runs the Pipecat voice loop and
ends in one of four ways: :meth:`RoomConnection.close` was called (``"stopped"``), the
clerk stayed out of the room for ``clerk_absent_timeout_secs`` (``"clerk_absent"``),
another assistant session joined the room and LiveKit put this one out for the duplicate
identity (``"replaced"``: two sessions of one clerk, say one rejoining on a worker while
the room was dispatched again to another, must not take turns pushing each other out), or
the connection failed: it did not come up within ``connect_timeout_secs`` or dropped
(:class:`ConnectionLostError`). What it knows of the room, and when that ends it, is its
:class:`~voice_agent.agent.room_watch.RoomWatch`. Rejoining is not its business: the
:class:`~voice_agent.agent.session.AgentSession` that owns it decides.

Given ``notices``, the connection is also the clerk's
:class:`~voice_agent.broadcast.session_channel.SessionChannel`: connected to the
broadcaster while both the agent and the clerk are in the room, so urgent notices are
spoken through the voice loop's floor. The clerk's data messages ``{"action": "start"}`` /
``{"action": "stop"}`` (push-to-talk) and ``{"action": "ack"}`` (acknowledge the notice)
become frames pushed downstream from the transport's input
(:mod:`voice_agent.agent.clerk_messages`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime

from loguru import logger
from pipecat.frames.frames import EndFrame, Frame
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.transports.livekit.transport import LiveKitTransport
from pipecat.workers.runner import WorkerRunner

from pipelines.answer_processor import AnswerListener, CallerProfile
from pipelines.conversation_memory import ConversationMemory
from pipelines.events import EventSink
from pipelines.floor_options import FloorOptions
from pipelines.participant_filter import ParticipantAudioFilter
from pipelines.voice_loop import SessionProcessorFactory, VoiceLoopConfig, build_voice_loop
from voice_agent.agent.clerk_messages import clerk_message_frame
from voice_agent.agent.lifecycle import EndReason
from voice_agent.agent.room_watch import RoomWatch
from voice_agent.agent.transport import (
    LiveKitEndpoint,
    agent_transport,
    announce_state,
)
from voice_agent.agent.watchdog import WatchVerdict
from voice_agent.broadcast.session_channel import SessionChannel, SessionNotices
from voice_agent.livekit.earpiece import LEAVING, LISTENING
from voice_agent.runtime import Runtime

__all__ = ["ConnectionLostError", "RoomConnection", "clerk_message_frame"]

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
        self._room_watch = RoomWatch(
            room=room,
            connect_timeout_secs=connect_timeout_secs,
            clerk_absent_timeout_secs=clerk_absent_timeout_secs,
        )
        self._worker: PipelineWorker | None = None
        self._lost: str | None = None
        self._end_reason: EndReason = "stopped"
        self._notices = notices
        self._channel: SessionChannel | None = None
        self._channel_connected = False
        self._live_transport: LiveKitTransport | None = None
        self._pipeline_started = False
        self._said_listening = False

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
            paced=self._config.paced_output,
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
        if not self._room_watch.connected and not self._room_watch.closing:
            raise ConnectionLostError("the pipeline ended before the agent joined the room")
        return self._end_reason

    def clerk_sid(self) -> str | None:
        """The participant sid of the clerk in the room as the agent sees it (``None``: absent)."""
        if self._live_transport is None or not self._room_watch.connected:
            return None
        clerk = self._live_transport._client.room.remote_participants.get(self.clerk_identity)
        return None if clerk is None else clerk.sid

    async def close(self) -> None:
        """Leave the room; :meth:`run` returns ``"stopped"``."""
        self._room_watch.close()
        if self._live_transport is not None and self._room_watch.connected:
            await announce_state(self._live_transport, self.room, LEAVING)
        if self._worker is not None:
            await self._worker.queue_frame(EndFrame())

    async def _listening_once_ready(self, transport: LiveKitTransport) -> None:
        """Say ``listening`` once the agent is in the room and the voice loop has started."""
        if self._room_watch.connected and self._pipeline_started and not self._said_listening:
            self._said_listening = True
            await announce_state(transport, self.room, LISTENING)

    def _handle_transport_events(self, transport: LiveKitTransport, worker: PipelineWorker) -> None:
        @transport.event_handler("on_connected")
        async def on_connected(_transport: LiveKitTransport) -> None:
            self._room_watch.joined()
            # The transport does not pass these events on; its client's rtc.Room has them.
            self._room_watch.follow_link(transport._client.room)
            if self._on_connected is not None:
                self._on_connected()
            await self._listening_once_ready(transport)
            # A clerk already in the room gets no participant_connected event.
            if self.clerk_identity in transport._client.room.remote_participants:
                self._room_watch.clerk_here()
                await self._notices_on()

        @transport.event_handler("on_disconnected")
        async def on_disconnected(_transport: LiveKitTransport) -> None:
            if self._room_watch.replaced and not self._room_watch.closing:
                # Rejoining would push the other session out in turn, and so on: two
                # assistants taking turns in the room, neither hearing a whole question.
                logger.warning(
                    "[{}] another assistant session took the room; this one ends", self.room
                )
                self._end_reason = "replaced"
                self._room_watch.close()
                await worker.cancel()
            elif not self._room_watch.closing:
                await self._fail(worker, "the connection to LiveKit dropped")

        @transport.event_handler("on_participant_connected")
        async def on_participant_connected(_transport: LiveKitTransport, identity: str) -> None:
            if identity == self.clerk_identity:
                self._room_watch.clerk_here()
                if self._room_watch.connected:
                    await self._notices_on()

        @transport.event_handler("on_participant_disconnected")
        async def on_participant_disconnected(_transport: LiveKitTransport, identity: str) -> None:
            if identity == self.clerk_identity:
                self._room_watch.clerk_gone()
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
        """Fail a slow join or a link that stays down; end when the clerk stays away."""
        watch = self._room_watch
        verdict = await watch.verdict()
        if verdict is WatchVerdict.NOT_JOINED:
            await self._fail(
                worker, f"not in the room {watch.connect_timeout_secs:.0f} s after joining"
            )
        elif verdict is WatchVerdict.LINK_LOST:
            await self._fail(worker, "the link to LiveKit did not come back")
        elif verdict is WatchVerdict.CLERK_ABSENT:
            logger.info(
                "[{}] clerk {} away for {:.0f} s: ending the session",
                self.room,
                self.clerk_identity,
                watch.clerk_absent_timeout_secs,
            )
            self._end_reason = "clerk_absent"
            await self.close()

    async def _fail(self, worker: PipelineWorker, why: str) -> None:
        if self._lost is None:
            self._lost = why
            logger.warning("[{}] {}", self.room, why)
        await worker.cancel()
