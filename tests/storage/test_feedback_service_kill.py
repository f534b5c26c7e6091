"""kill -9 of the running service during a live spoken feedback capture, on both engines.

``voice-agent serve`` runs as a real process (its own livekit-server, real models) over a
fresh SQLite file or PostgreSQL database. A clerk joins their room and says "hey promo,
record feedback: ..." (``feedback/audio/live/wake_hf0003.wav``); silence ends the capture.
The test-only fault point (:mod:`voice_agent.fault_points`) holds the service inside the
capture's transaction or right after its commit, and the test kills it with SIGKILL there:

- killed inside the transaction: no row of the capture remains (nothing half-written), the
  clerk heard no confirmation, and a service started again on the same database stores the
  same spoken feedback whole and confirms it; killed again after that confirmation, the
  record is still there (nothing confirmed is lost);
- killed after the commit, before the confirmation: the record is whole (transcript,
  products, audio) although the clerk was never told.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from knowledge_base.answering import Role
from knowledge_base.feedback.queries import Viewer
from tests.conftest import FIXTURES
from tests.livekit.notice_helpers import Earpiece
from tests.service.test_serve_cli import start_serve
from tests.storage.kill_helpers import FEEDBACK_TABLES, feedback_rows, kill9
from voice_agent.fault_points import PAUSE_AT_ENV, PAUSE_MARKER_ENV, FaultPoint
from voice_agent.livekit.server_ports import pick_free_port
from voice_agent.storage import Database, SqlFeedbackRepository

pytestmark = [pytest.mark.slow, pytest.mark.livekit]

SPOKEN = FIXTURES / "feedback/audio/live/wake_hf0003.wav"
CLERK_KEY = "dev-clerk-ana-key-0001"
HQ = Viewer(role=Role.HQ, identity="hq")


@contextmanager
def serve(
    database_url: str, livekit_binary: Path, tmp_path: Path, pause_at: FaultPoint | None
) -> Iterator[tuple[subprocess.Popen[str], str, Path]]:
    """`voice-agent serve` over ``database_url``; yields the process, its API URL, the marker."""
    marker = tmp_path / f"paused-{time.monotonic_ns()}"
    env = {
        **os.environ,
        "VOICE_AGENT_STORAGE__DATABASE_URL": database_url,
        "VOICE_AGENT_LIVEKIT__URL": f"ws://127.0.0.1:{pick_free_port()}",
        "VOICE_AGENT_LIVEKIT__BINARY": str(livekit_binary),
        PAUSE_MARKER_ENV: str(marker),
    }
    env.pop(PAUSE_AT_ENV, None)
    if pause_at is not None:
        env[PAUSE_AT_ENV] = pause_at
    with (tmp_path / "serve.log").open("a") as log:
        process, ready = start_serve(env, log, within_secs=300)  # models load slowly under load
        try:
            yield process, ready["api_url"], marker
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)


async def clerk_says_feedback(api_url: str) -> Earpiece:
    """Ana joins her room with a token from the service and says the feedback."""
    async with httpx.AsyncClient(timeout=10) as client:
        minted = await client.post(
            f"{api_url}/v1/tokens", headers={"X-API-Key": CLERK_KEY}, json={}
        )
    assert minted.status_code == 201, minted.text
    ana = Earpiece()
    await ana.room.connect(minted.json()["url"], minted.json()["token"])
    await ana.open_microphone()
    deadline = time.monotonic() + 40
    while not ana.agent_joined():
        assert time.monotonic() < deadline, "the agent never joined the clerk's room"
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)  # the agent subscribes to the microphone
    await ana.open_feedback()  # the button: no wake phrase for a loaded recogniser to split
    await ana.say(SPOKEN, silence_after_secs=6.0)  # silence ends the capture
    return ana


async def until(condition: Callable[[], bool], *, within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {within:.0f} s: {what}")
        await asyncio.sleep(0.1)


async def killed_during_capture(
    database_url: str, livekit_binary: Path, tmp_path: Path, pause_at: FaultPoint, *, what: str
) -> None:
    """Ana says the feedback; the service is killed with SIGKILL where it holds at ``pause_at``.

    ``what`` names the moment (for a timeout's message). Ana hears nothing before the kill.
    """
    with serve(database_url, livekit_binary, tmp_path, pause_at) as (process, api_url, marker):
        ana = await clerk_says_feedback(api_url)
        try:
            await until(marker.exists, within=90, what=what)
            kill9(process)
            assert ana.voiced_secs == 0.0, "no confirmation was spoken before the kill"
        finally:
            await ana.leave()


def assert_the_spoken_feedback_is_stored_whole(database: Database) -> None:
    """One record of Ana at SH-01: the Glacier Boot (WB-320) heard, its audio kept."""
    repository = SqlFeedbackRepository(database=database)
    (record,) = repository.page(viewer=HQ).records
    audio = repository.audio(record.id, viewer=HQ)
    assert record.clerk_id == "ana" and record.store_id == "SH-01"
    transcript = record.transcript.lower()
    assert "glacier" in transcript or "boot" in transcript, record.transcript
    assert record.products == ["WB-320"]
    assert audio is not None and audio.duration_secs > 1.0


async def test_killed_inside_the_transaction_nothing_remains_and_a_confirmed_retry_survives_a_kill(
    database_url: str, livekit_binary: Path, tmp_path: Path
) -> None:
    await killed_during_capture(
        database_url, livekit_binary, tmp_path, FaultPoint.FEEDBACK_MID_TRANSACTION,
        what="the capture reached its transaction",
    )  # fmt: skip
    database = Database(url=database_url)
    try:
        assert feedback_rows(database) == dict.fromkeys((t.name for t in FEEDBACK_TABLES), 0)

        with serve(database_url, livekit_binary, tmp_path, None) as (process, api_url, _):
            ana = await clerk_says_feedback(api_url)
            try:
                await until(lambda: ana.voiced_secs > 1.0, within=90, what="the confirmation")
                kill9(process)  # right after the clerk heard it
            finally:
                await ana.leave()
        assert_the_spoken_feedback_is_stored_whole(database)
    finally:
        database.close()


async def test_killed_after_the_commit_before_the_confirmation_the_record_is_whole(
    database_url: str, livekit_binary: Path, tmp_path: Path
) -> None:
    await killed_during_capture(
        database_url, livekit_binary, tmp_path, FaultPoint.FEEDBACK_AFTER_COMMIT,
        what="the capture was committed",
    )  # fmt: skip
    database = Database(url=database_url)
    try:
        assert_the_spoken_feedback_is_stored_whole(database)
        counts = feedback_rows(database)
        assert counts["feedback_records"] == 1 and counts["feedback_audio"] == 1
        assert counts["feedback_products"] == 1
    finally:
        database.close()
