"""Publish an urgent version to N connected clerks: time to the notice at each of them.

For each clerk count the real store service runs as ``voice-agent serve`` does (local
livekit-server, webhook-started sessions, uvicorn, Silero, Whisper, Piper, the broadcaster)
over a fresh SQLite copy of the sample chain, with N clerks of store SH-01 on the roster and
on shift. N simulated earpieces join their own rooms and listen; then headquarters publishes
an urgent version of the weekend offer. Per clerk, from the publish call:

* ``first_audio_secs``: until the earpiece hears the notice's first voiced audio;
* ``finished_secs``: until the delivery is stored as played to the end;
* ``ack_recorded_secs``: until the earpiece's acknowledgement (pressed as soon as the
  delivery shows played, polled every 0.1 s) is stored; ``ack_store_secs`` is the press
  to stored part of it.

Each is reported as p50, p95 and max over the clerks who got that far, with the count of
those who did not within the time limit. Timings come from this one process, which also
runs the service: the clerks' side costs CPU too.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from livekit import rtc
from loguru import logger
from pydantic import SecretStr

from voice_agent.benchmarks.stats import summary
from voice_agent.settings import LiveKitSettings, Settings

RATE = 16000
VOICED_RMS = 300.0
"""Int16 RMS above which a received frame counts as the notice's audio (about -40 dBFS)."""
STORE = "SH-01"
PROMOTION_FILE = Path("promotions") / "weekend-running.yaml"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class _Earpiece:
    """One clerk's side: notes when the agent's audio is first heard after the publish."""

    identity: str
    room: rtc.Room = field(default_factory=rtc.Room)
    publish_at: float | None = None
    first_audio_at: float | None = None
    ack_pressed_at: datetime | None = None
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.room.on("track_subscribed", self._subscribed)

    def _subscribed(self, track: rtc.Track, *_: Any) -> None:
        if track.kind == rtc.TrackKind.KIND_AUDIO:
            task = asyncio.create_task(self._listen(track))
            self.tasks.add(task)

    async def _listen(self, track: rtc.Track) -> None:
        stream = rtc.AudioStream(track, sample_rate=RATE, num_channels=1)
        try:
            async for event in stream:
                if self.publish_at is None or self.first_audio_at is not None:
                    continue
                samples = np.frombuffer(event.frame.data, dtype=np.int16).astype(np.float64)
                if samples.size and np.sqrt(np.mean(samples**2)) > VOICED_RMS:
                    self.first_audio_at = time.monotonic()
        finally:
            await stream.aclose()

    async def acknowledge(self) -> None:
        from voice_agent.livekit.earpiece import PTT_TOPIC

        self.ack_pressed_at = datetime.now(UTC)
        payload = json.dumps({"action": "ack"})
        await self.room.local_participant.publish_data(payload, reliable=True, topic=PTT_TOPIC)

    async def leave(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.room.disconnect()


def roster_csv(clerks: int) -> str:
    """N clerks of SH-01 on shift all day, every day (store time)."""
    lines = ["identity,name,role,store,region,day,start,end"]
    for index in range(1, clerks + 1):
        identity = f"clerk{index:03d}"
        lines += [f"{identity},Clerk {index},clerk,{STORE},,{d},00:00,23:59" for d in DAYS]
    return "\n".join(lines) + "\n"


def urgent_edit(kb: Path) -> dict[str, str]:
    """The weekend offer at 25 percent with its version moved on, as a publish upload."""
    text = (kb / PROMOTION_FILE).read_text(encoding="utf-8")
    version = int(re.search(r"^version: (\d+)$", text, flags=re.M).group(1))  # type: ignore[union-attr]
    text = re.sub(r"^version: \d+$", f"version: {version + 1}", text, count=1, flags=re.M)
    text = re.sub(r"^    percent: -?\d+$", "    percent: 25", text, count=1, flags=re.M)
    return {PROMOTION_FILE.name: text}


async def run_broadcast_bench(
    settings: Settings, binary: Path, counts: list[int], *, limit_secs: float = 180.0
) -> dict[str, Any]:
    """One round per clerk count (see the module docstring); rounds share nothing."""
    rounds = []
    for clerks in counts:
        with tempfile.TemporaryDirectory(prefix="bench-broadcast-") as scratch:
            rounds.append(await _round(settings, binary, clerks, Path(scratch), limit_secs))
    return {"benchmark": "broadcast", "limit_secs": limit_secs, "rounds": rounds}


async def _round(
    settings: Settings, binary: Path, clerks: int, scratch: Path, limit_secs: float
) -> dict[str, Any]:
    from knowledge_base.delivery import DeliveryState
    from knowledge_base.loader import SAMPLE_DATA_DIR
    from knowledge_base.roster_files import parse_roster
    from voice_agent.agent.transport import AGENT_IDENTITY
    from voice_agent.livekit.rooms import clerk_room_name
    from voice_agent.livekit.tokens import mint_token
    from voice_agent.runtime import build_runtime
    from voice_agent.service.runner import LocalLiveKit, StoreService
    from voice_agent.service_settings import ServiceSettings
    from voice_agent.storage import SqlNoticeRepository, SqlRosterRepository, open_database
    from voice_agent.storage.publisher import Publisher

    kb = scratch / "kb"
    shutil.copytree(SAMPLE_DATA_DIR, kb)
    database = open_database(f"sqlite:///{scratch / 'broadcast.sqlite3'}")
    configured = settings.model_copy(
        update={
            "knowledge_base": settings.knowledge_base.model_copy(
                update={"path": str(kb), "poll_interval_secs": 0.1}
            ),
            # Long enough that no replay happens during the round.
            "broadcast": settings.broadcast.model_copy(
                update={"acknowledge_within_secs": 3600.0, "escalation_webhook_url": ""}
            ),
            # Notices are measured: no quiz questions after the acknowledgements.
            "quiz": settings.quiz.model_copy(update={"enabled": False}),
        }
    )
    runtime = build_runtime(configured, database=database)
    SqlRosterRepository(database=database).replace(
        parse_roster(roster_csv(clerks), file="bench-roster.csv", knowledge=runtime.knowledge),
        source="bench-roster.csv",
        loaded_by="bench",
        loaded_at=datetime.now(UTC),
    )
    service = StoreService(
        runtime=runtime,
        database=database,
        service=ServiceSettings(port=0, capacity=clerks, agent_dispatch=False),
        livekit=LiveKitSettings(
            url="ws://127.0.0.1:7880", api_key="bench-key", api_secret=SecretStr("b" * 40)
        ),
        local_livekit=LocalLiveKit(
            binary=binary, work_dir=scratch / "livekit", departure_timeout_secs=1
        ),
    )
    notices = SqlNoticeRepository(database=database)
    earpieces = [_Earpiece(f"clerk{i:03d}") for i in range(1, clerks + 1)]
    try:
        async with service:
            endpoint = service.endpoint
            for earpiece in earpieces:
                token = mint_token(
                    api_key=endpoint.api_key,
                    api_secret=endpoint.api_secret,
                    identity=earpiece.identity,
                    role="clerk",
                    room=clerk_room_name(store_id=STORE, identity=earpiece.identity),
                    store_id=STORE,
                )
                await earpiece.room.connect(endpoint.url, token)
            deadline = time.monotonic() + limit_secs
            while time.monotonic() < deadline and not all(  # noqa: ASYNC110 - polls the rooms
                AGENT_IDENTITY in {p.identity for p in e.room.remote_participants.values()}
                for e in earpieces
            ):
                await asyncio.sleep(0.2)
            await asyncio.sleep(1.0)  # the earpieces subscribe to the agent's track
            publish_at = time.monotonic()
            published_wall = datetime.now(UTC)
            for earpiece in earpieces:
                earpiece.publish_at = publish_at
            outcome = await asyncio.to_thread(
                Publisher(database=database).publish_files,
                kb,
                urgent_edit(kb),
                published_by="bench",
                urgent=True,
                now=published_wall,
            )
            if outcome.publication is None:
                raise RuntimeError(f"the benchmark's publish was refused: {outcome.issues}")
            newest = max(
                v.version
                for v in outcome.publication.versions
                if v.promotion_id == PROMOTION_FILE.stem
            )
            notice_id = f"{PROMOTION_FILE.stem}@{newest}"
            by_clerk = {e.identity: e for e in earpieces}
            records: dict[str, Any] = {}
            while time.monotonic() < publish_at + limit_secs:
                found = await asyncio.to_thread(notices.deliveries, notice_id=notice_id)
                records = {d.clerk: d for d in found}
                for record in found:
                    listener = by_clerk.get(record.clerk)
                    if (
                        listener is not None
                        and record.state is DeliveryState.PLAYED
                        and listener.ack_pressed_at is None
                    ):
                        await listener.acknowledge()
                if len(records) == clerks and all(
                    d.state is DeliveryState.ACKNOWLEDGED for d in records.values()
                ):
                    break
                await asyncio.sleep(0.1)
    finally:
        for earpiece in earpieces:
            await earpiece.leave()
        database.close()
    return _round_report(clerks, earpieces, records, published_wall)


def _round_report(
    clerks: int, earpieces: list[_Earpiece], records: dict[str, Any], published: datetime
) -> dict[str, Any]:
    first = [
        e.first_audio_at - e.publish_at for e in earpieces if e.first_audio_at and e.publish_at
    ]
    finished, acked, ack_store = [], [], []
    for earpiece in earpieces:
        record = records.get(earpiece.identity)
        if record is None:
            continue
        if record.played_at is not None:
            finished.append((record.played_at - published).total_seconds())
        if record.acknowledged_at is not None:
            acked.append((record.acknowledged_at - published).total_seconds())
            if earpiece.ack_pressed_at is not None:
                ack_store.append((record.acknowledged_at - earpiece.ack_pressed_at).total_seconds())
    report = {
        "clerks": clerks,
        "first_audio_secs": _rounded(summary(first)),
        "finished_secs": _rounded(summary(finished)),
        "ack_recorded_secs": _rounded(summary(acked)),
        "ack_store_secs": _rounded(summary(ack_store)),
        "missing": {
            "first_audio": clerks - len(first),
            "finished": clerks - len(finished),
            "ack_recorded": clerks - len(acked),
        },
    }
    logger.info("bench broadcast: {} clerks: {}", clerks, report)
    return report


def _rounded(stats: dict[str, float | int | None]) -> dict[str, float | int | None]:
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in stats.items()}
