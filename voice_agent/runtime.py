"""The composition root: settings in, process-wide models and answerer out.

Everything heavy (Whisper, Piper, Silero, the knowledge base) is built here once per process
and shared by every session; sessions get only their own pipelines and state.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from loguru import logger

from knowledge_base.answering import Answerer, Role
from knowledge_base.change_summaries import ChangeSummaries
from knowledge_base.knowledge import KnowledgeBase
from pipelines.answer_processor import CallerProfile
from pipelines.speech_engine import SpeechEngine
from pipelines.speech_models import (
    DEFAULT_VOICE_LANGUAGE,
    PiperSpec,
    SpeechModels,
    WhisperSpec,
    load_speech_models,
)
from pipelines.speech_prerender import AnswerPrerenderer
from pipelines.stt_guards import OutputGuard, WindowPolicy
from pipelines.transcriber import Transcriber
from pipelines.turn_policy import BargeInPolicy
from pipelines.voice_loop import VoiceLoopConfig
from voice_agent.answerers.reloading import ReloadingAnswerer
from voice_agent.knowledge_reload import (
    KnowledgeBaseHolder,
    KnowledgeSource,
    PublicationObserver,
    PublishedKnowledgeHolder,
)
from voice_agent.session_language import SessionLanguages
from voice_agent.settings import Settings
from voice_agent.storage.engine import Database
from voice_agent.storage.timestamps import utc_now

ProgressCallback = Callable[[str], None]


@dataclass(slots=True)
class Runtime:
    """What a process shares across sessions."""

    settings: Settings
    models: SpeechModels
    transcriber: Transcriber
    knowledge_holder: KnowledgeSource
    """The served knowledge base: the published versions when built with a database, else
    the directory's files; ``start()`` it to follow publications and edits."""
    answerer: Answerer
    """Answers from ``knowledge_holder.current`` (rebuilt when it changes)."""
    loop_config: VoiceLoopConfig
    languages: SessionLanguages
    """What this node speaks and hears: each store's sessions speak its language, or English
    when the node has no voice for it or its recogniser hears English only."""
    prerenderer: AnswerPrerenderer | None = None
    """Renders the likely answers into the speech cache on each publication picked up, or
    each valid edit of the files when serving files (``None`` without a speech cache or with
    ``tts.prerender_max_sentences = 0``)."""

    @property
    def knowledge(self) -> KnowledgeBase:
        """The knowledge base answers come from right now."""
        return self.knowledge_holder.current

    def caller(self, role: Role, store_id: str) -> CallerProfile:
        """Who a session for a person of ``store_id`` speaks with: role, store, language."""
        return self.languages.caller(self.knowledge, role=role, store_id=store_id)

    def on_publication(self, observer: PublicationObserver) -> Callable[[], None]:
        """Call ``observer`` with each new publication picked up; returns an unsubscriber.

        Observers run in the event loop, oldest publication first (see docs/storage.md).

        Raises:
            RuntimeError: The runtime was built without a database (nothing is published).
        """
        if not isinstance(self.knowledge_holder, PublishedKnowledgeHolder):
            raise RuntimeError(
                "this runtime serves files, not publications: build it with a database"
            )
        return self.knowledge_holder.subscribe(observer)


_lock = threading.Lock()
_models_cache: dict[tuple[WhisperSpec, PiperSpec], SpeechModels] = {}
model_loads = 0
"""How many times this process loaded speech models (a second replay must not add one)."""


def shared_speech_models(
    whisper: WhisperSpec, piper: PiperSpec, progress: ProgressCallback | None = None
) -> SpeechModels:
    """Load the speech models for these specs once per process; later calls share them."""
    global model_loads
    key = (whisper, piper)
    with _lock:
        if key not in _models_cache:
            _models_cache[key] = load_speech_models(whisper=whisper, piper=piper, progress=progress)
            model_loads += 1
        return _models_cache[key]


def default_store_id(knowledge: KnowledgeBase) -> str:
    """The store a caller is assumed to be in when none is given (the first one listed)."""
    return next(iter(knowledge.stores))


def knowledge_path(settings: Settings) -> Path | None:
    """The configured knowledge-base directory, or ``None`` for the packaged sample."""
    return Path(settings.knowledge_base.path) if settings.knowledge_base.path else None


def loop_config(settings: Settings) -> VoiceLoopConfig:
    """Voice-loop tuning from settings."""
    return VoiceLoopConfig(
        vad_confidence=settings.vad.confidence,
        vad_start_secs=settings.vad.start_secs,
        vad_stop_secs=settings.vad.stop_secs,
        vad_min_volume=settings.vad.min_volume,
        incomplete_wait_secs=settings.turn.incomplete_wait_secs,
        barge_in=BargeInPolicy(
            min_level_dbfs=settings.barge_in.min_level_dbfs,
            enabled=settings.barge_in.enabled,
            onset_windows=settings.barge_in.onset_windows,
        ),
        tts_length_scale=settings.tts.length_scale,
        input_sample_rate=settings.audio.input_sample_rate,
        output_sample_rate=settings.audio.output_sample_rate,
        paced_output=settings.audio.paced_output,
    )


def build_answerer(
    settings: Settings,
    knowledge: KnowledgeBase,
    *,
    change_summaries: ChangeSummaries | None = None,
) -> Answerer:
    """The answerer named in settings (the offline grounded one by default)."""
    from voice_agent.answerers.factory import build_answerer as build

    return build(settings, knowledge, change_summaries=change_summaries)


def build_runtime(
    settings: Settings,
    *,
    progress: ProgressCallback | None = None,
    database: Database | None = None,
) -> Runtime:
    """Load (or reuse) everything a process shares, as configured.

    With a ``database`` the runtime answers from the published versions stored there
    (publishing valid edits when ``knowledge_base.publish_edits``); without one, from the
    knowledge-base files as they are.

    Raises:
        KnowledgeBaseError: Nothing can be served (issues with file, line and field).
    """
    models = shared_speech_models(
        WhisperSpec(
            model=settings.stt.model,
            device=settings.stt.device,
            compute_type=settings.stt.compute_type,
            cpu_threads=settings.stt.cpu_threads,
            num_workers=settings.stt.num_workers,
            allow_download=settings.stt.allow_download,
        ),
        PiperSpec(
            voice=settings.tts.voice,
            cache_mib=settings.tts.cache_mib,
            voices=tuple(sorted(settings.tts.voices.items())),
        ),
        progress,
    )
    if progress:
        progress("knowledge base")
    prerenderer: AnswerPrerenderer | None = None

    def on_new_knowledge(_: object) -> None:
        # The new answerer's indexes build off the event loop before the next question: in
        # the round of likely answers, which lets an urgent notice's rendering go first.
        if prerenderer is not None:
            prerenderer.schedule()
        else:
            answerer.prepare()

    holder: KnowledgeBaseHolder | PublishedKnowledgeHolder
    if database is not None:
        holder = PublishedKnowledgeHolder(
            database=database,
            path=knowledge_path(settings),
            poll_interval_secs=settings.knowledge_base.poll_interval_secs,
            publish_edits=settings.knowledge_base.publish_edits,
        )
    else:
        holder = KnowledgeBaseHolder(
            path=knowledge_path(settings),
            poll_interval_secs=settings.knowledge_base.poll_interval_secs,
            on_reload=on_new_knowledge,
        )
    knowledge = holder.load()
    answerer = ReloadingAnswerer(
        holder=holder,
        build=lambda current, changes: build_answerer(settings, current, change_summaries=changes),
    )
    transcriber = build_transcriber(
        settings, models, recognition_hints(knowledge) if settings.stt.use_catalogue_hints else None
    )
    languages = SessionLanguages(
        voiced=frozenset(models.voices),
        hears_all=models.hears_all,
        stt_language=settings.stt.language,
    )
    for gap in languages.gaps(knowledge):
        logger.warning("language: {}", gap.message())
    prerenderer = build_prerenderer(settings, models, answerer, holder)
    if isinstance(holder, PublishedKnowledgeHolder):
        holder.subscribe(on_new_knowledge)
    logger.info(
        "runtime ready: answerer {}, knowledge base {}",
        answerer.name,
        knowledge_path(settings) or "packaged sample",
    )
    return Runtime(
        settings=settings,
        models=models,
        transcriber=transcriber,
        knowledge_holder=holder,
        answerer=answerer,
        loop_config=loop_config(settings),
        languages=languages,
        prerenderer=prerenderer,
    )


def build_prerenderer(
    settings: Settings, models: SpeechModels, answerer: Answerer, holder: KnowledgeSource
) -> AnswerPrerenderer | None:
    """What renders the likely answers ahead, or ``None`` when the settings leave it off.

    It renders English answers with the English voice, as English sessions speak them;
    sessions in another language render their sentences with their own voice when first said.
    """
    if models.tts_cache is None or settings.tts.prerender_max_sentences == 0:
        return None
    voice = models.default_voice()
    return AnswerPrerenderer(
        answerer=answerer,
        knowledge=lambda: holder.current,
        voice=voice.voice,  # type: ignore[arg-type]
        voice_id=voice.voice_id,
        length_scale=settings.tts.length_scale,
        cache=models.tts_cache,
        languages=[DEFAULT_VOICE_LANGUAGE],
        max_sentences=settings.tts.prerender_max_sentences,
        now=utc_now,
    )


def build_transcriber(
    settings: Settings, models: SpeechModels, hints: list[str] | None
) -> Transcriber:
    """The process-wide transcriber: the batched speech engine, or today's full-window path."""
    stt = settings.stt
    language = stt.language
    if stt.engine == "full_window":
        return Transcriber(
            model=models.whisper,
            language=language,
            beam_size=stt.beam_size,
            hints=hints,
            max_concurrent=stt.num_workers,
        )
    return SpeechEngine(
        model=models.whisper,
        language=language,
        beam_size=stt.beam_size,
        short_beam_size=stt.engine_beam_size,
        hints=hints,
        batch_wait_secs=stt.batch_wait_ms / 1000,
        max_batch=stt.max_batch,
        window=WindowPolicy(floor_secs=stt.window_floor_secs, margin_secs=stt.window_margin_secs),
        guard=OutputGuard(
            tokens_per_sec=stt.max_tokens_per_sec, min_avg_logprob=stt.min_avg_logprob
        ),
        no_repeat_ngram_size=stt.no_repeat_ngram_size,
    )


def recognition_hints(knowledge: KnowledgeBase) -> list[str]:
    """What Whisper should expect to hear, most useful first: products, codes, categories, offers.

    Whisper's prompt is short, so aliases (which the answerer's matcher already tolerates)
    are left out in favour of every product name, SKU code and category.
    """
    # The wake phrase first: unprompted, tiny.en hears "Hey promo" as "April mode".
    hints: list[str] = ["Hey promo"]
    for product in knowledge.products.values():
        hints += [product.name.en, product.sku]
    hints += [category.name.en for category in knowledge.categories.values()]
    hints += [promotion.title.en for promotion in knowledge.visible_promotions()]
    return list(dict.fromkeys(h for h in hints if h))
