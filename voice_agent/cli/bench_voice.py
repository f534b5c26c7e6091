"""``voice-agent bench loop`` and ``bench livekit``: the voice loop's latency, in replay and live.

The measuring lives in :mod:`voice_agent.benchmarks`; these commands read options, load the
runtime and print the tables.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from voice_agent.benchmarks import DEFAULT_FIXTURES, loop_comparison
from voice_agent.benchmarks.loop_comparison import Baseline
from voice_agent.benchmarks.stats import machine, milliseconds, peak_rss_mib
from voice_agent.cli.common import (
    BenchLogOption,
    ConfigOption,
    JsonOption,
    configure_bench_logging,
    configure_logging,
    loading_progress,
    settings_or_exit,
)


def register(app: typer.Typer) -> None:
    """Add ``bench loop`` and ``bench livekit`` to ``app``."""
    app.command("loop")(bench_loop)
    app.command("livekit")(bench_livekit)


def bench_loop(
    sets: Annotated[
        str, typer.Option(help="Comma-separated fixture sets to replay: loop, questions.")
    ] = "loop,questions",
    limit: Annotated[
        int | None, typer.Option(help="Replay at most this many question files.")
    ] = None,
    barge_in_runs: Annotated[int, typer.Option(help="Replays of the barge-in conversation.")] = 5,
    against: Annotated[
        str,
        typer.Option(
            help="'pipecat': instead, time the same questions, plus the sets' paused-question "
            "fixtures (a pause mid-question: no half-question answer allowed), through a stock "
            "Pipecat pipeline (default turn handling, same models) and ours, in turn, and "
            "report the ratio."
        ),
    ] = "",
    fixtures: Annotated[Path, typer.Option(help="Fixture directory.")] = DEFAULT_FIXTURES,
    json_output: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Measure the voice loop over the audio fixtures at real-time pace.

    Example: voice-agent bench loop --limit 20 --json > loop.json
    """
    configure_logging(False)
    from loguru import logger

    logger.remove()  # per-turn logs would drown the progress bar
    settings = settings_or_exit(config)
    from voice_agent.benchmarks.loop import measure_loop, paused_questions, select_questions
    from voice_agent.runtime import build_runtime

    manifest = json.loads((fixtures / "audio" / "manifest.json").read_text(encoding="utf-8"))
    questions = select_questions(manifest, [s.strip() for s in sets.split(",")], limit)
    import yaml

    reference = yaml.safe_load((fixtures / "questions.yaml").read_text(encoding="utf-8"))
    at = datetime.fromisoformat(str(reference["reference_time"]))

    console = Console(stderr=True)
    started = time.perf_counter()
    with loading_progress(True) as step:
        runtime = build_runtime(settings, progress=step)
    load_secs = time.perf_counter() - started
    if against:
        if against != Baseline.PIPECAT:
            typer.echo(f"--against takes 'pipecat', not {against!r}", err=True)
            raise typer.Exit(2)
        paused = paused_questions(manifest, [s.strip() for s in sets.split(",")])
        comparison = loop_comparison.run(
            runtime=runtime,
            fixtures=fixtures,
            questions=questions + paused,
            at=at,
            console=console,
        )
        comparison |= {
            "questions": len(questions),
            "paused_questions": len(paused),
            "stt_model": settings.stt.model,
        }
        if json_output:
            typer.echo(json.dumps({"against": comparison}, indent=2))
            return
        loop_comparison.print_comparison(comparison, Console())
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        results = asyncio.run(
            measure_loop(
                runtime=runtime,
                fixtures=fixtures,
                questions=questions,
                barge_in_runs=barge_in_runs,
                at=at,
                progress=progress,
            )
        )
    results.update(
        {
            "machine": machine(),
            "stt_model": settings.stt.model,
            "answerer": runtime.answerer.name,
            "questions": len(questions),
            "model_load_secs": round(load_secs, 2),
            "peak_rss_mib": round(peak_rss_mib(), 1),
        }
    )
    if json_output:
        typer.echo(json.dumps(results, indent=2))
        return
    table = Table(title=f"voice loop, {len(questions)} questions, {runtime.answerer.name}")
    table.add_column("measure")
    for column in ("n", "p50 ms", "p95 ms", "max ms"):
        table.add_column(column, justify="right")
    for key, label in [
        ("voice_to_voice_secs", "voice-to-voice"),
        ("barge_in_secs", "barge-in (onset to audio stop)"),
        ("answer_secs", "answer (transcript to first sentence)"),
        ("tts_first_audio_secs", "TTS time to first audio"),
    ]:
        row = results[key]
        table.add_row(label, str(row["n"]), *(milliseconds(row[k]) for k in ("p50", "p95", "max")))
    rtf = results["stt_real_time_factor"]
    table.add_row(
        "STT real-time factor", str(rtf["n"]), *(_ratio(rtf[k]) for k in ("p50", "p95", "max"))
    )
    Console().print(table)
    typer.echo(f"peak memory {results['peak_rss_mib']} MiB; models loaded in {load_secs:.1f} s")
    if results["failures"]:
        typer.echo(f"{len(results['failures'])} replays did not give exactly one answered turn:")
        for failure in results["failures"]:
            typer.echo(f"  {failure['path']}: {failure['turns']}")


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def bench_livekit(
    clerks: Annotated[
        str, typer.Option(help="Comma-separated numbers of simultaneous clerks.")
    ] = "1,5,10,20",
    noise: Annotated[bool, typer.Option(help="Also measure false barge-ins on noise.")] = True,
    fixtures: Annotated[
        Path, typer.Option(help="Fixture directory (its audio/ is played by the clerks).")
    ] = DEFAULT_FIXTURES,
    repeat: Annotated[
        int,
        typer.Option(
            min=1,
            help="Each clerk says its three questions and one barge-in this many times "
            "(--repeat 10 gives one clerk 30 answers to take p95 over).",
        ),
    ] = 1,
    json_output: JsonOption = False,
    config: ConfigOption = None,
    log: BenchLogOption = None,
) -> None:
    """Measure the service over a real local LiveKit server with simulated clerks.

    Each round's "hops" split voice-to-voice and barge-in time at the node's own events
    (the way in and the VAD's stop wait, the node, the way out to the ear).

    Example: voice-agent bench livekit --clerks 1 --repeat 10 --no-noise --json > livekit.json
    """
    from datetime import datetime

    configure_bench_logging(log)
    settings = settings_or_exit(config)
    from voice_agent.benchmarks.clerk_process import ahead_of_the_node
    from voice_agent.benchmarks.livekit_bench import API_KEY, clerk_round, false_barge_ins
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
        ahead_of_the_node(server.pid)

        async def run_all() -> None:
            for count in counts:
                console.print(f"[bold]{count} clerk(s)[/bold] ...")
                results["rounds"].append(
                    await clerk_round(
                        runtime, server, secret, count, at, audio=fixtures / "audio", repeat=repeat
                    )
                )
                # Each round on stderr as soon as it is measured: long runs keep partial data.
                console.print_json(json.dumps(results["rounds"][-1]))
            if noise:
                console.print("noise beds over replies ...")
                results["noise"] = await false_barge_ins(
                    runtime, server, secret, at, audio=fixtures / "audio"
                )

        asyncio.run(run_all())
    results["machine"] = machine()
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
        "clerks failed",
        "CPU %/session",
        "MiB/session",
        "node loop late p95 ms",
    ):
        table.add_column(column, justify="right")
    for row in results["rounds"]:
        v2v, barge = row["voice_to_voice_secs"], row["barge_in_secs"]
        loop_late = row["node_loop"]["late_ms"]["p95"]
        table.add_row(
            str(row["clerks"]),
            milliseconds(v2v["p50"]),
            milliseconds(v2v["p95"]),
            milliseconds(barge["p50"]),
            milliseconds(barge["p95"]),
            str(row["unanswered"]),
            str(row["clerks_failed"]),
            str(row["cpu_percent_per_session"]),
            str(row["rss_growth_mib_per_session"]),
            "-" if loop_late is None else f"{loop_late:.0f}",
        )
    Console().print(table)
    for row in results["rounds"]:
        hops = row["hops"]
        way, barge = hops["voice_to_voice"], hops["barge_in"]
        typer.echo(
            f"{row['clerks']} clerk(s), p50 hops in ms: in and VAD stop "
            f"{milliseconds(way['to_node']['p50'])}, node {milliseconds(way['node']['p50'])}, "
            f"out to the ear {milliseconds(way['to_ear']['p50'])}; barge-in: to the node "
            f"{milliseconds(barge['to_node']['p50'])}, then to the ear "
            f"{milliseconds(barge['to_ear']['p50'])}"
        )
        for error in row["clerk_errors"]:
            typer.echo(f"{row['clerks']} clerk(s): a clerk failed: {error}", err=True)
    if "noise" in results:
        n = results["noise"]
        typer.echo(
            f"false barge-ins: {n['false_barge_ins']} in {n['noise_minutes']} min of noise "
            f"({n['false_barge_ins_per_minute']}/min)"
        )
    typer.echo(f"peak memory {results['peak_rss_mib']} MiB")
