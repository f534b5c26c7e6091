"""Pricing steps: apply one combination of promotions' rules to the units of a basket.

Used by :func:`knowledge_base.pricing.quote`, which picks the combinations. Each step rounds
the unit's new price to cents, half up (never the amount taken off), and records a
:class:`~knowledge_base.pricing.QuoteStep` in words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
from knowledge_base.phrasing import per_customer
from knowledge_base.quotes import Basket, QuoteStep
from knowledge_base.speech import amount_text, number_text, to_cents

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase


@dataclass(slots=True)
class Unit:
    """One unit of a basket line, with its price so far."""

    sku: str
    list_price: Decimal
    price: Decimal


Placements = dict[tuple[str, str], tuple[int, RuleSet]]
"""(promotion id, SKU) -> the rule set (index, rules) pricing that SKU now."""


def price_units(
    knowledge: KnowledgeBase,
    basket: Basket,
    promotions: list[Promotion],
    placements: Placements,
    code: str,
    unit_name: str,
    member: bool,
) -> tuple[list[QuoteStep], list[Unit], Decimal]:
    """Apply ``promotions`` to ``basket`` in the documented order.

    Returns:
        The steps in words, every unit at its final price, and the basket-level amount off
        (spend thresholds).
    """
    units = [
        Unit(sku=line.sku, list_price=price, price=price)
        for line in basket.lines
        for price in [knowledge.product(line.sku).list_price[code]]
        for _ in range(line.quantity)
    ]
    steps: list[QuoteStep] = []
    # Per promotion: its covered units grouped by the rule set pricing them, in rule-set order.
    groups: list[tuple[Promotion, RuleSet, list[Unit]]] = []
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
                        f"{promotion.title.en}: limit"
                        f" {per_customer(promotion.limit, False)}, {len(over)} more at the"
                        " regular price"
                    ),
                    discount=Decimal(0),
                    promotion_id=promotion.id,
                )
            )
        by_set: dict[int, tuple[RuleSet, list[Unit]]] = {}
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
    covered: list[Unit],
    unit_name: str,
) -> None:
    group = rule.buy + rule.get
    ordered = sorted(covered, key=lambda u: -u.price)
    reduced = [u for i, u in enumerate(ordered) if i % group >= rule.buy]
    if not reduced:
        return
    off = Decimal(0)
    for unit in reduced:
        reduced_price = _percent_price(unit.price, rule.percent_off)
        off += unit.price - reduced_price
        unit.price = reduced_price
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


def _percent_of(pct: Decimal) -> Callable[[Unit], Decimal]:
    """``pct`` percent off a unit's current price: the new price is rounded, not the cut.

    24.90 at 25 percent off is 18.675, so 18.68 (half up); the cut is what is left, 6.22.
    """

    def cut(unit: Unit) -> Decimal:
        return unit.price - _percent_price(unit.price, pct)

    return cut


def _percent_price(price: Decimal, pct: Decimal) -> Decimal:
    """``price`` less ``pct`` percent, rounded half up to cents."""
    return to_cents(price * (100 - pct) / 100)


def _amount_of(off: Decimal) -> Callable[[Unit], Decimal]:
    """A fixed amount, never more than the unit's current price."""

    def cut(unit: Unit) -> Decimal:
        return min(off, unit.price)

    return cut


def _unit_step(
    steps: list[QuoteStep],
    promotion: Promotion,
    units: list[Unit],
    unit_name: str,
    what: str,
    cut: Callable[[Unit], Decimal],
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


def _count(units: list[Unit]) -> str:
    counts: dict[str, int] = {}
    for unit in units:
        counts[unit.sku] = counts.get(unit.sku, 0) + 1
    return ", ".join(f"{n} x {sku}" for sku, n in counts.items())
