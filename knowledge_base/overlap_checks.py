"""Checks that published promotions overlapping on an item, store and time say how they stack."""

from __future__ import annotations

from datetime import datetime

from knowledge_base.issues import Issues
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import Promotion, PromotionStatus
from knowledge_base.yaml_source import YamlDocument


def check_overlaps(
    knowledge: KnowledgeBase,
    issues: Issues,
    docs: dict[str, tuple[YamlDocument, Promotion]],
) -> None:
    """Published promotions on the same item, store and time must say how they stack.

    Windows are compared as local wall-clock times: at any one store both promotions are
    read in that store's zone, so naive comparison is exact. A sweep over start times per
    SKU keeps this near-linear for thousands of promotions.
    """
    from knowledge_base.resolution import stacking_relation

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
                    issues.add(
                        doc,
                        ("stacking",) if "stacking" in doc.data else ("window",),
                        f"overlaps {other.id} on {where} but the two may not combine;"
                        " move a window or narrow a scope",
                        code="overlap_not_stackable",
                    )
                else:
                    issues.add(
                        doc,
                        ("stacking",) if "stacking" in doc.data else ("id",),
                        f"overlaps {other.id} on {where} and neither says whether they"
                        " combine; add stacks_with or not_with",
                        code="stacking_undefined",
                        severity="warning",
                    )
            active.append(entry)
