"""Labelled feedback sets: the schema, clear errors, and the shipped training set."""

from __future__ import annotations

from collections import Counter

import pytest
from feedback_helpers import TRAINING_SET, VALIDATION_SET

from knowledge_base.feedback.features import normalise
from knowledge_base.feedback.sets import FeedbackSetError, parse_feedback_set
from knowledge_base.feedback.taxonomy import FeedbackCategory
from knowledge_base.knowledge import KnowledgeBase

GOOD = """\
language_mix: "en 100%"
catalogue: knowledge_base/data
items:
  - id: fb0001
    text: "size 40 of the AX-200 sold out again at Nanjing Road"
    language: en
    category: stock_availability
    urgency: high
    sentiment: negative
    products: [AX-200]
    promotion: weekend-running
"""


def test_a_set_in_the_documented_schema_parses() -> None:
    feedback_set = parse_feedback_set(GOOD)
    item = feedback_set.items[0]
    assert item.category is FeedbackCategory.STOCK_AVAILABILITY
    assert item.products == ["AX-200"]
    assert item.promotion == "weekend-running"


def test_a_bad_item_is_reported_with_its_line_and_field() -> None:
    bad = (
        GOOD
        + """\
  - id: fb0002
    text: "the till is broken"
    language: en
    category: till_problem
    urgency: high
    sentiment: negative
"""
    )
    with pytest.raises(FeedbackSetError) as caught:
        parse_feedback_set(bad, source="bad.yaml")
    problem = caught.value.problems[0]
    assert problem.line == 12
    assert problem.field == "items.1.category"
    assert "bad.yaml" in str(caught.value)
    assert caught.value.code == "feedback_set_invalid"


def test_duplicate_ids_are_refused_with_the_line_of_the_second() -> None:
    with pytest.raises(FeedbackSetError) as caught:
        parse_feedback_set(GOOD + GOOD.split("items:\n")[1])
    assert caught.value.problems[0].line == 12
    assert "duplicate id" in caught.value.problems[0].message


def test_broken_yaml_is_a_feedback_set_error_not_a_traceback() -> None:
    with pytest.raises(FeedbackSetError) as caught:
        parse_feedback_set("items: [\n  {id: a, text: 'x'\n")
    assert "invalid YAML" in caught.value.problems[0].message


def test_the_training_set_has_500_items_in_both_languages_and_every_category() -> None:
    items = parse_feedback_set(TRAINING_SET.read_text(encoding="utf-8")).items
    assert len(items) >= 500
    per_category_language = Counter((item.category, item.language) for item in items)
    for category in FeedbackCategory:
        assert per_category_language[(category, "en")] >= 20, category
        assert per_category_language[(category, "zh-CN")] >= 15, category


def test_the_validation_split_shares_no_text_with_the_training_set() -> None:
    train = parse_feedback_set(TRAINING_SET.read_text(encoding="utf-8")).items
    validation = parse_feedback_set(VALIDATION_SET.read_text(encoding="utf-8")).items
    assert {normalise(i.text) for i in train}.isdisjoint({normalise(i.text) for i in validation})
    assert {i.id for i in train}.isdisjoint({i.id for i in validation})


def test_every_labelled_sku_and_promotion_exists_in_the_sample_chain(
    knowledge: KnowledgeBase,
) -> None:
    for path in (TRAINING_SET, VALIDATION_SET):
        for item in parse_feedback_set(path.read_text(encoding="utf-8")).items:
            assert set(item.products) <= set(knowledge.products), item.id
            assert item.promotion is None or item.promotion in knowledge.promotions, item.id


def test_fields_beyond_the_schema_are_kept_and_listed() -> None:
    from knowledge_base.feedback.models import extension_fields

    extended = GOOD.replace(
        "    promotion: weekend-running\n", "    promotion: weekend-running\n    voice: espeak-ng\n"
    )
    feedback_set = parse_feedback_set("author: lead\n" + extended)
    assert extension_fields(feedback_set) == ["author", "items.voice"]
