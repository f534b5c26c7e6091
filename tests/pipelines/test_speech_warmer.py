"""Rendering the answer's first words while the VAD still confirms the end of the turn."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest
from pipecat.frames.frames import TTSAudioRawFrame, TTSSpeakFrame
from pipecat.tests.utils import SleepFrame, run_test

from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import load_knowledge_base
from pipelines.addressing import AddressPolicy
from pipelines.answer_processor import AnswerProcessor, CallerProfile
from pipelines.conversation_state import ConversationState
from pipelines.piper_tts import SharedPiperTTSService, cache_voice, render_into_cache
from pipelines.speech_cache import RenderedSpeechCache
from pipelines.speech_warmer import SpeechWarmer
from tests.conftest import FIXTURES, reference_time

QUESTION = "Who do I call about the socks offer?"
VOICE_KEY = cache_voice("joe", 1.0)


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    return load_knowledge_base()


class CountingVoice:
    """The real Piper voice, counting what it was asked to synthesize."""

    def __init__(self, voice: Any) -> None:
        self._voice = voice
        self.texts: list[str] = []

    def synthesize(self, text: str, *args: Any, **kwargs: Any) -> Any:
        self.texts.append(text)
        return self._voice.synthesize(text, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._voice, name)


def _answers(knowledge: KnowledgeBase, state: ConversationState) -> AnswerProcessor:
    asked_at = reference_time().replace(tzinfo=knowledge.zone("SH-01"))
    return AnswerProcessor(
        state=state,
        answerer=GroundedAnswerer(knowledge=knowledge, default_contact="the promotions desk"),
        caller=CallerProfile(store_id="SH-01"),
        clock=lambda: asked_at,
    )


def _warmer(
    knowledge: KnowledgeBase,
    voice: Any,
    cache: RenderedSpeechCache,
    *,
    state: ConversationState | None = None,
    policy: AddressPolicy | None = None,
) -> tuple[SpeechWarmer, AnswerProcessor]:
    state = state or ConversationState(session_id="s1")
    answers = _answers(knowledge, state)

    async def render(text: str) -> bool:
        return await asyncio.to_thread(
            render_into_cache, voice, text, cache=cache, voice_key=VOICE_KEY, length_scale=1.0
        )

    warmer = SpeechWarmer(
        state=state, first_chunks=answers.first_chunks, render=render, policy=policy
    )
    return warmer, answers


async def test_the_first_words_of_the_answer_are_rendered_and_then_spoken_from_the_cache(
    runtime: Any, knowledge: KnowledgeBase
) -> None:
    voice = CountingVoice(runtime.models.piper)
    cache = RenderedSpeechCache(max_bytes=16 * 1024 * 1024)
    warmer, answers = _warmer(knowledge, voice, cache)
    first = await answers.first_chunks(QUESTION)
    assert first and "extension 3100" in " ".join(first)

    warmer.warm(QUESTION)
    assert warmer.task is not None
    assert await asyncio.wait_for(warmer.task, timeout=60) == len(first)
    assert all(cache.contains(VOICE_KEY, chunk) for chunk in first)

    down, _ = await run_test(
        SharedPiperTTSService(voice=voice, voice_id="joe", cache=cache),
        frames_to_send=[TTSSpeakFrame(text=first[0]), SleepFrame(sleep=0.5)],
    )
    assert any(isinstance(frame, TTSAudioRawFrame) for frame in down)
    assert voice.texts.count(first[0]) == 1  # rendered while listening, never again


async def test_asking_for_the_first_words_changes_nothing_in_the_conversation(
    knowledge: KnowledgeBase,
) -> None:
    state = ConversationState(session_id="s1")
    answers = _answers(knowledge, state)
    await answers.first_chunks("Is the AX-200 in the weekend offer?")
    assert not state.answering and not state.answer_sentences


async def test_a_turn_the_gate_would_drop_is_not_rendered(
    runtime: Any, knowledge: KnowledgeBase
) -> None:
    voice = CountingVoice(runtime.models.piper)
    cache = RenderedSpeechCache(max_bytes=16 * 1024 * 1024)
    warmer, _ = _warmer(knowledge, voice, cache, policy=AddressPolicy())
    warmer.warm(QUESTION)  # no wake phrase, no follow-up window: meant for a customer
    assert warmer.task is None

    warmer.warm(f"Hey promo, {QUESTION.lower()}")
    assert warmer.task is not None
    assert await asyncio.wait_for(warmer.task, timeout=60) >= 1


async def test_a_reply_the_assistant_awaits_is_not_taken_for_a_question(
    runtime: Any, knowledge: KnowledgeBase
) -> None:
    cache = RenderedSpeechCache(max_bytes=16 * 1024 * 1024)
    state = ConversationState(session_id="s1")
    warmer, _ = _warmer(knowledge, runtime.models.piper, cache, state=state)
    state.expecting_reply = True  # e.g. "got it" after an urgent notice
    warmer.warm(QUESTION)
    state.expecting_reply = False
    state.feedback_capturing = True
    warmer.warm(QUESTION)
    assert warmer.task is None and cache.stats().entries == 0


async def test_a_session_waits_for_the_render_under_way_instead_of_rendering_twice(
    runtime: Any,
) -> None:
    voice = CountingVoice(runtime.models.piper)
    cache = RenderedSpeechCache(max_bytes=16 * 1024 * 1024)
    text = "For the Socks 3 for 2, call Maria Keller."
    rendering = asyncio.create_task(
        asyncio.to_thread(
            render_into_cache, voice, text, cache=cache, voice_key=VOICE_KEY, length_scale=1.0
        )
    )
    async with asyncio.timeout(60):
        while not cache.rendering(VOICE_KEY, text) and not rendering.done():  # noqa: ASYNC110
            await asyncio.sleep(0.001)
    down, _ = await run_test(
        SharedPiperTTSService(voice=voice, voice_id="joe", cache=cache),
        frames_to_send=[TTSSpeakFrame(text=text), SleepFrame(sleep=0.5)],
    )
    assert await rendering
    assert any(isinstance(frame, TTSAudioRawFrame) for frame in down)
    assert voice.texts.count(text) == 1


async def test_a_replayed_question_renders_each_sentence_of_its_answer_once(
    runtime: Any, knowledge: KnowledgeBase
) -> None:
    from voice_agent.audio_io import load_audio
    from voice_agent.replay import replay

    voice = CountingVoice(runtime.models.piper)
    models = replace(
        runtime.models, piper=voice, tts_cache=RenderedSpeechCache(max_bytes=16 * 1024 * 1024)
    )
    pcm16 = load_audio(FIXTURES / "audio" / "loop" / "socks_contact.wav").pcm16
    asked_at = reference_time().replace(tzinfo=knowledge.zone("SH-01"))
    result = await replay(
        pcm16=pcm16,
        models=models,
        transcriber=runtime.transcriber,
        answerer=runtime.answerer,
        config=replace(runtime.loop_config, speculative_speech=True),
        caller=CallerProfile(store_id="SH-01"),
        clock=lambda: asked_at,
    )
    assert any("3100" in (turn.answer or "") for turn in result.report.turns)
    assert voice.texts and len(voice.texts) == len(set(voice.texts))
