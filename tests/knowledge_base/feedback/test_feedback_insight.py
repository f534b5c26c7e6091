"""Anomaly rules, role scoping, filters and counts: pure functions over records."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from feedback_helpers import MakeRecord

from knowledge_base.answering import Role
from knowledge_base.feedback.anomalies import (
    AlertRule,
    Publication,
    category_surge,
    confusion_after_publish,
    stock_out_spread,
)
from knowledge_base.feedback.evaluation import Prediction, category_scores, score
from knowledge_base.feedback.queries import (
    Dimension,
    FeedbackFilter,
    Viewer,
    counts,
    cross_counts,
    select,
    visible_to,
)
from knowledge_base.feedback.taxonomy import FeedbackCategory

CONFUSION = FeedbackCategory.PRICE_RULE_CONFUSION


def test_three_stores_out_of_the_same_sku_within_two_hours_raise_an_alert(
    make_record: MakeRecord,
) -> None:
    records = [make_record(store_id=s, minute=m) for s, m in [("SH-01", 0), ("SH-02", 30),
                                                              ("HZ-01", 59)]]  # fmt: skip
    [alert] = stock_out_spread(records)
    assert alert.rule is AlertRule.STOCK_OUT_SPREAD and alert.key == "AX-200"
    assert alert.stores == ["HZ-01", "SH-01", "SH-02"]
    assert alert.record_ids == ["r1", "r2", "r3"]


def test_the_same_store_three_times_is_no_spread(make_record: MakeRecord) -> None:
    assert stock_out_spread([make_record(minute=m) for m in (0, 10, 20)]) == []


def test_reports_further_apart_than_the_window_raise_nothing(make_record: MakeRecord) -> None:
    start = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
    records = [
        make_record(store_id=s, at=start + timedelta(minutes=m))
        for s, m in [("SH-01", 0), ("SH-02", 70), ("HZ-01", 130)]
    ]
    assert stock_out_spread(records) == []
    assert len(stock_out_spread(records, window=timedelta(hours=3))) == 1


def test_the_store_threshold_is_a_parameter(make_record: MakeRecord) -> None:
    records = [make_record(store_id="SH-01"), make_record(store_id="SH-02", minute=5)]
    assert stock_out_spread(records) == []
    assert len(stock_out_spread(records, min_stores=2)) == 1


def test_other_categories_do_not_count_as_stock_outs(make_record: MakeRecord) -> None:
    records = [make_record(store_id=s, category=CONFUSION) for s in ("SH-01", "SH-02", "HZ-01")]
    assert stock_out_spread(records) == []


def test_a_category_far_above_its_trailing_baseline_surges(make_record: MakeRecord) -> None:
    today = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    baseline = [make_record(at=today - timedelta(days=d)) for d in range(1, 8)]  # 1 a day
    surge = [make_record(at=today + timedelta(minutes=i)) for i in range(6)]
    [alert] = category_surge([*baseline, *surge], today=date(2026, 11, 28))
    assert alert.rule is AlertRule.CATEGORY_SURGE and alert.key == "stock_availability"
    assert alert.figures == {"today": 6.0, "baseline": 1.0}
    assert category_surge([*baseline, *surge], today=date(2026, 11, 28), ratio=7.0) == []


def test_a_busy_category_at_its_usual_level_does_not_surge(make_record: MakeRecord) -> None:
    today = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    usual = [make_record(at=today - timedelta(days=d, minutes=i))
             for d in range(1, 8) for i in range(5)]  # fmt: skip
    now = [make_record(at=today + timedelta(minutes=i)) for i in range(6)]
    assert category_surge([*usual, *now], today=date(2026, 11, 28)) == []


def test_rule_confusion_from_several_stores_soon_after_a_publish_alerts(
    make_record: MakeRecord,
) -> None:
    published = Publication("weekend-running", datetime(2026, 11, 28, 6, 30, tzinfo=UTC), 2)
    records = [
        make_record(store_id=s, minute=m, category=CONFUSION, promotion="weekend-running")
        for s, m in [("SH-01", 0), ("SH-02", 10), ("HZ-01", 20)]
    ]
    [alert] = confusion_after_publish(records, [published])
    assert alert.key == "weekend-running" and "version 2" in alert.message
    late = Publication("weekend-running", datetime(2026, 11, 28, 5, 0, tzinfo=UTC))
    assert confusion_after_publish(records, [late]) == []


def test_confusion_counts_the_promotion_in_force_on_the_product(make_record: MakeRecord) -> None:
    published = Publication("weekend-running", datetime(2026, 11, 28, 6, 30, tzinfo=UTC))
    records = [
        make_record(store_id=s, category=CONFUSION, promotions_in_force=["weekend-running"])
        for s in ("SH-01", "SH-02", "HZ-01")
    ]
    assert len(confusion_after_publish(records, [published])) == 1


@pytest.mark.parametrize(
    ("viewer", "visible"),
    [
        (Viewer(Role.HQ, "hq"), {"r1", "r2", "r3"}),
        (Viewer(Role.REGIONAL_MANAGER, "rm", region_id="east-china"), {"r1", "r2"}),
        (Viewer(Role.STORE_MANAGER, "sm", store_id="SH-02"), {"r2"}),
        (Viewer(Role.CLERK, "clerk-1"), {"r1"}),
        (Viewer(Role.STORE_MANAGER, "sm"), set()),
    ],
)
def test_each_role_sees_only_its_scope(
    make_record: MakeRecord, viewer: Viewer, visible: set[str]
) -> None:
    records = [
        make_record(store_id="SH-01", clerk_id="clerk-1"),
        make_record(store_id="SH-02", clerk_id="clerk-2"),
        make_record(store_id="BER-01", clerk_id="clerk-3"),
    ]
    assert {r.id for r in records if visible_to(r, viewer)} == visible
    assert {r.id for r in select(records, viewer=viewer).records} == visible


def test_filters_and_paging_newest_first(make_record: MakeRecord) -> None:
    records = [make_record(minute=m) for m in range(10)]
    records.append(make_record(category=CONFUSION, minute=30))
    hq = Viewer(Role.HQ, "hq")
    page = select(records, viewer=hq, where=FeedbackFilter(product="AX-200"), offset=2, limit=3)
    assert page.total == 11 and [r.id for r in page.records] == ["r9", "r8", "r7"]
    only = select(records, viewer=hq, where=FeedbackFilter(category=CONFUSION))
    assert [r.id for r in only.records] == ["r11"]
    since = datetime(2026, 11, 28, 7, 5, tzinfo=UTC)
    assert select(records, viewer=hq, where=FeedbackFilter(since=since)).total == 6
    with pytest.raises(ValueError):
        select(records, viewer=hq, limit=0)


def test_counts_by_category_store_product_promotion_and_hour(make_record: MakeRecord) -> None:
    records = [
        make_record(store_id="SH-01", products=["AX-200", "RN-300"], promotion="weekend-running"),
        make_record(store_id="SH-02", minute=5, category=CONFUSION, products=[]),
        make_record(store_id="BER-01", at=datetime(2026, 11, 28, 9, 0, tzinfo=UTC)),
    ]
    assert counts(records, Dimension.CATEGORY) == {"stock_availability": 2,
                                                   "price_rule_confusion": 1}  # fmt: skip
    assert counts(records, Dimension.REGION) == {"east-china": 2, "germany": 1}
    assert counts(records, Dimension.PRODUCT) == {"AX-200": 2, "RN-300": 1}
    assert counts(records, Dimension.PROMOTION) == {"weekend-running": 1}
    assert counts(records, Dimension.HOUR) == {"2026-11-28T07:00Z": 2, "2026-11-28T09:00Z": 1}
    assert cross_counts(records, Dimension.STORE, Dimension.CATEGORY)["SH-02"] == {
        "price_rule_confusion": 1
    }


def test_macro_f1_is_the_mean_over_gold_and_predicted_categories() -> None:
    scores = category_scores(["a", "a", "b", "b"], ["a", "b", "b", "c"])
    assert scores["a"].f1 == pytest.approx(2 / 3, abs=1e-4)
    assert scores["b"].f1 == 0.5 and scores["c"].f1 == 0.0
    prediction = Prediction("1", "en", "other", "other", "low", "low", "neutral", "neutral",
                            ("AX-200",), ("AX-200",))  # fmt: skip
    result = score([prediction])
    assert (result.macro_f1, result.product_match_accuracy) == (1.0, 1.0)


def test_stats_count_only_what_the_viewer_may_see(make_record: MakeRecord) -> None:
    from knowledge_base.feedback.queries import stats

    records = [make_record(store_id="SH-01"), make_record(store_id="SH-02"),
               make_record(store_id="BER-01", category=CONFUSION)]  # fmt: skip
    manager = Viewer(Role.REGIONAL_MANAGER, "rm", region_id="east-china")
    summary = stats(records, viewer=manager)
    assert summary["total"] == 2
    assert summary["store"] == {"SH-01": 1, "SH-02": 1}
    assert summary["category"] == {"stock_availability": 2}
    assert stats(records, viewer=Viewer(Role.HQ, "hq"))["region"] == {"east-china": 2, "germany": 1}
