"""Publish an urgent version to N connected clerks: time to the notice at each of them.

For each clerk count the real store service runs as ``voice-agent serve`` does (local
livekit-server, webhook-started sessions, uvicorn, Silero, Whisper, Piper, the broadcaster)
over a fresh SQLite copy of the sample chain, with N clerks of store SH-01 on the roster and
on shift. N simulated earpieces join their own rooms and listen; once each hears the
assistant, headquarters publishes an urgent version of the weekend offer. Per clerk, from
the publish call:

* ``first_audio_secs``: until the earpiece hears the notice's first voiced audio;
* ``finished_secs``: until the delivery is stored as played to the end;
* ``ack_recorded_secs``: until the earpiece's acknowledgement (pressed as soon as the
  delivery shows played, polled every 0.1 s) is stored; ``ack_store_secs`` is the press
  to stored part of it.

Each is reported as p50, p95 and max over the clerks who got that far, with the count of
those who did not within the time limit (``missing``). The publish waits, up to the time
limit, for every earpiece to hear the assistant's audio track; those that did not are
counted in ``without_assistant_at_publish``. The earpieces run in a process of their own at a
higher priority than the service, and so does the LiveKit server: on a floor they are other
machines, not the service's CPU. Times cross the two processes as wall-clock times.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loguru import logger
from pydantic import SecretStr

from voice_agent.benchmarks.broadcast_earpieces import (
    EarpiecePlan,
    EarpieceReport,
    RoundFiles,
    run_earpieces,
)
from voice_agent.benchmarks.clerk_process import ahead_of_the_node, run_in_clerk_process
from voice_agent.benchmarks.stats import summary
from voice_agent.settings import LiveKitSettings, Settings

STORE = "SH-01"
PROMOTION_FILE = Path("promotions") / "weekend-running.yaml"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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
    version = _version(text)
    text = re.sub(r"^version: \d+$", f"version: {version + 1}", text, count=1, flags=re.M)
    text = re.sub(r"^    percent: -?\d+$", "    percent: 25", text, count=1, flags=re.M)
    return {PROMOTION_FILE.name: text}


def notice_id_of(edit: dict[str, str]) -> str:
    """The id of the notice publishing :func:`urgent_edit`'s upload makes."""
    return f"{PROMOTION_FILE.stem}@{_version(edit[PROMOTION_FILE.name])}"


def _version(promotion_yaml: str) -> int:
    return int(re.search(r"^version: (\d+)$", promotion_yaml, flags=re.M).group(1))  # type: ignore[union-attr]


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
    from knowledge_base.loader import SAMPLE_DATA_DIR
    from knowledge_base.roster_files import parse_roster
    from voice_agent.runtime import build_runtime
    from voice_agent.service.livekit_setup import LocalLiveKit
    from voice_agent.service.runner import StoreService
    from voice_agent.service_settings import ServiceSettings
    from voice_agent.storage import SqlNoticeRepository, SqlRosterRepository, open_database

    kb = scratch / "kb"
    shutil.copytree(SAMPLE_DATA_DIR, kb)
    database_url = f"sqlite:///{scratch / 'broadcast.sqlite3'}"
    database = open_database(database_url)
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
    edit = urgent_edit(kb)
    notice_id = notice_id_of(edit)
    files = RoundFiles.in_dir(scratch)
    try:
        async with service:
            if service.livekit_server is not None:
                ahead_of_the_node(service.livekit_server.pid)
            listening = asyncio.ensure_future(
                run_in_clerk_process(
                    run_earpieces,
                    service.endpoint.url,
                    _plans(service.endpoint, clerks),
                    database_url,
                    notice_id,
                    files,
                    limit_secs,
                )
            )
            try:
                await _until_ready(files, listening)
                published = datetime.now(UTC)
                await asyncio.to_thread(_publish, database, kb, edit, notice_id, published)
            except BaseException:
                files.stop.write_text("stop\n", encoding="utf-8")  # let the earpieces leave
                await asyncio.wait({listening})
                raise
            earpieces = await listening
            records = await asyncio.to_thread(
                SqlNoticeRepository(database=database).deliveries, notice_id=notice_id
            )
    finally:
        database.close()
    return _round_report(clerks, earpieces, {d.clerk: d for d in records}, published)


def _plans(endpoint: Any, clerks: int) -> list[EarpiecePlan]:
    from voice_agent.livekit.rooms import clerk_room_name
    from voice_agent.livekit.tokens import mint_token

    plans = []
    for index in range(1, clerks + 1):
        identity = f"clerk{index:03d}"
        token = mint_token(
            api_key=endpoint.api_key,
            api_secret=endpoint.api_secret,
            identity=identity,
            role="clerk",
            room=clerk_room_name(store_id=STORE, identity=identity),
            store_id=STORE,
        )
        plans.append(EarpiecePlan(identity=identity, token=token))
    return plans


async def _until_ready(files: RoundFiles, listening: asyncio.Future[Any]) -> None:
    """Wait for the earpieces' ready file; their process failing before it raises."""
    while not files.ready.exists():
        if listening.done():
            await listening  # raises what ended the clerks' process
            raise RuntimeError("the earpieces ended before they were ready")
        await asyncio.sleep(0.1)


def _publish(database: Any, kb: Path, edit: dict[str, str], notice_id: str, now: datetime) -> None:
    """Publish ``edit`` urgently; it must make the notice the earpieces wait for."""
    from voice_agent.storage.publisher import Publisher

    outcome = Publisher(database=database).publish_files(
        kb, edit, published_by="bench", urgent=True, now=now
    )
    if outcome.publication is None:
        raise RuntimeError(f"the benchmark's publish was refused: {outcome.issues}")
    newest = max(
        v.version for v in outcome.publication.versions if v.promotion_id == PROMOTION_FILE.stem
    )
    if f"{PROMOTION_FILE.stem}@{newest}" != notice_id:
        raise RuntimeError(f"the publish made version {newest}, not the notice {notice_id}")


def _round_report(
    clerks: int, earpieces: list[EarpieceReport], records: dict[str, Any], published: datetime
) -> dict[str, Any]:
    first = [s for e in earpieces if (s := e.first_audio_after(published)) is not None]
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
        "without_assistant_at_publish": sum(1 for e in earpieces if not e.heard_assistant),
    }
    logger.info("bench broadcast: {} clerks: {}", clerks, report)
    return report


def _rounded(stats: dict[str, float | int | None]) -> dict[str, float | int | None]:
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in stats.items()}
