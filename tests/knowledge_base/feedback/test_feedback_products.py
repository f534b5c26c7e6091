"""Products a feedback text names, and the promotions in force on them at the store."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from knowledge_base.feedback.products import (
    feedback_subjects,
    mentioned_products,
    promotions_in_force,
)
from knowledge_base.knowledge import KnowledgeBase

SATURDAY = datetime(2026, 11, 28, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(
    ("text", "skus"),
    [
        ("size 40 of the AX-200 sold out", ["AX-200"]),
        ("the aero x two hundred in 42 is gone", ["AX-200"]),
        ("a x 200 is missing from the wall", ["AX-200"]),
        ("road nova and glacier boot both sold out", ["RN-300", "WB-320"]),
        ("sk-3p needs a refill", ["SK-3P"]),
        ("the AX-200 limited edition sold out in an hour", ["AX-200-LE"]),
        ("Aero X 200 限量版卖光了", ["AX-200-LE"]),
        ("the till is broken", []),
        ("the XZ-999 is not in the catalogue", []),
    ],
)
def test_products_are_found_by_name_alias_code_and_as_misheard(
    knowledge: KnowledgeBase, text: str, skus: list[str]
) -> None:
    assert mentioned_products(knowledge, text) == skus


@pytest.mark.parametrize(
    ("text", "skus"),
    [
        ("冰川靴女款37码断货了", ["WB-320"]),
        ("风暴夹克拉链坏了", ["JK-700"]),
        ("抓绒卫衣和日常T恤一起买的人多", ["HD-220", "TE-100"]),
        ("限量版AX-200只剩两双", ["AX-200-LE"]),
    ],
)
def test_the_sample_catalogue_names_its_products_in_chinese_too(
    knowledge: KnowledgeBase, text: str, skus: list[str]
) -> None:
    assert mentioned_products(knowledge, text) == skus


@pytest.mark.parametrize(
    "text",
    [
        "the regulars come in every day now",
        "bring old shoes and get 100 off at the mall",
    ],
)
def test_everyday_words_heard_loosely_name_no_product(knowledge: KnowledgeBase, text: str) -> None:
    assert mentioned_products(knowledge, text) == []


def test_an_exact_product_code_counts_even_when_it_looks_like_a_number(
    knowledge: KnowledgeBase,
) -> None:
    assert mentioned_products(knowledge, "TE 100 in white is gone") == ["TE-100"]


def test_the_weekend_offer_is_in_force_on_the_ax200_in_shanghai_on_saturday(
    knowledge: KnowledgeBase,
) -> None:
    assert promotions_in_force(knowledge, ["AX-200"], store_id="SH-01", at=SATURDAY) == [
        "weekend-running"
    ]


def test_no_promotion_is_in_force_where_the_store_does_not_take_part(
    knowledge: KnowledgeBase,
) -> None:
    berlin = SATURDAY.astimezone(ZoneInfo("Europe/Berlin"))
    assert promotions_in_force(knowledge, ["AX-200"], store_id="BER-01", at=berlin) == []


def test_an_excluded_product_has_no_promotion_in_force(knowledge: KnowledgeBase) -> None:
    assert promotions_in_force(knowledge, ["AX-200-LE"], store_id="SH-01", at=SATURDAY) == []


def test_the_named_promotion_wins_over_the_ones_in_force(knowledge: KnowledgeBase) -> None:
    subjects = feedback_subjects(
        knowledge, "the socks offer confuses people buying the AX-200", store_id="SH-01",
        at=SATURDAY,
    )  # fmt: skip
    assert subjects.promotions_named == ["socks-3for2"]
    assert subjects.promotions_in_force == ["weekend-running"]
    assert subjects.promotion == "socks-3for2"


def test_the_single_promotion_in_force_is_the_one_the_feedback_is_about(
    knowledge: KnowledgeBase,
) -> None:
    subjects = feedback_subjects(knowledge, "RN-300 sold out", store_id="SH-01", at=SATURDAY)
    assert subjects.promotion == "weekend-running"


def test_without_store_or_moment_nothing_is_in_force(knowledge: KnowledgeBase) -> None:
    subjects = feedback_subjects(knowledge, "AX-200 sold out", store_id=None, at=None)
    assert subjects.products == ["AX-200"] and subjects.promotions_in_force == []
