"""The spoken half of ``bench feedback``: items with ``audio``, heard by the runtime's Whisper."""

from __future__ import annotations

from pathlib import Path

from knowledge_base.feedback.models import FeedbackSet
from knowledge_base.knowledge import KnowledgeBase
from voice_agent.settings import Settings


async def transcribe_items(
    feedback_set: FeedbackSet, set_path: Path, settings: Settings, knowledge: KnowledgeBase
) -> tuple[FeedbackSet, int]:
    """The set's items that have ``audio``, with their text replaced by what Whisper heard.

    Each recording is heard as a clerk's utterance is live: by the transcriber the runtime
    builds from ``[stt]`` (the batched speech engine by default, or the full-window path),
    with the catalogue hints, in the item's own language. An English-only model (``*.en``) cannot
    hear Chinese: those items are skipped and counted. Returns the spoken set and the count
    of items skipped.
    """
    from pipelines.transcriber import Transcriber
    from voice_agent.audio_io import load_audio
    from voice_agent.runtime import build_runtime, build_transcriber, recognition_hints

    with_audio = [item for item in feedback_set.items if item.audio]
    english_only = settings.stt.model.endswith(".en")
    hearable = [i for i in with_audio if not (english_only and i.language != "en")]
    skipped = len(feedback_set.items) - len(hearable)
    if not hearable:
        return feedback_set.model_copy(update={"items": []}), skipped
    runtime = build_runtime(settings)
    hints = recognition_hints(knowledge) if settings.stt.use_catalogue_hints else None
    transcribers: dict[str, Transcriber] = {}
    heard = []
    try:
        for item in hearable:
            language = item.language
            if language not in transcribers:
                stt = settings.stt.model_copy(update={"language": language})
                transcribers[language] = build_transcriber(
                    settings.model_copy(update={"stt": stt}), runtime.models, hints
                )
            assert item.audio is not None
            audio = load_audio(set_path.parent / item.audio)
            transcript = await transcribers[language].transcribe(audio.pcm16)
            heard.append(item.model_copy(update={"text": transcript.text or " "}))
    finally:
        for transcriber in transcribers.values():
            close = getattr(transcriber, "close", None)
            if close is not None:
                close()
    return feedback_set.model_copy(update={"items": heard}), skipped
