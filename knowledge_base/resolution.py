"""Which promotions apply at a store at a moment, read in the store's own time zone.

A promotion window is local wall-clock time (``2026-11-27T00:00`` until ``2026-11-30T00:00``,
written ``end: 2026-11-29``). At a store it becomes two instants in the store's IANA zone;
``end`` is the first moment the promotion is off. Instants are compared in UTC, which keeps
DST changes exact: a window ending at midnight on the night the clocks go back still ends at
local midnight, one hour later in UTC than the night before.

A promotion prices each item with one rule set at a time (:func:`rule_set_at`): the last
listed rule set whose scope covers the item and whose own start and end bracket the moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from knowledge_base.models import ALL, Product, Promotion, PromotionStatus, RuleSet, last_day

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase

StackingRelation = Literal["stack", "exclusive", "undefined"]
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
    """First moment it is off (``window.end``, exclusive), aware, in the store's zone."""
    local_now: datetime
    """The moment asked about, in the store's zone."""

    @property
    def last_day(self) -> date:
        """The last calendar day it is on (``ends`` at 00:00 means the day before)."""
        return last_day(self.ends)


@dataclass(frozen=True, slots=True)
class AppliedPromotion:
    """A published promotion that applies to an item at a store right now."""

    promotion: Promotion
    sku: str
    store_id: str
    starts: datetime
    """Aware, in the store's zone."""
    ends: datetime
    """First moment it is off (exclusive), aware, in the store's zone."""
    rule_set: RuleSet
    """The rule set that prices ``sku`` now (see :func:`rule_set_at`)."""
    rule_set_index: int = 0
    """Its place in :attr:`Promotion.all_rule_sets` (0: the promotion's own rules)."""


@dataclass(frozen=True, slots=True)
class RuleSetPlacement:
    """The rule set that prices an item at a moment, and when it applies at that store."""

    promotion: Promotion
    sku: str
    index: int
    """Place in :attr:`Promotion.all_rule_sets` (0: the promotion's own scope and rules)."""
    rule_set: RuleSet
    starts: datetime
    """First moment these rules apply, aware, in the store's zone."""
    ends: datetime
    """First moment they no longer apply, aware, in the store's zone."""


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
    knowledge: KnowledgeBase,
    *,
    promotion: Promotion,
    store_id: str,
    at: datetime,
    sku: str | None = None,
) -> PromotionTiming:
    """Place ``promotion``'s window at ``store_id`` and say where ``at`` falls in it.

    With ``sku``, the window is the time the promotion covers that item (an item added by a
    later rule set is ``upcoming`` until its rules start), falling back to the promotion's
    window when no rule set covers it.
    """
    zone = knowledge.zone(store_id)
    local_now = knowledge.local_time(store_id, at)
    bounds = knowledge.sku_window(promotion, sku) if sku is not None else None
    start, end = bounds or (promotion.window.start, promotion.window.end)
    starts = start.replace(tzinfo=zone)
    ends = end.replace(tzinfo=zone)
    now_utc = local_now.astimezone(UTC)
    if now_utc < starts.astimezone(UTC):
        phase = Phase.UPCOMING
    elif now_utc < ends.astimezone(UTC):
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
        if placed.phase is not Phase.RUNNING:
            continue
        rule_set = rule_set_at(knowledge, promotion=promotion, sku=sku, store_id=store_id, at=at)
        if rule_set is None:
            continue
        applied.append(
            AppliedPromotion(
                promotion=promotion,
                sku=sku,
                store_id=store_id,
                starts=placed.starts,
                ends=placed.ends,
                rule_set=rule_set.rule_set,
                rule_set_index=rule_set.index,
            )
        )
    return applied


def rule_set_at(
    knowledge: KnowledgeBase, *, promotion: Promotion, sku: str, store_id: str, at: datetime
) -> RuleSetPlacement | None:
    """The rule set of ``promotion`` that prices ``sku`` at ``store_id`` at ``at``.

    The last rule set in :attr:`Promotion.all_rule_sets` whose scope covers ``sku`` and whose
    own start and end (inside the promotion's window) bracket ``at``; ``None`` when none
    does. It does not check the promotion's status or stores (:func:`resolve` does).
    """
    zone = knowledge.zone(store_id)
    now_utc = knowledge.local_time(store_id, at).astimezone(UTC)
    found: RuleSetPlacement | None = None
    for index, (rule_set, skus) in enumerate(
        zip(promotion.all_rule_sets, knowledge.rule_set_skus(promotion), strict=True)
    ):
        if sku not in skus:
            continue
        start, end = rule_set.bounds(promotion.window)
        starts, ends = start.replace(tzinfo=zone), end.replace(tzinfo=zone)
        if starts.astimezone(UTC) <= now_utc < ends.astimezone(UTC):
            found = RuleSetPlacement(
                promotion=promotion,
                sku=sku,
                index=index,
                rule_set=rule_set,
                starts=starts,
                ends=ends,
            )
    return found
