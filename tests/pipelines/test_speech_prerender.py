"""Answers rendered ahead: the likely answers are in the speech cache before anyone asks."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pipecat.frames.frames import TTSAudioRawFrame, TTSSpeakFrame
from pipecat.tests.utils import SleepFrame, run_test

from knowledge_base.answering import Answer, Question
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import load_knowledge_base
from pipelines.piper_tts import SharedPiperTTSService, cache_voice, render_sentence
from pipelines.speech_cache import RenderedSpeechCache
from pipelines.speech_prerender import AnswerPrerenderer, likely_questions

SATURDAY = datetime(2026, 11, 28, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
LIVE_SENTENCE = "Yes, the AX-200 is in the Weekend Running Offer at 20 percent off."


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    return load_knowledge_base()


class CountingCache(RenderedSpeechCache):
    """The real cache, counting the live renders it was told about."""

    live_renders_marked = 0

    def live_render(self) -> AbstractContextManager[None]:
        self.live_renders_marked += 1
        return super().live_render()


class CountingAnswerer(GroundedAnswerer):
    """The grounded answerer, counting the questions streamed to it."""

    asked = 0

    async def stream(self, question: Question) -> AsyncIterator[str | Answer]:
        self.asked += 1
        async for item in super().stream(question):
            yield item


def _prerenderer(
    knowledge: KnowledgeBase,
    voice: Any,
    cache: RenderedSpeechCache,
    *,
    max_sentences: int = 64,
    answerer: GroundedAnswerer | None = None,
) -> AnswerPrerenderer:
    return AnswerPrerenderer(
        answerer=answerer
        or GroundedAnswerer(knowledge=knowledge, default_contact="the promotions desk"),
        knowledge=lambda: knowledge,
        voice=voice,
        voice_id="joe",
        length_scale=1.0,
        cache=cache,
        languages=["en"],
        max_sentences=max_sentences,
        now=lambda: SATURDAY,
    )


def test_the_likely_questions_ask_about_each_running_or_upcoming_offer_per_store(
    knowledge: KnowledgeBase,
) -> None:
    questions = likely_questions(knowledge, languages=["en"], now=lambda: SATURDAY)
    at_sh01 = {q.text for q in questions if q.store_id == "SH-01"}
    assert "What is the Weekend Running Offer?" in at_sh01
    assert all(q.asked_at is not None and q.language == "en" for q in questions)
    assert {q.store_id for q in questions} <= set(knowledge.stores)


def test_a_live_render_is_marked_while_it_runs_and_not_after() -> None:
    cache = RenderedSpeechCache(max_bytes=1024)
    with cache.live_render():
        assert cache.live_renders == 1
    assert cache.live_renders == 0
    cache.wait_for_no_live_renders()  # returns at once when nothing is live


def test_quiet_means_no_live_render_now_nor_within_the_quiet_time_before() -> None:
    cache = RenderedSpeechCache(max_bytes=1024)
    assert cache.is_quiet(60.0)  # nothing was ever rendered live
    with cache.live_render():
        assert not cache.is_quiet()
        assert not cache.wait_for_no_live_renders(0.05, quiet_secs=0.1)
    assert cache.is_quiet() and not cache.is_quiet(60.0)
    started = time.monotonic()
    assert cache.wait_for_no_live_renders(5.0, quiet_secs=0.2)
    assert 0.1 < time.monotonic() - started < 2.0
    assert not cache.wait_for_no_live_renders(0.05, quiet_secs=60.0)


@pytest.mark.slow
async def test_a_sentence_rendered_ahead_is_a_cache_hit_for_a_session(runtime: Any) -> None:
    cache = CountingCache(max_bytes=8 * 1024 * 1024)
    voice = runtime.models.piper
    cache.put(
        cache_voice("joe", 1.0),
        LIVE_SENTENCE,
        render_sentence(voice, LIVE_SENTENCE, length_scale=1.0),
    )
    down, _ = await run_test(
        SharedPiperTTSService(voice=voice, voice_id="joe", cache=cache),
        frames_to_send=[TTSSpeakFrame(text=LIVE_SENTENCE), SleepFrame(sleep=0.5)],
    )
    assert any(isinstance(f, TTSAudioRawFrame) for f in down)
    stats = cache.stats()
    assert (stats.hits, stats.misses, cache.live_renders_marked) == (1, 0, 0)


@pytest.mark.slow
async def test_a_session_synthesis_is_marked_live(runtime: Any) -> None:
    cache = CountingCache(max_bytes=8 * 1024 * 1024)
    await run_test(
        SharedPiperTTSService(voice=runtime.models.piper, voice_id="joe", cache=cache),
        frames_to_send=[TTSSpeakFrame(text="Not yet."), SleepFrame(sleep=0.5)],
    )
    assert cache.live_renders_marked == 1
    assert cache.live_renders == 0


@pytest.mark.slow
async def test_after_a_round_the_cache_holds_every_likely_answer(
    runtime: Any, knowledge: KnowledgeBase
) -> None:
    cache = RenderedSpeechCache(max_bytes=64 * 1024 * 1024)
    prerenderer = _prerenderer(knowledge, runtime.models.piper, cache, max_sentences=1000)
    report = await prerenderer.run()

    voice = cache_voice("joe", 1.0)
    answerer = GroundedAnswerer(knowledge=knowledge, default_contact="the promotions desk")
    questions = likely_questions(knowledge, languages=["en"], now=lambda: SATURDAY)
    weekend = next(q for q in questions if q.text == "What is the Weekend Running Offer?")
    answer = await answerer.answer(weekend)
    assert "percent" in answer.text
    assert report.rendered == report.sentences > 0
    for question in questions:
        for sentence in await prerenderer.spoken_sentences(question):
            assert cache.contains(voice, sentence), sentence
    again = await prerenderer.run()
    assert again.rendered == 0  # everything is cached already


@pytest.mark.slow
async def test_a_live_synthesis_waits_behind_at_most_one_render_ahead(
    runtime: Any, knowledge: KnowledgeBase
) -> None:
    voice = runtime.models.piper
    cache = RenderedSpeechCache(max_bytes=64 * 1024 * 1024)
    prerenderer = _prerenderer(knowledge, voice, cache)
    task = prerenderer.schedule()
    async with asyncio.timeout(60):
        while prerenderer.renders_started == 0:  # noqa: ASYNC110 - waits for the first render
            await asyncio.sleep(0.01)
    with cache.live_render():
        started_before = prerenderer.renders_started
        for _ in range(3):  # a session speaking three sentences
            await asyncio.to_thread(render_sentence, voice, LIVE_SENTENCE, length_scale=1.0)
        started_during = prerenderer.renders_started - started_before
    report = await asyncio.wait_for(task, timeout=120)

    assert started_during <= 1
    assert report.waited_for_live >= 1
    assert report.rendered > 3


async def test_texts_rendered_ahead_are_rendered_once_and_then_hit_by_a_session(
    runtime: Any, knowledge: KnowledgeBase
) -> None:
    cache = CountingCache(max_bytes=8 * 1024 * 1024)
    prerenderer = _prerenderer(knowledge, runtime.models.piper, cache)
    notice = "Urgent update to the Weekend Running Offer: the discount went up to 25 percent."
    assert await prerenderer.render_texts([notice, notice]) == 1
    assert await prerenderer.render_texts([notice]) == 0  # cached already
    down, _ = await run_test(
        SharedPiperTTSService(voice=runtime.models.piper, voice_id="joe", cache=cache),
        frames_to_send=[TTSSpeakFrame(text=notice), SleepFrame(sleep=0.5)],
    )
    assert any(isinstance(f, TTSAudioRawFrame) for f in down)
    assert cache.stats().hits == 1
    assert cache.live_renders_marked == 1  # the notice's own rendering; the session's hit none


NOTICE_FIRST = "Urgent update to the Weekend Running Offer,"
NOTICE_REST = [
    "effective now at your store: the discount went up from 20 percent to 25 percent.",
    "Say got it when you have it.",
]


async def test_later_texts_are_claimed_at_once_and_rendered_after_the_first_in_the_background(
    runtime: Any, knowledge: KnowledgeBase
) -> None:
    cache = CountingCache(max_bytes=8 * 1024 * 1024)
    prerenderer = _prerenderer(knowledge, runtime.models.piper, cache)
    key = cache_voice("joe", 1.0)

    assert await prerenderer.render_texts([NOTICE_FIRST], later=NOTICE_REST) == 3

    # Returned once the first piece is rendered: the rest is claimed, not rendered yet.
    assert cache.contains(key, NOTICE_FIRST) and not cache.is_claimed(key, NOTICE_FIRST)
    assert all(cache.is_claimed(key, t) and not cache.contains(key, t) for t in NOTICE_REST)
    assert cache.live_renders == 1  # the later ones count as live until they are rendered
    # A session reaching the last sentence waits for the background's render of it.
    down, _ = await run_test(
        SharedPiperTTSService(voice=runtime.models.piper, voice_id="joe", cache=cache),
        frames_to_send=[TTSSpeakFrame(text=NOTICE_REST[-1]), SleepFrame(sleep=0.5)],
    )
    assert any(isinstance(f, TTSAudioRawFrame) for f in down)
    assert cache.stats().hits == 1
    assert cache.live_renders_marked == 1  # the notice's rendering only; the session hit
    assert all(cache.contains(key, t) and not cache.is_claimed(key, t) for t in NOTICE_REST)
    assert cache.live_renders == 0
    assert await prerenderer.render_texts([NOTICE_FIRST], later=NOTICE_REST) == 0


async def test_stopping_before_the_later_texts_are_rendered_releases_their_claims(
    runtime: Any, knowledge: KnowledgeBase
) -> None:
    cache = RenderedSpeechCache(max_bytes=8 * 1024 * 1024)
    prerenderer = _prerenderer(knowledge, runtime.models.piper, cache)
    key = cache_voice("joe", 1.0)
    await prerenderer.render_texts([NOTICE_FIRST], later=NOTICE_REST)

    await prerenderer.stop()  # before the background render has even begun

    assert not any(cache.is_claimed(key, t) or cache.contains(key, t) for t in NOTICE_REST)
    assert cache.live_renders == 0
    assert cache.claim(key, NOTICE_REST[0])  # a session may render it itself now


@pytest.mark.slow
async def test_a_notice_is_rendered_before_the_likely_answers_of_the_same_publish(
    runtime: Any, knowledge: KnowledgeBase
) -> None:
    cache = RenderedSpeechCache(max_bytes=64 * 1024 * 1024)
    answerer = CountingAnswerer(knowledge=knowledge, default_contact="the promotions desk")
    prerenderer = _prerenderer(knowledge, runtime.models.piper, cache, answerer=answerer)
    notice = [
        "Urgent update to the Weekend Running Offer: the discount went up to 25 percent.",
        "It applies in every store from Saturday 28 November.",
        "Please confirm that you heard this update.",
    ]
    rendering_notice = asyncio.create_task(prerenderer.render_texts(notice))
    await asyncio.sleep(0)  # the notice's rendering has begun
    round_of_answers = prerenderer.schedule()
    assert await rendering_notice == 3
    started_during_notice = prerenderer.renders_started
    asked_during_notice = answerer.asked
    report = await asyncio.wait_for(round_of_answers, timeout=120)

    assert started_during_notice == 0
    assert asked_during_notice == 0  # not even answered: the notice has the cores
    assert answerer.asked > 0
    assert report.waited_for_live == 1
    assert report.rendered > 0
