"""The assistant in a briefing room: it listens to the manager only, captions, records, counts.

:class:`BriefingRoom` joins ``briefing-<id>`` with its own agent token and runs a listening
loop (no answers, no speech): the manager's audio only (``ParticipantAudioFilter``) goes to
a recording tap, the shared Silero VAD and the process's shared transcriber (the speech
engine, never a second model copy); each finished turn becomes a caption, stored and then
published to everyone in the room as a LiveKit data message on topic
:data:`CAPTION_TOPIC`::

    {"type": "caption", "briefing_id": "...", "start": 3.1, "end": 6.4,
     "text": "From Saturday the AX-200 is out of the weekend offer.", "speaker": "mei"}

The manager's audio (a :class:`~voice_agent.briefing.recorder.BriefingRecorder`) and every
participant's joins and leaves (not the assistant's) are kept until
:meth:`BriefingRoom.drain` hands them over: the desk stores them about every second, so a
node that dies loses little. The room ends when :meth:`BriefingRoom.close` is called, when
the manager has been gone for ``speaker_absent_secs``, or when they never came within
``speaker_wait_secs``; a last :meth:`BriefingRoom.drain` then returns the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from livekit import rtc
from loguru import logger
from pipecat.audio.vad.vad_analyzer import VADParams
from pipecat.frames.frames import EndFrame
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.transports.livekit.transport import LiveKitTransport
from pipecat.workers.runner import WorkerRunner

from knowledge_base.briefing import Caption
from pipelines.briefing_captions import CaptionProcessor, SpeechClock
from pipelines.conversation_state import ConversationState
from pipelines.participant_filter import ParticipantAudioFilter
from pipelines.user_turn_processor import UserTurnProcessor
from pipelines.vad import SharedSileroVADAnalyzer
from pipelines.vad_processor import StampedVADProcessor
from voice_agent.agent.transport import AGENT_IDENTITY, LiveKitEndpoint, agent_transport
from voice_agent.briefing.closing import MAX_BRIEFING_SECS
from voice_agent.briefing.recorder import BriefingRecorder
from voice_agent.runtime import Runtime

CAPTION_TOPIC = "briefing-captions"
"""LiveKit data topic of the live captions."""
_DRAIN_SECS = 20.0
"""At close, how long a turn still being transcribed may take to become a caption."""

CaptionListener = Callable[[Caption], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Attended:
    """A participant joined (``left`` false) or left the room at ``at``."""

    identity: str
    at: datetime
    left: bool


@dataclass(slots=True)
class BriefingDrain:
    """What the room captured since the last drain."""

    pcm: bytes
    """The manager's audio, 16-bit mono."""
    sample_rate: int
    attended: list[Attended] = field(default_factory=list)
    """Joins and leaves, in order."""


class BriefingRoom:
    """The assistant listening in one briefing room (see the module docstring).

    Args:
        runtime: The process's models and shared transcriber.
        endpoint: LiveKit server and keys.
        briefing_id: The briefing's id (in captions).
        room: The briefing room's name.
        speaker: Identity of the manager; nobody else is listened to.
        on_caption: Stores a caption; called before the caption is published.
        speaker_absent_secs: The room ends once the manager has been gone this long.
        speaker_wait_secs: The room ends if the manager has not come by then.
        connect_timeout_secs: A join that takes longer fails the room.
    """

    def __init__(
        self,
        *,
        runtime: Runtime,
        endpoint: LiveKitEndpoint,
        briefing_id: str,
        room: str,
        speaker: str,
        on_caption: CaptionListener | None = None,
        speaker_absent_secs: float = 15.0,
        speaker_wait_secs: float = 600.0,
        connect_timeout_secs: float = 20.0,
    ) -> None:
        self.briefing_id = briefing_id
        self.room = room
        self.speaker = speaker
        self._runtime = runtime
        self._endpoint = endpoint
        self._on_caption = on_caption
        self._absent_secs = speaker_absent_secs
        self._wait_secs = speaker_wait_secs
        self._connect_timeout = connect_timeout_secs
        self._state = ConversationState(session_id=room)
        self._recorder = BriefingRecorder(max_secs=MAX_BRIEFING_SECS)
        self._captions: list[Caption] = []
        self._present: dict[str, datetime] = {}
        self._attended: list[Attended] = []
        self._speaker_gone_since: float | None = time.monotonic()
        self._speaker_seen = False
        self._transport: LiveKitTransport | None = None
        self._worker: PipelineWorker | None = None
        self._connected = asyncio.Event()
        self._changed = asyncio.Event()
        self._closing = False
        self.ended_because = "closed"
        """``closed``, ``speaker_left``, ``speaker_never_came``, ``disconnected`` (the room
        closed: LiveKit closes it once only the assistant is left) or ``connection_failed``."""

    @property
    def connected(self) -> bool:
        """The assistant is in the room."""
        return self._connected.is_set()

    async def wait_connected(self, limit_secs: float) -> None:
        """Wait until the assistant is in the room."""
        await asyncio.wait_for(self._connected.wait(), limit_secs)

    async def run(self) -> None:
        """Join and listen until the room ends (see the class docstring)."""
        config = self._runtime.loop_config
        transport = agent_transport(
            self._endpoint, self.room, input_sample_rate=config.input_sample_rate
        )
        self._transport = transport
        vad = SharedSileroVADAnalyzer(
            session=self._runtime.models.silero,
            sample_rate=config.input_sample_rate,
            params=VADParams(
                confidence=config.vad_confidence,
                start_secs=config.vad_start_secs,
                stop_secs=config.vad_stop_secs,
                min_volume=config.vad_min_volume,
            ),
        )
        clock = SpeechClock()
        pipeline = Pipeline(
            [
                transport.input(),
                ParticipantAudioFilter(identity=self.speaker),
                self._recorder,
                StampedVADProcessor(vad_analyzer=vad),
                clock,
                UserTurnProcessor(
                    state=self._state,
                    transcriber=self._runtime.transcriber,
                    barge_in=config.barge_in,
                    incomplete_wait_secs=config.incomplete_wait_secs,
                    # Nothing is answered here: a sentence after a pause is a caption of
                    # its own, never the rest of the last one (only unfinished ones wait).
                    continuation_gap_secs=0.0,
                    sample_rate=config.input_sample_rate,
                    vad_state=lambda: vad.state,
                    user_id=self.speaker,
                ),
                CaptionProcessor(clock=clock, sink=self._caption),
            ]
        )
        worker = PipelineWorker(
            pipeline,
            params=PipelineParams(audio_in_sample_rate=config.input_sample_rate),
            cancel_on_idle_timeout=False,
            idle_timeout_secs=None,
            enable_rtvi=False,
        )
        self._worker = worker
        self._handle_events(transport)
        runner = WorkerRunner(handle_sigint=False)
        await runner.add_workers(worker)
        running = asyncio.create_task(runner.run(), name=f"briefing {self.room}")
        if self._closing:  # closed before it ran: end at once
            await worker.queue_frame(EndFrame())
        watching = asyncio.create_task(self._watch(), name=f"watch {self.room}")
        try:
            await running
        finally:
            watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watching
            if not running.done():
                await worker.cancel()
                running.cancel()
            self._worker = None
            self._leave_all(datetime.now(UTC))
        logger.info(
            "[{}] briefing room ended ({}): {} caption(s)",
            self.room,
            self.ended_because,
            len(self._captions),
        )

    async def close(self) -> None:
        """End the room after the turn being transcribed (if any) became a caption."""
        if self._closing:
            return
        self._closing = True
        deadline = time.monotonic() + _DRAIN_SECS
        state = self._state
        # The turn's state is kept by several processors: polled, not signalled.
        while time.monotonic() < deadline and (  # noqa: ASYNC110
            state.user_speaking or state.transcriptions_pending or state.turn_pending
        ):
            await asyncio.sleep(0.1)
        self._changed.set()
        if self._worker is not None:
            await self._worker.queue_frame(EndFrame())

    def drain(self) -> BriefingDrain:
        """The manager's audio, joins and leaves since the last drain (each handed over once)."""
        attended, self._attended = self._attended, []
        return BriefingDrain(
            pcm=self._recorder.drain(),
            sample_rate=self._recorder.sample_rate or self._runtime.loop_config.input_sample_rate,
            attended=attended,
        )

    # --- internals ------------------------------------------------------------------------

    def _handle_events(self, transport: LiveKitTransport) -> None:
        @transport.event_handler("on_connected")
        async def on_connected(_transport: LiveKitTransport) -> None:
            self._connected.set()
            # Whoever was there before the assistant gets no participant_connected event.
            room: rtc.Room = transport._client.room
            for participant in list(room.remote_participants.values()):
                self._joined(participant.identity, participant.joined_at)

        @transport.event_handler("on_participant_connected")
        async def on_participant_connected(_transport: LiveKitTransport, identity: str) -> None:
            self._joined(identity, None)

        @transport.event_handler("on_participant_disconnected")
        async def on_participant_disconnected(_transport: LiveKitTransport, identity: str) -> None:
            self._left(identity, datetime.now(UTC))

        @transport.event_handler("on_disconnected")
        async def on_disconnected(_transport: LiveKitTransport) -> None:
            if not self._closing:
                # LiveKit closes a room once only agents are left in it (everyone went).
                logger.info("[{}] disconnected from the briefing room", self.room)
                self.ended_because = "disconnected"
                await self.close()

    def _joined(self, identity: str, at: datetime | None) -> None:
        if identity == AGENT_IDENTITY or identity in self._present:
            return
        self._present[identity] = at or datetime.now(UTC)
        self._attended.append(Attended(identity, self._present[identity], left=False))
        logger.info("[{}] {} joined the briefing", self.room, identity)
        if identity == self.speaker:
            self._speaker_seen = True
            self._speaker_gone_since = None
            self._changed.set()

    def _left(self, identity: str, at: datetime) -> None:
        joined = self._present.pop(identity, None)
        if joined is None:
            return
        self._attended.append(Attended(identity, max(at, joined), left=True))
        logger.info("[{}] {} left the briefing", self.room, identity)
        if identity == self.speaker:
            self._speaker_gone_since = time.monotonic()
            self._changed.set()

    def _leave_all(self, at: datetime) -> None:
        for identity in list(self._present):
            self._left(identity, at)

    async def _watch(self) -> None:
        """End the room when the manager left (or never came), or the join never completed."""
        began = time.monotonic()
        while not self._closing:
            self._changed.clear()
            now = time.monotonic()
            if not self._connected.is_set() and now - began > self._connect_timeout:
                self.ended_because = "connection_failed"
                break
            gone = self._speaker_gone_since
            limit = self._absent_secs if self._speaker_seen else self._wait_secs
            if gone is not None and now - gone >= limit:
                self.ended_because = "speaker_left" if self._speaker_seen else "speaker_never_came"
                break
            wait = 1.0 if gone is None else max(0.1, min(1.0, gone + limit - now))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), wait)
        if not self._closing:
            logger.info("[{}] ending the briefing: {}", self.room, self.ended_because)
            await self.close()

    async def _caption(self, start: float, end: float, text: str) -> None:
        caption = Caption(start=start, end=end, text=text, speaker=self.speaker)
        self._captions.append(caption)
        if self._on_caption is not None:
            await self._on_caption(caption)
        payload = {"type": "caption", "briefing_id": self.briefing_id, **caption.to_dict()}
        transport = self._transport
        if transport is not None and self._connected.is_set():
            room: rtc.Room = transport._client.room
            await room.local_participant.publish_data(
                json.dumps(payload, ensure_ascii=False), reliable=True, topic=CAPTION_TOPIC
            )
