"""Which items and stores each promotion covers, indexed once when a knowledge base is built.

:class:`~knowledge_base.knowledge.KnowledgeBase` builds one :class:`PromotionScopes` and
answers its scope questions from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from knowledge_base.models import Product, Promotion, Region


class PromotionScopes:
    """Each promotion's items and stores, and the visible promotions on each item and store."""

    def __init__(
        self,
        *,
        products: Mapping[str, Product],
        category_skus: Mapping[str, list[str]],
        regions: Mapping[str, Region],
        promotions: Iterable[Promotion],
    ) -> None:
        """Expand every promotion's scope over the catalogue and the regions' stores."""
        self._products = products
        self._category_skus = category_skus
        self._regions = regions
        self._skus: dict[str, frozenset[str]] = {}
        self._rule_set_skus: dict[str, tuple[frozenset[str], ...]] = {}
        self._stores: dict[str, frozenset[str]] = {}
        self._by_sku: dict[str, list[Promotion]] = {}
        self._by_category: dict[str, list[Promotion]] = {}
        self._by_store: dict[str, list[Promotion]] = {}
        for promotion in promotions:
            per_set = self._expand_rule_sets(promotion)
            skus = frozenset().union(*per_set)
            stores = self._expand_stores(promotion)
            self._rule_set_skus[promotion.id] = per_set
            self._skus[promotion.id] = skus
            self._stores[promotion.id] = stores
            if not promotion.visible:
                continue
            for sku in skus:
                self._by_sku.setdefault(sku, []).append(promotion)
            for category in {products[sku].category for sku in skus}:
                self._by_category.setdefault(category, []).append(promotion)
            for store_id in stores:
                self._by_store.setdefault(store_id, []).append(promotion)

    def skus(self, promotion: Promotion) -> frozenset[str]:
        """SKUs a promotion covers at some time.

        Every rule set's categories and SKUs, minus that rule set's exclusions.
        """
        found = self._skus.get(promotion.id)
        return found if found is not None else frozenset().union(*self.rule_set_skus(promotion))

    def rule_set_skus(self, promotion: Promotion) -> tuple[frozenset[str], ...]:
        """SKUs of each rule set, in :attr:`Promotion.all_rule_sets` order."""
        found = self._rule_set_skus.get(promotion.id)
        return found if found is not None else self._expand_rule_sets(promotion)

    def stores(self, promotion: Promotion) -> frozenset[str]:
        """Stores taking part.

        The listed stores (else every store of the listed regions), minus ``exclude_stores``.
        """
        found = self._stores.get(promotion.id)
        return found if found is not None else self._expand_stores(promotion)

    def is_store_excluded(self, promotion: Promotion, store_id: str) -> bool:
        """True when ``store_id`` is in the promotion's regions but named in ``exclude_stores``.

        Tells "this store is left out of the offer" apart from "the offer is not in this
        region" (both mean the store is not in :meth:`stores`).
        """
        return store_id in promotion.exclude_stores and store_id in self._region_stores(promotion)

    def sku_window(self, promotion: Promotion, sku: str) -> tuple[datetime, datetime] | None:
        """Local (naive) start and exclusive end of the time ``promotion`` covers ``sku``.

        ``None`` when no rule set covers it. With rule sets from later dates, an item can
        join a promotion after it started.
        """
        bounds = [
            rule_set.bounds(promotion.window)
            for rule_set, skus in zip(
                promotion.all_rule_sets, self.rule_set_skus(promotion), strict=True
            )
            if sku in skus
        ]
        if not bounds:
            return None
        return min(b[0] for b in bounds), max(b[1] for b in bounds)

    def for_sku(self, sku: str) -> list[Promotion]:
        """Visible promotions whose scope includes ``sku`` (any time, any store)."""
        return list(self._by_sku.get(sku, []))

    def for_category(self, category_id: str) -> list[Promotion]:
        """Visible promotions covering at least one product of a category (any time, any store)."""
        return list(self._by_category.get(category_id, []))

    def at_store(self, store_id: str) -> list[Promotion]:
        """Visible promotions a store takes part in (any time)."""
        return list(self._by_store.get(store_id, []))

    def _expand_rule_sets(self, promotion: Promotion) -> tuple[frozenset[str], ...]:
        out = []
        for rule_set in promotion.all_rule_sets:
            scope = rule_set.scope
            skus: set[str] = set()
            for category in scope.categories:
                skus.update(self._category_skus.get(category, ()))
            skus.update(sku for sku in scope.skus if sku in self._products)
            skus.difference_update(scope.exclude_skus)
            out.append(frozenset(skus))
        return tuple(out)

    def _region_stores(self, promotion: Promotion) -> set[str]:
        return {
            store.id
            for region_id in promotion.regions
            if (region := self._regions.get(region_id)) is not None
            for store in region.stores
        }

    def _expand_stores(self, promotion: Promotion) -> frozenset[str]:
        in_regions = self._region_stores(promotion)
        if promotion.stores:
            in_regions &= set(promotion.stores)
        return frozenset(in_regions - set(promotion.exclude_stores))
