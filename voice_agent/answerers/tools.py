"""Knowledge-base tools the LLM may call, and the facts it answers from.

:class:`KnowledgeTools` is what the LLM answerer needs from the knowledge base: facts for a
question, promotion lookups, basket quotes and contacts, each as plain English text. Tool
results are *facts*: the fact guard accepts a number in the answer only when such a text
(or the retrieved facts) states it. :class:`~voice_agent.answerers.kb_tools.KnowledgeBaseTools`
implements it over the knowledge base; :data:`TOOL_DEFINITIONS` describes the tools to an
OpenAI-compatible endpoint and :func:`run_tool` executes one call.

Only what every role may hear goes into these texts (windows, rules, limits, stacking,
contacts, FAQs); store-manager notes and regional targets never do.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from loguru import logger

from knowledge_base.answering import Question
from knowledge_base.errors import KnowledgeError


class KnowledgeTools(Protocol):
    """The knowledge base as the LLM answerer sees it: plain-text facts.

    Methods are synchronous and may block briefly; the answerer calls them in a thread.
    ``question`` supplies the defaults: the asker's store and the moment asked.
    """

    def facts_for(self, question: Question) -> list[str]:
        """Facts relevant to ``question`` (products, categories and promotions it names)."""
        ...

    def lookup_promotions(
        self,
        question: Question,
        *,
        item: str | None = None,
        store_id: str | None = None,
        day: date | None = None,
    ) -> str:
        """Promotions on a product, category or promotion name (all, when ``item`` is None)."""
        ...

    def quote(
        self,
        question: Question,
        *,
        items: Sequence[tuple[str, int]],
        member: bool = False,
        store_id: str | None = None,
        day: date | None = None,
    ) -> str:
        """The price of a basket of (item, quantity) with every promotion that applies."""
        ...

    def contact(self, question: Question, *, promotion: str) -> str:
        """Who to call about a promotion."""
        ...


_STORE = {
    "type": "string",
    "description": "Store code such as SH-01. Omit for the clerk's own store.",
}
_DATE = {
    "type": "string",
    "description": "Day asked about, YYYY-MM-DD. Omit for now.",
}

TOOL_DEFINITIONS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": "lookup_promotions",
            "description": (
                "Find the promotions on a product, category or promotion at a store on a day: "
                "discounts, dates, limits, what combines, who to call."
            ),
            "parameters": {
                "type": "object",
                "properties": {
                    "item": {
                        "type": "string",
                        "description": (
                            "Product name or code (Aero X 200, AX-200), category (running "
                            "shoes) or promotion name (weekend offer). Omit for everything."
                        ),
                    },
                    "store_id": _STORE,
                    "date": _DATE,
                },
                "required": [],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "quote_price",
            "description": (
                "Price a basket at a store with every promotion that applies, step by step."
            ),
            "parameters": {
                "type": "object",
                "properties": {
                    "items": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "item": {"type": "string", "description": "Product name or code"},
                                "quantity": {"type": "integer", "minimum": 1},
                            },
                            "required": ["item"],
                        },
                    },
                    "member": {"type": "boolean", "description": "The customer is a member."},
                    "store_id": _STORE,
                    "date": _DATE,
                },
                "required": ["items"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "promotion_contact",
            "description": "Who to call about a promotion.",
            "parameters": {
                "type": "object",
                "properties": {
                    "promotion": {"type": "string", "description": "Promotion name or id"},
                },
                "required": ["promotion"],
            },
        },
    },
]
"""OpenAI ``tools`` for :class:`KnowledgeTools`."""


@dataclass(frozen=True, slots=True)
class ToolResult:
    """The outcome of one tool call: text for the model (and the fact guard)."""

    name: str
    arguments: dict[str, Any]
    text: str
    ok: bool
    """False when the call could not be executed (bad arguments, unknown tool, failure)."""


class ToolArgumentError(ValueError):
    """A tool call's arguments are not what its definition asks for."""


def _parse_day(value: Any) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as e:
        raise ToolArgumentError(f"date must be YYYY-MM-DD, got {value!r}") from e


def _optional_text(arguments: dict[str, Any], key: str) -> str | None:
    value = arguments.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ToolArgumentError(f"{key} must be a string, got {value!r}")
    return value


def _call(tools: KnowledgeTools, name: str, arguments: dict[str, Any], question: Question) -> str:
    if name == "lookup_promotions":
        return tools.lookup_promotions(
            question,
            item=_optional_text(arguments, "item"),
            store_id=_optional_text(arguments, "store_id"),
            day=_parse_day(arguments.get("date")),
        )
    if name == "quote_price":
        raw_items = arguments.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            raise ToolArgumentError("items must be a non-empty list of {item, quantity}")
        items: list[tuple[str, int]] = []
        for raw in raw_items:
            if isinstance(raw, str):
                items.append((raw, 1))
                continue
            if not isinstance(raw, dict) or not isinstance(raw.get("item"), str):
                raise ToolArgumentError(f"each item needs an 'item' name, got {raw!r}")
            quantity = raw.get("quantity", 1)
            if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
                raise ToolArgumentError(f"quantity must be a whole number >= 1, got {quantity!r}")
            items.append((raw["item"], quantity))
        return tools.quote(
            question,
            items=items,
            member=bool(arguments.get("member", False)),
            store_id=_optional_text(arguments, "store_id"),
            day=_parse_day(arguments.get("date")),
        )
    if name == "promotion_contact":
        promotion = _optional_text(arguments, "promotion")
        if promotion is None:
            raise ToolArgumentError("promotion is required")
        return tools.contact(question, promotion=promotion)
    raise ToolArgumentError(f"unknown tool {name!r}")


async def run_tool(
    tools: KnowledgeTools, *, name: str, arguments: str, question: Question
) -> ToolResult:
    """Execute one tool call (``arguments`` is the model's JSON text) off the event loop.

    Never raises for the model's mistakes: bad JSON, unknown tools and bad arguments come
    back as an error text the model can read, with ``ok`` False.
    """
    try:
        parsed = json.loads(arguments) if arguments.strip() else {}
    except json.JSONDecodeError:
        return ToolResult(name, {}, f"Error: arguments are not valid JSON: {arguments!r}", False)
    if not isinstance(parsed, dict):
        return ToolResult(name, {}, "Error: arguments must be a JSON object", False)
    try:
        text = await asyncio.to_thread(_call, tools, name, parsed, question)
    except ToolArgumentError as e:
        return ToolResult(name, parsed, f"Error: {e}", False)
    except KnowledgeError as e:
        return ToolResult(name, parsed, f"Error: {e}", False)
    except Exception as e:  # a tool bug must not end the answer; the model hears an error
        logger.exception(f"tool {name} failed with {parsed!r}")
        return ToolResult(
            name, parsed, f"Error: the {name} tool failed ({type(e).__name__})", False
        )
    return ToolResult(name, parsed, text, True)
