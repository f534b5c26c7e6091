"""``voice-agent bench loop``: the voice loop's latency over the audio fixtures.

Every selected fixture is replayed at real-time pace through the real pipeline (Silero,
Whisper, the configured answerer, Piper). Reported: voice-to-voice latency (last voiced input
sample to first answer sample), barge-in latency (speech onset to the bot's audio stop), STT
real-time factor, TTS time to first audio, and peak memory.
"""

from __future__ import annotations

import asyncio
import json
import platform
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from voice_agent.audio_io import load_audio
from voice_agent.benchmarks import loop_comparison
from voice_agent.benchmarks.loop_comparison import Baseline
from voice_agent.benchmarks.stats import peak_rss_mib, summary
from voice_agent.cli.common import (
    ConfigOption,
    JsonOption,
    configure_logging,
    loading_progress,
    settings_or_exit,
)
from voice_agent.settings import PROJECT_ROOT

DEFAULT_FIXTURES = PROJECT_ROOT / "tests" / "fixtures"


def register(app: typer.Typer) -> None:
    """Add ``bench loop`` to ``app``."""
    app.command("loop")(bench_loop)


def _select(manifest: dict[str, Any], sets: list[str], limit: int | None) -> list[dict[str, Any]]:
    kinds = {"question", "loop_question"}
    entries = [e for e in manifest["files"] if e["set"] in sets and e["kind"] in kinds]
    return entries[:limit] if limit else entries


async def _run(
    *,
    runtime: Any,
    fixtures: Path,
    questions: list[dict[str, Any]],
    barge_in_runs: int,
    at: datetime,
    progress: Progress,
) -> dict[str, Any]:
    from pipelines.answer_processor import CallerProfile
    from voice_agent.replay import replay
    from voice_agent.runtime import default_store_id

    store_id = default_store_id(runtime.knowledge)
    asked_at = at.replace(tzinfo=runtime.knowledge.zone(store_id))
    caller = CallerProfile(store_id=store_id)
    voice_to_voice: list[float] = []
    stt_rtf: list[float] = []
    answer_secs: list[float] = []
    barge_in: list[float] = []
    failures: list[dict[str, Any]] = []
    task = progress.add_task("replaying questions", total=len(questions) + barge_in_runs)
    for entry in questions:
        audio = load_audio(fixtures / "audio" / entry["path"])
        result = await replay(
            pcm16=audio.pcm16,
            models=runtime.models,
            transcriber=runtime.transcriber,
            answerer=runtime.answerer,
            config=runtime.loop_config,
            caller=caller,
            clock=lambda: asked_at,
            settle_secs=0.5,
            stop_after_first_audio=True,
        )
        turns = result.report.turns
        if len(turns) != 1 or turns[0].voice_to_voice_secs is None:
            failures.append({"path": entry["path"], "turns": [t.transcript for t in turns]})
        for turn in turns:
            if turn.voice_to_voice_secs is not None:
                voice_to_voice.append(turn.voice_to_voice_secs)
            if turn.answer_ready is not None and turn.stt_done is not None:
                answer_secs.append(turn.answer_ready - turn.stt_done)
        for event in result.report.events:
            if event["type"] == "transcribed" and float(event["audio_secs"]) > 0:  # type: ignore[arg-type]
                stt_rtf.append(float(event["stt_secs"]) / float(event["audio_secs"]))  # type: ignore[arg-type]
        progress.advance(task)

    conversation = load_audio(fixtures / "audio" / "conversations" / "barge_in.wav")
    for _ in range(barge_in_runs):
        result = await replay(
            pcm16=conversation.pcm16,
            models=runtime.models,
            transcriber=runtime.transcriber,
            answerer=runtime.answerer,
            config=runtime.loop_config,
            caller=caller,
            clock=lambda: asked_at,
            settle_secs=0.5,
        )
        for report in result.report.barge_ins:
            if report.interruption_latency_secs is not None:
                barge_in.append(report.interruption_latency_secs)
        progress.advance(task)

    tts_first_audio = _tts_first_audio(runtime.models.piper, runtime.answerer, questions)
    return {
        "voice_to_voice_secs": summary(voice_to_voice),
        "barge_in_secs": summary(barge_in),
        "stt_real_time_factor": summary(stt_rtf),
        "answer_secs": summary(answer_secs),
        "tts_first_audio_secs": summary(tts_first_audio),
        "failures": failures,
    }


def _tts_first_audio(voice: Any, answerer: Any, questions: list[dict[str, Any]]) -> list[float]:
    """Seconds from handing Piper a typical first answer sentence to its first audio chunk."""
    sentences = [
        "Yes, the AX-200 is 20 percent off in the Weekend Running Offer.",
        "The Winter Boots offer ends on Tuesday 15 December.",
        "No, the Autumn Clearance ended on 31 October.",
        "Call Lin Wei, east region promotions, extension 2204.",
    ]
    timings: list[float] = []
    for _ in range(max(1, len(questions) // len(sentences))):
        for sentence in sentences:
            started = time.perf_counter()
            next(iter(voice.synthesize(sentence)))
            timings.append(time.perf_counter() - started)
    return timings


def bench_loop(
    sets: Annotated[
        str, typer.Option(help="Comma-separated fixture sets to replay: loop, questions.")
    ] = "loop,questions",
    limit: Annotated[
        int | None, typer.Option(help="Replay at most this many question files.")
    ] = None,
    barge_in_runs: Annotated[int, typer.Option(help="Replays of the barge-in conversation.")] = 5,
    fixtures: Annotated[Path, typer.Option(help="Fixture directory.")] = DEFAULT_FIXTURES,
    against: Annotated[
        Baseline | None,
        typer.Option(
            help="Also replay each question through this stock pipeline (same models and "
            "answerer) and compare, fixture by fixture: pipecat = Pipecat 1.14's defaults."
        ),
    ] = None,
    json_output: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Measure the voice loop over the audio fixtures at real-time pace.

    Example: voice-agent bench loop --limit 20 --json > loop.json
    Against stock Pipecat: voice-agent bench loop --limit 20 --against pipecat
    """
    configure_logging(False)
    from loguru import logger

    logger.remove()  # per-turn logs would drown the progress bar
    settings = settings_or_exit(config)
    from voice_agent.runtime import build_runtime

    manifest = json.loads((fixtures / "audio" / "manifest.json").read_text(encoding="utf-8"))
    questions = _select(manifest, [s.strip() for s in sets.split(",")], limit)
    import yaml

    reference = yaml.safe_load((fixtures / "questions.yaml").read_text(encoding="utf-8"))
    at = datetime.fromisoformat(str(reference["reference_time"]))

    console = Console(stderr=True)
    started = time.perf_counter()
    with loading_progress(True) as step:
        runtime = build_runtime(settings, progress=step)
    load_secs = time.perf_counter() - started
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        results = asyncio.run(
            _run(
                runtime=runtime,
                fixtures=fixtures,
                questions=questions,
                barge_in_runs=barge_in_runs,
                at=at,
                progress=progress,
            )
        )
    if against is not None:  # --against: the comparison lives in loop_comparison.py
        results["against"] = loop_comparison.run(
            runtime=runtime, fixtures=fixtures, questions=questions, at=at, console=console
        )
    results.update(
        {
            "machine": {
                "cpus": __import__("os").cpu_count(),
                "platform": platform.platform(),
                "python": platform.python_version(),
            },
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
        table.add_row(label, str(row["n"]), *(_ms(row[k]) for k in ("p50", "p95", "max")))
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
    if "against" in results:
        loop_comparison.print_comparison(results["against"], Console())


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.0f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
