"""Builds the voice loop: audio in -> VAD -> turns + STT -> answer -> Piper -> audio out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from loguru import logger
from pipecat.audio.vad.vad_analyzer import VADParams
from pipecat.pipeline.pipeline import Pipeline
from pipecat.processors.frame_processor import FrameProcessor
from pipecat.transports.base_transport import BaseTransport

from knowledge_base.answering import Answerer
from pipelines.address_gate import AddressGateProcessor
from pipelines.addressing import DEFAULT_WAKE_PHRASES, AddressPolicy
from pipelines.answer_processor import AnswerListener, AnswerProcessor, CallerProfile
from pipelines.conversation_memory import ConversationMemory
from pipelines.conversation_state import ConversationState
from pipelines.events import EventSink
from pipelines.floor_options import FloorOptions
from pipelines.floor_playback import FloorPlaybackProbe
from pipelines.floor_processor import FloorProcessor
from pipelines.piper_tts import SharedPiperTTSService
from pipelines.playback_tracker import PlaybackTracker
from pipelines.speech_models import SpeechModels
from pipelines.transcriber import Transcriber
from pipelines.turn_policy import BargeInPolicy
from pipelines.user_turn_processor import UserTurnProcessor
from pipelines.vad import SharedSileroVADAnalyzer
from pipelines.vad_processor import StampedVADProcessor


@dataclass(frozen=True, slots=True)
class VoiceLoopConfig:
    """Tuning of one voice loop (values come from settings at the composition root)."""

    vad_confidence: float = 0.6
    vad_start_secs: float = 0.15
    """Seconds of speech before the VAD reports a start."""
    vad_stop_secs: float = 0.25
    """Seconds of silence before the VAD reports a stop."""
    vad_min_volume: float = 0.4
    incomplete_wait_secs: float = 1.2
    barge_in: BargeInPolicy = field(default_factory=BargeInPolicy)
    tts_length_scale: float = 1.0
    speculative_stt: bool = True
    """Start transcribing at the first silence instead of after the VAD's stop hangover."""
    require_addressing: bool = False
    """Answer only turns with a wake phrase, in the follow-up window, or under push-to-talk."""
    wake_phrases: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_WAKE_PHRASES)
    )
    follow_up_secs: float = 6.0
    input_sample_rate: int = 16000
    """Hertz of the audio the transport delivers (Silero accepts 8000 or 16000)."""
    output_sample_rate: int = 16000
    """Hertz of the audio the transport plays (Piper's voice is resampled to it)."""
    paced_output: bool = True
    """Over LiveKit, speech is sent only while it is said (``audio.paced_output``)."""


@dataclass(slots=True)
class VoiceLoop:
    """One session's pipeline and the state its processors share."""

    pipeline: Pipeline
    state: ConversationState
    floor: FloorProcessor
    """Where headquarters offers what to say to this session's clerk (idle if never offered)."""


@dataclass(frozen=True, slots=True)
class SessionProcessors:
    """Processors a session adds to its voice loop, built with the loop's own state."""

    input: list[FrameProcessor] = field(default_factory=list)
    """Right after the transport's input (they see the clerk's raw audio)."""
    before_answer: list[FrameProcessor] = field(default_factory=list)
    """Between the floor and the answerer (they see each finished, addressed turn first)."""


SessionProcessorFactory = Callable[[ConversationState], SessionProcessors]
"""Builds a session's extra processors for each new voice loop (e.g. the feedback capture)."""


def combine_session_processors(*factories: SessionProcessorFactory) -> SessionProcessorFactory:
    """One factory building every factory's processors, in the order given."""

    def build(state: ConversationState) -> SessionProcessors:
        built = [factory(state) for factory in factories]
        return SessionProcessors(
            input=[p for b in built for p in b.input],
            before_answer=[p for b in built for p in b.before_answer],
        )

    return build


def build_voice_loop(
    *,
    session_id: str,
    transport: BaseTransport,
    models: SpeechModels,
    transcriber: Transcriber,
    answerer: Answerer,
    caller: CallerProfile,
    config: VoiceLoopConfig,
    clock: Callable[[], datetime] | None = None,
    on_event: EventSink | None = None,
    on_answer: AnswerListener | None = None,
    extra_processors: list[FrameProcessor] | None = None,
    input_processors: list[FrameProcessor] | None = None,
    floor: FloorOptions | None = None,
    memory: ConversationMemory | None = None,
    session_processors: SessionProcessorFactory | None = None,
) -> VoiceLoop:
    """Assemble the voice loop for one session over ``transport``.

    Models, transcriber and answerer are shared by sessions; everything built here is new.
    ``input_processors`` go right after the transport's input (e.g. a participant filter);
    ``extra_processors`` go between turn detection and answering (feedback capture, quizzes).
    ``floor`` configures the session's :class:`FloorProcessor` (always present; it stays
    idle until something is offered to ``VoiceLoop.floor``). ``memory`` is the conversation
    so far (a session passes the same one to each of its pipelines). ``session_processors``
    adds processors built with the loop's state, after those two lists.
    """
    state = ConversationState(session_id=session_id)
    extra = session_processors(state) if session_processors else SessionProcessors()
    voice = models.voice_for(caller.language)
    if voice is None:
        # The composition root gives a session only a language it has a voice for; this is
        # a caller that did not ask it (a replay, a test): say which voice reads what.
        logger.warning(
            "[{}] no voice speaks {}: the default voice reads its text", session_id, caller.language
        )
        voice = models.default_voice()
    vad = SharedSileroVADAnalyzer(
        session=models.silero,
        sample_rate=config.input_sample_rate,
        params=VADParams(
            confidence=config.vad_confidence,
            start_secs=config.vad_start_secs,
            stop_secs=config.vad_stop_secs,
            min_volume=config.vad_min_volume,
        ),
    )
    gate: list[FrameProcessor] = []
    rehear_pieced: Callable[[str], bool] | None = None
    if config.require_addressing:
        policy = AddressPolicy(
            wake_phrases=dict(config.wake_phrases), follow_up_secs=config.follow_up_secs
        )
        gate.append(AddressGateProcessor(state=state, policy=policy, on_event=on_event))
        # A wake phrase split from its question may have lost its words at the split.
        rehear_pieced = _lacks_wake_phrase(policy)
    floor_processor = (floor or FloorOptions()).build(
        state=state, follow_up_secs=config.follow_up_secs, on_event=on_event
    )
    processors: list[FrameProcessor] = [
        transport.input(),
        *(input_processors or []),
        *extra.input,
        StampedVADProcessor(vad_analyzer=vad),
        UserTurnProcessor(
            state=state,
            transcriber=transcriber,
            barge_in=config.barge_in,
            incomplete_wait_secs=config.incomplete_wait_secs,
            sample_rate=config.input_sample_rate,
            vad_state=(lambda: vad.state) if config.speculative_stt else None,
            on_event=on_event,
            language=caller.stt_language,
            rehear_pieced=rehear_pieced,
        ),
        *gate,
        floor_processor,
        *(extra_processors or []),
        *extra.before_answer,
        AnswerProcessor(
            state=state,
            answerer=answerer,
            caller=caller,
            clock=clock,
            on_answer=on_answer,
            on_event=on_event,
            memory=memory,
        ),
        SharedPiperTTSService(
            voice=voice.voice,  # type: ignore[arg-type]
            voice_id=voice.voice_id,
            length_scale=config.tts_length_scale,
            cache=models.tts_cache,
        ),
        transport.output(),
        PlaybackTracker(state=state, on_event=on_event),
        FloorPlaybackProbe(),
    ]
    return VoiceLoop(pipeline=Pipeline(processors), state=state, floor=floor_processor)


def _lacks_wake_phrase(policy: AddressPolicy) -> Callable[[str], bool]:
    return lambda text: not policy.has_wake_phrase(text)
