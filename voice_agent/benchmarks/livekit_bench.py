"""``voice-agent bench livekit``: the whole service over a real LiveKit server.

For each clerk count, that many agent sessions and simulated clerks run at once, each clerk
in their own room. The clerks run in processes of their own (at most five in each), ahead
of the node, and so does the LiveKit server (:mod:`voice_agent.benchmarks.clerk_process`).
Measured at the clerk (what the earpiece hears): voice-to-voice latency (end of the clerk's
speech as sent to the first reply audio received) and barge-in latency (clerk speech onset
to the reply's audio stopping). Also: false barge-ins per minute of shop noise played over
replies, CPU and memory per session, the CPU seconds the node and the clerks' processes
spent on the round (``node_cpu_secs``, ``clerks_cpu_secs``: the same work at every run, so
two runs compare even when the machine's load differs), and how far the node's event loop
fell behind (:mod:`voice_agent.benchmarks.loop_health`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import resource
import time
from pathlib import Path
from typing import Any

import psutil

from voice_agent.benchmarks.clerk_process import run_spread_over_clerk_processes
from voice_agent.benchmarks.loop_health import LoopWatch
from voice_agent.benchmarks.stats import summary

QUESTIONS = ["loop/wake_ax200_weekend.wav", "loop/wake_socks_contact.wav"]
BARGE_IN = "loop/trail_runner_sale.wav"
NOISE_BEDS = ["noise/shop_babble.wav", "noise/music.wav", "noise/distant_voice.wav"]
API_KEY = "bench"
STORE = "SH-01"


async def clerk_round(
    runtime: Any, server: Any, secret: str, count: int, at: Any, *, audio: Path, repeat: int = 1
) -> dict[str, Any]:
    """``count`` simulated clerks asking at once; latency, its hops, unanswered, CPU, memory.

    Each clerk says :data:`QUESTIONS` (the first one twice) and one barge-in, ``repeat`` times.
    """
    from voice_agent.livekit.clerk_script import ClerkScript, ClerkUtterance
    from voice_agent.livekit.rooms import clerk_room_name

    sessions = []
    events: dict[str, list[Any]] = {}
    for index in range(count):
        identity = f"clerk{index:02d}"
        room = clerk_room_name(store_id=STORE, identity=identity)
        events[identity] = []
        session = _agent_session(
            runtime, server, secret, identity, room, at, events[identity].append
        )
        sessions.append((identity, room, session, asyncio.create_task(session.run())))
    try:
        for _, _, session, _ in sessions:
            await session.wait_connected(30)
        engine = getattr(runtime.transcriber, "stats", None)
        engine_before = engine() if engine is not None else None
        process = psutil.Process()
        cpu_before = process.cpu_times()
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        rss_before = process.memory_info().rss
        wall_before = time.monotonic()
        loop_watch = LoopWatch()
        loop_watch.start()
        script = ClerkScript(
            utterances=[
                *(ClerkUtterance(path=audio / q) for q in QUESTIONS),
                ClerkUtterance(path=audio / QUESTIONS[0]),
                ClerkUtterance(path=audio / BARGE_IN, barge_in_after_secs=1.0),
            ]
            * repeat,
            reply_timeout_secs=15,
            max_reply_secs=20,
        )
        tokens = [_clerk_token(secret, identity, room) for identity, room, _, _ in sessions]
        try:
            reports = await run_spread_over_clerk_processes(run_clerks, server.url, tokens, script)
        finally:
            node_loop = await loop_watch.stop()
        wall = time.monotonic() - wall_before
        cpu_after = process.cpu_times()
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        rss_after = process.memory_info().rss
    finally:
        # Also when a clerk or a session failed: a session left running keeps the round's
        # event loop from ever closing.
        await stop_sessions([(session, task) for _, _, session, task in sessions])

    questions = sum(1 for u in script.utterances if u.barge_in_after_secs is None)
    tally = tally_replies(reports, questions_per_clerk=questions)
    cpu_secs = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system)
    clerks_cpu_secs = (children_after.ru_utime + children_after.ru_stime) - (
        children_before.ru_utime + children_before.ru_stime
    )
    speech_engine = None
    if engine is not None and engine_before is not None:
        now = engine()
        speech_engine = {
            "utterances": now.utterances - engine_before.utterances,
            "short_window_batches": now.batches - engine_before.batches,
            "full_window": now.full_window - engine_before.full_window,
            "largest_batch_so_far": now.largest_batch,
        }
    return {
        "clerks": count,
        "voice_to_voice_secs": summary(tally.voice_to_voice),
        "barge_in_secs": summary(tally.barge_in),
        "unanswered": tally.unanswered,
        "clerks_failed": len(tally.clerk_errors),
        "clerk_errors": tally.clerk_errors,
        "cpu_percent_per_session": round(100 * cpu_secs / wall / count, 1),
        "round_secs": round(wall, 2),
        "node_cpu_secs": round(cpu_secs, 2),
        "clerks_cpu_secs": round(clerks_cpu_secs, 2),
        "rss_growth_mib_per_session": round((rss_after - rss_before) / 2**20 / count, 1),
        "speech_engine": speech_engine,
        "node_loop": node_loop,
        "hops": _hops(reports, events),
    }


def _hops(reports: list[Any], events: dict[str, list[Any]]) -> dict[str, Any]:
    """Every clerk's turns and barge-ins split at its own session's events."""
    from voice_agent.benchmarks.livekit_hops import barge_in_hops, hop_summary, turn_hops

    answered = [r for r in reports if not isinstance(r, ClerkFailed)]
    return hop_summary(
        (row for r in answered for row in turn_hops(r, events.get(r.identity, []))),
        (row for r in answered for row in barge_in_hops(r, events.get(r.identity, []))),
    )


@dataclasses.dataclass(frozen=True, slots=True)
class ClerkFailed:
    """A simulated clerk that could not join or finish: its questions count as unanswered."""

    error: str


def run_clerks(url: str, tokens: list[str], script: Any) -> list[Any]:
    """In the clerks' process: one simulated clerk per token, all at once.

    Returns each clerk's report, or :class:`ClerkFailed` for one that raised: one clerk that
    cannot join must not end the other clerks' round.
    """
    from voice_agent.livekit.clerk import SimulatedClerk

    async def everyone() -> list[Any]:
        clerks = [SimulatedClerk(url=url, token=token, hangover_secs=1.0) for token in tokens]
        results = await asyncio.gather(
            *(clerk.run(script) for clerk in clerks), return_exceptions=True
        )
        return [
            ClerkFailed(error=f"{type(r).__name__}: {r}") if isinstance(r, Exception) else r
            for r in results
        ]

    return asyncio.run(everyone())


@dataclasses.dataclass(slots=True)
class ReplyTally:
    """What a round's clerks heard: latencies, unanswered questions, clerks that failed."""

    voice_to_voice: list[float] = dataclasses.field(default_factory=list)
    barge_in: list[float] = dataclasses.field(default_factory=list)
    unanswered: int = 0
    clerk_errors: list[str] = dataclasses.field(default_factory=list)


def tally_replies(reports: list[Any], *, questions_per_clerk: int) -> ReplyTally:
    """Count the replies in the clerks' reports (a :class:`ClerkFailed` heard none)."""
    tally = ReplyTally()
    for report in reports:
        if isinstance(report, ClerkFailed):
            tally.unanswered += questions_per_clerk
            tally.clerk_errors.append(report.error)
            continue
        for utterance in report.utterances:
            if utterance.barge_in:
                if utterance.barge_in_stop_secs is not None:
                    tally.barge_in.append(utterance.barge_in_stop_secs)
            elif utterance.voice_to_voice_secs is not None:
                tally.voice_to_voice.append(utterance.voice_to_voice_secs)
            else:
                tally.unanswered += 1
    return tally


async def false_barge_ins(
    runtime: Any, server: Any, secret: str, at: Any, *, audio: Path
) -> dict[str, Any]:
    """Play each noise bed over a reply; count barge-ins per minute of noise."""
    from voice_agent.audio_io import load_audio
    from voice_agent.livekit.clerk import SimulatedClerk
    from voice_agent.livekit.clerk_script import ClerkScript, ClerkUtterance
    from voice_agent.livekit.rooms import clerk_room_name

    events: list[Any] = []
    identity = "noise-clerk"
    room = clerk_room_name(store_id=STORE, identity=identity)
    session = _agent_session(runtime, server, secret, identity, room, at, events.append)
    task = asyncio.create_task(session.run())
    await session.wait_connected(30)
    noise_secs = 0.0
    for bed in NOISE_BEDS:
        noise_secs += load_audio(audio / bed).seconds
        token = _clerk_token(secret, identity, room)
        script = ClerkScript(
            utterances=[
                ClerkUtterance(path=audio / QUESTIONS[0]),
                ClerkUtterance(path=audio / bed, barge_in_after_secs=0.3),
            ],
            reply_timeout_secs=15,
            max_reply_secs=30,
        )
        await SimulatedClerk(url=server.url, token=token, hangover_secs=1.0).run(script)
    await stop_sessions([(session, task)])
    false_barge_ins = sum(1 for e in events if e.type == "barge_in")
    return {
        "noise_minutes": round(noise_secs / 60, 2),
        "false_barge_ins": false_barge_ins,
        "false_barge_ins_per_minute": round(false_barge_ins / (noise_secs / 60), 2),
    }


async def stop_sessions(sessions: list[tuple[Any, asyncio.Task[None]]]) -> None:
    """Stop every session at once; one that does not end in time is cancelled."""
    await asyncio.gather(*(session.stop() for session, _ in sessions))
    _done, pending = await asyncio.wait([task for _, task in sessions], timeout=20)
    for task in pending:
        task.cancel()


def _agent_session(
    runtime: Any,
    server: Any,
    secret: str,
    identity: str,
    room: str,
    at: Any,
    on_event: Any = None,
) -> Any:
    """The node's session for one simulated clerk of :data:`STORE`, answering as if at ``at``."""
    from pipelines.answer_processor import CallerProfile
    from voice_agent.agent.session import AgentSession, LiveKitEndpoint

    return AgentSession(
        runtime=runtime,
        endpoint=LiveKitEndpoint(url=server.url, api_key=API_KEY, api_secret=secret),
        room=room,
        clerk_identity=identity,
        caller=CallerProfile(store_id=STORE),
        config=dataclasses.replace(runtime.loop_config, require_addressing=True),
        clock=lambda: at,
        on_event=on_event,
    )


def _clerk_token(secret: str, identity: str, room: str) -> str:
    """A clerk's token for their own room at :data:`STORE`."""
    from voice_agent.livekit.tokens import mint_token

    return mint_token(
        api_key=API_KEY,
        api_secret=secret,
        identity=identity,
        role="clerk",
        room=room,
        store_id=STORE,
    )
