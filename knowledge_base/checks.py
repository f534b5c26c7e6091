"""Cross-file checks of a knowledge base: references, money, stores, rule sets, overlaps.

Schema checks (types, unknown fields, ranges) happen in the models; what needs more than one
file happens here, against the built :class:`~knowledge_base.knowledge.KnowledgeBase`. Every
finding is an :class:`~knowledge_base.errors.Issue` with file, line and field; warnings are
what loads but an author should look at (``kb validate`` lists both).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from knowledge_base.errors import Issue, Severity
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import (
    ALL,
    AmountOff,
    CatalogueFile,
    ContactsFile,
    Prices,
    Promotion,
    PromotionStatus,
    RegionsFile,
    Rule,
    Scope,
    SpendThreshold,
)
from knowledge_base.windows import LEGACY_END_OF_DAY
from knowledge_base.yaml_source import Path_, YamlDocument, format_field

BUILT_IN_CONTACT_SETTING = "answerer.contact"
"""The setting that names who to call when the knowledge base names nobody."""


class Issues:
    """Collects issues as loading goes on."""

    def __init__(self) -> None:
        self.items: list[Issue] = []

    def add(
        self,
        doc: YamlDocument | str,
        path: Path_ | None,
        message: str,
        *,
        code: str,
        severity: Severity = "error",
    ) -> None:
        """Record a problem at ``path`` of ``doc`` (or of a file with no document)."""
        if isinstance(doc, YamlDocument):
            file, line = doc.file, (doc.line(path) if path is not None else None)
        else:
            file, line = doc, None
        self.items.append(
            Issue(
                file=file,
                line=line,
                field=format_field(path) if path else None,
                message=message,
                severity=severity,
                code=code,
            )
        )


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
        """Duplicate currencies, regions and stores; regions in unlisted currencies."""
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
        orphans = [p.id for p in promotions if p.visible and p.contact is None]
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
        self._check_overlaps({p.id: (doc, p) for doc, p in docs})

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
        self._check_stacking_references(doc, promotion)
        self._check_money(doc, promotion)

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

    def _check_money(self, doc: YamlDocument, promotion: Promotion) -> None:
        currencies = sorted(
            {
                self.knowledge.regions[r].currency
                for r in promotion.regions
                if r in self.knowledge.regions
            }
        )

        def need(prices: Prices, path: Path_) -> None:
            missing = [c for c in currencies if c not in prices]
            if missing:
                self.issues.add(
                    doc,
                    path,
                    f"no amount in {', '.join(missing)} (the promotion's regions sell in it)",
                    code="missing_currency",
                )

        for index, rule_set in enumerate(promotion.all_rule_sets):
            base: Path_ = () if index == 0 else ("rule_sets", index - 1)
            for i, rule in enumerate(rule_set.rules):
                self._check_rule_money(doc, (*base, "rules", i), rule, need)

    def _check_rule_money(
        self, doc: YamlDocument, at: Path_, rule: Rule, need: Callable[[Prices, Path_], None]
    ) -> None:
        if isinstance(rule, AmountOff):
            need(rule.amount, (*at, "amount"))
        elif isinstance(rule, SpendThreshold):
            for j, tier in enumerate(rule.tiers):
                need(tier.spend, (*at, "tiers", j, "spend"))
                need(tier.off, (*at, "tiers", j, "off"))
                for code, off in tier.off.items():
                    spend = tier.spend.get(code)
                    if spend is not None and off > spend:
                        self.issues.add(
                            doc,
                            (*at, "tiers", j, "off"),
                            f"takes off more ({off} {code}) than the spend ({spend} {code})",
                            code="threshold_off_exceeds_spend",
                        )

    def _check_overlaps(self, docs: dict[str, tuple[YamlDocument, Promotion]]) -> None:
        """Published promotions on the same item, store and time must say how they stack.

        Windows are compared as local wall-clock times: at any one store both promotions are
        read in that store's zone, so naive comparison is exact. A sweep over start times per
        SKU keeps this near-linear for thousands of promotions.
        """
        from knowledge_base.resolution import stacking_relation

        knowledge = self.knowledge
        published = [p for _, p in docs.values() if p.status is PromotionStatus.PUBLISHED]
        # Per SKU: (local start, exclusive end, promotion) of the time each promotion covers it.
        by_sku: dict[str, list[tuple[datetime, datetime, Promotion]]] = {}
        for promotion in published:
            simple = not promotion.rule_sets
            for sku in knowledge.scope_skus(promotion):
                bounds = (
                    (promotion.window.start, promotion.window.end)
                    if simple
                    else knowledge.sku_window(promotion, sku)
                )
                if bounds is not None:
                    by_sku.setdefault(sku, []).append((*bounds, promotion))
        reported: set[tuple[str, str]] = set()
        for sku in sorted(by_sku):
            active: list[tuple[datetime, datetime, Promotion]] = []
            for entry in sorted(by_sku[sku], key=lambda e: (e[0], e[2].id)):
                start, _, promotion = entry
                active = [a for a in active if a[1] > start]
                for _, _, other in active:
                    pair = (other.id, promotion.id)
                    if pair in reported:
                        continue
                    stores = knowledge.scope_stores(other) & knowledge.scope_stores(promotion)
                    if not stores:
                        continue
                    relation = stacking_relation(other, promotion)
                    if relation == "stack":
                        continue
                    reported.add(pair)
                    doc = docs[promotion.id][0]
                    where = f"{sku} at {', '.join(sorted(stores)[:3])}"
                    if relation == "exclusive":
                        self.issues.add(
                            doc,
                            ("stacking",) if "stacking" in doc.data else ("window",),
                            f"overlaps {other.id} on {where} but the two may not combine;"
                            " move a window or narrow a scope",
                            code="overlap_not_stackable",
                        )
                    else:
                        self.issues.add(
                            doc,
                            ("stacking",) if "stacking" in doc.data else ("id",),
                            f"overlaps {other.id} on {where} and neither says whether they"
                            " combine; add stacks_with or not_with",
                            code="stacking_undefined",
                            severity="warning",
                        )
                active.append(entry)
