"""Durability of feedback, on SQLite and PostgreSQL, with a real process killed by SIGKILL.

The recorder (voice_agent/feedback/recorder.py) confirms only after the sink committed; a
kill after the commit loses nothing, a kill inside the transaction leaves no half record,
and a database that is down gets the apology, never a confirmation.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from knowledge_base.answering import Role
from knowledge_base.feedback.queries import Viewer
from knowledge_base.loader import load_knowledge_base
from tests.storage.feedback_durability_child import TEXT
from tests.storage.kill_helpers import feedback_rows, kill9
from voice_agent.feedback.classifiers import OfflineFeedbackClassifier
from voice_agent.feedback.recorder import FeedbackRecorder
from voice_agent.feedback.sets import shared_offline_classifier
from voice_agent.storage import Database, SqlFeedbackRepository

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("feedback_durability_child.py")
HQ = Viewer(role=Role.HQ, identity="hq")


def _run_until_marker(url: str, mode: str, tmp_path: Path) -> subprocess.Popen[bytes]:
    marker = tmp_path / f"{mode}.reached"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, str(CHILD), url, mode, str(marker)], env=env, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not marker.exists():
        if child.poll() is not None:
            raise AssertionError(f"child ended early: {child.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        if time.monotonic() > deadline:
            child.kill()
            raise AssertionError("child never reached the pause")
        time.sleep(0.05)
    return child


def _kill(child: subprocess.Popen[bytes]) -> str:
    """Kill the child with SIGKILL; what it had printed."""
    kill9(child)
    out, _ = child.communicate(timeout=30)
    return out.decode()


@pytest.mark.slow
def test_a_kill_after_the_commit_loses_nothing(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    said = _kill(_run_until_marker(database_url, "after_commit", tmp_path))
    assert said == ""  # killed before any confirmation was composed
    repo = SqlFeedbackRepository(database=database)
    [stored] = repo.page(viewer=HQ).records
    assert stored.transcript == TEXT and stored.products == ["AX-200"]
    assert stored.promotions_in_force == ["weekend-running"]
    audio = repo.audio(stored.id, viewer=HQ)
    assert audio is not None and audio.duration_secs == 1.5


@pytest.mark.slow
def test_a_kill_inside_the_transaction_leaves_no_half_record(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    said = _kill(_run_until_marker(database_url, "mid_transaction", tmp_path))
    assert said == ""
    assert feedback_rows(database) == dict.fromkeys(feedback_rows(database), 0)
    # The database is usable afterwards: the same capture stores whole.
    child = subprocess.run(
        [sys.executable, str(CHILD), database_url, "normal", str(tmp_path / "unused")],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT, capture_output=True, timeout=120,
    )  # fmt: skip
    assert child.stdout.decode().startswith("Noted: size 40 of the AX-200"), child.stderr
    assert feedback_rows(database) == {
        "feedback_records": 1, "feedback_audio": 1, "feedback_products": 1,
        "feedback_promotions": 1,
    }  # fmt: skip


def _recorder(url: str) -> FeedbackRecorder:
    return FeedbackRecorder(
        knowledge=load_knowledge_base(),
        classifier=OfflineFeedbackClassifier(classifier=shared_offline_classifier()),
        sink=SqlFeedbackRepository(database=Database(url=url, busy_timeout_secs=1)),
    )


@pytest.mark.parametrize(
    "url",
    ["postgresql://postgres@127.0.0.1:1/feedback", "sqlite:///{tmp}"],
    ids=["postgresql_refused", "sqlite_unopenable"],
)
async def test_a_database_that_is_down_gets_the_apology(url: str, tmp_path: Path) -> None:
    # A SQLite "file" that is a directory cannot be opened, like a lost mount.
    outcome = await _recorder(url.format(tmp=tmp_path)).record(
        "the till rejects the member discount", clerk_id="li.na", store_id="SH-01"
    )
    assert not outcome.saved and outcome.error_code == "unavailable"
    assert (
        outcome.spoken == "Sorry, I could not save that feedback. Please say it again in a minute."
    )
    assert "Noted" not in outcome.spoken
