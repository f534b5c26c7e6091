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

Each phase has a deadline (defaults in brackets, each capped by ``--limit-secs``):
``--join-secs`` [60] from the start of joining, for every earpiece to hear the assistant's
audio track (the publish waits for that, or the deadline; those without it are counted in
``without_assistant_at_publish`` and listed in ``missing_joined``); from the publish
``--first-audio-secs`` [30], ``--played-secs`` [90] and ``--acknowledged-secs`` [120];
``--leave-secs`` [10] for the earpieces to leave their rooms. Each is reported as p50, p95
and max over the clerks who got through it by its deadline, the others counted
(``missing``) and listed (``missing_first_audio``, ``missing_played``,
``missing_acknowledged``). A round ends once every acknowledgement is stored or at its
acknowledgement deadline, whichever comes first, and says whether it was ``complete``
(nobody missing, every earpiece out of its room in time). An earpiece presses "ack" again
every 3 s while its acknowledgement is not stored, 5 presses at most (``ack_presses``).
The earpieces' process must report within the sum of the join, acknowledgement and leave
deadlines plus a minute, or it is terminated, then killed (``earpieces_error``). The command
exits with 1 when a round did not complete, after printing its report.

The earpieces run in a process of their own at a higher priority than the service, and so
does the LiveKit server: on a floor they are other machines, not the service's CPU. Times
cross the two processes as wall-clock times. Clerks are on shift a while before headquarters
publishes: once every earpiece hears the assistant the round waits ``--settle-secs`` [5]
before the publish and reports the service's CPU over that wait as ``idle_node_cpu_percent``
(percent of one core, every session only listening), and its CPU seconds from the publish
to the round's end as ``node_cpu_secs``. The round's service looks for publications every
0.1 s, as a publish over HTTP is served at once (a ``kb publish`` from the command line
waits for the next ``knowledge_base.poll_interval_secs``).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loguru import logger
from pydantic import SecretStr

from voice_agent.benchmarks.broadcast_deadlines import RoundDeadlines
from voice_agent.benchmarks.broadcast_earpieces import (
    EarpiecePlan,
    EarpieceReport,
    RoundFiles,
    run_earpieces,
)
from voice_agent.benchmarks.broadcast_report import round_report
from voice_agent.benchmarks.clerk_process import (
    ClerkProcessError,
    ahead_of_the_node,
    run_in_clerk_process,
)
from voice_agent.benchmarks.stats import cpu_secs
from voice_agent.settings import LiveKitSettings, Settings

STORE = "SH-01"
SETTLE_SECS = 5.0
"""From every earpiece hearing the assistant to the publish (clerks on shift a while)."""
PROMOTION_FILE = Path("promotions") / "weekend-running.yaml"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def clerk_identities(clerks: int) -> list[str]:
    """The identities of a round's N clerks: ``clerk001`` on."""
    return [f"clerk{index:03d}" for index in range(1, clerks + 1)]


def roster_csv(clerks: int) -> str:
    """N clerks of SH-01 on shift all day, every day (store time)."""
    lines = ["identity,name,role,store,region,day,start,end"]
    for index, identity in enumerate(clerk_identities(clerks), start=1):
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
    settings: Settings,
    binary: Path,
    counts: list[int],
    *,
    limit_secs: float = 180.0,
    deadlines: RoundDeadlines | None = None,
    settle_secs: float = SETTLE_SECS,
) -> dict[str, Any]:
    """One round per clerk count (see the module docstring).

    Rounds share nothing but the loaded models, whose speech cache is emptied at each
    round's start. ``deadlines`` default to :class:`RoundDeadlines`' capped by ``limit_secs``.
    """
    deadlines = deadlines or RoundDeadlines.capped(limit_secs)
    rounds = []
    for clerks in counts:
        with tempfile.TemporaryDirectory(prefix="bench-broadcast-") as scratch:
            rounds.append(
                await _round(settings, binary, clerks, Path(scratch), deadlines, settle_secs)
            )
    return {
        "benchmark": "broadcast",
        "limit_secs": limit_secs,
        "settle_secs": settle_secs,
        "deadlines_secs": deadlines.to_dict(),
        "complete": all(r["complete"] for r in rounds),
        "rounds": rounds,
    }


async def _round(
    settings: Settings,
    binary: Path,
    clerks: int,
    scratch: Path,
    deadlines: RoundDeadlines,
    settle_secs: float,
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
    if runtime.models.tts_cache is not None:
        # The models are the process's, shared by every round: an earlier round's notice,
        # left in their speech cache, would start this round's notice without its render.
        runtime.models.tts_cache.clear()
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
    earpieces: list[EarpieceReport] = []
    earpieces_error: str | None = None
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
                    deadlines,
                    within_secs=deadlines.round_secs,
                )
            )
            try:
                await _until_ready(files, listening)
                idle_percent = await _node_cpu_percent(settle_secs)
                node_cpu_before = cpu_secs()
                published = datetime.now(UTC)
                await asyncio.to_thread(_publish, database, kb, edit, notice_id, published)
                files.published.write_text(f"{published.timestamp()}\n", encoding="utf-8")
            except BaseException:
                files.stop.write_text("stop\n", encoding="utf-8")  # let the earpieces leave
                await asyncio.wait({listening})  # bounded: the process is ended in time
                raise
            try:
                earpieces = await listening
            except (TimeoutError, ClerkProcessError) as e:
                earpieces_error = str(e) or "the earpieces did not report in time (ended)"
                logger.error("bench broadcast: {} clerks: {}", clerks, earpieces_error)
            node_cpu_secs = cpu_secs() - node_cpu_before
            records = await asyncio.to_thread(
                SqlNoticeRepository(database=database).deliveries, notice_id=notice_id
            )
    finally:
        database.close()
    report = round_report(
        clerk_identities(clerks),
        earpieces,
        {d.clerk: d for d in records},
        published,
        deadlines,
        earpieces_error=earpieces_error,
    )
    return report | {
        "idle_node_cpu_percent": idle_percent,
        "node_cpu_secs": round(node_cpu_secs, 2),
    }


async def _node_cpu_percent(secs: float) -> float | None:
    """The service's CPU over the next ``secs`` seconds, in percent of one core."""
    if secs <= 0:
        return None
    before, started = cpu_secs(), time.monotonic()  # this process: the service, its sessions
    await asyncio.sleep(secs)
    return round(100 * (cpu_secs() - before) / (time.monotonic() - started), 1)


def _plans(endpoint: Any, clerks: int) -> list[EarpiecePlan]:
    return [earpiece_plan(endpoint, identity) for identity in clerk_identities(clerks)]


def earpiece_plan(endpoint: Any, identity: str, *, presses_ack: bool = True) -> EarpiecePlan:
    """A clerk of SH-01 with a token of ``endpoint`` (api key and secret) for their own room."""
    from voice_agent.livekit.rooms import clerk_room_name
    from voice_agent.livekit.tokens import mint_token

    token = mint_token(
        api_key=endpoint.api_key,
        api_secret=endpoint.api_secret,
        identity=identity,
        role="clerk",
        room=clerk_room_name(store_id=STORE, identity=identity),
        store_id=STORE,
    )
    return EarpiecePlan(identity=identity, token=token, presses_ack=presses_ack)


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
