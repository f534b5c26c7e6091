"""Which promotions apply at a store at a moment, read in the store's own time zone.

A promotion window is local wall-clock time (``2026-11-27T00:00`` to ``2026-11-29T23:59``).
At a store it becomes two instants in the store's IANA zone; ``end`` is the last minute the
promotion is on, so it runs until ``end + 1 minute`` (exclusive). Instants are compared in
UTC, which keeps DST changes exact: a window ending at 23:59 on the night the clocks go back
still ends at local midnight, one hour later in UTC than the night before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from knowledge_base.models import ALL, Product, Promotion, PromotionStatus

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase

StackingRelation = Literal["stack", "exclusive", "undefined"]
ONE_MINUTE = timedelta(minutes=1)
NEAR = timedelta(days=1)
"""Wall-clock slack for :func:`may_run`: more than any UTC offset change."""


class Phase(StrEnum):
    """Where a promotion stands at a moment, at one store."""

    UPCOMING = "upcoming"
    RUNNING = "running"
    ENDED = "ended"
    WITHDRAWN = "withdrawn"
    """Retired before its window was over."""


@dataclass(frozen=True, slots=True)
class PromotionTiming:
    """A promotion's window at one store, and where ``at`` falls in it."""

    promotion: Promotion
    store_id: str
    phase: Phase
    starts: datetime
    """First moment, aware, in the store's zone."""
    ends: datetime
    """Last minute the promotion is on (``window.end``), aware, in the store's zone."""
    local_now: datetime
    """The moment asked about, in the store's zone."""


@dataclass(frozen=True, slots=True)
class AppliedPromotion:
    """A published promotion that applies to an item at a store right now."""

    promotion: Promotion
    sku: str
    store_id: str
    starts: datetime
    """Aware, in the store's zone."""
    ends: datetime
    """Last minute, aware, in the store's zone."""


def stacking_relation(a: Promotion, b: Promotion) -> StackingRelation:
    """How two promotions combine on the same item.

    ``exclusive`` wins over ``stack``: a promotion marked exclusive, or named in the other's
    ``not_with``, never combines even if the other says it stacks with everything.
    """
    if a.stacking.exclusive or b.stacking.exclusive:
        return "exclusive"
    if b.id in a.stacking.not_with or a.id in b.stacking.not_with:
        return "exclusive"
    if (
        b.id in a.stacking.stacks_with
        or a.id in b.stacking.stacks_with
        or ALL in a.stacking.stacks_with
        or ALL in b.stacking.stacks_with
    ):
        return "stack"
    return "undefined"


def may_run(promotion: Promotion, local_now: datetime) -> bool:
    """Cheap pre-check on naive local times.

    ``False`` only when ``local_now`` is a day or more outside the window, so the exact
    (zone-aware) :func:`timing` is not needed.
    """
    return promotion.window.start - NEAR <= local_now <= promotion.window.end + NEAR


def timing(
    knowledge: KnowledgeBase, *, promotion: Promotion, store_id: str, at: datetime
) -> PromotionTiming:
    """Place ``promotion``'s window at ``store_id`` and say where ``at`` falls in it."""
    zone = knowledge.zone(store_id)
    local_now = knowledge.local_time(store_id, at)
    starts = promotion.window.start.replace(tzinfo=zone)
    ends = promotion.window.end.replace(tzinfo=zone)
    now_utc = local_now.astimezone(UTC)
    if now_utc < starts.astimezone(UTC):
        phase = Phase.UPCOMING
    elif now_utc < (ends.astimezone(UTC) + ONE_MINUTE):
        phase = Phase.RUNNING
    else:
        phase = Phase.ENDED
    if promotion.status is PromotionStatus.RETIRED and phase is not Phase.ENDED:
        phase = Phase.WITHDRAWN
    return PromotionTiming(
        promotion=promotion,
        store_id=store_id,
        phase=phase,
        starts=starts,
        ends=ends,
        local_now=local_now,
    )


def resolve(
    knowledge: KnowledgeBase, *, store_id: str, at: datetime, item: str | Product
) -> list[AppliedPromotion]:
    """Published promotions that apply to ``item`` at ``store_id`` at the moment ``at``.

    Drafts and retired promotions never apply. ``at`` must be time-zone aware; it is read
    in the store's zone.

    Raises:
        UnknownEntityError: the store or SKU is not in the knowledge base.
        ResolutionError: the store has no time zone, or ``at`` is naive.
    """
    sku = item.sku if isinstance(item, Product) else item
    knowledge.product(sku)
    knowledge.store(store_id)
    local_now = knowledge.local_time(store_id, at).replace(tzinfo=None)
    applied: list[AppliedPromotion] = []
    for promotion in knowledge.promotions_for_sku(sku):
        if promotion.status is not PromotionStatus.PUBLISHED or not may_run(promotion, local_now):
            continue
        if store_id not in knowledge.scope_stores(promotion):
            continue
        placed = timing(knowledge, promotion=promotion, store_id=store_id, at=at)
        if placed.phase is Phase.RUNNING:
            applied.append(
                AppliedPromotion(
                    promotion=promotion,
                    sku=sku,
                    store_id=store_id,
                    starts=placed.starts,
                    ends=placed.ends,
                )
            )
    return applied
