"""``voice-agent bench cluster``: clerks over two LiveKit nodes and two worker processes.

Phase 1: ``--clerks`` simulated clerks join (a little apart, as a shift starts), each in
their own room, and ask two questions under push-to-talk; LiveKit dispatches them to the
workers. Measured at the clerk: voice-to-voice p50/p95 and unanswered questions; per
worker: sessions taken, CPU and memory growth per session.

Phase 2: the same clerks join again and ask one question; once every clerk has an agent,
worker 1 is killed (``kill -9``). Measured: seconds from the kill until the assistant is
back in every clerk's room (re-dispatched to the other worker), and how many second
questions, asked 20 s after the first, went unanswered.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import psutil

from voice_agent.benchmarks.stats import summary
from voice_agent.settings import PROJECT_ROOT

AUDIO = PROJECT_ROOT / "tests" / "fixtures" / "audio"
QUESTION = AUDIO / "loop" / "ax200_weekend.wav"
_JOIN_SPACING_SECS = 0.3


async def run_cluster_bench(runtime: Any, binary: Any, clerks: int) -> dict[str, Any]:
    """Both phases on a local cluster of two nodes and two workers; the report as a dict."""
    from voice_agent.worker.local_cluster import LocalCluster

    async with LocalCluster(
        runtime=runtime, livekit_binary=binary, nodes=2, workers=2, capacity=clerks
    ) as cluster:
        load = await _load_phase(cluster, clerks)
        await _wait_idle(cluster)
        kill = await _kill_phase(cluster, clerks)
    return {"clerks": clerks, "load": load, "worker_kill": kill}


async def _clerk(cluster: Any, index: int, script: Any, prefix: str) -> Any:
    from voice_agent.agent.connection import AGENT_IDENTITY
    from voice_agent.livekit.clerk import SimulatedClerk
    from voice_agent.livekit.rooms import clerk_room_name
    from voice_agent.livekit.tokens import mint_token

    identity = f"{prefix}{index:02d}"
    node = cluster.nodes[index % len(cluster.nodes)]
    token = mint_token(
        api_key=cluster.api_key,
        api_secret=cluster.api_secret,
        identity=identity,
        role="clerk",
        room=clerk_room_name(store_id="SH-01", identity=identity),
        store_id="SH-01",
        dispatch_agent=True,
    )
    await asyncio.sleep(index * _JOIN_SPACING_SECS)
    clerk = SimulatedClerk(url=node.url, token=token, reply_from=AGENT_IDENTITY, hangover_secs=1.5)
    return await clerk.run(script)


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
    cpu_before = [_cpu(p) for p in processes]
    rss_before = [p.memory_info().rss for p in processes]
    began = time.monotonic()
    peak = [0 for _ in cluster.workers]
    running = asyncio.gather(*(_clerk(cluster, i, script, "c") for i in range(clerks)))
    while not running.done():
        jobs = await asyncio.to_thread(lambda: [w.active_jobs() for w in cluster.workers])
        peak = [max(a, b) for a, b in zip(peak, jobs, strict=True)]
        await asyncio.sleep(0.5)
    reports = await running
    wall = time.monotonic() - began
    voice_to_voice = [
        u.voice_to_voice_secs
        for r in reports
        for u in r.utterances
        if u.voice_to_voice_secs is not None
    ]
    asked = sum(len(r.utterances) for r in reports)
    cpu = [_cpu(p) - c for p, c in zip(processes, cpu_before, strict=True)]
    rss = [p.memory_info().rss - r for p, r in zip(processes, rss_before, strict=True)]
    return {
        "voice_to_voice_secs": summary(voice_to_voice),
        "unanswered": asked - len(voice_to_voice),
        "sessions_per_worker": peak,
        "cpu_percent_per_session": round(100 * sum(cpu) / wall / clerks, 1),
        "rss_growth_mib_per_session": round(sum(rss) / 2**20 / clerks, 1),
    }


async def _kill_phase(cluster: Any, clerks: int) -> dict[str, Any]:
    from voice_agent.livekit.clerk_script import ClerkScript
    from voice_agent.livekit.rooms import clerk_room_name

    script = ClerkScript.from_files(
        [QUESTION, QUESTION],
        lead_in_secs=3.0,
        silence_between_secs=20.0,
        push_to_talk=True,
        reply_timeout_secs=20,
        max_reply_secs=20,
    )
    running = asyncio.gather(*(_clerk(cluster, i, script, "k") for i in range(clerks)))
    rooms = [clerk_room_name(store_id="SH-01", identity=f"k{i:02d}") for i in range(clerks)]
    victim = cluster.workers[0]
    deadline = time.monotonic() + 60
    before: dict[str, str] = {}
    while time.monotonic() < deadline:
        before = await _agents(cluster, rooms)
        if len(before) == clerks:
            break
        await asyncio.sleep(0.2)
    moved = max(victim.active_jobs(), 0)
    victim.process.kill()
    killed_at = time.monotonic()
    redispatch_secs: float | None = None
    while time.monotonic() - killed_at < 60:
        now = await _agents(cluster, rooms)
        replaced = [room for room in rooms if room in now and now[room] != before.get(room)]
        # The dead worker's agents are replaced by new participants (new sids).
        if len(now) == clerks and len(replaced) >= moved:
            redispatch_secs = round(time.monotonic() - killed_at, 2)
            break
        await asyncio.sleep(0.2)
    reports = await running
    second = [r.utterances[1] for r in reports]
    return {
        "clerks_on_killed_worker": moved,
        "kill_to_agents_back_secs": redispatch_secs,
        "second_question_unanswered": sum(u.voice_to_voice_secs is None for u in second),
    }


async def _agents(cluster: Any, rooms: list[str]) -> dict[str, str]:
    """Room -> participant sid of the assistant, for the rooms it is in right now."""
    from livekit import api

    from voice_agent.agent.connection import AGENT_IDENTITY

    http_url = cluster.nodes[0].url.replace("ws", "http", 1)
    client = api.LiveKitAPI(http_url, cluster.api_key, cluster.api_secret)
    found: dict[str, str] = {}
    try:
        for room in rooms:
            try:
                listed = await client.room.list_participants(api.ListParticipantsRequest(room=room))
            except api.TwirpError:
                continue  # the room does not exist (yet)
            for participant in listed.participants:
                if participant.identity == AGENT_IDENTITY:
                    found[room] = participant.sid
    finally:
        await client.aclose()
    return found


async def _wait_idle(cluster: Any) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        jobs = await asyncio.to_thread(lambda: [w.active_jobs() for w in cluster.workers])
        if sum(jobs) == 0:
            return
        await asyncio.sleep(0.5)


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)
