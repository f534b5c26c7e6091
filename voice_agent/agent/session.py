"""One clerk's voice session in a LiveKit room, kept alive across dropped connections."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from loguru import logger
from pipecat.frames.frames import EndFrame
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.transports.livekit.transport import LiveKitParams, LiveKitTransport
from pipecat.workers.runner import WorkerRunner

from pipelines.address_gate import PushToTalkFrame
from pipelines.answer_processor import AnswerListener, CallerProfile
from pipelines.events import EventSink
from pipelines.participant_filter import ParticipantAudioFilter
from pipelines.voice_loop import VoiceLoopConfig, build_voice_loop
from voice_agent.livekit.clerk import PTT_TOPIC
from voice_agent.livekit.tokens import ParticipantRole, mint_token
from voice_agent.runtime import Runtime

AGENT_IDENTITY = "promo-assistant"


class SessionStatus(StrEnum):
    """Where a session is in its life."""

    STARTING = "starting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    STOPPED = "stopped"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class LiveKitEndpoint:
    """Where the LiveKit server is and the keys to mint the agent's tokens."""

    url: str
    api_key: str
    api_secret: str


class AgentSession:
    """The assistant in one clerk's room: joins, runs the voice loop, rejoins after drops.

    Models, transcriber and answerer come from the shared :class:`Runtime`; the pipeline,
    VAD state, turn state and address policy are this session's own.

    Args:
        runtime: What the process shares.
        endpoint: LiveKit server and keys.
        room: The clerk's room.
        clerk_identity: The only participant whose audio is listened to.
        caller: Role, store and language of the clerk.
        config: Voice-loop tuning (``require_addressing`` on for shop floors).
        clock: "Now" for questions (tests pin it).
        on_event: Receives session events.
        on_answer: Receives every question and answer (question mining).
        reconnect_delays: Seconds to wait before each reconnection attempt; the last one
            repeats until ``stop()``.
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
        reconnect_delays: tuple[float, ...] = (0.5, 1.0, 2.0, 5.0),
    ) -> None:
        self.room = room
        self.clerk_identity = clerk_identity
        self.status = SessionStatus.STARTING
        self.connections = 0
        """How many times the session has joined the room (1 + reconnections)."""
        self.started_at = time.monotonic()
        self._runtime = runtime
        self._endpoint = endpoint
        self._caller = caller
        self._config = config
        self._clock = clock
        self._on_event = on_event
        self._on_answer = on_answer
        self._reconnect_delays = reconnect_delays
        self._stopping = asyncio.Event()
        self._worker: PipelineWorker | None = None
        self._connected = asyncio.Event()

    @property
    def log_prefix(self) -> str:
        """``[room]`` for log lines."""
        return f"[{self.room}]"

    async def wait_connected(self, limit_secs: float) -> None:
        """Wait until the agent is in the room."""
        await asyncio.wait_for(self._connected.wait(), limit_secs)

    async def run(self) -> None:
        """Serve the room until :meth:`stop`; rejoin whenever the connection drops."""
        attempt = 0
        while not self._stopping.is_set():
            started = time.monotonic()
            try:
                await self._run_once()
            except asyncio.CancelledError:
                raise
            except Exception as e:  # a dropped server or a pipeline crash: rejoin
                logger.warning(f"{self.log_prefix} session failed: {e!r}")
            if self._stopping.is_set():
                break
            self.status = SessionStatus.RECONNECTING
            if time.monotonic() - started > 30:
                attempt = 0  # it ran well for a while: start the back-off again
            delay = self._reconnect_delays[min(attempt, len(self._reconnect_delays) - 1)]
            attempt += 1
            logger.info(f"{self.log_prefix} reconnecting in {delay:.1f}s (attempt {attempt})")
            try:
                await asyncio.wait_for(self._stopping.wait(), delay)
            except TimeoutError:
                pass
        self.status = SessionStatus.STOPPED

    async def stop(self) -> None:
        """Leave the room and end the session."""
        self._stopping.set()
        if self._worker is not None:
            await self._worker.queue_frame(EndFrame())

    async def _run_once(self) -> None:
        token = mint_token(
            api_key=self._endpoint.api_key,
            api_secret=self._endpoint.api_secret,
            identity=AGENT_IDENTITY,
            role=ParticipantRole.AGENT,
            room=self.room,
            ttl=timedelta(hours=12),
            name="Promo assistant",
        )
        sample_rate = 16000
        transport = LiveKitTransport(
            url=self._endpoint.url,
            token=token,
            room_name=self.room,
            params=LiveKitParams(
                audio_in_enabled=True,
                audio_in_sample_rate=sample_rate,
                audio_out_enabled=True,
                audio_out_sample_rate=sample_rate,
                audio_in_user_tracks=True,
                audio_out_queue_size_ms=200,
            ),
        )
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
        )
        worker = PipelineWorker(
            loop.pipeline,
            params=PipelineParams(
                audio_in_sample_rate=sample_rate, audio_out_sample_rate=sample_rate
            ),
            cancel_on_idle_timeout=False,
            idle_timeout_secs=None,
            enable_rtvi=False,
        )
        self._worker = worker

        @transport.event_handler("on_connected")
        async def on_connected(_transport: LiveKitTransport) -> None:
            self.connections += 1
            self.status = SessionStatus.CONNECTED
            self._connected.set()
            logger.info(f"{self.log_prefix} agent joined (connection {self.connections})")

        @transport.event_handler("on_disconnected")
        async def on_disconnected(_transport: LiveKitTransport) -> None:
            self._connected.clear()
            if not self._stopping.is_set():
                logger.warning(f"{self.log_prefix} connection lost")
                await worker.cancel()

        @transport.event_handler("on_data_received")
        async def on_data_received(
            _transport: LiveKitTransport, data: bytes, participant_id: str | None
        ) -> None:
            pressed = _push_to_talk(data)
            if pressed is not None and participant_id == self.clerk_identity:
                await worker.queue_frame(PushToTalkFrame(pressed=pressed))

        runner = WorkerRunner(handle_sigint=False)
        await runner.add_workers(worker)
        try:
            await runner.run()
        finally:
            self._worker = None
            self._connected.clear()


def _push_to_talk(data: bytes) -> bool | None:
    """``True``/``False`` for a push-to-talk start/stop message, ``None`` for anything else."""
    try:
        message = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(message, dict):
        return None
    action = message.get("action")
    if message.get("topic", PTT_TOPIC) != PTT_TOPIC:
        return None
    return {"start": True, "stop": False}.get(action) if isinstance(action, str) else None
