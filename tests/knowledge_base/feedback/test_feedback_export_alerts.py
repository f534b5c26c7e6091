"""CSV export that a spreadsheet cannot run; all alert rules at once; spoken alerts."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from feedback_helpers import MakeRecord

from knowledge_base.feedback.anomalies import (
    AlertRule,
    AlertThresholds,
    Publication,
    evaluate_alerts,
    spoken_alert,
)
from knowledge_base.feedback.export import CSV_COLUMNS, csv_text
from knowledge_base.feedback.taxonomy import FeedbackCategory


def test_the_export_has_a_header_and_one_row_per_record(make_record: MakeRecord) -> None:
    records = [make_record(transcript="40码卖完了，顾客很多", products=["AX-200", "RN-300"]),
               make_record(transcript='he said "too pricey", then left')]  # fmt: skip
    rows = list(csv.reader(io.StringIO(csv_text(records))))
    assert rows[0] == CSV_COLUMNS
    first = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert first["transcript"] == "40码卖完了，顾客很多"
    assert first["products"] == "AX-200;RN-300"
    assert rows[2][CSV_COLUMNS.index("transcript")] == 'he said "too pricey", then left'


def test_a_transcript_that_looks_like_a_formula_is_exported_as_text(
    make_record: MakeRecord,
) -> None:
    formula = '=HYPERLINK("http://evil.example","click")'
    rows = list(csv.reader(io.StringIO(csv_text([make_record(transcript=formula)]))))
    assert rows[1][CSV_COLUMNS.index("transcript")] == "'" + formula


def test_every_rule_runs_with_the_configured_thresholds(make_record: MakeRecord) -> None:
    records = [make_record(store_id=s, minute=m, category=FeedbackCategory.PRICE_RULE_CONFUSION,
                           promotion="weekend-running")
               for s, m in [("SH-01", 0), ("SH-02", 5)]]  # fmt: skip
    records += [make_record(store_id=s, minute=10) for s in ("SH-01", "SG-01")]
    published = [Publication("weekend-running", datetime(2026, 11, 28, 6, 50, tzinfo=UTC))]
    assert evaluate_alerts(records, today=date(2026, 11, 28), publications=published) == []
    loose = AlertThresholds(stock_out_min_stores=2, confusion_min_stores=2, surge_min_count=99)
    alerts = evaluate_alerts(
        records, today=date(2026, 11, 28), publications=published, thresholds=loose
    )
    assert [a.rule for a in alerts] == [
        AlertRule.STOCK_OUT_SPREAD,
        AlertRule.CONFUSION_AFTER_PUBLISH,
    ]
    assert loose.lookback == timedelta(days=8)


def test_an_alert_is_one_sentence_for_a_manager(make_record: MakeRecord) -> None:
    records = [make_record(store_id=s) for s in ("SH-01", "SH-02", "HZ-01")]
    [alert] = evaluate_alerts(records, today=date(2026, 11, 28))
    assert spoken_alert(alert) == "Alert: 3 stores report the AX-200 out of stock."
    assert spoken_alert(alert, "zh-CN") == "提醒：3家门店报告AX-200缺货。"
