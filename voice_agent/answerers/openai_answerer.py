"""Answers with an OpenAI-compatible LLM, fact-guarded, with the grounded answer as fallback.

One question, in order:

1. The fallback (grounded) answerer answers first; it is local and fast. Its answer is kept
   ready, its facts and the :class:`KnowledgeTools` facts for the question go into the
   prompt. A refusal (the caller's role may not hear this) or a question asked back (which
   offer is meant) is returned as is: the LLM never sees the question.
2. The LLM streams its answer. Tool calls (lookup, quote, contact) are executed and fed back
   for at most :data:`~voice_agent.answerers.llm_conversation.MAX_TOOL_ROUNDS` rounds
   (:mod:`~voice_agent.answerers.llm_conversation`); every tool result becomes a fact.
3. Every completed sentence goes through the fact guard before it is yielded: a sentence
   whose numbers the facts do not all support is never spoken. The first sentence must also
   not open with "yes" where the grounded answer opens with "no" (or the reverse). The guard
   checks numbers and that one yes/no; other words of the model are not verified, which is
   why a model too weak to stay on its facts belongs behind ``answerer.kind = "grounded"``.

Fallbacks. No first token (text or tool call) within ``first_token_deadline`` seconds of the
question (or of a follow-up request after tool calls), an API error, a stalled stream or an
empty answer: the grounded answer is yielded instead, within the deadline, since it was
computed before the LLM was asked.

A violation after a sentence was already spoken: the violating sentence and everything after
it are dropped, and the complete grounded answer follows what was said. What was spoken had
passed the guard (every number in it is a fact), so nothing needs taking back; the grounded
answer then gives the clerk the numbers the LLM got wrong, from the knowledge base. The
answer's source is then ``FALLBACK`` and ``detail["llm_sentences_spoken"]`` says how many LLM
sentences came first. (Saying nothing more would leave the clerk without the number the LLM
was about to say; a spoken correction would repeat a wrong number.)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import openai
from loguru import logger

from knowledge_base.answering import Answer, Answerer, AnswerSource, Question
from knowledge_base.fact_guard import FactSet
from knowledge_base.rate_check import misquoted_rates
from voice_agent.answerers.events import AnswererCounters, AnswererEvent, AnswererEventKind
from voice_agent.answerers.llm_answers import fallback_answer, llm_answer
from voice_agent.answerers.llm_conversation import (
    Alive,
    Failed,
    Finished,
    ModelConversation,
    NextRound,
    Report,
    Text,
    Turn,
)
from voice_agent.answerers.llm_sentences import (
    SentenceBuffer,
    for_language,
    unique,
    why_unspeakable,
)
from voice_agent.answerers.prompt import build_messages
from voice_agent.answerers.tools import KnowledgeTools

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase

# Grounded answers the LLM never rewrites, with the reason recorded in ``detail["llm"]``.
_PASS_THROUGH: dict[AnswerSource, str] = {
    AnswerSource.REFUSED: "skipped: the caller's role may not hear this",
    AnswerSource.CLARIFY: "skipped: the question is asked back",
}


class OpenAIAnswerer(Answerer):
    """Streams fact-guarded LLM answers; the grounded answer covers every failure."""

    name = "openai"

    def __init__(
        self,
        *,
        client: openai.AsyncOpenAI,
        model: str,
        knowledge_tools: KnowledgeTools,
        fallback: Answerer,
        first_token_deadline: float = 1.5,
        max_tokens: int = 120,
        temperature: float = 0.2,
        on_event: Callable[[AnswererEvent], None] | None = None,
        stall_timeout: float = 4.0,
        max_sentences: int = 3,
        knowledge: KnowledgeBase | None = None,
    ) -> None:
        """Answer with ``model`` through ``client``.

        Args:
            client: An OpenAI-compatible async client (build it with ``max_retries=0``:
                a retry cannot beat the deadline, the fallback can).
            model: Model name at the endpoint.
            knowledge_tools: Facts and tools over the knowledge base.
            fallback: The grounded answerer, used on any failure.
            first_token_deadline: Seconds from the question (or from a follow-up request
                after tool calls) to the model's first token; later, the fallback answers.
            max_tokens: Upper bound of generated tokens per request.
            temperature: Sampling temperature.
            on_event: Called with every :class:`AnswererEvent` (also logged and counted).
            stall_timeout: Seconds without a new token, once the model has started, before
                the answer is abandoned as stalled.
            max_sentences: Sentences spoken at most; the model is stopped after that (small
                models ramble and repeat themselves; a clerk needs one or two sentences).
            knowledge: The knowledge base, for the rate check: a sentence giving an item a
                discount the pricing engine does not give it is not spoken, though the
                facts hold the figure (``None``: the fact guard alone).
        """
        self._client = client
        self._model = model
        self._tools = knowledge_tools
        self._fallback = fallback
        self._deadline = first_token_deadline
        self._max_tokens = max_tokens
        self._temperature = temperature
        self._on_event = on_event
        self._stall_timeout = stall_timeout
        self._max_sentences = max_sentences
        self._knowledge = knowledge
        self._conversation = ModelConversation(
            client=client,
            model=model,
            knowledge_tools=knowledge_tools,
            max_tokens=max_tokens,
            temperature=temperature,
            emit=self._emit,
        )
        self.counters = AnswererCounters()
        """How many violations, fallbacks and tool calls this answerer has seen."""

    def _rate_check(
        self, question: Question, grounded: Answer
    ) -> Callable[[str], list[str]] | None:
        """The rate check at the store the answer is for, at the moment asked."""
        knowledge = self._knowledge
        if knowledge is None:
            return None
        store = str(grounded.detail.get("store_id") or question.store_id)
        if store not in knowledge.stores:
            return None
        at = question.asked_at or datetime.now(UTC)
        return lambda sentence: misquoted_rates(sentence, knowledge, store, at)

    async def answer(self, question: Question) -> Answer:
        """The complete answer (the last item of :meth:`stream`)."""
        final: Answer | None = None
        async for item in self.stream(question):
            if isinstance(item, Answer):
                final = item
        assert final is not None  # stream always ends with the Answer
        return final

    async def stream(self, question: Question) -> AsyncIterator[str | Answer]:
        """Yield fact-guarded sentences as the LLM completes them, then the ``Answer``."""
        turn = Turn(started=time.perf_counter())
        deadline_at = turn.started + self._deadline
        grounded, tool_facts = await asyncio.gather(
            self._fallback.answer(question), self._facts_for(question)
        )
        if grounded.source in _PASS_THROUGH:
            grounded.detail["llm"] = _PASS_THROUGH[grounded.source]
            for sentence in grounded.sentences():
                yield sentence
            yield grounded
            return

        fact_texts = for_language(unique([*grounded.facts, *tool_facts]), question)
        facts = FactSet.from_texts(fact_texts, question=question.text)
        misquoted = self._rate_check(question, grounded)
        messages = build_messages(question, fact_texts)
        reports: asyncio.Queue[Report] = asyncio.Queue()
        conversation = asyncio.create_task(
            self._conversation.run(question, messages, facts, fact_texts, reports, turn)
        )
        spoken: list[str] = []
        buffer = SentenceBuffer()
        fallback_reason: str | None = None
        fallback_detail: dict[str, object] = {}
        try:
            waiting_first = True
            while fallback_reason is None:
                now = time.perf_counter()
                timeout = deadline_at - now if waiting_first else self._stall_timeout
                try:
                    report = await asyncio.wait_for(reports.get(), timeout=max(timeout, 0.0))
                except TimeoutError:
                    fallback_reason = "timeout" if waiting_first else "stalled"
                    fallback_detail = {"waited_secs": round(time.perf_counter() - turn.started, 3)}
                    break
                if isinstance(report, NextRound):
                    waiting_first = True
                    deadline_at = time.perf_counter() + self._deadline
                    continue
                if isinstance(report, Failed):
                    fallback_reason = "error"
                    fallback_detail = {
                        "error_code": report.error.code,
                        "retryable": report.error.retryable,
                        "error": report.error.message,
                    }
                    break
                if isinstance(report, Alive | Text) and turn.first_token_secs is None:
                    turn.first_token_secs = round(time.perf_counter() - turn.started, 3)
                waiting_first = False
                if isinstance(report, Text):
                    turn.text += report.text
                    sentences = buffer.add(report.text)
                elif isinstance(report, Finished):
                    # A reply cut by max_tokens ends mid-sentence: that fragment is dropped.
                    rest = buffer.rest()
                    sentences = [rest] if rest and report.finish_reason != "length" else []
                else:
                    continue
                for sentence in sentences:
                    if sentence in spoken:
                        continue  # a model repeating itself is not worth hearing twice
                    violations = why_unspeakable(
                        sentence, facts, grounded, first=not spoken, misquoted=misquoted
                    )
                    if violations:
                        fallback_reason = "fact_guard_violation"
                        fallback_detail = {"sentence": sentence, "violations": violations}
                        break
                    spoken.append(sentence)
                    if turn.first_sentence_secs is None:
                        turn.first_sentence_secs = round(time.perf_counter() - turn.started, 3)
                    yield sentence
                    if len(spoken) >= self._max_sentences:
                        break
                if len(spoken) >= self._max_sentences and fallback_reason is None:
                    break  # enough said; the conversation is cancelled below
                if isinstance(report, Finished) and fallback_reason is None:
                    if not spoken:
                        fallback_reason = "empty"
                        fallback_detail = {"finish_reason": report.finish_reason}
                    break
        finally:
            # Stop the model (closing its HTTP stream); asyncio.wait does not re-raise the
            # task's own cancellation, but still lets this task be cancelled.
            conversation.cancel()
            await asyncio.wait([conversation])

        if fallback_reason is None:
            yield llm_answer(self._model, question, spoken, grounded, fact_texts, turn)
            return
        fallback_detail["llm_text"] = turn.text[:400]
        self._report_fallback(question, fallback_reason, fallback_detail, turn)
        answer = fallback_answer(
            self._model,
            question,
            spoken,
            grounded,
            fact_texts,
            turn,
            fallback_reason,
            fallback_detail,
        )
        for sentence in grounded.sentences():
            yield sentence
        yield answer

    async def _facts_for(self, question: Question) -> list[str]:
        try:
            return await asyncio.to_thread(self._tools.facts_for, question)
        except Exception:  # the grounded facts still let the model answer
            logger.exception(f"{self.name}: retrieving facts for {question.text!r} failed")
            return []

    # --- events ----------------------------------------------------------------------------

    def _report_fallback(
        self, question: Question, reason: str, detail: dict[str, object], turn: Turn
    ) -> None:
        kind: AnswererEventKind = "fallback_error"
        if reason == "timeout":
            kind = "fallback_timeout"
        elif reason == "fact_guard_violation":
            kind = "fact_guard_violation"
        self._emit(kind, question, {"reason": reason, **detail})

    def _emit(self, kind: AnswererEventKind, question: Question, detail: dict[str, object]) -> None:
        event = AnswererEvent(kind=kind, detail=detail, question=question.text)
        self.counters.record(event)
        if kind == "tool_call":
            logger.debug(f"{self.name}: tool call {detail.get('name')} {detail.get('arguments')}")
        else:
            logger.warning(f"{self.name}: {kind} for {question.text!r}: {detail}")
        if self._on_event is not None:
            try:
                self._on_event(event)
            except Exception:  # a listener bug must not cost the clerk the answer
                logger.exception(f"{self.name}: event listener failed")
