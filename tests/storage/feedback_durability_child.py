"""A recorder process the durability tests kill with SIGKILL at a chosen moment.

Usage: ``python feedback_durability_child.py URL MODE MARKER``. MODE is
``after_commit`` (the sink returned, the confirmation is not composed yet) or
``mid_transaction`` (the audio and record rows are inserted, nothing committed). The child
writes MARKER when it reaches that moment, then waits to be killed. With MODE ``normal`` it
records, prints the spoken reply and exits.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from knowledge_base.feedback.models import FeedbackRecord
from knowledge_base.loader import load_knowledge_base
from tests.storage.feedback_helpers import tone_audio
from voice_agent.feedback.audio import FeedbackAudio
from voice_agent.feedback.classifiers import OfflineFeedbackClassifier
from voice_agent.feedback.recorder import FeedbackRecorder
from voice_agent.feedback.sets import train_offline_classifier
from voice_agent.storage import Database, SqlFeedbackRepository

TEXT = "size 40 of the AX-200 sold out again at Nanjing Road"
SAID_AT = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)


def _hold(marker: Path) -> None:
    marker.write_text("reached")
    time.sleep(600)


class PausingRepository(SqlFeedbackRepository):
    """The real repository, paused right after its commit (before the recorder confirms)."""

    def __init__(self, *, database: Database, marker: Path) -> None:
        super().__init__(database=database)
        self._marker = marker

    async def add(
        self, records: Sequence[FeedbackRecord], *, audio: FeedbackAudio | None = None
    ) -> None:
        await super().add(records, audio=audio)
        _hold(self._marker)


async def main(url: str, mode: str, marker: Path) -> None:
    database = Database(url=url)
    if mode == "after_commit":
        sink: SqlFeedbackRepository = PausingRepository(database=database, marker=marker)
    else:
        sink = SqlFeedbackRepository(database=database)
    if mode == "mid_transaction":

        @event.listens_for(database.engine, "after_cursor_execute")
        def _pause(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if statement.lstrip().upper().startswith("INSERT INTO FEEDBACK_RECORDS"):
                _hold(marker)

    recorder = FeedbackRecorder(
        knowledge=load_knowledge_base(),
        classifier=OfflineFeedbackClassifier(classifier=train_offline_classifier()),
        sink=sink,
        clock=lambda: SAID_AT,
    )
    outcome = await recorder.record(TEXT, clerk_id="li.na", store_id="SH-01", audio=tone_audio(1.5))
    print(outcome.spoken, flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], Path(sys.argv[3])))
