"""Rendering the likely answers ahead, so the first question after a publish is a cache hit.

When a promotion version is published, clerks ask about the new offers first. For each store
and each promotion running or coming up there, :class:`AnswerPrerenderer` asks the answerer
"What is the <promotion> offer?" in each answer language and renders the spoken sentences
into the shared :class:`~pipelines.speech_cache.RenderedSpeechCache`, exactly as a session
would speak them.

It keeps out of the sessions' way: one question and one sentence at a time, in one
background task, never while a session's own synthesis or an urgent notice's rendering is in
progress nor in the second after it (a live sentence waits for at most the one render already
under way), and at most ``max_sentences`` per publication.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from loguru import logger
from piper import PiperVoice

from knowledge_base import resolution
from knowledge_base.answering import Answer, Answerer, Question, Role
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.resolution import Phase
from knowledge_base.words import has_cjk
from pipelines.piper_tts import cache_voice, render_sentence
from pipelines.speech_cache import RenderedSpeechCache
from pipelines.speech_chunks import first_sentence_pieces

LIVE_WAIT_SLICE_SECS = 0.5
"""A render waiting for the sessions' syntheses looks again whether it was cancelled this often."""
QUIET_SECS = 1.0
"""The round starts this long after it is scheduled, and each step this long after the last
live render ended: sessions start speaking what was just rendered for them (an urgent notice
offered to 20 clerks at once) in the moment after it, and a round of likely answers answering
(building the new answerer's indexes) and rendering then slowed that start: 0.4-0.9 s at 20
clerks, against 0.3-0.4 s with the round turned off (docs/BENCHMARKS.md)."""
_LIKELY_PHASES = (Phase.RUNNING, Phase.UPCOMING)


@dataclass(frozen=True, slots=True)
class PrerenderReport:
    """What one round of rendering ahead did."""

    questions: int
    """Likely questions found (not all are asked once the budget is met)."""
    sentences: int
    """Distinct sentences of the answers asked."""
    rendered: int
    """Sentences rendered now (the others were cached already or over the budget)."""
    waited_for_live: int
    """Times the round waited for sessions' syntheses (or a notice's rendering) to finish."""


def likely_questions(
    knowledge: KnowledgeBase, *, languages: Sequence[str], now: Callable[[], datetime]
) -> list[Question]:
    """Asks "What is the <promotion> offer?" per store, language and running or upcoming offer."""
    questions: list[Question] = []
    for store_id in knowledge.stores:
        asked_at = now().astimezone(knowledge.zone(store_id))
        for promotion in knowledge.promotions_at_store(store_id):
            if (
                resolution.timing(
                    knowledge, promotion=promotion, store_id=store_id, at=asked_at
                ).phase
                not in _LIKELY_PHASES
            ):
                continue
            for language in languages:
                title = promotion.title.get(language)
                if title is None:
                    continue
                questions.append(
                    Question(
                        text=_offer_question(title, language),
                        role=Role.CLERK,
                        store_id=store_id,
                        language=language,
                        asked_at=asked_at,
                    )
                )
    return questions


def _offer_question(title: str, language: str) -> str:
    if language.lower().startswith("zh"):
        return f"{title}是什么优惠？"
    if title.lower().endswith(("offer", "sale", "deal")):
        return f"What is the {title}?"
    return f"What is the {title} offer?"


class AnswerPrerenderer:
    """Renders the likely answers of the served knowledge base into the speech cache.

    Args:
        answerer: Answers as the sessions do (the same instance they use).
        knowledge: The knowledge base served right now.
        voice: The process-wide Piper voice.
        voice_id: Names the voice in cache keys, as the sessions' TTS service does.
        length_scale: Piper's speaking rate, as the sessions use it.
        cache: The process-wide cache of rendered sentences.
        languages: Languages the sessions answer in.
        max_sentences: Renders per publication at most.
        now: The current moment (aware).
        quiet_secs: See :data:`QUIET_SECS`.
    """

    def __init__(
        self,
        *,
        answerer: Answerer,
        knowledge: Callable[[], KnowledgeBase],
        voice: PiperVoice,
        voice_id: str,
        length_scale: float,
        cache: RenderedSpeechCache,
        languages: Sequence[str],
        max_sentences: int,
        now: Callable[[], datetime],
        quiet_secs: float = QUIET_SECS,
    ) -> None:
        self._answerer = answerer
        self._knowledge = knowledge
        self._voice = voice
        self._voice_key = cache_voice(voice_id, length_scale)
        self._length_scale = length_scale
        self._cache = cache
        self._languages = tuple(languages)
        self._max_sentences = max_sentences
        self._now = now
        self._quiet_secs = quiet_secs
        self._task: asyncio.Task[PrerenderReport] | None = None
        self._background: set[asyncio.Task[None]] = set()
        self.renders_started = 0
        """Sentences whose rendering began, over the prerenderer's life."""

    @property
    def task(self) -> asyncio.Task[PrerenderReport] | None:
        """The round in progress or last run, if any."""
        return self._task

    def schedule(self) -> asyncio.Task[PrerenderReport]:
        """Start a round in the background (a round still under way is cancelled first)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = asyncio.create_task(self.run(), name="answer-prerender")
        self._task.add_done_callback(_log_outcome)
        return self._task

    async def stop(self) -> None:
        """Cancel the round under way and the renders left to the background, if any."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)

    async def run(self) -> PrerenderReport:
        """Answer the likely questions and render their sentences not cached yet."""
        await asyncio.sleep(self._quiet_secs)  # the publish's urgent notice goes first
        questions = likely_questions(self._knowledge(), languages=self._languages, now=self._now)
        sentences: dict[str, None] = {}
        missing: dict[str, None] = {}
        waited = 0
        for question in questions:
            if len(missing) >= self._max_sentences:
                break  # enough to render: ask an answerer (maybe an LLM) no more
            # An offline answerer never yields: let live turns run, and an urgent notice
            # published with this version render first.
            waited += await self._out_of_the_way()
            for text in await self.spoken_sentences(question):
                sentences[text] = None
                if not self._cache.contains(self._voice_key, text):
                    missing[text] = None
        rendered = 0
        for text in list(missing)[: self._max_sentences]:
            waited += await self._out_of_the_way()
            self.renders_started += 1
            chunks = await asyncio.to_thread(
                render_sentence, self._voice, text, length_scale=self._length_scale
            )
            self._cache.put(self._voice_key, text, chunks)
            rendered += 1
        return PrerenderReport(
            questions=len(questions),
            sentences=len(sentences),
            rendered=rendered,
            waited_for_live=waited,
        )

    async def _out_of_the_way(self) -> int:
        """Yield to the loop, then wait while sessions (or a notice) render and just after.

        Returns 1 if it waited.
        """
        await asyncio.sleep(0)
        if self._cache.is_quiet(self._quiet_secs):
            return 0
        # In slices, so that cancelling the round never leaves a thread waiting.
        while not await asyncio.to_thread(
            self._cache.wait_for_no_live_renders,
            LIVE_WAIT_SLICE_SECS,
            quiet_secs=self._quiet_secs,
        ):
            pass
        return 1

    async def render_texts(self, texts: Sequence[str], *, later: Sequence[str] = ()) -> int:
        """Render ``texts`` (whole TTS requests) not cached yet, one at a time; how many.

        For speech many sessions are about to say at once (an urgent notice): rendered here
        once, each session's TTS finds it in the cache instead of rendering it too. Texts in
        Chinese are left out (never read by an English voice; see ``build_prerenderer``). Each text
        is claimed first (:meth:`~pipelines.speech_cache.RenderedSpeechCache.claim`): one a
        session is rendering already is not rendered twice.

        ``later`` texts are claimed now as well, and rendered in order in the background once
        ``texts`` are: the speech can start as soon as its first piece is rendered, and a
        session that reaches a later one before it is rendered waits for it instead of
        rendering it too. The count includes them.
        """
        first = deque(self._claim(texts))
        rest = deque(self._claim([t for t in later if t not in first]))
        count = len(first) + len(rest)
        if not count:
            return 0
        live = contextlib.ExitStack()
        live.enter_context(self._cache.live_render())
        try:
            await self._render_in_turn(first)
        except BaseException:
            self._release(first)
            self._release(rest)
            live.close()
            raise
        if not rest:
            live.close()
            return count

        def finished(_: asyncio.Task[None]) -> None:
            # Also when it was cancelled before it began: no claim outlives it.
            self._release(rest)
            live.close()

        task = asyncio.create_task(self._render_in_turn(rest), name="speech-render")
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        task.add_done_callback(finished)
        task.add_done_callback(_log_failed_render)
        return count

    def _claim(self, texts: Sequence[str]) -> list[str]:
        # The voice here is the English one: Chinese text is for a session's Chinese voice.
        english = [t for t in dict.fromkeys(texts) if not has_cjk(t)]
        return [t for t in english if self._cache.claim(self._voice_key, t)]

    async def _render_in_turn(self, claimed: deque[str]) -> None:
        """Render the ``claimed`` texts in turn; each leaves it once stored and released.

        Sessions are about to say these texts, so their rendering counts as a live one from
        the first to the last (the caller holds :meth:`RenderedSpeechCache.live_render`): a
        round of likely answers started by the same publish waits for all of them instead of
        sharing the cores with them.
        """
        while claimed:
            text = claimed[0]
            chunks = await asyncio.to_thread(
                render_sentence, self._voice, text, length_scale=self._length_scale
            )
            self._cache.put(self._voice_key, text, chunks)
            self._cache.release(self._voice_key, claimed.popleft())

    def _release(self, claimed: deque[str]) -> None:
        """Give up the claims still held (a render failed or was cancelled)."""
        while claimed:
            self._cache.release(self._voice_key, claimed.popleft())

    async def spoken_sentences(self, question: Question) -> list[str]:
        """The texts a session hands to speech for ``question`` (see ``AnswerProcessor``)."""
        spoken: list[str] = []
        async for item in self._answerer.stream(question):
            if isinstance(item, Answer):
                break
            spoken += first_sentence_pieces(item) if not spoken else [item]
        return spoken


def _log_outcome(task: asyncio.Task[PrerenderReport]) -> None:
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        logger.opt(exception=error).warning("rendering answers ahead failed")
        return
    report = task.result()
    logger.info(
        "rendered answers ahead: {} questions, {} sentences, {} new renders",
        report.questions,
        report.sentences,
        report.rendered,
    )


def _log_failed_render(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and (error := task.exception()) is not None:
        logger.opt(exception=error).warning("rendering speech in the background failed")
