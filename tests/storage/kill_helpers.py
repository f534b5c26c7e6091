"""Helpers of the feedback kill tests: kill a process with SIGKILL, count what was stored."""

from __future__ import annotations

import signal
import subprocess
from typing import Any

from sqlalchemy import func, select

from voice_agent.storage import Database
from voice_agent.storage.feedback_schema import (
    feedback_audio,
    feedback_products,
    feedback_promotions,
    feedback_records,
)

FEEDBACK_TABLES = (feedback_records, feedback_audio, feedback_products, feedback_promotions)
"""Every table one stored piece of feedback writes to."""


def kill9(process: subprocess.Popen[Any]) -> None:
    """Kill ``process`` with SIGKILL (no clean-up of any kind) and check that this killed it."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def feedback_rows(database: Database) -> dict[str, int]:
    """The number of rows in each of :data:`FEEDBACK_TABLES`, by table name."""
    with database.read() as connection:
        return {
            table.name: int(connection.execute(select(func.count()).select_from(table)).scalar())
            for table in FEEDBACK_TABLES
        }
