"""One conversation with an OpenAI-compatible model: streamed requests and tool rounds.

:class:`ModelConversation` streams the model's text to the speaker as :data:`Report` items,
runs the tool calls it makes (each result becomes a fact) for at most
:data:`MAX_TOOL_ROUNDS` rounds, and reports failures instead of raising them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import openai

from knowledge_base.answering import Question
from knowledge_base.fact_guard import FactSet
from voice_agent.answerers.errors import AnswererError, LLMProtocolError, translate_openai_error
from voice_agent.answerers.events import AnswererEventKind
from voice_agent.answerers.tools import TOOL_DEFINITIONS, KnowledgeTools, run_tool

MAX_TOOL_ROUNDS = 2
"""Requests that offer tools; the request after the last tool round offers none."""


# --- what the LLM conversation reports to the speaker -------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """Streamed answer text."""

    text: str


@dataclass(frozen=True, slots=True)
class Alive:
    """The model started a tool call: it is answering, just not in words yet."""


@dataclass(frozen=True, slots=True)
class NextRound:
    """Tool results were sent back; the next request's first token is awaited anew."""


@dataclass(frozen=True, slots=True)
class Finished:
    """The model finished (``finish_reason`` as it said, or ``tool_rounds_exhausted``)."""

    finish_reason: str | None


@dataclass(frozen=True, slots=True)
class Failed:
    """The request failed; the answerer falls back."""

    error: AnswererError


Report = Text | Alive | NextRound | Finished | Failed
"""What the conversation reports to the speaker."""


@dataclass(slots=True)
class PendingCall:
    """A tool call being streamed in pieces."""

    id: str = ""
    name: str = ""
    arguments: str = ""


@dataclass(slots=True)
class Turn:
    """What happened while answering one question (becomes ``Answer.detail``)."""

    started: float
    first_token_secs: float | None = None
    first_sentence_secs: float | None = None
    tool_calls: list[dict[str, object]] = field(default_factory=list)
    rounds: int = 0
    text: str = ""
    """Everything the model wrote, spoken or not (diagnostics)."""


class ModelConversation:
    """Talks to the model for one answerer; :meth:`run` is one question's conversation."""

    def __init__(
        self,
        *,
        client: openai.AsyncOpenAI,
        model: str,
        knowledge_tools: KnowledgeTools,
        max_tokens: int,
        temperature: float,
        emit: Callable[[AnswererEventKind, Question, dict[str, object]], None],
    ) -> None:
        """Converse with ``model`` through ``client``; tool calls are reported to ``emit``."""
        self._client = client
        self._model = model
        self._tools = knowledge_tools
        self._max_tokens = max_tokens
        self._temperature = temperature
        self._emit = emit

    async def run(
        self,
        question: Question,
        messages: list[dict[str, object]],
        facts: FactSet,
        fact_texts: list[str],
        reports: asyncio.Queue[Report],
        turn: Turn,
    ) -> None:
        """Answer ``question``: text and outcome go to ``reports``, tool results to ``facts``."""
        try:
            for round_index in range(MAX_TOOL_ROUNDS + 1):
                if round_index:
                    reports.put_nowait(NextRound())
                turn.rounds = round_index + 1
                content, calls, finish_reason = await self._request(
                    messages, offer_tools=round_index < MAX_TOOL_ROUNDS, reports=reports
                )
                if not calls:
                    reports.put_nowait(Finished(finish_reason))
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
            reports.put_nowait(Finished("tool_rounds_exhausted"))
        except AnswererError as e:
            reports.put_nowait(Failed(e))

    async def _request(
        self,
        messages: list[dict[str, object]],
        *,
        offer_tools: bool,
        reports: asyncio.Queue[Report],
    ) -> tuple[str, list[PendingCall], str | None]:
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
        calls: dict[int, PendingCall] = {}
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
                        reports.put_nowait(Text(delta.content))
                    if delta is not None and delta.tool_calls:
                        if not calls:
                            reports.put_nowait(Alive())
                        for part in delta.tool_calls:
                            pending = calls.setdefault(part.index, PendingCall())
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
