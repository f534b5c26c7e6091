"""The LLM tools over a loaded knowledge base: :class:`KnowledgeBaseTools`.

Each result is plain English text (facts for the fact guard); a promotion is described by
:class:`~voice_agent.answerers.promotion_texts.PromotionTexts`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from knowledge_base import catalogue_lookup, pricing, resolution
from knowledge_base.answering import Question
from knowledge_base.errors import KnowledgeError
from knowledge_base.fallback_contact import fallback_contact
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import (
    Product,
    Promotion,
)
from knowledge_base.pricing import Basket
from knowledge_base.resolution import Phase
from knowledge_base.speech import amount_text, spoken_date
from voice_agent.answerers.promotion_texts import PromotionTexts

MAX_PROMOTIONS_PER_LOOKUP = 4
"""More than this many promotions in one lookup are cut (the prompt must stay short)."""


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
        self._texts = PromotionTexts(knowledge=knowledge, default_contact=default_contact)

    # --- KnowledgeTools ---------------------------------------------------------------------

    def facts_for(self, question: Question) -> list[str]:
        """The store asked at, then the promotions on what the question names.

        A question naming nothing gets the facts on its follow-up context, if it has one.
        """
        store_id = question.store_id if question.store_id in self._kb.stores else None
        at = self._moment(question, store_id, None)
        facts = [self._context_line(store_id)]
        products = self._products_named(question.text)
        categories = catalogue_lookup.find_categories(self._kb, question.text)
        promotions = catalogue_lookup.find_promotions(self._kb, question.text)
        context = question.context
        if not (products or categories or promotions) and context is not None:
            # A follow-up ("and for members?"): the facts on what the last question was about.
            products = [self._kb.products[s] for s in context.products if s in self._kb.products]
            categories = [
                self._kb.categories[c] for c in context.categories if c in self._kb.categories
            ]
            promotions = [
                self._kb.promotions[p] for p in context.promotions if p in self._kb.promotions
            ]
        if products or categories or promotions:
            facts += self._lookup_lines(products, categories, promotions, store_id, at)
        else:
            facts += self._all_promotion_lines(store_id, at)
        contact, _ = fallback_contact(self._kb, self._default_contact, zh=False)
        facts.append(f"When nothing matches, ask {contact}.")
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
            categories = catalogue_lookup.find_categories(self._kb, item)
            promotions = catalogue_lookup.find_promotions(self._kb, item)
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
        result = pricing.quote(
            self._kb, basket=Basket.of(lines), store_id=store, at=at, member=member
        )
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
        store_id = question.store_id if question.store_id in self._kb.stores else None
        return self._texts.contact_line(found, store_id)

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
        skus = dict.fromkeys(match.sku for match in catalogue_lookup.find_products(self._kb, text))
        return [self._kb.products[sku] for sku in skus if sku in self._kb.products]

    def _promotion_named(self, text: str) -> Promotion | None:
        key = text.strip().lower()
        promotion = self._kb.promotions.get(key)
        if promotion is not None and promotion.visible:
            return promotion
        named = catalogue_lookup.find_promotions(self._kb, text)
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
                    order.get(
                        resolution.timing(self._kb, promotion=p, store_id=store_id, at=at).phase, 2
                    )
                    if store_id in self._kb.scope_stores(p)
                    else 3
                )
            )
        for promotion in described[:MAX_PROMOTIONS_PER_LOOKUP]:
            lines.append(self._texts.line(promotion, store_id, at))
        return lines

    def _all_promotion_lines(self, store_id: str | None, at: datetime) -> list[str]:
        promotions = (
            self._kb.promotions_at_store(store_id) if store_id else self._kb.visible_promotions()
        )
        lines = []
        for promotion in promotions:
            if store_id is not None:
                phase = resolution.timing(
                    self._kb, promotion=promotion, store_id=store_id, at=at
                ).phase
                if phase not in (Phase.RUNNING, Phase.UPCOMING):
                    continue
            lines.append(self._texts.line(promotion, store_id, at))
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
