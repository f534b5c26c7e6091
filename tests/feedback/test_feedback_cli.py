"""``voice-agent feedback classify`` and ``voice-agent bench feedback``, offline."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from knowledge_base.loader import SAMPLE_DATA_DIR
from voice_agent.cli.app import app
from voice_agent.feedback.sets import DEFAULT_VALIDATION_SET


def test_classify_prints_labels_products_and_promotions_as_json() -> None:
    result = CliRunner().invoke(
        app,
        ["feedback", "classify", "hey promo, feedback: size 40 of the AX-200 sold out. done",
         "--store", "SH-01", "--at", "2026-11-28T15:00", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["text"] == "size 40 of the AX-200 sold out"
    assert document["category"] == "stock_availability"
    assert document["classifier"] == "offline"
    assert document["products"] == ["AX-200"]
    assert document["promotions_in_force"] == ["weekend-running"]
    assert document["local_time"] == "2026-11-28T15:00:00+08:00"
    assert document["confirmation"].startswith("Noted: size 40 of the AX-200 sold out")


def test_classify_reads_chinese() -> None:
    result = CliRunner().invoke(app, ["feedback", "classify", "收银机不认周末优惠", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["language"] == "zh-CN" and document["confirmation"].startswith("已记录")


def test_classify_refuses_empty_feedback_and_unknown_stores() -> None:
    empty = CliRunner().invoke(app, ["feedback", "classify", "record feedback. done"])
    assert empty.exit_code == 2 and "empty" in empty.output
    unknown = CliRunner().invoke(app, ["feedback", "classify", "sold out", "--store", "XX-1"])
    assert unknown.exit_code == 2 and "unknown store" in unknown.output


def test_bench_scores_the_validation_split() -> None:
    result = CliRunner().invoke(app, ["bench", "feedback", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["items"] == 120 and report["set"] == str(DEFAULT_VALIDATION_SET)
    assert set(report["by_language"]) == {"en", "zh-CN"}
    assert len(report["per_category"]) == 10
    assert report["overlap_with_training"] == 0
    assert 0.0 <= report["macro_f1"] <= 1.0 and 0.0 <= report["product_match_accuracy"] <= 1.0


def test_bench_reports_a_bad_set_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "items:\n  - {id: a, text: hi, language: fr, category: other, urgency: low,"
        " sentiment: neutral}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["bench", "feedback", "--set", str(bad)])
    assert result.exit_code == 2
    assert "line 2" in result.output and "items.0.language" in result.output


def test_bench_fails_below_the_required_macro_f1(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["bench", "feedback", "--set", str(DEFAULT_VALIDATION_SET), "--min-macro-f1", "1.01"]
    )
    assert result.exit_code == 1
    assert "macro-F1" in result.output


def test_alert_thresholds_come_from_the_feedback_alerts_settings() -> None:
    from datetime import timedelta

    from voice_agent.feedback.factory import alert_thresholds
    from voice_agent.settings import load_settings

    settings = load_settings()
    thresholds = alert_thresholds(settings.feedback.alerts)
    assert thresholds.stock_out_min_stores == 3
    assert thresholds.stock_out_window == timedelta(hours=2)
    assert thresholds.confusion_window == timedelta(hours=1)


@pytest.mark.slow
def test_bench_spoken_scores_what_whisper_heard(tmp_path: Path) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    subprocess.run(
        ["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(tmp_path / "till.wav"),
         "The till rejects the weekend discount on the A X 200."],
        check=True,
    )  # fmt: skip
    (tmp_path / "set.yaml").write_text(
        "catalogue: knowledge_base/data\nitems:\n"
        "  - {id: s1, text: 'The till rejects the weekend discount on the AX-200.', language: en,"
        " category: display_till_system, urgency: high, sentiment: negative, products: [AX-200],"
        " audio: till.wav}\n"
        "  - {id: s2, text: '收银机不认周末优惠', language: zh-CN, category: display_till_system,"
        " urgency: high, sentiment: negative}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["bench", "feedback", "--set", str(tmp_path / "set.yaml"), "--spoken", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["spoken"] is True and report["items"] == 1 and report["skipped_audio"] == 1
    assert report["product_match_accuracy"] == 1.0


def test_check_set_counts_a_valid_set() -> None:
    result = CliRunner().invoke(
        app, ["feedback", "check-set", str(DEFAULT_VALIDATION_SET), "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["items"] == 120 and summary["overlap_with_training"] == []
    assert summary["per_language"] == {"en": 61, "zh-CN": 59}


def test_check_set_reports_unknown_skus_and_bad_lines(tmp_path: Path) -> None:
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(
        "items:\n  - {id: a, text: sold out, language: en, category: stock_availability,"
        " urgency: high, sentiment: negative, products: [XX-1]}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["feedback", "check-set", str(unknown)])
    assert result.exit_code == 1 and "unknown SKU(s) XX-1" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("items:\n  - {id: a, text: x, language: en}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["feedback", "check-set", str(bad)])
    assert result.exit_code == 1 and "line 2" in result.output


def test_check_set_reads_skus_against_the_sets_own_catalogue(tmp_path: Path) -> None:
    labelled = tmp_path / "hearth.yaml"
    labelled.write_text(
        "catalogue: knowledge_base/samples/hearth\nitems:\n"
        "  - {id: a, text: the PAN-28 sold out, language: en, category: stock_availability,"
        " urgency: high, sentiment: negative, products: [PAN-28]}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["feedback", "check-set", str(labelled), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["problems"] == []
    sample = CliRunner().invoke(
        app, ["feedback", "check-set", str(labelled), "--kb", str(SAMPLE_DATA_DIR)]
    )
    assert sample.exit_code == 1 and "unknown SKU(s) PAN-28" in sample.output


def test_a_missing_set_cannot_be_read(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.yaml")
    assert CliRunner().invoke(app, ["feedback", "check-set", missing]).exit_code == 2
    assert CliRunner().invoke(app, ["bench", "feedback", "--set", missing]).exit_code == 2


def test_bench_finds_the_promotion_in_force_at_the_items_store_and_time(tmp_path: Path) -> None:
    labelled = tmp_path / "set.yaml"
    labelled.write_text(
        "reference_time: '2026-11-28T15:00:00'\ncatalogue: knowledge_base/data\nitems:\n"
        "  - {id: a, text: RN-300 sold out in 41, language: en, category: stock_availability,"
        " urgency: high, sentiment: negative, products: [RN-300], promotion: weekend-running,"
        " store: SH-01}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["bench", "feedback", "--set", str(labelled), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["promotion_accuracy"] == 1.0
