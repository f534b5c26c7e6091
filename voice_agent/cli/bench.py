"""``voice-agent bench``: benchmarks that print p50/p95 figures (``--json`` for scripts)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from voice_agent.benchmarks import DEFAULT_FIXTURES
from voice_agent.benchmarks.stats import milliseconds
from voice_agent.cli.common import ConfigOption, JsonOption, loading_progress, settings_or_exit

app = typer.Typer(
    help="Benchmarks over real models and servers; results belong in docs/BENCHMARKS.md.",
    no_args_is_help=True,
)


def _register_benchmarks() -> None:
    from voice_agent.benchmarks import answers
    from voice_agent.cli import (
        bench_broadcast,
        bench_cluster,
        bench_feedback,
        bench_idle,
        bench_turns,
        bench_voice,
    )

    answers.register(app)
    bench_voice.register(app)
    bench_idle.register(app)
    bench_turns.register(app)
    bench_feedback.register(app)
    bench_cluster.register(app)
    bench_broadcast.register(app)


_register_benchmarks()


@app.command("stt")
def bench_stt(
    sets: Annotated[
        str,
        typer.Option(help="Comma-separated fixture sets (empty: every spoken set)."),
    ] = "",
    limit: Annotated[int | None, typer.Option(help="Use at most this many clips.")] = None,
    fixtures: Annotated[
        Path, typer.Option(help="Fixture directory (audio/manifest.json, questions.yaml).")
    ] = DEFAULT_FIXTURES,
    json_output: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Compare today's full-window Whisper path with the shared speech engine.

    Every spoken fixture goes through both in the same run; word error rate, keyword hits
    and time per utterance are printed per fixture set, then the time for all clips
    submitted at once (as many sessions speaking together).

    Example: voice-agent bench stt --json > stt.json
    """
    from loguru import logger
    from rich.console import Console
    from rich.table import Table

    from pipelines.speech_engine import SpeechEngine
    from pipelines.transcriber import Transcriber
    from voice_agent.benchmarks.stt import all_at_once_secs, compare, spoken_clips
    from voice_agent.runtime import build_runtime, build_transcriber, recognition_hints

    logger.remove()
    settings = settings_or_exit(config)
    if not (fixtures / "audio" / "manifest.json").is_file():
        typer.echo(f"no audio/manifest.json under {fixtures}; pass --fixtures DIR", err=True)
        raise typer.Exit(2)
    with loading_progress(not json_output) as step:
        runtime = build_runtime(settings, progress=step)
    hints = recognition_hints(runtime.knowledge) if settings.stt.use_catalogue_hints else None
    batched = settings.model_copy(
        update={"stt": settings.stt.model_copy(update={"engine": "batched"})}
    )
    full = settings.model_copy(
        update={"stt": settings.stt.model_copy(update={"engine": "full_window"})}
    )
    transcribers: dict[str, Transcriber] = {
        "full_window": build_transcriber(full, runtime.models, hints),
        "engine": build_transcriber(batched, runtime.models, hints),
    }
    wanted = {s.strip() for s in sets.split(",") if s.strip()}
    clips = [c for c in spoken_clips(fixtures) if not wanted or c.fixture_set in wanted]
    clips = clips[:limit] if limit else clips
    result = compare(clips, transcribers)
    for name, transcriber in transcribers.items():
        result.batch_secs[name] = asyncio.run(all_at_once_secs(clips, transcriber))
    document = result.as_dict() | {"clips": len(clips), "stt_model": settings.stt.model}
    engine = transcribers["engine"]
    if isinstance(engine, SpeechEngine):
        document["engine_stats"] = asdict(engine.stats())
    if json_output:
        typer.echo(json.dumps(document, indent=2))
        return
    table = Table(title=f"speech recognition, {len(clips)} clips, {settings.stt.model}")
    for column in ("set", "path", "words", "WER %", "keywords", "p50 ms", "p95 ms"):
        table.add_column(column, justify="left" if column in ("set", "path") else "right")
    for fixture_set, scores in [*result.by_set.items(), ("all", result.overall)]:
        for name, score in scores.items():
            secs = score.as_dict()["secs"]
            table.add_row(
                fixture_set,
                name,
                str(score.words),
                f"{score.wer * 100:.1f}",
                f"{score.keyword_hits}/{score.keywords}",
                milliseconds(secs["p50"]),
                milliseconds(secs["p95"]),
            )
    Console().print(table)
    for name, secs in result.batch_secs.items():
        typer.echo(f"{name}: all {len(clips)} clips submitted at once took {secs:.2f} s")
    if "engine_stats" in document:
        typer.echo(f"engine: {document['engine_stats']}")
