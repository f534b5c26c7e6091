"""Checks of promotion files against the rest of the knowledge base.

References (regions, stores, categories, SKUs, contacts, other promotions) in the promotion
and in every rule set, excluded stores, rule-set times inside the window and clock-time ends
here; money in every currency its regions sell in in :mod:`knowledge_base.money_checks`;
overlaps between published promotions that do not say how they stack in
:mod:`knowledge_base.overlap_checks`.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge_base.issues import Issues
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import (
    ALL,
    Promotion,
    Scope,
)
from knowledge_base.money_checks import check_money
from knowledge_base.overlap_checks import check_overlaps
from knowledge_base.windows import LEGACY_END_OF_DAY
from knowledge_base.yaml_source import Path_, YamlDocument


@dataclass(slots=True)
class PromotionChecker:
    """Cross-file checks of the promotion files."""

    knowledge: KnowledgeBase
    issues: Issues
    contacts_readable: bool = True
    """False when ``contacts.yaml`` exists but is invalid: references to it are not judged."""

    def check(self, docs: list[tuple[YamlDocument, Promotion]]) -> None:
        """Ids, references, stores, rule sets, money, windows, overlaps and stacking."""
        seen: dict[str, str] = {}
        for doc, promotion in docs:
            if promotion.id in seen:
                self.issues.add(
                    doc,
                    ("id",),
                    f"promotion id {promotion.id} is already used by {seen[promotion.id]}",
                    code="dup",
                )
                continue
            seen[promotion.id] = doc.file
            self._check_references(doc, promotion)
        check_overlaps(self.knowledge, self.issues, {p.id: (doc, p) for doc, p in docs})

    def _check_references(self, doc: YamlDocument, promotion: Promotion) -> None:
        knowledge, add = self.knowledge, self.issues.add
        for i, region_id in enumerate(promotion.regions):
            region = knowledge.regions.get(region_id)
            if region is None:
                add(doc, ("regions", i), f"unknown region {region_id!r}", code="unknown_region")
                continue
            zoneless = [s.id for s in region.stores if not (s.time_zone or region.time_zone)]
            if zoneless:
                add(
                    doc,
                    ("regions", i),
                    f"region {region_id} has no time zone (stores {', '.join(zoneless)});"
                    " the promotion cannot be placed in time there",
                    code="region_without_time_zone",
                    severity="warning",
                )
        region_stores = {
            s.id
            for r in promotion.regions
            if r in knowledge.regions
            for s in knowledge.regions[r].stores
        }
        for i, store_id in enumerate(promotion.stores):
            if store_id not in knowledge.stores:
                add(doc, ("stores", i), f"unknown store {store_id!r}", code="unknown_store")
            elif store_id not in region_stores:
                add(
                    doc,
                    ("stores", i),
                    f"store {store_id} is not in the promotion's regions",
                    code="store_outside_regions",
                )
        self._check_excluded_stores(doc, promotion, region_stores)
        for index, rule_set in enumerate(promotion.all_rule_sets):
            base: Path_ = () if index == 0 else ("rule_sets", index - 1)
            self._check_scope(doc, (*base, "scope"), rule_set.scope)
            if index > 0:
                self._check_rule_set_window(doc, promotion, index)
        self._check_window_end(doc, promotion)
        if (
            self.contacts_readable
            and promotion.contact is not None
            and promotion.contact not in knowledge.contacts
        ):
            add(doc, ("contact",), f"unknown contact {promotion.contact!r}", code="unknown_contact")
        self._check_contacts(doc, promotion)
        self._check_stacking_references(doc, promotion)
        check_money(self.knowledge, self.issues, doc, promotion)

    def _check_contacts(self, doc: YamlDocument, promotion: Promotion) -> None:
        """Each ``contacts:`` entry names a known contact and the promotion's regions or stores."""
        knowledge, add = self.knowledge, self.issues.add
        taking_part = knowledge.scope_stores(promotion)
        for i, entry in enumerate(promotion.contacts):
            if self.contacts_readable and entry.contact not in knowledge.contacts:
                add(
                    doc,
                    ("contacts", i, "contact"),
                    f"unknown contact {entry.contact!r}",
                    code="unknown_contact",
                )
            for j, region in enumerate(entry.regions):
                if region not in promotion.regions:
                    add(
                        doc,
                        ("contacts", i, "regions", j),
                        f"region {region!r} is not one of the promotion's regions",
                        code="unknown_region",
                    )
            for j, store in enumerate(entry.stores):
                if store not in taking_part:
                    add(
                        doc,
                        ("contacts", i, "stores", j),
                        f"store {store!r} does not take part in the promotion",
                        code="unknown_store",
                    )

    def _check_scope(self, doc: YamlDocument, at: Path_, scope: Scope) -> None:
        knowledge, add = self.knowledge, self.issues.add
        for i, category in enumerate(scope.categories):
            if category not in knowledge.categories:
                add(
                    doc,
                    (*at, "categories", i),
                    f"unknown category {category!r}",
                    code="unknown_category",
                )
        for key in ("skus", "exclude_skus"):
            for i, sku in enumerate(getattr(scope, key)):
                if sku not in knowledge.products:
                    add(doc, (*at, key, i), f"unknown SKU {sku!r}", code="unknown_sku")
        included = {sku for c in scope.categories for sku in knowledge.category_skus(c)} | set(
            scope.skus
        )
        for i, sku in enumerate(scope.exclude_skus):
            if sku in knowledge.products and sku not in included:
                add(
                    doc,
                    (*at, "exclude_skus", i),
                    f"{sku} is excluded but no category or SKU of the scope includes it",
                    code="pointless_exclusion",
                    severity="warning",
                )

    def _check_excluded_stores(
        self, doc: YamlDocument, promotion: Promotion, region_stores: set[str]
    ) -> None:
        add = self.issues.add
        taking_part = region_stores & set(promotion.stores) if promotion.stores else region_stores
        for i, store_id in enumerate(promotion.exclude_stores):
            if store_id not in self.knowledge.stores:
                add(doc, ("exclude_stores", i), f"unknown store {store_id!r}", code="unknown_store")
            elif store_id not in taking_part:
                add(
                    doc,
                    ("exclude_stores", i),
                    f"store {store_id} is excluded but does not take part anyway"
                    " (not in the promotion's regions or stores)",
                    code="pointless_exclusion",
                    severity="warning",
                )
        if promotion.exclude_stores and taking_part and not self.knowledge.scope_stores(promotion):
            add(
                doc,
                ("exclude_stores",),
                "every store of the promotion is excluded; no store takes part",
                code="no_stores",
            )

    def _check_rule_set_window(self, doc: YamlDocument, promotion: Promotion, index: int) -> None:
        rule_set = promotion.all_rule_sets[index]
        window = promotion.window
        at: Path_ = ("rule_sets", index - 1)
        start, end = rule_set.bounds(window)
        if start >= end:
            self.issues.add(
                doc,
                (*at, "start" if rule_set.start is not None else "end"),
                f"these rules are never in force: the promotion runs from"
                f" {window.start:%Y-%m-%d %H:%M} until {window.end:%Y-%m-%d %H:%M}",
                code="rule_set_outside_window",
            )
            return
        for key, value, outside in (
            ("start", rule_set.start, rule_set.start is not None and rule_set.start < window.start),
            ("end", rule_set.end, rule_set.end is not None and rule_set.end > window.end),
        ):
            if outside and value is not None:
                self.issues.add(
                    doc,
                    (*at, key),
                    f"{key} {value:%Y-%m-%d %H:%M} is outside the promotion's window; the rules"
                    " apply only inside it",
                    code="rule_set_outside_window",
                    severity="warning",
                )

    def _check_window_end(self, doc: YamlDocument, promotion: Promotion) -> None:
        if promotion.window.end.time() == LEGACY_END_OF_DAY:
            self.issues.add(
                doc,
                ("window", "end"),
                "the offer now stops at 23:59 (an end is the first moment it is off); write a"
                " bare date to run through the end of the day",
                code="end_at_2359",
                severity="warning",
            )

    def _check_stacking_references(self, doc: YamlDocument, promotion: Promotion) -> None:
        add = self.issues.add
        stacking = promotion.stacking
        for key in ("stacks_with", "not_with"):
            for i, other in enumerate(getattr(stacking, key)):
                if other == ALL:
                    continue
                if other == promotion.id:
                    add(doc, ("stacking", key, i), "a promotion cannot name itself", code="self")
                elif other not in self.knowledge.promotions:
                    add(
                        doc,
                        ("stacking", key, i),
                        f"unknown promotion {other!r}",
                        code="unknown_promotion",
                    )
        for i, other in enumerate(stacking.not_with):
            if other in stacking.stacks_with:
                add(
                    doc,
                    ("stacking", "not_with", i),
                    f"{other} is listed both in stacks_with and not_with",
                    code="stacking_contradiction",
                )
        if stacking.exclusive and stacking.stacks_with:
            add(
                doc,
                ("stacking", "stacks_with"),
                "an exclusive promotion cannot stack with others",
                code="stacking_contradiction",
            )
