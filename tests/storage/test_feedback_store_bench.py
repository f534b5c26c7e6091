"""``bench feedback --store-rate``: it commits real captures and leaves no rows behind."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from knowledge_base.loader import load_knowledge_base
from voice_agent.benchmarks.feedback_store import (
    bench_records,
    measure_store_rate,
    speech_like_audio,
)
from voice_agent.cli.app import app
from voice_agent.feedback.sets import DEFAULT_VALIDATION_SET, load_feedback_set
from voice_agent.storage import Database, SqlFeedbackRepository


def test_the_store_rate_is_measured_and_its_rows_removed(
    database: Database, database_url: str
) -> None:
    records = bench_records(load_feedback_set(DEFAULT_VALIDATION_SET), load_knowledge_base(), 5)
    rate = measure_store_rate(database_url, records, audio=speech_like_audio(1.0))
    assert rate.engine == database.dialect and rate.captures == 5 and rate.records_per_sec > 0
    assert SqlFeedbackRepository(database=database).count() == 0


def test_bench_feedback_reports_the_store_rate_as_json() -> None:
    result = CliRunner().invoke(
        app, ["bench", "feedback", "--store-rate", "--store-captures", "3", "--json"]
    )
    assert result.exit_code == 0, result.output
    [rate] = json.loads(result.stdout)["store_rate"]
    assert rate["engine"] == "sqlite" and rate["captures"] == 3 and rate["with_audio"]
