"""``voice-agent bench cluster``: clerks over two LiveKit nodes and two worker processes.

Phase 1: ``--clerks`` simulated clerks join (a little apart, as a shift starts), each in
their own room (the clerks run in a process of their own, ahead of the workers, and so do
the LiveKit nodes: :mod:`voice_agent.benchmarks.clerk_process`), and ask two questions
under push-to-talk; LiveKit dispatches them to the workers. Measured at the clerk:
voice-to-voice p50/p95 and unanswered questions; per worker: sessions taken, CPU and memory
growth per session.

Phase 2: the same clerks join again and ask two questions, 2 s apart; once every clerk
has an assistant, worker 1 is killed (``kill -9``). Measured: seconds from the kill until
the assistant is back (re-dispatched to the other worker) in every room of the killed
worker's clerks, which should be under 5 s (``None``: not all within 60 s; the per-room
summary counts those that were); for those clerks, seconds from the kill to
the reply to the first question they began after it (their own pace included: the clerk
does not know the worker died), and how many such questions went unanswered.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import psutil

from voice_agent.benchmarks.clerk_process import ahead_of_the_node, run_in_clerk_process
from voice_agent.benchmarks.stats import cpu_secs, summary
from voice_agent.settings import PROJECT_ROOT

AUDIO = PROJECT_ROOT / "tests" / "fixtures" / "audio"
QUESTION = AUDIO / "loop" / "ax200_weekend.wav"
_CLERK_DEADLINE_SECS = 240.0
"""A clerk's script takes under a minute; one still running after this is stuck."""
_JOIN_SPACING_SECS = 0.3
_CONNECT_TIMEOUT_SECS = 30.0
"""A loaded 2-core machine can take more than the clerk's default 10 s to join 20."""


async def run_cluster_bench(runtime: Any, binary: Any, clerks: int) -> dict[str, Any]:
    """Both phases on a local cluster of two nodes and two workers; the report as a dict."""
    from voice_agent.benchmarks.local_cluster import LocalCluster

    async with LocalCluster(
        runtime=runtime, livekit_binary=binary, nodes=2, workers=2, capacity=clerks
    ) as cluster:
        for node in cluster.nodes:
            ahead_of_the_node(node.pid)
        load = await _load_phase(cluster, clerks)
        await _wait_idle(cluster)
        kill = await _kill_phase(cluster, clerks)
    return {"clerks": clerks, "load": load, "worker_kill": kill}


@dataclass(frozen=True, slots=True)
class ClerkPlan:
    """One simulated clerk: who, which node, and when they join."""

    identity: str
    url: str
    token: str
    join_after_secs: float


def _plans(cluster: Any, clerks: int, prefix: str) -> list[ClerkPlan]:
    from voice_agent.livekit.rooms import clerk_room_name
    from voice_agent.livekit.tokens import mint_token

    plans = []
    for index in range(clerks):
        identity = f"{prefix}{index:02d}"
        token = mint_token(
            api_key=cluster.api_key,
            api_secret=cluster.api_secret,
            identity=identity,
            role="clerk",
            room=clerk_room_name(store_id="SH-01", identity=identity),
            store_id="SH-01",
            dispatch_agent=True,
        )
        node = cluster.nodes[index % len(cluster.nodes)]
        plans.append(ClerkPlan(identity, node.url, token, index * _JOIN_SPACING_SECS))
    return plans


def run_clerks(plans: list[ClerkPlan], script: Any) -> list[Any]:
    """In the clerks' process: every planned clerk; each one's report or ``None``."""

    async def everyone() -> list[Any]:
        return list(await asyncio.gather(*(_clerk(plan, script) for plan in plans)))

    return asyncio.run(everyone())


async def _clerk(plan: ClerkPlan, script: Any) -> Any:
    """The clerk's report, or ``None`` when they could not join (counted, not fatal)."""
    from loguru import logger

    from voice_agent.agent.transport import AGENT_IDENTITY
    from voice_agent.livekit.clerk import SimulatedClerk
    from voice_agent.livekit.errors import ClerkError

    await asyncio.sleep(plan.join_after_secs)
    clerk = SimulatedClerk(
        url=plan.url,
        token=plan.token,
        reply_from=AGENT_IDENTITY,
        hangover_secs=1.5,
        connect_timeout_secs=_CONNECT_TIMEOUT_SECS,
    )
    run = asyncio.create_task(clerk.run(script), name=f"clerk {plan.identity}")
    done, _ = await asyncio.wait({run}, timeout=_CLERK_DEADLINE_SECS)
    if not done:
        # Seen on an overloaded machine: a clerk whose WebRTC connection broke waited
        # forever inside the SDK. The clerk counts as not taking part; the task is left
        # cancelled without waiting for it (its clean-up may wait forever too).
        run.cancel()
        logger.error(
            "clerk {} did not take part: still running after {:.0f} s",
            plan.identity,
            _CLERK_DEADLINE_SECS,
        )
        return None
    try:
        return run.result()
    except ClerkError as e:
        logger.error("clerk {} did not take part: {} ({})", plan.identity, e, e.code)
        return None


def _clerks_apart(cluster: Any, clerks: int, prefix: str, script: Any) -> asyncio.Task[Any]:
    """The clerks, run in their own process (:mod:`~voice_agent.benchmarks.clerk_process`)."""
    plans = _plans(cluster, clerks, prefix)
    return asyncio.ensure_future(run_in_clerk_process(run_clerks, plans, script))


async def _load_phase(cluster: Any, clerks: int) -> dict[str, Any]:
    from voice_agent.livekit.clerk_script import ClerkScript

    script = ClerkScript.from_files(
        [QUESTION, QUESTION],
        lead_in_secs=4.0,
        push_to_talk=True,
        reply_timeout_secs=20,
        max_reply_secs=20,
    )
    processes = [psutil.Process(w.process.pid) for w in cluster.workers]
    cpu_before = [cpu_secs(p) for p in processes]
    rss_before = [p.memory_info().rss for p in processes]
    began = time.monotonic()
    peak = [0 for _ in cluster.workers]
    running = _clerks_apart(cluster, clerks, "c", script)
    while not running.done():
        jobs = await asyncio.to_thread(lambda: [w.active_jobs() for w in cluster.workers])
        peak = [max(a, b) for a, b in zip(peak, jobs, strict=True)]
        await asyncio.sleep(0.5)
    joined = [r for r in await running if r is not None]
    wall = time.monotonic() - began
    voice_to_voice = [
        u.voice_to_voice_secs
        for r in joined
        for u in r.utterances
        if u.voice_to_voice_secs is not None
    ]
    asked = sum(len(r.utterances) for r in joined)
    cpu = [cpu_secs(p) - c for p, c in zip(processes, cpu_before, strict=True)]
    rss = [p.memory_info().rss - r for p, r in zip(processes, rss_before, strict=True)]
    return {
        "voice_to_voice_secs": summary(voice_to_voice),
        "unanswered": asked - len(voice_to_voice),
        "clerks_not_joined": clerks - len(joined),
        "sessions_per_worker": peak,
        "cpu_percent_per_session": round(100 * sum(cpu) / wall / clerks, 1),
        "rss_growth_mib_per_session": round(sum(rss) / 2**20 / clerks, 1),
    }


async def _kill_phase(cluster: Any, clerks: int) -> dict[str, Any]:
    from voice_agent.benchmarks.local_cluster import assistants_in
    from voice_agent.livekit.clerk_script import ClerkScript
    from voice_agent.livekit.rooms import clerk_room_name

    script = ClerkScript.from_files(
        [QUESTION, QUESTION],
        lead_in_secs=3.0,
        silence_between_secs=2.0,
        push_to_talk=True,
        reply_timeout_secs=8,
        max_reply_secs=20,
    )
    running = _clerks_apart(cluster, clerks, "k", script)
    rooms = [clerk_room_name(store_id="SH-01", identity=f"k{i:02d}") for i in range(clerks)]
    victim = cluster.workers[0]
    deadline = time.monotonic() + 60
    before: dict[str, str] = {}
    while time.monotonic() < deadline:
        before = await assistants_in(cluster.endpoint, rooms)
        if len(before) == clerks:
            break
        await asyncio.sleep(0.2)
    moved_rooms = _rooms_served_by(victim, rooms)
    victim.process.kill()
    killed_at, killed_at_unix = time.monotonic(), time.time()
    back_at: dict[str, float] = {}
    while time.monotonic() - killed_at < 60 and len(back_at) < len(moved_rooms):
        now = await assistants_in(cluster.endpoint, sorted(moved_rooms - back_at.keys()))
        for room, sid in now.items():
            if sid != before.get(room):  # a re-dispatched assistant is a new participant
                back_at[room] = round(time.monotonic() - killed_at, 2)
        await asyncio.sleep(0.1)
    all_back = len(back_at) == len(moved_rooms)
    reports = [r for r in await running if r is not None]
    after_kill = [_first_after(r, killed_at_unix) for r in reports if r.room in moved_rooms]
    replies = [secs for secs in after_kill if secs is not None]
    return {
        "clerks_on_killed_worker": len(moved_rooms),
        "kill_to_agents_back_secs": max(back_at.values(), default=0.0) if all_back else None,
        "kill_to_agent_back_per_room_secs": summary(list(back_at.values())),
        "kill_to_next_reply_secs": summary(replies),
        "next_question_unanswered": len(after_kill) - len(replies),
        "clerks_not_joined": clerks - len(reports),
    }


def _rooms_served_by(worker: Any, rooms: list[str]) -> set[str]:
    """The rooms whose session started in ``worker``'s log."""
    log = worker.log.read_text(errors="replace")
    return {room for room in rooms if f"[{room}] session started" in log}


def _first_after(report: Any, moment_unix: float) -> float | None:
    """Seconds from ``moment_unix`` to the reply to the clerk's first question after it.

    ``None`` when the clerk began no question after it or that question got no reply.
    """
    for utterance in report.utterances:
        if report.started_at_unix + utterance.started_at < moment_unix:
            continue
        if utterance.reply_started_at is None:
            return None
        return round(report.started_at_unix + utterance.reply_started_at - moment_unix, 2)
    return None


async def _wait_idle(cluster: Any) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        jobs = await asyncio.to_thread(lambda: [w.active_jobs() for w in cluster.workers])
        if sum(jobs) == 0:
            return
        await asyncio.sleep(0.5)
