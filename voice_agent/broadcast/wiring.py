"""Building the broadcaster and the quizmaster from settings, running them beside the service."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta

from knowledge_base.delivery import DeliveryPolicy
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.quiz_plan import QuizPolicy
from pipelines.speech_prerender import AnswerPrerenderer
from voice_agent.broadcast.broadcaster import Broadcaster
from voice_agent.broadcast.escalation import EscalationWebhook
from voice_agent.broadcast.fan_out import SpeakAhead
from voice_agent.broadcast.floor_text import floor_sentences
from voice_agent.broadcast.quiz_judge import build_quiz_judge
from voice_agent.broadcast.quizmaster import Quizmaster
from voice_agent.broadcast_settings import BroadcastSettings, QuizSettings
from voice_agent.knowledge_reload.published import (
    PublicationObserver,
    PublishedKnowledgeHolder,
)
from voice_agent.runtime import Runtime
from voice_agent.settings import OpenAISettings
from voice_agent.storage import Database


def notice_renderer(prerenderer: AnswerPrerenderer | None) -> SpeakAhead | None:
    """Renders notice texts, as the sessions' floors will speak them, into the speech cache.

    Every sentence is claimed before the notice is offered, and rendered once, in order. It
    returns once each text's first piece is rendered (the first sentence is cut as an
    answer's is, :func:`floor_sentences` with ``quick_start``): the sessions start on it,
    and the rest renders in the background while it plays; a session that reaches a
    sentence still rendering waits for it instead of rendering it too (docs/BENCHMARKS.md,
    "An urgent notice offered once its first piece is rendered").
    """
    if prerenderer is None:
        return None
    renderer = prerenderer

    async def render(texts: Sequence[str]) -> int:
        spoken = [floor_sentences(text, quick_start=True) for text in texts]
        firsts = [sentences[0] for sentences in spoken if sentences]
        rest = [sentence for sentences in spoken for sentence in sentences[1:]]
        return await renderer.render_texts(firsts, later=rest)

    return render


def build_broadcaster(
    settings: BroadcastSettings,
    *,
    database: Database,
    knowledge: Callable[[], KnowledgeBase],
    speak_ahead: SpeakAhead | None = None,
    shared: bool = False,
    node: str | None = None,
) -> Broadcaster:
    """A broadcaster with the ``[broadcast]`` timing, language and webhook (``node``: its id)."""
    webhook = None
    if settings.escalation_webhook_url and settings.escalation_webhook_secret is not None:
        webhook = EscalationWebhook(
            url=settings.escalation_webhook_url,
            secret=settings.escalation_webhook_secret.get_secret_value(),
        )
    policy = DeliveryPolicy(
        acknowledge_within=timedelta(seconds=settings.acknowledge_within_secs),
        max_plays=settings.max_plays,
    )
    return Broadcaster(
        database=database,
        knowledge=knowledge,
        policy=policy,
        language=settings.language,
        webhook=webhook,
        speak_ahead=speak_ahead,
        shared=shared,
        node=node,
        presence_fresh=timedelta(seconds=settings.presence_stale_secs),
        escalation_spoken_within=timedelta(seconds=settings.escalation_spoken_within_secs),
    )


def runtime_broadcaster(
    runtime: Runtime, database: Database, *, shared: bool = False, node: str | None = None
) -> Broadcaster | None:
    """A process's broadcaster (``None`` when the runtime serves files, not publications).

    ``shared``: other nodes of a cluster serve sessions from the same database (see
    :class:`Broadcaster`); ``node``: its id there (a worker's heartbeat id).
    """
    if not isinstance(runtime.knowledge_holder, PublishedKnowledgeHolder):
        return None
    return build_broadcaster(
        runtime.settings.broadcast,
        database=database,
        knowledge=lambda: runtime.knowledge,
        speak_ahead=notice_renderer(runtime.prerenderer),
        shared=shared,
        node=node,
    )


def runtime_quizmaster(runtime: Runtime, database: Database) -> Quizmaster | None:
    """A process's quizmaster (``None`` when the runtime serves files, not publications)."""
    if not isinstance(runtime.knowledge_holder, PublishedKnowledgeHolder):
        return None
    return build_quizmaster(
        runtime.settings.quiz,
        database=database,
        knowledge=lambda: runtime.knowledge,
        language=runtime.settings.broadcast.language,
        llm=runtime.settings.answerer.openai,
    )


def build_quizmaster(
    settings: QuizSettings,
    *,
    database: Database,
    knowledge: Callable[[], KnowledgeBase],
    language: str,
    llm: OpenAISettings,
) -> Quizmaster:
    """A quizmaster with the ``[quiz]`` policy and judge (``llm``: the judge's endpoint).

    Raises:
        AnswererConfigError: ``judge = "llm"`` with no API key for a remote endpoint.
    """
    judge = None
    if settings.judge == "llm":
        judge = build_quiz_judge(llm, deadline_secs=settings.judge_deadline_secs)
    return Quizmaster(
        database=database,
        knowledge=knowledge,
        policy=QuizPolicy(
            questions=settings.questions,
            retry_after=timedelta(seconds=settings.retry_after_secs),
            max_attempts=settings.max_attempts,
        ),
        language=language,
        answer_within_secs=settings.answer_within_secs,
        enabled=settings.enabled,
        judge=judge,
    )


@asynccontextmanager
async def running(
    broadcaster: Broadcaster,
    *,
    subscribe: Callable[[PublicationObserver], Callable[[], None]],
    tick_secs: float,
    quizmaster: Quizmaster | None = None,
) -> AsyncIterator[Broadcaster]:
    """Start it and the quizmaster, follow publications, stop them.

    ``subscribe`` is ``Runtime.on_publication``.
    """
    unsubscribers = [subscribe(broadcaster.on_publication)]
    if quizmaster is not None:
        unsubscribers.append(subscribe(quizmaster.on_publication))
        await quizmaster.start(tick_secs=tick_secs)
    await broadcaster.start(tick_secs=tick_secs)
    try:
        yield broadcaster
    finally:
        for unsubscribe in unsubscribers:
            unsubscribe()
        await broadcaster.stop()
        if quizmaster is not None:
            await quizmaster.stop()
