"""Price a basket at a store and moment, step by step, from the promotions that apply.

Order of application (each step rounds to cents, half up):

1. per-customer limits pick which units a promotion covers (the dearest first);
2. ``percent_off`` and ``amount_off`` on each covered unit (members get ``member_percent``
   instead of ``percent`` when it is set);
3. ``member_extra_percent`` on the already discounted price (members only);
4. ``buy_x_get_y``: in each group of ``buy + get`` covered units, ordered dearest first at
   their current price, the ``get`` cheapest are ``percent_off`` off;
5. ``spend_threshold``: the highest tier reached by the covered units' current total comes
   off the basket, once.

A promotion with several rule sets prices each unit with the rule set in force for its item
at that moment (:func:`knowledge_base.resolution.rule_set_at`); the per-customer limit is
shared by all of them, and spend and buy-x-get-y rules count the units of their own rule set.

Promotions that apply to the same item combine only when their stacking says so. When two
do not combine (or their stacking is undefined), each combination that keeps them apart is
priced and the one cheapest for the customer is quoted; a step says so.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from knowledge_base.errors import PricingError
from knowledge_base.models import (
    AmountOff,
    BuyXGetY,
    MemberExtraPercent,
    PercentOff,
    Promotion,
    RuleSet,
    SpendThreshold,
)
from knowledge_base.resolution import stacking_relation
from knowledge_base.speech import amount_text, number_text, to_cents

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase

MAX_COMBINED_PROMOTIONS = 12
"""More promotions than this on one basket is refused rather than searched."""


@dataclass(frozen=True, slots=True)
class BasketLine:
    """``quantity`` units of one SKU."""

    sku: str
    quantity: int = 1


@dataclass(frozen=True, slots=True)
class Basket:
    """What the customer wants to buy."""

    lines: tuple[BasketLine, ...]

    @classmethod
    def of(cls, items: Mapping[str, int] | Iterable[tuple[str, int]]) -> Basket:
        """``Basket.of({"AX-200": 2, "SK-3P": 3})``."""
        pairs = items.items() if isinstance(items, Mapping) else items
        return cls(tuple(BasketLine(sku, quantity) for sku, quantity in pairs))


@dataclass(frozen=True, slots=True)
class QuoteStep:
    """One thing that changed the price, in words, with the amount it took off."""

    description: str
    """English, with amounts written as in answers (``20 percent off 2 x AX-200``)."""
    discount: Decimal
    """Amount taken off by this step (0 for notes such as a limit)."""
    promotion_id: str | None = None


@dataclass(frozen=True, slots=True)
class QuoteLine:
    """A basket line after the per-unit steps (before basket-level spend discounts)."""

    sku: str
    quantity: int
    unit_list_price: Decimal
    list_total: Decimal
    total: Decimal

    @property
    def discount(self) -> Decimal:
        """Taken off this line by per-unit steps."""
        return self.list_total - self.total


@dataclass(frozen=True, slots=True)
class Quote:
    """A priced basket."""

    store_id: str
    currency: str
    """ISO code of the store's currency."""
    member: bool
    at: datetime
    lines: tuple[QuoteLine, ...]
    steps: tuple[QuoteStep, ...]
    list_total: Decimal
    total: Decimal
    promotion_ids: tuple[str, ...] = field(default=())
    """Promotions that took money off, in order."""

    @property
    def discount(self) -> Decimal:
        """Everything taken off."""
        return self.list_total - self.total


@dataclass(slots=True)
class _Unit:
    sku: str
    list_price: Decimal
    price: Decimal


_Placements = dict[tuple[str, str], tuple[int, RuleSet]]
"""(promotion id, SKU) -> the rule set (index, rules) pricing that SKU now."""


def quote(
    knowledge: KnowledgeBase, *, basket: Basket, store_id: str, at: datetime, member: bool
) -> Quote:
    """Price ``basket`` at ``store_id`` at ``at`` (aware), for a member or not.

    Raises:
        PricingError: empty basket, bad quantity, missing price, or too many overlaps.
        UnknownEntityError: unknown store or SKU.
        ResolutionError: the store has no time zone, or ``at`` is naive.
    """
    if not basket.lines:
        raise PricingError("the basket is empty")
    currency = knowledge.currency_of(store_id)
    code = currency.code
    candidates: dict[str, Promotion] = {}
    placements: _Placements = {}
    for line in basket.lines:
        if line.quantity < 1:
            raise PricingError(f"quantity of {line.sku} must be at least 1 (got {line.quantity})")
        product = knowledge.product(line.sku)
        if code not in product.list_price:
            raise PricingError(f"{line.sku} has no list price in {code}")
        for applied in knowledge.resolve(store_id, at, line.sku):
            candidates.setdefault(applied.promotion.id, applied.promotion)
            placements[(applied.promotion.id, line.sku)] = (
                applied.rule_set_index,
                applied.rule_set,
            )

    promotions = list(candidates.values())
    active = {p.id: {sku for (pid, sku) in placements if pid == p.id} for p in promotions}
    conflicts = {
        (a.id, b.id)
        for a, b in itertools.combinations(promotions, 2)
        if stacking_relation(a, b) != "stack" and active[a.id] & active[b.id]
    }
    unit_name = currency.name.en

    def price(chosen: list[Promotion]) -> tuple[list[QuoteStep], list[_Unit], Decimal]:
        return _price(knowledge, basket, chosen, placements, code, unit_name, member)

    if not conflicts:
        steps, units, basket_off = price(promotions)
    else:
        if len(promotions) > MAX_COMBINED_PROMOTIONS:
            raise PricingError(f"{len(promotions)} overlapping promotions; too many to combine")
        best: tuple[list[QuoteStep], list[_Unit], Decimal, list[Promotion]] | None = None
        for chosen in _compatible_sets(promotions, conflicts):
            priced = price(chosen)
            total = sum((u.price for u in priced[1]), Decimal(0)) - priced[2]
            if best is None or total < sum((u.price for u in best[1]), Decimal(0)) - best[2]:
                best = (*priced, chosen)
        assert best is not None
        steps, units, basket_off, chosen = best
        chosen_ids = {p.id for p in chosen}
        for a_id, b_id in sorted(conflicts):
            kept = a_id if a_id in chosen_ids else b_id
            steps.insert(
                0,
                QuoteStep(
                    description=(
                        f"{candidates[a_id].title.en} and {candidates[b_id].title.en} do not"
                        f" combine; {candidates[kept].title.en} saves the customer more"
                    ),
                    discount=Decimal(0),
                ),
            )

    lines = []
    for line in basket.lines:
        mine = [u for u in units if u.sku == line.sku]
        list_price = knowledge.product(line.sku).list_price[code]
        lines.append(
            QuoteLine(
                sku=line.sku,
                quantity=line.quantity,
                unit_list_price=list_price,
                list_total=list_price * line.quantity,
                total=sum((u.price for u in mine), Decimal(0)),
            )
        )
    list_total = sum((line.list_total for line in lines), Decimal(0))
    total = sum((line.total for line in lines), Decimal(0)) - basket_off
    used: list[str] = []
    for step in steps:
        if step.promotion_id and step.discount > 0 and step.promotion_id not in used:
            used.append(step.promotion_id)
    return Quote(
        store_id=store_id,
        currency=code,
        member=member,
        at=at,
        lines=tuple(lines),
        steps=tuple(steps),
        list_total=list_total,
        total=total,
        promotion_ids=tuple(used),
    )


def _compatible_sets(
    promotions: list[Promotion], conflicts: set[tuple[str, str]]
) -> list[list[Promotion]]:
    """Maximal sets of promotions with no conflicting pair, largest first."""
    sets: list[list[Promotion]] = []
    for size in range(len(promotions), 0, -1):
        for combo in itertools.combinations(promotions, size):
            ids = {p.id for p in combo}
            if any(a in ids and b in ids for a, b in conflicts):
                continue
            if any(ids < {p.id for p in bigger} for bigger in sets):
                continue
            sets.append(list(combo))
    return sets


def _price(
    knowledge: KnowledgeBase,
    basket: Basket,
    promotions: list[Promotion],
    placements: _Placements,
    code: str,
    unit_name: str,
    member: bool,
) -> tuple[list[QuoteStep], list[_Unit], Decimal]:
    units = [
        _Unit(sku=line.sku, list_price=price, price=price)
        for line in basket.lines
        for price in [knowledge.product(line.sku).list_price[code]]
        for _ in range(line.quantity)
    ]
    steps: list[QuoteStep] = []
    # Per promotion: its covered units grouped by the rule set pricing them, in rule-set order.
    groups: list[tuple[Promotion, RuleSet, list[_Unit]]] = []
    for promotion in promotions:
        mine = sorted(
            (u for u in units if (promotion.id, u.sku) in placements), key=lambda u: -u.list_price
        )
        if promotion.limit is not None and len(mine) > promotion.limit.per_customer:
            over = mine[promotion.limit.per_customer :]
            mine = mine[: promotion.limit.per_customer]
            steps.append(
                QuoteStep(
                    description=(
                        f"{promotion.title.en}: limit {promotion.limit.per_customer}"
                        f" {promotion.limit.unit.en} per customer, {len(over)} more at the"
                        " regular price"
                    ),
                    discount=Decimal(0),
                    promotion_id=promotion.id,
                )
            )
        by_set: dict[int, tuple[RuleSet, list[_Unit]]] = {}
        for unit in mine:
            index, rule_set = placements[(promotion.id, unit.sku)]
            by_set.setdefault(index, (rule_set, []))[1].append(unit)
        for index in sorted(by_set):
            groups.append((promotion, *by_set[index]))

    for promotion, rule_set, covered in groups:
        for rule in rule_set.rules:
            if isinstance(rule, PercentOff):
                pct = rule.member_percent if member and rule.member_percent else rule.percent
                who = "members get " if member and rule.member_percent else ""
                _unit_step(
                    steps,
                    promotion,
                    covered,
                    unit_name,
                    f"{who}{number_text(pct)} percent off",
                    _percent_of(pct),
                )
            elif isinstance(rule, AmountOff) and (member or not rule.members_only):
                off = rule.amount.get(code)
                if off is None:
                    raise PricingError(f"{promotion.id} has no amount off in {code}")
                _unit_step(
                    steps,
                    promotion,
                    covered,
                    unit_name,
                    f"{amount_text(off)} {unit_name} off",
                    _amount_of(off),
                )
    if member:
        for promotion, rule_set, covered in groups:
            for rule in rule_set.rules:
                if isinstance(rule, MemberExtraPercent):
                    _unit_step(
                        steps,
                        promotion,
                        covered,
                        unit_name,
                        f"members save another {number_text(rule.percent)} percent",
                        _percent_of(rule.percent),
                    )
    for promotion, rule_set, covered in groups:
        for rule in rule_set.rules:
            if isinstance(rule, BuyXGetY):
                _buy_x_get_y(steps, promotion, rule, covered, unit_name)
    basket_off = Decimal(0)
    for promotion, rule_set, covered in groups:
        for rule in rule_set.rules:
            if not isinstance(rule, SpendThreshold) or (rule.members_only and not member):
                continue
            spent = sum((u.price for u in covered), Decimal(0))
            reached = [
                tier for tier in rule.tiers if code in tier.spend and spent >= tier.spend[code]
            ]
            if not reached:
                continue
            tier = max(reached, key=lambda t: t.spend[code])
            off = min(tier.off[code], spent)
            basket_off += off
            steps.append(
                QuoteStep(
                    description=(
                        f"{promotion.title.en}: spent {amount_text(spent)} {unit_name}, over"
                        f" {amount_text(tier.spend[code])} {unit_name}, so"
                        f" {amount_text(off)} {unit_name} off"
                    ),
                    discount=off,
                    promotion_id=promotion.id,
                )
            )
    return steps, units, basket_off


def _buy_x_get_y(
    steps: list[QuoteStep],
    promotion: Promotion,
    rule: BuyXGetY,
    covered: list[_Unit],
    unit_name: str,
) -> None:
    group = rule.buy + rule.get
    ordered = sorted(covered, key=lambda u: -u.price)
    reduced = [u for i, u in enumerate(ordered) if i % group >= rule.buy]
    if not reduced:
        return
    off = sum((to_cents(u.price * rule.percent_off / 100) for u in reduced), Decimal(0))
    for unit in reduced:
        unit.price -= to_cents(unit.price * rule.percent_off / 100)
    what = "free" if rule.percent_off == 100 else f"{number_text(rule.percent_off)} percent off"
    steps.append(
        QuoteStep(
            description=(
                f"{promotion.title.en}: buy {rule.buy} get {rule.get},"
                f" {_count(reduced)} {what}, {amount_text(off)} {unit_name} off"
            ),
            discount=off,
            promotion_id=promotion.id,
        )
    )


def _percent_of(pct: Decimal) -> Callable[[_Unit], Decimal]:
    """``pct`` percent of a unit's current price, in cents."""

    def cut(unit: _Unit) -> Decimal:
        return to_cents(unit.price * pct / 100)

    return cut


def _amount_of(off: Decimal) -> Callable[[_Unit], Decimal]:
    """A fixed amount, never more than the unit's current price."""

    def cut(unit: _Unit) -> Decimal:
        return min(off, unit.price)

    return cut


def _unit_step(
    steps: list[QuoteStep],
    promotion: Promotion,
    units: list[_Unit],
    unit_name: str,
    what: str,
    cut: Callable[[_Unit], Decimal],
) -> None:
    if not units:
        return
    total = Decimal(0)
    by_sku: dict[str, tuple[int, Decimal, Decimal]] = {}
    for unit in units:
        before = unit.price
        off = cut(unit)
        unit.price = before - off
        total += off
        count, _, _ = by_sku.get(unit.sku, (0, before, unit.price))
        by_sku[unit.sku] = (count + 1, before, unit.price)
    detail = ", ".join(
        f"{count} x {sku} {amount_text(before)} to {amount_text(after)} {unit_name}"
        for sku, (count, before, after) in by_sku.items()
    )
    steps.append(
        QuoteStep(
            description=f"{promotion.title.en}: {what}, {detail}",
            discount=total,
            promotion_id=promotion.id,
        )
    )


def _count(units: list[_Unit]) -> str:
    counts: dict[str, int] = {}
    for unit in units:
        counts[unit.sku] = counts.get(unit.sku, 0) + 1
    return ", ".join(f"{n} x {sku}" for sku, n in counts.items())
