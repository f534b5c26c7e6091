"""Knowledge-base tools the LLM may call, and the facts it answers from.

:class:`KnowledgeTools` is what the LLM answerer needs from the knowledge base: facts for a
question, promotion lookups, basket quotes and contacts, each as plain English text. Tool
results are *facts*: the fact guard accepts a number in the answer only when such a text
(or the retrieved facts) states it. :class:`KnowledgeBaseTools` implements it over
:class:`~knowledge_base.knowledge.KnowledgeBase`; :data:`TOOL_DEFINITIONS` describes the
tools to an OpenAI-compatible endpoint and :func:`run_tool` executes one call.

Only what every role may hear goes into these texts (windows, rules, limits, stacking,
contacts, FAQs); store-manager notes and regional targets never do.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, Protocol

from loguru import logger

from knowledge_base.answering import Question
from knowledge_base.errors import KnowledgeError
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import (
    AmountOff,
    MemberExtraPercent,
    Product,
    Promotion,
    PromotionStatus,
    Rule,
    SpendThreshold,
    last_day,
    runs_to_midnight,
)
from knowledge_base.phrasing import contact_phrase, limit_phrase, rule_phrase, sentence
from knowledge_base.pricing import Basket
from knowledge_base.resolution import Phase, stacking_relation
from knowledge_base.speech import amount_text, spoken_date, spoken_time

MAX_PROMOTIONS_PER_LOOKUP = 4
"""More than this many promotions in one lookup are cut (the prompt must stay short)."""


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


# --- the knowledge-base implementation -------------------------------------------------------


class KnowledgeBaseTools:
    """:class:`KnowledgeTools` over a loaded :class:`KnowledgeBase`."""

    def __init__(
        self,
        *,
        knowledge: KnowledgeBase,
        default_contact: str,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """Answer from ``knowledge``.

        Args:
            knowledge: The loaded knowledge base.
            default_contact: Who to name when no promotion matches
                ("the promotions desk at headquarters, extension 1000").
            clock: Current aware time when a question has no ``asked_at`` (default: now).
        """
        self._kb = knowledge
        self._default_contact = default_contact
        self._clock = clock or (lambda: datetime.now(UTC))

    # --- KnowledgeTools ---------------------------------------------------------------------

    def facts_for(self, question: Question) -> list[str]:
        """The store asked at, then the promotions on what the question names."""
        store_id = question.store_id if question.store_id in self._kb.stores else None
        at = self._moment(question, store_id, None)
        facts = [self._context_line(store_id)]
        products = self._products_named(question.text)
        categories = self._kb.find_categories(question.text)
        promotions = self._kb.find_promotions(question.text)
        if products or categories or promotions:
            facts += self._lookup_lines(products, categories, promotions, store_id, at)
        else:
            facts += self._all_promotion_lines(store_id, at)
        facts.append(f"When nothing matches, ask {self._default_contact}.")
        return facts

    def lookup_promotions(
        self,
        question: Question,
        *,
        item: str | None = None,
        store_id: str | None = None,
        day: date | None = None,
    ) -> str:
        """Promotions on ``item`` at the store and day (the question's by default)."""
        store = self._store(store_id or question.store_id)
        at = self._moment(question, store, day)
        if item is None:
            lines = self._all_promotion_lines(store, at)
        else:
            products = self._products_named(item)
            categories = self._kb.find_categories(item)
            promotions = self._kb.find_promotions(item)
            if not (products or categories or promotions):
                return f"Nothing in the catalogue or the promotions matches {item!r}."
            lines = self._lookup_lines(products, categories, promotions, store, at)
        return " ".join(lines) if lines else "No promotions found."

    def quote(
        self,
        question: Question,
        *,
        items: Sequence[tuple[str, int]],
        member: bool = False,
        store_id: str | None = None,
        day: date | None = None,
    ) -> str:
        """Price ``items`` at the store with every promotion that applies."""
        store = self._store(store_id or question.store_id)
        if store is None:
            return "A price needs a store: ask the clerk which store."
        at = self._moment(question, store, day)
        lines: list[tuple[str, int]] = []
        for name, quantity in items:
            products = self._products_named(name)
            if not products:
                return f"No product in the catalogue matches {name!r}."
            lines.append((products[0].sku, quantity))
        result = self._kb.quote(Basket.of(lines), store, at, member)
        unit = self._kb.currency_of(store).name.en
        who = "a member" if member else "a customer who is not a member"
        basket = ", ".join(
            f"{line.quantity} x {self._kb.product(line.sku).name.en} ({line.sku}) at "
            f"{amount_text(line.unit_list_price)} {unit}"
            for line in result.lines
        )
        steps = " ".join(f"{step.description}." for step in result.steps)
        saving = (
            f", the customer saves {amount_text(result.discount)} {unit}"
            if result.discount
            else ", no promotion applies"
        )
        return (
            f"Price at {store} for {who} on {spoken_date(at, with_year=True)}: {basket}; "
            f"list total {amount_text(result.list_total)} {unit}. {steps} "
            f"Total {amount_text(result.total)} {unit}{saving}."
        ).replace("  ", " ")

    def contact(self, question: Question, *, promotion: str) -> str:
        """Who to call about ``promotion`` (name, alias or id)."""
        found = self._promotion_named(promotion)
        if found is None:
            return f"No promotion matches {promotion!r}; ask {self._default_contact}."
        return self._contact_line(found)

    # --- helpers ----------------------------------------------------------------------------

    def _store(self, store_id: str | None) -> str | None:
        if store_id is None:
            return None
        key = store_id.strip().upper()
        if key not in self._kb.stores:
            known = ", ".join(sorted(self._kb.stores))
            raise KnowledgeError(f"no store {store_id!r}; the stores are {known}")
        return key

    def _moment(self, question: Question, store_id: str | None, day: date | None) -> datetime:
        if day is not None:
            zone = self._kb.zone(store_id) if store_id else UTC
            return datetime.combine(day, time(12, 0), tzinfo=zone)
        at = question.asked_at or self._clock()
        if at.tzinfo is None:  # a naive moment is the store's wall clock
            at = at.replace(tzinfo=self._kb.zone(store_id) if store_id else UTC)
        return self._kb.local_time(store_id, at) if store_id else at

    def _context_line(self, store_id: str | None) -> str:
        # No date or time here: "now" as a fact would let a model pass off today's date as
        # an end date. Each promotion line says where "now" falls ("running now", "ended on").
        if store_id is None:
            return "The store asked from is unknown."
        store = self._kb.store(store_id)
        region = self._kb.region_of(store_id)
        currency = self._kb.currency_of(store_id)
        return (
            f"Asked at store {store_id} ({store.name.en}, region {region.name.en}); prices "
            f"there are in {currency.name.en}."
        )

    def _products_named(self, text: str) -> list[Product]:
        key = re.sub(r"[\s_]+", "-", text.strip().upper())
        if key in self._kb.products:
            return [self._kb.products[key]]
        skus = dict.fromkeys(match.sku for match in self._kb.find_products(text))
        return [self._kb.products[sku] for sku in skus if sku in self._kb.products]

    def _promotion_named(self, text: str) -> Promotion | None:
        key = text.strip().lower()
        promotion = self._kb.promotions.get(key)
        if promotion is not None and promotion.visible:
            return promotion
        named = self._kb.find_promotions(text)
        return named[0] if named else None

    def _lookup_lines(
        self,
        products: Sequence[Product],
        categories: Sequence[Any],
        promotions: Sequence[Promotion],
        store_id: str | None,
        at: datetime,
    ) -> list[str]:
        lines: list[str] = []
        described: list[Promotion] = []
        for product in products[:3]:
            lines.append(self._product_line(product, store_id))
            covering = self._kb.promotions_for_sku(product.sku)
            for promotion in self._kb.visible_promotions():
                if product.sku in promotion.scope.exclude_skus:
                    lines.append(
                        f"{promotion.title.en} excludes {product.name.en} ({product.sku})."
                    )
            if not covering:
                lines.append(f"No promotion covers {product.name.en} ({product.sku}).")
            described += [p for p in covering if p not in described]
        for category in categories[:2]:
            skus = set(self._kb.category_skus(category.id))
            covering = [p for p in self._kb.visible_promotions() if skus & self._kb.scope_skus(p)]
            if not covering:
                lines.append(f"No promotion covers {category.name.en}.")
            described += [p for p in covering if p not in described]
        described += [p for p in promotions if p not in described]
        if store_id is not None:  # what runs now first, then what is coming, then the rest
            order = {Phase.RUNNING: 0, Phase.UPCOMING: 1}
            described.sort(
                key=lambda p: (
                    order.get(self._kb.timing(p, store_id, at).phase, 2)
                    if store_id in self._kb.scope_stores(p)
                    else 3
                )
            )
        for promotion in described[:MAX_PROMOTIONS_PER_LOOKUP]:
            lines.append(self._promotion_line(promotion, store_id, at))
        return lines

    def _all_promotion_lines(self, store_id: str | None, at: datetime) -> list[str]:
        promotions = (
            self._kb.promotions_at_store(store_id) if store_id else self._kb.visible_promotions()
        )
        lines = []
        for promotion in promotions:
            if store_id is not None:
                phase = self._kb.timing(promotion, store_id, at).phase
                if phase not in (Phase.RUNNING, Phase.UPCOMING):
                    continue
            lines.append(self._promotion_line(promotion, store_id, at))
        return lines[:MAX_PROMOTIONS_PER_LOOKUP] or ["No promotions are running or coming up."]

    def _product_line(self, product: Product, store_id: str | None) -> str:
        category = self._kb.categories.get(product.category)
        kind = category.name.en if category else product.category
        if store_id is not None:
            currency = self._kb.currency_of(store_id)
            price = product.list_price.get(currency.code)
            if price is not None:
                return (
                    f"{product.name.en} ({product.sku}) is {kind}, list price "
                    f"{amount_text(price)} {currency.name.en} at {store_id}."
                )
        prices = " / ".join(
            f"{amount_text(amount)} {self._currency_name(code)}"
            for code, amount in product.list_price.items()
        )
        return f"{product.name.en} ({product.sku}) is {kind}, list price {prices}."

    def _currency_name(self, code: str) -> str:
        currency = self._kb.currencies.get(code)
        return currency.name.en if currency else code

    def _promotion_line(self, promotion: Promotion, store_id: str | None, at: datetime) -> str:
        parts = [f"{promotion.title.en} ({promotion.id}):"]
        parts.append(self._timing_text(promotion, store_id, at))
        parts += self._rule_texts(promotion, store_id)
        if promotion.limit is not None:
            parts.append(sentence(limit_phrase(promotion.limit, zh=False), zh=False))
        parts += self._stacking_texts(promotion)
        for faq in promotion.faqs:
            parts.append(f"Q: {faq.question.en} A: {faq.answer.en}")
        parts.append(self._contact_line(promotion))
        return " ".join(parts)

    def _timing_text(self, promotion: Promotion, store_id: str | None, at: datetime) -> str:
        window = promotion.window
        if store_id is None:
            regions = ", ".join(
                self._kb.regions[r].name.en for r in promotion.regions if r in self._kb.regions
            )
            return (
                f"runs from {_when(window.start)} to {_until(window.end)} local time in "
                f"{regions}; status {promotion.status.value}."
            )
        if store_id not in self._kb.scope_stores(promotion):
            return f"not offered at store {store_id}."
        timing = self._kb.timing(promotion, store_id, at)
        span = f"from {_when(timing.starts)} to {_until(timing.ends)} local time"
        if timing.phase is Phase.RUNNING:
            return f"running now at {store_id}, {span}."
        if timing.phase is Phase.UPCOMING:
            return f"not started yet at {store_id}; it runs {span}."
        if timing.phase is Phase.WITHDRAWN:
            return f"withdrawn early; it was planned {span}."
        last = datetime.combine(timing.last_day, timing.ends.time())  # ends are exclusive
        return f"over: it ended on {spoken_date(last, with_year=True)}; it ran {span}."

    def _rule_texts(self, promotion: Promotion, store_id: str | None) -> list[str]:
        """Each rule as :func:`rule_phrase` says it, with its scope and how it applies."""
        scope = self._scope_text(promotion)
        texts = []
        for rule in promotion.rules:
            said = "; ".join(self._rule_phrases(rule, store_id))
            if not said:
                continue
            if isinstance(rule, MemberExtraPercent):
                said += " off the discounted price"
            elif isinstance(rule, SpendThreshold):
                said += " (the highest threshold reached applies once)"
            texts.append(f"On {scope}: {said}.")
        return texts

    def _rule_phrases(self, rule: Rule, store_id: str | None) -> list[str]:
        """In the store's currency; in every currency the rule names when that gives none."""
        if store_id is not None:
            phrases = rule_phrase(rule, self._kb.currency_of(store_id), zh=False)
            if phrases:
                return phrases
        if isinstance(rule, AmountOff):
            codes = list(rule.amount)
        elif isinstance(rule, SpendThreshold):
            codes = list(rule.tiers[0].spend)
        else:
            return rule_phrase(rule, None, zh=False)
        currencies = [self._kb.currencies[code] for code in codes if code in self._kb.currencies]
        return [" / ".join(p for c in currencies for p in rule_phrase(rule, c, zh=False))]

    def _scope_text(self, promotion: Promotion) -> str:
        names = [
            self._kb.categories[c].name.en if c in self._kb.categories else c
            for c in promotion.scope.categories
        ]
        names += [
            f"{self._kb.products[s].name.en} ({s})" if s in self._kb.products else s
            for s in promotion.scope.skus
        ]
        text = " and ".join(names)
        excluded = [
            f"{self._kb.products[s].name.en} ({s})" if s in self._kb.products else s
            for s in promotion.scope.exclude_skus
        ]
        if excluded:
            text += f", except {', '.join(excluded)}"
        return text

    def _amounts(self, prices: dict[str, Any], store_id: str | None) -> str:
        if store_id is not None:
            code = self._kb.currency_of(store_id).code
            if code in prices:
                return f"{amount_text(prices[code])} {self._currency_name(code)}"
        return " / ".join(
            f"{amount_text(amount)} {self._currency_name(code)}" for code, amount in prices.items()
        )

    def _stacking_texts(self, promotion: Promotion) -> list[str]:
        others = [
            p
            for p in self._kb.visible_promotions()
            if p.id != promotion.id and p.status is PromotionStatus.PUBLISHED
        ]
        apart = [p.title.en for p in others if stacking_relation(promotion, p) == "exclusive"]
        together = [p.title.en for p in others if stacking_relation(promotion, p) == "stack"]
        texts = []
        if promotion.stacking.exclusive:
            texts.append("Does not combine with any other promotion.")
        elif apart:
            texts.append(f"Does not combine with {', '.join(apart)}.")
        if together and not promotion.stacking.exclusive:
            texts.append(f"Combines with {', '.join(together)}.")
        return texts

    def _contact_line(self, promotion: Promotion) -> str:
        contact = self._kb.contact_for(promotion)
        if contact is None:
            return f"Contact for {promotion.title.en}: {self._default_contact}."
        return f"Contact for {promotion.title.en}: {contact_phrase(contact, zh=False)}."


def _when(moment: datetime) -> str:
    return f"{spoken_date(moment, with_year=True)} {spoken_time(moment)}"


def _until(end: datetime) -> str:
    """An exclusive end: ``Sunday 29 November 2026 24:00``, never the next day's date."""
    if runs_to_midnight(end):
        return f"{spoken_date(datetime.combine(last_day(end), end.time()), with_year=True)} 24:00"
    return _when(end)
