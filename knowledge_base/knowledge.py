"""The loaded knowledge base: indexes over catalogue, stores, contacts and promotions.

:class:`KnowledgeBase` is built once (by :func:`knowledge_base.loader.load_knowledge_base`)
and then only read, so it is safe to share between sessions. Lookups that the voice loop
makes on every question are dictionary reads; anything derived is computed at construction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from knowledge_base.errors import ResolutionError, UnknownEntityError
from knowledge_base.models import (
    CatalogueFile,
    Category,
    Contact,
    ContactsFile,
    Currency,
    Product,
    Promotion,
    Region,
    RegionsFile,
    Store,
)

if TYPE_CHECKING:
    from knowledge_base.matching import CatalogueMatcher, ProductMatch
    from knowledge_base.pricing import Basket, Quote
    from knowledge_base.resolution import AppliedPromotion, PromotionTiming


class KnowledgeBase:
    """Everything the assistant knows: read-only after construction."""

    def __init__(
        self,
        *,
        catalogue: CatalogueFile,
        regions: RegionsFile,
        contacts: ContactsFile | None,
        promotions: Sequence[Promotion],
        sources: Mapping[str, str] | None = None,
    ) -> None:
        """Index the content.

        Args:
            catalogue: Categories and products.
            regions: Currencies, regions and their stores.
            contacts: People to call (``None``: nobody but the default contact).
            promotions: Every promotion, drafts included (drafts are never resolved).
            sources: Promotion id -> file it was loaded from (for messages and tooling).
        """
        self.categories: dict[str, Category] = {c.id: c for c in catalogue.categories}
        self.products: dict[str, Product] = {p.sku: p for p in catalogue.products}
        self.currencies: dict[str, Currency] = {c.code: c for c in regions.currencies}
        self.regions: dict[str, Region] = {r.id: r for r in regions.regions}
        self.stores: dict[str, Store] = {}
        self._store_region: dict[str, Region] = {}
        for region in regions.regions:
            for store in region.stores:
                self.stores.setdefault(store.id, store)
                self._store_region.setdefault(store.id, region)
        self.contacts: dict[str, Contact] = {c.id: c for c in contacts.contacts} if contacts else {}
        self.promotions: dict[str, Promotion] = {}
        for promotion in promotions:
            self.promotions.setdefault(promotion.id, promotion)
        self.sources: dict[str, str] = dict(sources or {})

        self._category_skus: dict[str, list[str]] = {}
        for product in catalogue.products:
            self._category_skus.setdefault(product.category, []).append(product.sku)
        self._scope_skus: dict[str, frozenset[str]] = {}
        self._scope_stores: dict[str, frozenset[str]] = {}
        self._by_sku: dict[str, list[Promotion]] = {}
        self._by_category: dict[str, list[Promotion]] = {}
        self._by_store: dict[str, list[Promotion]] = {}
        for promotion in self.promotions.values():
            skus = self._expand_scope(promotion)
            stores = self._expand_stores(promotion)
            self._scope_skus[promotion.id] = skus
            self._scope_stores[promotion.id] = stores
            if not promotion.visible:
                continue
            for sku in skus:
                self._by_sku.setdefault(sku, []).append(promotion)
            for category in {self.products[sku].category for sku in skus}:
                self._by_category.setdefault(category, []).append(promotion)
            for store_id in stores:
                self._by_store.setdefault(store_id, []).append(promotion)

    # --- catalogue ---------------------------------------------------------------------------

    def product(self, sku: str) -> Product:
        """The product with ``sku`` (exact code), or :class:`UnknownEntityError`."""
        try:
            return self.products[sku]
        except KeyError:
            raise UnknownEntityError("sku", sku) from None

    def category_skus(self, category_id: str) -> list[str]:
        """SKUs of the products in a category, in catalogue order."""
        return list(self._category_skus.get(category_id, []))

    @cached_property
    def matcher(self) -> CatalogueMatcher:
        """Speech-tolerant matcher over product, category and promotion names."""
        from knowledge_base.matching import CatalogueMatcher

        return CatalogueMatcher.build(self)

    def find_products(self, text: str) -> list[ProductMatch]:
        """Products named in ``text`` as speech recognition writes them ("a x 200", "aero x")."""
        return self.matcher.products(text)

    def find_categories(self, text: str) -> list[Category]:
        """Categories named in ``text`` ("running shoes", "boots", "袜子")."""
        return [self.categories[c] for c in self.matcher.categories(text)]

    def find_promotions(self, text: str) -> list[Promotion]:
        """Visible promotions named in ``text`` by title or alias ("weekend offer")."""
        return [self.promotions[p] for p in self.matcher.promotions(text)]

    # --- stores, regions, money ----------------------------------------------------------------

    def store(self, store_id: str) -> Store:
        """The store with ``store_id``, or :class:`UnknownEntityError`."""
        try:
            return self.stores[store_id]
        except KeyError:
            raise UnknownEntityError("store", store_id) from None

    def region_of(self, store_id: str) -> Region:
        """The region a store belongs to."""
        self.store(store_id)
        return self._store_region[store_id]

    def zone_name(self, store_id: str) -> str | None:
        """IANA time zone name of a store (its own, else its region's), or ``None``."""
        return self.store(store_id).time_zone or self.region_of(store_id).time_zone

    def zone(self, store_id: str) -> ZoneInfo:
        """Time zone of a store; :class:`ResolutionError` when neither store nor region has one."""
        name = self.zone_name(store_id)
        if name is None:
            raise ResolutionError(f"store {store_id} has no time zone (set one on its region)")
        return ZoneInfo(name)

    def local_time(self, store_id: str, at: datetime) -> datetime:
        """``at`` as wall-clock time at the store (``at`` must be time-zone aware)."""
        if at.tzinfo is None:
            raise ResolutionError("the moment must be time-zone aware (got a naive datetime)")
        return at.astimezone(self.zone(store_id))

    def currency_of(self, store_id: str) -> Currency:
        """The currency a store sells in."""
        return self.currencies[self.region_of(store_id).currency]

    def contact_for(self, promotion: Promotion | None) -> Contact | None:
        """The promotion's contact, or ``None`` (the caller's default contact applies)."""
        if promotion is None or promotion.contact is None:
            return None
        return self.contacts.get(promotion.contact)

    # --- promotions -----------------------------------------------------------------------------

    def promotion(self, promotion_id: str) -> Promotion:
        """The promotion with ``promotion_id`` (drafts included), or :class:`UnknownEntityError`."""
        try:
            return self.promotions[promotion_id]
        except KeyError:
            raise UnknownEntityError("promotion", promotion_id) from None

    def visible_promotions(self) -> list[Promotion]:
        """Published and retired promotions (never drafts), in load order."""
        return [p for p in self.promotions.values() if p.visible]

    def scope_skus(self, promotion: Promotion) -> frozenset[str]:
        """SKUs a promotion covers: its categories and SKUs, minus exclusions."""
        return self._scope_skus.get(promotion.id) or self._expand_scope(promotion)

    def scope_stores(self, promotion: Promotion) -> frozenset[str]:
        """Stores taking part: the listed stores, else every store of the listed regions."""
        return self._scope_stores.get(promotion.id) or self._expand_stores(promotion)

    def promotions_for_sku(self, sku: str) -> list[Promotion]:
        """Visible promotions whose scope includes ``sku`` (any time, any store)."""
        return list(self._by_sku.get(sku, []))

    def promotions_for_category(self, category_id: str) -> list[Promotion]:
        """Visible promotions covering at least one product of a category (any time, any store)."""
        return list(self._by_category.get(category_id, []))

    def promotions_at_store(self, store_id: str) -> list[Promotion]:
        """Visible promotions a store takes part in (any time)."""
        return list(self._by_store.get(store_id, []))

    def resolve(self, store_id: str, at: datetime, item: str | Product) -> list[AppliedPromotion]:
        """Published promotions on ``item`` at ``store_id`` at the moment ``at``.

        See :func:`knowledge_base.resolution.resolve`.
        """
        from knowledge_base.resolution import resolve

        return resolve(self, store_id=store_id, at=at, item=item)

    def timing(self, promotion: Promotion, store_id: str, at: datetime) -> PromotionTiming:
        """Whether ``promotion`` is upcoming, running or over at a store at ``at``."""
        from knowledge_base.resolution import timing

        return timing(self, promotion=promotion, store_id=store_id, at=at)

    def quote(self, basket: Basket, store_id: str, at: datetime, member: bool) -> Quote:
        """Price a basket; see :func:`knowledge_base.pricing.quote`."""
        from knowledge_base.pricing import quote

        return quote(self, basket=basket, store_id=store_id, at=at, member=member)

    # --- helpers --------------------------------------------------------------------------------

    def _expand_scope(self, promotion: Promotion) -> frozenset[str]:
        skus: set[str] = set()
        for category in promotion.scope.categories:
            skus.update(self._category_skus.get(category, ()))
        skus.update(sku for sku in promotion.scope.skus if sku in self.products)
        skus.difference_update(promotion.scope.exclude_skus)
        return frozenset(skus)

    def _expand_stores(self, promotion: Promotion) -> frozenset[str]:
        in_regions = {
            store.id
            for region_id in promotion.regions
            if (region := self.regions.get(region_id)) is not None
            for store in region.stores
        }
        if promotion.stores:
            return frozenset(s for s in promotion.stores if s in in_regions)
        return frozenset(in_regions)
