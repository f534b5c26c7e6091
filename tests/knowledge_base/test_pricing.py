from decimal import Decimal
from pathlib import Path

import pytest
from kb_helpers import local

from knowledge_base import pricing
from knowledge_base.errors import PricingError, UnknownEntityError
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import load_knowledge_base
from knowledge_base.pricing import Basket

SATURDAY = local("SH-01", "2026-11-28T15:00")
DOUBLE_12 = local("SH-01", "2026-12-12T15:00")


def _total(
    knowledge: KnowledgeBase, items: dict[str, int], *, member: bool, store="SH-01", at=SATURDAY
):
    return pricing.quote(
        knowledge, basket=Basket.of(items), store_id=store, at=at, member=member
    ).total


def test_percent_off_for_a_non_member(knowledge) -> None:
    quote = pricing.quote(
        knowledge, basket=Basket.of({"AX-200": 1}), store_id="SH-01", at=SATURDAY, member=False
    )
    assert quote.total == Decimal("719.20")
    assert quote.list_total == Decimal("899")
    assert quote.currency == "CNY"
    assert quote.promotion_ids == ("weekend-running",)
    assert [s.description for s in quote.steps] == [
        "Weekend Running Offer: 20 percent off, 1 x AX-200 899 to 719.20 yuan"
    ]


def test_members_get_the_extra_percent_on_the_discounted_price(knowledge) -> None:
    quote = pricing.quote(
        knowledge, basket=Basket.of({"AX-200": 2}), store_id="SH-01", at=SATURDAY, member=True
    )
    assert quote.total == Decimal("1366.48")  # 899 -> 719.20 -> 683.24, twice
    assert [s.discount for s in quote.steps] == [Decimal("359.60"), Decimal("71.92")]
    assert "members save another 5 percent" in quote.steps[1].description


def test_the_per_customer_limit_leaves_further_pairs_at_the_regular_price(knowledge) -> None:
    quote = pricing.quote(
        knowledge, basket=Basket.of({"RN-300": 3}), store_id="SH-01", at=SATURDAY, member=True
    )
    assert quote.total == Decimal("1761.48")  # 2 x 531.24 + 699
    assert quote.steps[0].description == (
        "Weekend Running Offer: limit 2 pairs per customer, 1 more at the regular price"
    )


def test_the_limit_gives_the_discount_to_the_dearest_pairs(knowledge) -> None:
    total = _total(knowledge, {"RN-300": 1, "AX-200": 2}, member=False)
    assert total == Decimal("719.20") * 2 + Decimal("699")


def test_an_excluded_item_keeps_its_list_price(knowledge) -> None:
    quote = pricing.quote(
        knowledge, basket=Basket.of({"AX-200-LE": 1}), store_id="SH-01", at=SATURDAY, member=True
    )
    assert quote.total == Decimal("1299")
    assert quote.steps == ()


def test_buy_two_get_the_cheapest_third_free(knowledge) -> None:
    assert _total(knowledge, {"SK-3P": 3}, member=False) == Decimal("158")
    assert _total(knowledge, {"SK-3P": 2, "SK-WOOL": 1}, member=False) == Decimal("178")
    assert _total(knowledge, {"SK-WOOL": 6}, member=False) == Decimal("396")
    assert _total(knowledge, {"SK-3P": 2}, member=False) == Decimal("158")


def test_buy_two_get_one_frees_the_cheapest_of_each_group_of_three(knowledge) -> None:
    # 99, 99, 99 | 79, 79, 79 -> one 99 and one 79 free.
    total = _total(knowledge, {"SK-WOOL": 3, "SK-3P": 3}, member=False)
    assert total == Decimal(99 * 3 + 79 * 3 - 99 - 79)


def test_the_highest_spend_threshold_reached_applies_once(knowledge) -> None:
    assert _total(knowledge, {"WB-310": 1}, member=False) == Decimal("1149")
    assert _total(knowledge, {"WB-310": 1, "WB-320": 1}, member=False) == Decimal("2548")
    quote = pricing.quote(
        knowledge,
        basket=Basket.of({"WB-310": 1, "WB-320": 1}),
        store_id="SH-01",
        at=SATURDAY,
        member=False,
    )
    assert [s.discount for s in quote.steps] == [Decimal("350")]


def test_stackable_promotions_combine_in_one_basket(knowledge) -> None:
    quote = pricing.quote(
        knowledge,
        basket=Basket.of({"AX-200": 1, "SK-3P": 3}),
        store_id="SH-01",
        at=SATURDAY,
        member=True,
    )
    assert quote.total == Decimal("841.24")
    assert quote.promotion_ids == ("weekend-running", "socks-3for2")


def test_promotions_that_do_not_combine_give_the_customer_the_better_one(knowledge) -> None:
    boots = {"WB-310": 1, "WB-320": 1}
    # Non-member: 350 off the 2898 spend beats 12 percent (2550.24).
    plain = pricing.quote(
        knowledge, basket=Basket.of(boots), store_id="SH-01", at=DOUBLE_12, member=False
    )
    assert plain.total == Decimal("2548")
    assert plain.promotion_ids == ("winter-boots",)
    # Member: 15 percent (2463.30) beats the spend discount.
    member = pricing.quote(
        knowledge, basket=Basket.of(boots), store_id="SH-01", at=DOUBLE_12, member=True
    )
    assert member.total == Decimal("2463.30")
    assert member.promotion_ids == ("double-12",)
    assert "do not combine" in member.steps[0].description


def test_prices_are_in_the_stores_currency(knowledge) -> None:
    assert _total(
        knowledge, {"AX-200": 1}, member=True, store="SG-01", at=local("SG-01", "2026-11-28T15:00")
    ) == Decimal("128.44")
    berlin = local("BER-01", "2026-11-28T15:00")
    quote = pricing.quote(
        knowledge, basket=Basket.of({"JK-700": 1}), store_id="BER-01", at=berlin, member=False
    )
    assert (quote.total, quote.currency) == (Decimal("149.25"), "EUR")


def test_no_promotion_outside_its_window(knowledge) -> None:
    assert _total(
        knowledge, {"AX-200": 1}, member=True, at=local("SH-01", "2026-11-30T00:00")
    ) == Decimal("899")


EXTRA = """id: {id}
version: 1
status: published
title: {title}
window: {{start: 2026-11-01, end: 2026-11-30}}
regions: [east-china]
scope: {{skus: [{sku}]}}
rules: [{rule}]
stacking: {{stacks_with: ["*"]}}
"""


@pytest.fixture
def extra_rules(sample_copy: Path) -> KnowledgeBase:
    extras = {
        "half-cent": ("Half Cent", "TE-100", "{kind: percent_off, percent: 12.5}"),
        "fifty-off": ("Fifty Off", "HD-220", "{kind: amount_off, amount: {CNY: 50}}"),
        "members-fifty": (
            "Members Fifty",
            "CL-50",
            "{kind: amount_off, amount: {CNY: 50}, members_only: true}",
        ),
    }
    for pid, (title, sku, rule) in extras.items():
        (sample_copy / "promotions" / f"{pid}.yaml").write_text(
            EXTRA.format(id=pid, title=title, sku=sku, rule=rule)
        )
    return load_knowledge_base(sample_copy)


def test_rounding_is_half_up_to_cents_on_the_new_price(extra_rules) -> None:
    # 12.5 percent off 129 is 112.875: the price rounds half up to 112.88 (banker's rounding
    # would give 112.88 too, but rounding the 16.125 off first would give 112.87).
    assert _total(extra_rules, {"TE-100": 1}, member=False) == Decimal("112.88")


def test_amount_off_each_unit_and_members_only_amounts(extra_rules) -> None:
    assert _total(extra_rules, {"HD-220": 2}, member=False) == Decimal("698")
    assert _total(extra_rules, {"CL-50": 1}, member=False) == Decimal("599")
    assert _total(extra_rules, {"CL-50": 1}, member=True) == Decimal("549")


def test_bad_baskets_are_clear_errors(knowledge) -> None:
    with pytest.raises(PricingError, match="empty"):
        pricing.quote(knowledge, basket=Basket(()), store_id="SH-01", at=SATURDAY, member=False)
    with pytest.raises(PricingError, match="at least 1"):
        pricing.quote(
            knowledge, basket=Basket.of({"AX-200": 0}), store_id="SH-01", at=SATURDAY, member=False
        )
    with pytest.raises(UnknownEntityError):
        pricing.quote(
            knowledge, basket=Basket.of({"ZZ-1": 1}), store_id="SH-01", at=SATURDAY, member=False
        )
