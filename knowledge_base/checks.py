"""Cross-file checks of a knowledge base: regions, catalogue and contacts.

Promotions are checked by :mod:`knowledge_base.promotion_checks`.
Schema checks (types, unknown fields, ranges) happen in the models; what needs more than one
file happens here, against the built :class:`~knowledge_base.knowledge.KnowledgeBase`. Every
finding is an :class:`~knowledge_base.errors.Issue` with file, line and field; warnings are
what loads but an author should look at (``kb validate`` lists both).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from knowledge_base.issues import Issues
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import (
    CatalogueFile,
    ContactsFile,
    Promotion,
    RegionsFile,
)
from knowledge_base.name_checks import check_place_aliases, check_rule_set_names
from knowledge_base.promotion_checks import PromotionChecker
from knowledge_base.yaml_source import YamlDocument

BUILT_IN_CONTACT_SETTING = "answerer.contact"
"""The setting that names who to call when the knowledge base names nobody."""


def _duplicates(values: list[Any], key: Callable[[Any], str]) -> Iterator[tuple[int, str]]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        k = key(value)
        if k in seen:
            yield index, k
        seen.add(k)


@dataclass(slots=True)
class Checker:
    """Cross-file checks: references, money per currency, overlaps and stacking."""

    knowledge: KnowledgeBase
    issues: Issues
    contacts_readable: bool = True
    """False when ``contacts.yaml`` exists but is invalid: references to it are not judged."""

    def check_regions(self, doc: YamlDocument, regions: RegionsFile) -> None:
        """Duplicates, regions in unlisted currencies, place aliases naming something else."""
        issues = self.issues
        for i, code in _duplicates(regions.currencies, lambda c: c.code):
            issues.add(doc, ("currencies", i, "code"), f"currency {code} listed twice", code="dup")
        for i, rid in _duplicates(regions.regions, lambda r: r.id):
            issues.add(doc, ("regions", i, "id"), f"region {rid} listed twice", code="dup")
        seen_stores: set[str] = set()
        for i, region in enumerate(regions.regions):
            if region.currency not in self.knowledge.currencies:
                issues.add(
                    doc,
                    ("regions", i, "currency"),
                    f"currency {region.currency} is not listed under currencies",
                    code="unknown_currency",
                )
            for j, store in enumerate(region.stores):
                if store.id in seen_stores:
                    issues.add(
                        doc,
                        ("regions", i, "stores", j, "id"),
                        f"store {store.id} listed twice",
                        code="dup",
                    )
                seen_stores.add(store.id)
        check_place_aliases(issues, doc, regions, self.knowledge)

    def check_catalogue(self, doc: YamlDocument, catalogue: CatalogueFile) -> None:
        """Duplicates, unknown categories, list prices missing a region currency."""
        issues = self.issues
        knowledge = self.knowledge
        for i, cid in _duplicates(catalogue.categories, lambda c: c.id):
            issues.add(doc, ("categories", i, "id"), f"category {cid} listed twice", code="dup")
        for i, sku in _duplicates(catalogue.products, lambda p: p.sku):
            issues.add(doc, ("products", i, "sku"), f"SKU {sku} listed twice", code="dup")
        needed = sorted({r.currency for r in knowledge.regions.values()})
        for i, product in enumerate(catalogue.products):
            if product.category not in knowledge.categories:
                issues.add(
                    doc,
                    ("products", i, "category"),
                    f"unknown category {product.category!r}",
                    code="unknown_category",
                )
            missing = [c for c in needed if c not in product.list_price]
            if missing:
                issues.add(
                    doc,
                    ("products", i, "list_price"),
                    f"{product.sku} has no list price in {', '.join(missing)}"
                    " (every region currency needs one)",
                    code="missing_price",
                )

    def check_contacts(self, doc: YamlDocument, contacts: ContactsFile) -> None:
        """Duplicate contacts and an unknown ``default``."""
        for i, cid in _duplicates(contacts.contacts, lambda c: c.id):
            self.issues.add(doc, ("contacts", i, "id"), f"contact {cid} listed twice", code="dup")
        if contacts.default is not None and contacts.default not in self.knowledge.contacts:
            self.issues.add(
                doc, ("default",), f"unknown contact {contacts.default!r}", code="unknown_contact"
            )

    def check_default_contact(
        self,
        doc: YamlDocument | None,
        contacts: ContactsFile | None,
        promotions: list[Promotion],
    ) -> None:
        """Warn when the assistant's built-in contact would answer for a chain with its own.

        A chain that lists contacts but names no ``default:`` leaves every promotion without
        ``contact:`` to the ``answerer.contact`` setting (out of the box "the promotions desk
        at headquarters, extension 1000"), which is probably not a desk of this chain.
        """
        if doc is None or contacts is None or contacts.default is not None:
            return
        orphans = [p.id for p in promotions if p.visible and p.contact is None and not p.contacts]
        if not orphans:
            return
        shown = ", ".join(orphans[:5]) + (
            f" and {len(orphans) - 5} more" if len(orphans) > 5 else ""
        )
        self.issues.add(
            doc,
            ("contacts",),
            f"{shown} name no contact and this file sets no default, so the assistant's"
            f" built-in contact (the {BUILT_IN_CONTACT_SETTING} setting, out of the box the"
            " promotions desk at headquarters, extension 1000) answers for them; add"
            " `default: <contact id>` here or a contact to each promotion",
            code="built_in_contact",
            severity="warning",
        )

    def check_promotions(self, docs: list[tuple[YamlDocument, Promotion]]) -> None:
        """Ids, references, stores, rule sets, money, windows, overlaps and stacking."""
        PromotionChecker(
            knowledge=self.knowledge, issues=self.issues, contacts_readable=self.contacts_readable
        ).check(docs)
        check_rule_set_names(self.issues, docs)
