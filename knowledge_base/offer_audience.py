"""Who an offer is for: every customer, or members only, and which is said first.

"The discount" on an item is what every customer gets; a members' extra on it is said after.
"""

from __future__ import annotations

from collections.abc import Sequence

from knowledge_base.models import MemberExtraPercent, PercentOff, Promotion, Rule
from knowledge_base.phrasing import is_discount_phrase
from knowledge_base.resolution import PromotionTiming


def members_only(promotion: Promotion) -> bool:
    """Only members get anything from the promotion (a members' extra, members-only rules)."""
    return bool(promotion.rules) and all(
        isinstance(rule, MemberExtraPercent) or getattr(rule, "members_only", False)
        for rule in promotion.rules
    )


def everyone_first(
    running: list[tuple[Promotion, PromotionTiming]], member: bool
) -> list[tuple[Promotion, PromotionTiming]]:
    """Offers for everyone before members-only ones, unless the question is about members.

    "The discount" on an item is what every customer gets; a members-only offer on it is
    said after, never as the discount. Among the rest, an offer that takes money off one
    unit ("20 percent off") comes before one that needs a basket ("buy 5, get 1 free",
    "spend 100, save 10"): it is what the item is on offer at.
    """
    if member:
        return sorted(running, key=lambda x: not is_discount_phrase(x[0]))
    return sorted(running, key=lambda x: (members_only(x[0]), not is_discount_phrase(x[0])))


def member_rule(promotion: Promotion) -> bool:
    """The promotion gives members something of their own."""
    return gives_members(promotion.rules)


def gives_members(rules: Sequence[Rule]) -> bool:
    """Some of these rules give members something of their own."""
    return any(
        isinstance(rule, PercentOff)
        and rule.member_percent is not None
        or isinstance(rule, MemberExtraPercent)
        or getattr(rule, "members_only", False)
        for rule in rules
    )
