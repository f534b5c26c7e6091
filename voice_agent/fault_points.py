"""Test-only fault points: hold the process at a named moment so a test can kill it there.

With ``VOICE_AGENT_TEST_PAUSE_AT=<point>`` and ``VOICE_AGENT_TEST_PAUSE_MARKER=<file>`` in
its environment, a process that reaches ``<point>`` writes ``<file>`` and then blocks the
calling thread until it is killed (the durability tests send SIGKILL once the file exists).
Never set in a deployment; unset, a point costs one environment lookup.

Points:

- ``feedback.mid_transaction`` (``SqlFeedbackRepository.store``): a capture's audio, record,
  product and promotion rows are inserted, nothing is committed.
- ``feedback.after_commit`` (``FeedbackRecorder.record``): the capture is committed, the
  clerk's confirmation is not composed yet.
"""

from __future__ import annotations

import os
import time
from enum import StrEnum
from pathlib import Path

from loguru import logger

PAUSE_AT_ENV = "VOICE_AGENT_TEST_PAUSE_AT"
PAUSE_MARKER_ENV = "VOICE_AGENT_TEST_PAUSE_MARKER"


class FaultPoint(StrEnum):
    """The moments a test can hold a process at."""

    FEEDBACK_MID_TRANSACTION = "feedback.mid_transaction"
    FEEDBACK_AFTER_COMMIT = "feedback.after_commit"


def reached(point: FaultPoint) -> None:
    """Hold here forever when the environment asks for ``point`` (tests only)."""
    if os.environ.get(PAUSE_AT_ENV) != point:
        return
    logger.warning("test fault point {} reached: holding until killed", point)
    marker = os.environ.get(PAUSE_MARKER_ENV)
    if marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    while True:
        time.sleep(3600)
