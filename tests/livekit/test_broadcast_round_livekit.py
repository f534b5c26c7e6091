"""``bench broadcast``'s earpieces end their round in time over a real LiveKit server.

The earpieces run as in the benchmark, in a clerks' process of their own, but without the
store service: nobody answers in their rooms, so no assistant is heard and no acknowledgement
is ever stored. The deliveries are stored as played by the test (as the service would), so
the earpieces press "ack". The round must still end by its deadlines and say who is missing,
and a frozen LiveKit server (SIGSTOP: its ``disconnect`` then hangs, over 30 s when tried)
must not hold the teardown.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from knowledge_base.delivery import Delivery, DeliveryState
from voice_agent.benchmarks.broadcast import earpiece_plan, notice_id_of, urgent_edit
from voice_agent.benchmarks.broadcast_deadlines import RoundDeadlines
from voice_agent.benchmarks.broadcast_earpieces import (
    EarpiecePlan,
    EarpieceReport,
    RoundFiles,
    run_earpieces,
)
from voice_agent.benchmarks.broadcast_report import round_report
from voice_agent.benchmarks.clerk_process import run_in_clerk_process
from voice_agent.livekit.server import LocalLiveKitServer
from voice_agent.storage import (
    NoticeRecord,
    SqlNoticeRepository,
    SqlPublicationRepository,
    open_database,
)

pytestmark = [pytest.mark.slow, pytest.mark.livekit]

NOTICE = "weekend-running@3"


def _plan(server: LocalLiveKitServer, identity: str, *, presses_ack: bool = True) -> EarpiecePlan:
    return earpiece_plan(server, identity, presses_ack=presses_ack)


def _played_deliveries(database_url: str, clerks: list[str]) -> None:
    """The notice stored with every clerk's delivery played to the end, nothing acknowledged."""
    from knowledge_base.versions import PromotionVersion

    now = datetime.now(UTC)
    database = open_database(database_url)
    try:
        publication = SqlPublicationRepository(database=database).publish(
            [
                PromotionVersion(
                    promotion_id="weekend-running",
                    version=3,
                    content_hash="h3",
                    content="id: weekend-running\nversion: 3\n",
                    diff="",
                    published_at=now,
                    published_by="hq",
                )
            ],
            published_at=now,
            published_by="hq",
            urgent=True,
        )
        SqlNoticeRepository(database=database).create(
            NoticeRecord(NOTICE, publication.id, "weekend-running", 3, True, now),
            [
                Delivery(NOTICE, c, now, state=DeliveryState.PLAYED, plays=1, played_at=now)
                for c in clerks
            ],
        )
    finally:
        database.close()


async def _publish_when_ready(
    files: RoundFiles, then: Callable[[], None] | None = None
) -> datetime:
    """Play headquarters: once the earpieces are ready, note the publish (and freeze, if asked)."""
    while not files.ready.exists():  # noqa: ASYNC110 - a file across processes
        await asyncio.sleep(0.05)
    if then is not None:
        then()
    published = datetime.now(UTC)
    files.published.write_text(f"{published.timestamp()}\n", encoding="utf-8")
    return published


def test_the_bench_notice_id_is_the_one_stored_here(tmp_path: Path) -> None:
    from tests.storage.knowledge_helpers import copy_sample

    assert notice_id_of(urgent_edit(copy_sample(tmp_path / "kb"))) == NOTICE


async def test_a_round_whose_acknowledgements_never_come_ends_by_its_deadline_and_says_who(
    module_livekit: LocalLiveKitServer, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'round.sqlite3'}"
    _played_deliveries(database_url, ["clerk001", "clerk002"])
    plans = [
        _plan(module_livekit, "clerk001"),
        _plan(module_livekit, "clerk002", presses_ack=False),
    ]
    deadlines = RoundDeadlines(
        joined_secs=2.0, first_audio_secs=1.0, played_secs=1.0, acknowledged_secs=4.0
    )
    files = RoundFiles.in_dir(tmp_path)
    began = time.monotonic()
    earpieces, published = await asyncio.gather(
        run_in_clerk_process(
            run_earpieces,
            module_livekit.url,
            plans,
            database_url,
            NOTICE,
            files,
            deadlines,
            within_secs=deadlines.round_secs,
        ),
        _publish_when_ready(files),
    )
    took = time.monotonic() - began

    # Spawning the process and joining take a few seconds; the phases 2 s and 4 s.
    assert took < 30.0, took
    pressing, silent = earpieces
    assert pressing.ack_presses >= 2  # pressed again when nothing was stored
    assert pressing.ack_press_failures == 0 and len(pressing.ack_send_secs) >= 2
    assert silent.ack_presses == 0
    assert pressing.left and silent.left
    database = open_database(database_url, migrate=False)
    try:
        records = SqlNoticeRepository(database=database).deliveries(notice_id=NOTICE)
    finally:
        database.close()
    report = round_report(
        ["clerk001", "clerk002"],
        earpieces,
        {d.clerk: d for d in records},
        published,
        deadlines,
    )
    assert report["complete"] is False
    assert report["missing_acknowledged"] == ["clerk001", "clerk002"]
    assert report["missing_joined"] == ["clerk001", "clerk002"]  # nobody answered
    assert report["missing"]["ack_recorded"] == 2
    assert report["ack_recorded_secs"] == {"n": 0, "p50": None, "p95": None, "max": None}


async def test_earpieces_leaving_a_frozen_livekit_server_give_up_by_the_leave_deadline(
    livekit_binary: Path, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'round.sqlite3'}"
    _played_deliveries(database_url, [])
    deadlines = RoundDeadlines(
        joined_secs=1.0,
        first_audio_secs=1.0,
        played_secs=1.0,
        acknowledged_secs=1.0,
        leave_secs=2.0,
    )
    files = RoundFiles.in_dir(tmp_path)
    with LocalLiveKitServer(
        binary=livekit_binary,
        api_key="frozen-tests",
        api_secret=secrets.token_hex(24),
        work_dir=tmp_path / "livekit",
        departure_timeout_secs=1,
        stop_timeout_secs=3.0,
    ) as server:
        assert server.pid is not None
        pid = server.pid
        try:
            began = time.monotonic()
            earpieces, _ = await asyncio.gather(
                run_in_clerk_process(
                    run_earpieces,
                    server.url,
                    [_plan(server, "clerk001")],
                    database_url,
                    NOTICE,
                    files,
                    deadlines,
                    within_secs=deadlines.round_secs,
                ),
                _publish_when_ready(files, lambda: os.kill(pid, signal.SIGSTOP)),
            )
            took = time.monotonic() - began
        finally:
            os.kill(pid, signal.SIGCONT)
    [earpiece] = earpieces
    assert isinstance(earpiece, EarpieceReport)
    assert not earpiece.left  # still leaving at the deadline: left behind, reported
    assert took < 25.0, took
