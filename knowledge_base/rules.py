"""Discount rule kinds: percent off, amount off, member extra, spend and save, buy x get y.

A rule set (a promotion's own ``rules``, or one of its ``rule_sets``) lists them; pricing
applies them in the order described in :mod:`knowledge_base.pricing`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from knowledge_base.text import Schema
from knowledge_base.values import Percent, Prices


class PercentOff(Schema):
    """``percent`` off each item in scope; members get ``member_percent`` instead, if set."""

    kind: Literal["percent_off"]
    percent: Percent
    member_percent: Percent | None = None


class AmountOff(Schema):
    """A fixed amount off each item in scope."""

    kind: Literal["amount_off"]
    amount: Prices
    members_only: bool = False


class MemberExtraPercent(Schema):
    """Members get a further ``percent`` off the already discounted price."""

    kind: Literal["member_extra_percent"]
    percent: Percent


class SpendTier(Schema):
    """Spend at least ``spend`` on items in scope, get ``off`` off."""

    spend: Prices
    off: Prices


class SpendThreshold(Schema):
    """Spend-and-save: the highest tier reached applies, once per basket."""

    kind: Literal["spend_threshold"]
    tiers: list[SpendTier] = Field(min_length=1, max_length=20)
    members_only: bool = False


class BuyXGetY(Schema):
    """Buy ``buy`` items in scope, get ``get`` more (the cheapest) ``percent_off`` off."""

    kind: Literal["buy_x_get_y"]
    buy: int = Field(ge=1, le=100)
    get: int = Field(ge=1, le=100)
    percent_off: Percent = Decimal(100)
    """100 means free."""


Rule = Annotated[
    PercentOff | AmountOff | MemberExtraPercent | SpendThreshold | BuyXGetY,
    Field(discriminator="kind"),
]
