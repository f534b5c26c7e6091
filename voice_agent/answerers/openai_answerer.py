"""Answers with an OpenAI-compatible LLM, fact-guarded, with the grounded answer as fallback.

One question, in order:

1. The fallback (grounded) answerer answers first; it is local and fast. Its answer is kept
   ready, its facts and the :class:`KnowledgeTools` facts for the question go into the
   prompt. A refusal (the caller's role may not hear this) is returned as is: the LLM never
   sees the question.
2. The LLM streams its answer. Tool calls (lookup, quote, contact) are executed and fed back
   for at most :data:`MAX_TOOL_ROUNDS` rounds; every tool result becomes a fact.
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
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import openai
from loguru import logger

from knowledge_base.answering import Answer, Answerer, AnswerSource, Question
from knowledge_base.fact_guard import FactSet
from knowledge_base.models import is_chinese
from voice_agent.answerers.errors import AnswererError, LLMProtocolError, translate_openai_error
from voice_agent.answerers.events import AnswererCounters, AnswererEvent, AnswererEventKind
from voice_agent.answerers.prompt import build_messages
from voice_agent.answerers.tools import TOOL_DEFINITIONS, KnowledgeTools, run_tool

MAX_TOOL_ROUNDS = 2
"""Requests that offer tools; the request after the last tool round offers none."""

# Grounded answers the LLM never rewrites, with the reason recorded in ``detail["llm"]``.
_PASS_THROUGH: dict[AnswerSource, str] = {
    AnswerSource.REFUSED: "skipped: the caller's role may not hear this",
    AnswerSource.CLARIFY: "skipped: the question is asked back",
}
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")
_MARKUP = re.compile(r"^(?:[-*•#>]+\s*|\d{1,2}[.)](?:\s+|$))+|\*\*|__|`")
"""List markers, headings and emphasis: formatting, not speech."""


# --- what the LLM conversation reports to the speaker -------------------------------------------


@dataclass(frozen=True, slots=True)
class _Text:
    text: str


@dataclass(frozen=True, slots=True)
class _Alive:
    """The model started a tool call: it is answering, just not in words yet."""


@dataclass(frozen=True, slots=True)
class _NextRound:
    """Tool results were sent back; the next request's first token is awaited anew."""


@dataclass(frozen=True, slots=True)
class _Finished:
    finish_reason: str | None


@dataclass(frozen=True, slots=True)
class _Failed:
    error: AnswererError


_Report = _Text | _Alive | _NextRound | _Finished | _Failed


@dataclass(slots=True)
class _PendingCall:
    id: str = ""
    name: str = ""
    arguments: str = ""


@dataclass(slots=True)
class _Turn:
    """What happened while answering one question (becomes ``Answer.detail``)."""

    started: float
    first_token_secs: float | None = None
    first_sentence_secs: float | None = None
    tool_calls: list[dict[str, object]] = field(default_factory=list)
    rounds: int = 0
    text: str = ""
    """Everything the model wrote, spoken or not (diagnostics)."""


class _SentenceBuffer:
    """Collects streamed text and hands out sentences once they are complete."""

    def __init__(self) -> None:
        self._text = ""

    def add(self, text: str) -> list[str]:
        self._text += text
        ends = list(_SENTENCE_END.finditer(self._text))
        if not ends:
            return []
        cut = ends[-1].end()
        done, self._text = self._text[:cut], self._text[cut:]
        parts = (_speakable(part) for part in _SENTENCE_END.split(done))
        return [part for part in parts if part]

    def rest(self) -> str:
        rest, self._text = _speakable(self._text), ""
        return rest


def _speakable(text: str) -> str:
    """``text`` without markdown; empty when only formatting or punctuation is left."""
    cleaned = _MARKUP.sub("", text.strip()).strip()
    return cleaned if any(char.isalnum() for char in cleaned) else ""


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
        self.counters = AnswererCounters()
        """How many violations, fallbacks and tool calls this answerer has seen."""

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
        turn = _Turn(started=time.perf_counter())
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

        fact_texts = _for_language(_unique([*grounded.facts, *tool_facts]), question)
        facts = FactSet.from_texts(fact_texts, question=question.text)
        messages = build_messages(question, fact_texts)
        reports: asyncio.Queue[_Report] = asyncio.Queue()
        conversation = asyncio.create_task(
            self._converse(question, messages, facts, fact_texts, reports, turn)
        )
        spoken: list[str] = []
        buffer = _SentenceBuffer()
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
                if isinstance(report, _NextRound):
                    waiting_first = True
                    deadline_at = time.perf_counter() + self._deadline
                    continue
                if isinstance(report, _Failed):
                    fallback_reason = "error"
                    fallback_detail = {
                        "error_code": report.error.code,
                        "retryable": report.error.retryable,
                        "error": report.error.message,
                    }
                    break
                if isinstance(report, _Alive | _Text) and turn.first_token_secs is None:
                    turn.first_token_secs = round(time.perf_counter() - turn.started, 3)
                waiting_first = False
                if isinstance(report, _Text):
                    turn.text += report.text
                    sentences = buffer.add(report.text)
                elif isinstance(report, _Finished):
                    # A reply cut by max_tokens ends mid-sentence: that fragment is dropped.
                    rest = buffer.rest()
                    sentences = [rest] if rest and report.finish_reason != "length" else []
                else:
                    continue
                for sentence in sentences:
                    if sentence in spoken:
                        continue  # a model repeating itself is not worth hearing twice
                    violations = _violations(sentence, facts, grounded, first=not spoken)
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
                if isinstance(report, _Finished) and fallback_reason is None:
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
            yield self._llm_answer(question, spoken, grounded, fact_texts, turn)
            return
        fallback_detail["llm_text"] = turn.text[:400]
        self._report_fallback(question, fallback_reason, fallback_detail, turn)
        answer = self._fallback_answer(
            question, spoken, grounded, fact_texts, turn, fallback_reason, fallback_detail
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

    # --- the conversation with the model ---------------------------------------------------

    async def _converse(
        self,
        question: Question,
        messages: list[dict[str, object]],
        facts: FactSet,
        fact_texts: list[str],
        reports: asyncio.Queue[_Report],
        turn: _Turn,
    ) -> None:
        try:
            for round_index in range(MAX_TOOL_ROUNDS + 1):
                if round_index:
                    reports.put_nowait(_NextRound())
                turn.rounds = round_index + 1
                content, calls, finish_reason = await self._request(
                    messages, offer_tools=round_index < MAX_TOOL_ROUNDS, reports=reports
                )
                if not calls:
                    reports.put_nowait(_Finished(finish_reason))
                    return
                messages.append(
                    {
                        "role": "assistant",
                        "content": content or None,
                        "tool_calls": [
                            {
                                "id": call.id,
                                "type": "function",
                                "function": {"name": call.name, "arguments": call.arguments},
                            }
                            for call in calls
                        ],
                    }
                )
                for call in calls:
                    result = await run_tool(
                        self._tools, name=call.name, arguments=call.arguments, question=question
                    )
                    facts.add_facts([result.text])
                    fact_texts.append(result.text)
                    record = {"name": call.name, "arguments": call.arguments, "ok": result.ok}
                    turn.tool_calls.append(record)
                    self._emit("tool_call", question, {**record, "result": result.text})
                    messages.append(
                        {"role": "tool", "tool_call_id": call.id, "content": result.text}
                    )
            reports.put_nowait(_Finished("tool_rounds_exhausted"))
        except AnswererError as e:
            reports.put_nowait(_Failed(e))

    async def _request(
        self,
        messages: list[dict[str, object]],
        *,
        offer_tools: bool,
        reports: asyncio.Queue[_Report],
    ) -> tuple[str, list[_PendingCall], str | None]:
        """Stream one completion: text goes to ``reports``; tool calls are collected."""
        request: dict[str, Any] = {
            "model": self._model,
            "messages": messages,
            "max_tokens": self._max_tokens,
            "temperature": self._temperature,
            "stream": True,
        }
        if offer_tools:
            request["tools"] = TOOL_DEFINITIONS
        content: list[str] = []
        calls: dict[int, _PendingCall] = {}
        finish_reason: str | None = None
        try:
            stream = await self._client.chat.completions.create(**request)
            async with stream:
                async for chunk in stream:
                    if not chunk.choices:
                        continue
                    choice = chunk.choices[0]
                    delta = choice.delta
                    if delta is not None and delta.content:
                        content.append(delta.content)
                        reports.put_nowait(_Text(delta.content))
                    if delta is not None and delta.tool_calls:
                        if not calls:
                            reports.put_nowait(_Alive())
                        for part in delta.tool_calls:
                            pending = calls.setdefault(part.index, _PendingCall())
                            pending.id = part.id or pending.id
                            if part.function is not None:
                                pending.name += part.function.name or ""
                                pending.arguments += part.function.arguments or ""
                    if choice.finish_reason:
                        finish_reason = choice.finish_reason
        except openai.OpenAIError as e:
            raise translate_openai_error(e) from e
        except (ValueError, KeyError, AttributeError) as e:
            raise LLMProtocolError(f"unreadable LLM stream: {e}") from e
        ordered = [calls[index] for index in sorted(calls)]
        for number, call in enumerate(ordered):
            call.id = call.id or f"call_{number}"
        return "".join(content), [call for call in ordered if call.name], finish_reason

    # --- answers and events ----------------------------------------------------------------

    def _llm_answer(
        self,
        question: Question,
        spoken: list[str],
        grounded: Answer,
        fact_texts: list[str],
        turn: _Turn,
    ) -> Answer:
        return Answer(
            text=_join(spoken, question),
            source=AnswerSource.LLM,
            promotion_ids=list(grounded.promotion_ids),
            facts=list(fact_texts),
            detail={
                "model": self._model,
                "first_token_secs": turn.first_token_secs,
                "first_sentence_secs": turn.first_sentence_secs,
                "answer_secs": round(time.perf_counter() - turn.started, 3),
                "rounds": turn.rounds,
                "tool_calls": turn.tool_calls,
            },
        )

    def _fallback_answer(
        self,
        question: Question,
        spoken: list[str],
        grounded: Answer,
        fact_texts: list[str],
        turn: _Turn,
        reason: str,
        detail: dict[str, object],
    ) -> Answer:
        # UNKNOWN stays UNKNOWN: a fallback that knows nothing must not count as known.
        source = (
            AnswerSource.FALLBACK if grounded.source is AnswerSource.GROUNDED else grounded.source
        )
        return Answer(
            text=_join([*spoken, *grounded.sentences()], question),
            source=source,
            promotion_ids=list(grounded.promotion_ids),
            facts=_unique([*grounded.facts, *fact_texts]) if spoken else list(grounded.facts),
            detail={
                **grounded.detail,
                "model": self._model,
                "fallback_reason": reason,
                **detail,
                "llm_sentences_spoken": len(spoken),
                "first_token_secs": turn.first_token_secs,
                "answer_secs": round(time.perf_counter() - turn.started, 3),
                "tool_calls": turn.tool_calls,
            },
        )

    def _report_fallback(
        self, question: Question, reason: str, detail: dict[str, object], turn: _Turn
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


_YES = re.compile(
    r"^(?:yes|yeah|yep|sure|correct)\b|^(?:是的|是|对|可以|有的)(?:[，,。！]|$)", re.I
)
_NO = re.compile(r"^(?:no|nope|not|unfortunately|sorry)\b|^(?:不|没有|否)", re.IGNORECASE)


def _polarity(sentence: str) -> bool | None:
    text = sentence.strip()
    if _YES.search(text):
        return True
    if _NO.search(text):
        return False
    return None


def _violations(sentence: str, facts: FactSet, grounded: Answer, *, first: bool) -> list[str]:
    """Why ``sentence`` must not be spoken (empty when it may)."""
    check = facts.check(sentence)
    if not check.ok:
        return check.describe()
    if first and _contradicts(sentence, grounded):
        return [f"{sentence!r} contradicts the knowledge base: {grounded.sentences()[0]!r}"]
    return []


def _contradicts(sentence: str, grounded: Answer) -> bool:
    """A "yes" where the knowledge base says "no" (or the reverse), by the opening words.

    The fact guard checks numbers; this catches the other answer a clerk acts on at once,
    "Yes, the limited edition is included" when the grounded answer says "No, ... excluded".
    """
    if grounded.source is not AnswerSource.GROUNDED:
        return False
    first = grounded.sentences()[:1]
    theirs = _polarity(first[0]) if first else None
    ours = _polarity(sentence)
    return theirs is not None and ours is not None and theirs != ours


def _for_language(texts: list[str], question: Question) -> list[str]:
    # A Chinese-only fact ("周末跑鞋优惠") in an English prompt makes small models switch language.
    if is_chinese(question.language):
        return texts
    return [text for text in texts if not _mostly_cjk(text)]


def _mostly_cjk(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    cjk = sum(1 for char in letters if "\u4e00" <= char <= "\u9fff")
    return bool(letters) and cjk * 2 > len(letters)


def _unique(texts: list[str]) -> list[str]:
    return list(dict.fromkeys(text for text in texts if text))


def _join(sentences: list[str], question: Question) -> str:
    return ("" if is_chinese(question.language) else " ").join(sentences)
