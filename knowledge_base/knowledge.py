"""The loaded knowledge base: indexes over catalogue, stores, contacts and promotions.

:class:`KnowledgeBase` is built once (by :func:`knowledge_base.loader.load_knowledge_base`)
and then only read, so it is safe to share between sessions. Lookups that the voice loop
makes on every question are dictionary reads; anything derived is computed at construction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
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
    PromotionContact,
    Region,
    RegionsFile,
    Store,
)
from knowledge_base.promotion_scopes import PromotionScopes
from knowledge_base.text import DEFAULT_LANGUAGE

if TYPE_CHECKING:
    from knowledge_base.channels import Channel


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
        self.default_contact: Contact | None = (
            self.contacts.get(contacts.default) if contacts and contacts.default else None
        )
        """The chain's own default contact (``contacts.yaml`` ``default:``), if it set one."""
        self.promotions: dict[str, Promotion] = {}
        for promotion in promotions:
            self.promotions.setdefault(promotion.id, promotion)
        self.sources: dict[str, str] = dict(sources or {})

        self._category_skus: dict[str, list[str]] = {}
        for product in catalogue.products:
            self._category_skus.setdefault(product.category, []).append(product.sku)
        self._scopes = PromotionScopes(
            products=self.products,
            category_skus=self._category_skus,
            regions=self.regions,
            promotions=self.promotions.values(),
        )

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

    @property
    def store_regions(self) -> Mapping[str, str]:
        """Every store id with the id of its region."""
        return {store_id: region.id for store_id, region in self._store_region.items()}

    def zone_name(self, store_id: str) -> str | None:
        """IANA time zone name of a store (its own, else its region's), or ``None``."""
        return self.store(store_id).time_zone or self.region_of(store_id).time_zone

    def stated_language(self, store_id: str) -> str | None:
        """The language the knowledge base names for a store (its own, else its region's)."""
        return self.store(store_id).language or self.region_of(store_id).language

    def language(self, store_id: str) -> str:
        """The language a store's sessions speak: :meth:`stated_language`, else ``en``.

        The one place that decides it: every adapter that opens a session for a store asks
        here (a node may still speak English when it has no voice for it, see
        ``voice_agent/session_language.py``).
        """
        return self.stated_language(store_id) or DEFAULT_LANGUAGE

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

    def contact_for(
        self, promotion: Promotion | None, store_id: str | None = None
    ) -> Contact | None:
        """The promotion's first contact at ``store_id``, else the chain's default, else ``None``.

        ``None`` means the knowledge base names nobody: the assistant's built-in default
        contact (the ``answerer.contact`` setting) applies.
        """
        found = self.contacts_for(promotion, store_id)
        return found[0][0] if found else None

    def contacts_for(
        self, promotion: Promotion | None, store_id: str | None = None
    ) -> list[tuple[Contact, PromotionContact | None]]:
        """Everyone who answers for ``promotion`` at ``store_id``, in order, with their entry.

        A promotion's ``contacts:`` entries covering the store (all of them when no store is
        given), else its ``contact:``, else the chain's default contact, else nobody.
        """
        if promotion is not None and promotion.contacts:
            region = self.region_of(store_id).id if store_id in self.stores else None
            found: list[tuple[Contact, PromotionContact | None]] = [
                (self.contacts[entry.contact], entry)
                for entry in promotion.contacts
                if entry.contact in self.contacts
                and (store_id is None or region is None or entry.covers(store_id, region))
            ]
            if found:
                return found
        if promotion is not None and promotion.contact is not None:
            contact = self.contacts.get(promotion.contact)
            if contact is not None:
                return [(contact, None)]
        return [] if self.default_contact is None else [(self.default_contact, None)]

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
        """SKUs a promotion covers at some time; see :meth:`PromotionScopes.skus`."""
        return self._scopes.skus(promotion)

    def rule_set_skus(self, promotion: Promotion) -> tuple[frozenset[str], ...]:
        """SKUs of each rule set, in :attr:`Promotion.all_rule_sets` order."""
        return self._scopes.rule_set_skus(promotion)

    def scope_stores(self, promotion: Promotion) -> frozenset[str]:
        """Stores taking part; see :meth:`PromotionScopes.stores`."""
        return self._scopes.stores(promotion)

    def is_store_excluded(self, promotion: Promotion, store_id: str) -> bool:
        """True when ``store_id`` is in the promotion's regions but named in ``exclude_stores``."""
        return self._scopes.is_store_excluded(promotion, store_id)

    def combines_with_channel(self, promotion: Promotion, channel: Channel | str) -> bool | None:
        """Whether ``promotion`` combines with a discount channel; ``None``: it does not say.

        ``channel`` is a :class:`~knowledge_base.channels.Channel` or the name or alias of
        one of the promotion's ``channels.other``.
        """
        return promotion.channels.combines(channel)

    def sku_window(self, promotion: Promotion, sku: str) -> tuple[datetime, datetime] | None:
        """When ``promotion`` covers ``sku``; see :meth:`PromotionScopes.sku_window`."""
        return self._scopes.sku_window(promotion, sku)

    def promotions_for_sku(self, sku: str) -> list[Promotion]:
        """Visible promotions whose scope includes ``sku`` (any time, any store)."""
        return self._scopes.for_sku(sku)

    def promotions_for_category(self, category_id: str) -> list[Promotion]:
        """Visible promotions covering at least one product of a category (any time, any store)."""
        return self._scopes.for_category(category_id)

    def promotions_at_store(self, store_id: str) -> list[Promotion]:
        """Visible promotions a store takes part in (any time)."""
        return self._scopes.at_store(store_id)
