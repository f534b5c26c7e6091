"""``voice-agent bench livekit``: the whole service over a real LiveKit server.

For each clerk count, that many agent sessions and simulated clerks run at once, each clerk
in their own room. Measured at the clerk (what the earpiece hears): voice-to-voice latency
(end of the clerk's speech as sent to the first reply audio received) and barge-in latency
(clerk speech onset to the reply's audio stopping). Also: false barge-ins per minute of shop
noise played over replies, and CPU and memory per session.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import platform
import secrets
import time
from typing import Annotated, Any

import psutil
import typer
from rich.console import Console
from rich.table import Table

from voice_agent.benchmarks.stats import peak_rss_mib, summary
from voice_agent.cli.common import ConfigOption, JsonOption, loading_progress, settings_or_exit
from voice_agent.settings import PROJECT_ROOT

AUDIO = PROJECT_ROOT / "tests" / "fixtures" / "audio"
QUESTIONS = ["loop/wake_ax200_weekend.wav", "loop/wake_socks_contact.wav"]
BARGE_IN = "loop/trail_runner_sale.wav"
NOISE_BEDS = ["noise/shop_babble.wav", "noise/music.wav", "noise/distant_voice.wav"]
API_KEY = "bench"


def register(app: typer.Typer) -> None:
    """Add ``bench livekit`` to ``app``."""
    app.command("livekit")(bench_livekit)


async def _clerk_round(
    runtime: Any, server: Any, secret: str, count: int, at: Any
) -> dict[str, Any]:
    from pipelines.answer_processor import CallerProfile
    from voice_agent.agent.session import AgentSession, LiveKitEndpoint
    from voice_agent.livekit.clerk import ClerkScript, ClerkUtterance, SimulatedClerk
    from voice_agent.livekit.rooms import clerk_room_name
    from voice_agent.livekit.tokens import mint_token

    endpoint = LiveKitEndpoint(url=server.url, api_key=API_KEY, api_secret=secret)
    config = dataclasses.replace(runtime.loop_config, require_addressing=True)
    sessions = []
    for index in range(count):
        identity = f"clerk{index:02d}"
        room = clerk_room_name(store_id="SH-01", identity=identity)
        session = AgentSession(
            runtime=runtime,
            endpoint=endpoint,
            room=room,
            clerk_identity=identity,
            caller=CallerProfile(store_id="SH-01"),
            config=config,
            clock=lambda: at,
        )
        sessions.append((identity, room, session, asyncio.create_task(session.run())))
    for _, _, session, _ in sessions:
        await session.wait_connected(30)

    process = psutil.Process()
    cpu_before = process.cpu_times()
    rss_before = process.memory_info().rss
    wall_before = time.monotonic()

    async def one_clerk(identity: str, room: str) -> Any:
        token = mint_token(
            api_key=API_KEY,
            api_secret=secret,
            identity=identity,
            role="clerk",
            room=room,
            store_id="SH-01",
        )
        script = ClerkScript(
            utterances=[
                *(ClerkUtterance(path=AUDIO / q) for q in QUESTIONS),
                ClerkUtterance(path=AUDIO / QUESTIONS[0]),
                ClerkUtterance(path=AUDIO / BARGE_IN, barge_in_after_secs=1.0),
            ],
            reply_timeout_secs=15,
            max_reply_secs=20,
        )
        clerk = SimulatedClerk(url=server.url, token=token, hangover_secs=1.0)
        return await clerk.run(script)

    reports = await asyncio.gather(*(one_clerk(i, r) for i, r, _, _ in sessions))
    wall = time.monotonic() - wall_before
    cpu_after = process.cpu_times()
    rss_after = process.memory_info().rss
    await _stop_sessions([(session, task) for _, _, session, task in sessions])

    voice_to_voice: list[float] = []
    barge_in: list[float] = []
    unanswered = 0
    for report in reports:
        for utterance in report.utterances:
            if utterance.barge_in:
                if utterance.barge_in_stop_secs is not None:
                    barge_in.append(utterance.barge_in_stop_secs)
            elif utterance.voice_to_voice_secs is not None:
                voice_to_voice.append(utterance.voice_to_voice_secs)
            else:
                unanswered += 1
    cpu_secs = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system)
    return {
        "clerks": count,
        "voice_to_voice_secs": summary(voice_to_voice),
        "barge_in_secs": summary(barge_in),
        "unanswered": unanswered,
        "cpu_percent_per_session": round(100 * cpu_secs / wall / count, 1),
        "rss_growth_mib_per_session": round((rss_after - rss_before) / 2**20 / count, 1),
    }


async def _false_barge_ins(runtime: Any, server: Any, secret: str, at: Any) -> dict[str, Any]:
    """Play each noise bed over a reply; count barge-ins per minute of noise."""
    from pipelines.answer_processor import CallerProfile
    from voice_agent.agent.session import AgentSession, LiveKitEndpoint
    from voice_agent.audio_io import load_audio
    from voice_agent.livekit.clerk import ClerkScript, ClerkUtterance, SimulatedClerk
    from voice_agent.livekit.rooms import clerk_room_name
    from voice_agent.livekit.tokens import mint_token

    events: list[Any] = []
    identity = "noise-clerk"
    room = clerk_room_name(store_id="SH-01", identity=identity)
    session = AgentSession(
        runtime=runtime,
        endpoint=LiveKitEndpoint(url=server.url, api_key=API_KEY, api_secret=secret),
        room=room,
        clerk_identity=identity,
        caller=CallerProfile(store_id="SH-01"),
        config=dataclasses.replace(runtime.loop_config, require_addressing=True),
        clock=lambda: at,
        on_event=events.append,
    )
    task = asyncio.create_task(session.run())
    await session.wait_connected(30)
    noise_secs = 0.0
    for bed in NOISE_BEDS:
        noise_secs += load_audio(AUDIO / bed).seconds
        token = mint_token(
            api_key=API_KEY,
            api_secret=secret,
            identity=identity,
            role="clerk",
            room=room,
            store_id="SH-01",
        )
        script = ClerkScript(
            utterances=[
                ClerkUtterance(path=AUDIO / QUESTIONS[0]),
                ClerkUtterance(path=AUDIO / bed, barge_in_after_secs=0.3),
            ],
            reply_timeout_secs=15,
            max_reply_secs=30,
        )
        await SimulatedClerk(url=server.url, token=token, hangover_secs=1.0).run(script)
    await _stop_sessions([(session, task)])
    false_barge_ins = sum(1 for e in events if e.type == "barge_in")
    return {
        "noise_minutes": round(noise_secs / 60, 2),
        "false_barge_ins": false_barge_ins,
        "false_barge_ins_per_minute": round(false_barge_ins / (noise_secs / 60), 2),
    }


async def _stop_sessions(sessions: list[tuple[Any, asyncio.Task[None]]]) -> None:
    """Stop every session at once; one that does not end in time is cancelled."""
    await asyncio.gather(*(session.stop() for session, _ in sessions))
    _done, pending = await asyncio.wait([task for _, task in sessions], timeout=20)
    for task in pending:
        task.cancel()


def bench_livekit(
    clerks: Annotated[
        str, typer.Option(help="Comma-separated numbers of simultaneous clerks.")
    ] = "1,5,10,20",
    noise: Annotated[bool, typer.Option(help="Also measure false barge-ins on noise.")] = True,
    json_output: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Measure the service over a real local LiveKit server with simulated clerks.

    Example: voice-agent bench livekit --clerks 1,5 --json > livekit.json
    """
    from datetime import datetime

    from loguru import logger

    logger.remove()
    settings = settings_or_exit(config)
    from voice_agent.livekit.server import LocalLiveKitServer, find_livekit_server_binary
    from voice_agent.runtime import build_runtime

    counts = [int(c) for c in clerks.split(",") if c.strip()]
    console = Console(stderr=True)
    with loading_progress(True) as step:
        runtime = build_runtime(settings, progress=step)
    at = datetime.fromisoformat("2026-11-28T15:00").replace(tzinfo=runtime.knowledge.zone("SH-01"))
    secret = secrets.token_hex(24)
    results: dict[str, Any] = {"rounds": []}
    binary = find_livekit_server_binary(settings.livekit.binary or None)
    with LocalLiveKitServer(binary=binary, api_key=API_KEY, api_secret=secret) as server:

        async def run_all() -> None:
            for count in counts:
                console.print(f"[bold]{count} clerk(s)[/bold] ...")
                results["rounds"].append(await _clerk_round(runtime, server, secret, count, at))
                # Each round on stderr as soon as it is measured: long runs keep partial data.
                console.print_json(json.dumps(results["rounds"][-1]))
            if noise:
                console.print("noise beds over replies ...")
                results["noise"] = await _false_barge_ins(runtime, server, secret, at)

        asyncio.run(run_all())
    results["machine"] = {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    results["stt_model"] = settings.stt.model
    results["answerer"] = runtime.answerer.name
    results["peak_rss_mib"] = round(peak_rss_mib(), 1)
    if json_output:
        typer.echo(json.dumps(results, indent=2))
        return
    table = Table(title="voice loop over LiveKit (measured at the clerk)")
    for column in (
        "clerks",
        "v2v p50",
        "v2v p95",
        "barge-in p50",
        "barge-in p95",
        "unanswered",
        "CPU %/session",
        "MiB/session",
    ):
        table.add_column(column, justify="right")
    for row in results["rounds"]:
        v2v, barge = row["voice_to_voice_secs"], row["barge_in_secs"]
        table.add_row(
            str(row["clerks"]),
            _ms(v2v["p50"]),
            _ms(v2v["p95"]),
            _ms(barge["p50"]),
            _ms(barge["p95"]),
            str(row["unanswered"]),
            str(row["cpu_percent_per_session"]),
            str(row["rss_growth_mib_per_session"]),
        )
    Console().print(table)
    if "noise" in results:
        n = results["noise"]
        typer.echo(
            f"false barge-ins: {n['false_barge_ins']} in {n['noise_minutes']} min of noise "
            f"({n['false_barge_ins_per_minute']}/min)"
        )
    typer.echo(f"peak memory {results['peak_rss_mib']} MiB")


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.0f}"
