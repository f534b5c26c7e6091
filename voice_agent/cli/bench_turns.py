"""``voice-agent bench turns``: the turn-end rule on whole and cut recorded questions.

The measuring lives in :mod:`voice_agent.benchmarks.turn_end`; this command reads options,
loads the runtime's transcriber and prints the counts.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from voice_agent.benchmarks import DEFAULT_FIXTURES
from voice_agent.cli.common import ConfigOption, JsonOption, loading_progress, settings_or_exit


def register(app: typer.Typer) -> None:
    """Add ``bench turns`` to ``app``."""
    app.command("turns")(bench_turns)


def bench_turns(
    chains: Annotated[
        str,
        typer.Option(help="Comma-separated chain folders under FIXTURES/chains (empty: all)."),
    ] = "",
    sets: Annotated[
        str, typer.Option(help="Comma-separated recording sets: clean, accented, noisy.")
    ] = "clean",
    seed: Annotated[int, typer.Option(help="Seed of the cut points (same seed, same cuts).")] = 11,
    fixtures: Annotated[Path, typer.Option(help="Fixture directory.")] = DEFAULT_FIXTURES,
    json_output: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Check the turn-end rule on recorded questions, whole and cut mid-question.

    Each question is transcribed whole and cut at a word gap in its middle (as if the clerk
    paused there). Reported: whole questions the rule makes wait (time lost) and cut ones
    it answers at once (a half question answered). Every text is in the --json output.

    Example: voice-agent bench turns --chains safar-luggage,adega-atlantica --json
    """
    from loguru import logger

    from voice_agent.benchmarks.turn_end import chain_recordings, measure_turn_end
    from voice_agent.runtime import build_runtime

    logger.remove()
    settings = settings_or_exit(config)
    names = [c.strip() for c in chains.split(",") if c.strip()] or sorted(
        p.name for p in (fixtures / "chains").iterdir() if (p / "audio").is_dir()
    )
    recordings = chain_recordings(fixtures, names, [s.strip() for s in sets.split(",")])
    if not recordings:
        typer.echo(f"no recordings for chains {names} in sets {sets!r}", err=True)
        raise typer.Exit(2)
    with loading_progress(not json_output) as step:
        runtime = build_runtime(settings, progress=step)
    with Progress(console=Console(stderr=True), disable=json_output) as progress:
        task = progress.add_task("transcribing whole and cut", total=len(recordings))
        result = asyncio.run(
            measure_turn_end(
                runtime.transcriber,
                recordings,
                seed=seed,
                progress=lambda: progress.advance(task),
            )
        )
    result = {"chains": names, "sets": sets, "seed": seed, **result}
    if json_output:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    typer.echo(
        f"whole questions that wait for more: {result['whole_waiting']} of {result['whole']}\n"
        f"cut questions answered at once: {result['cut_answered_early']} of {result['cut']}"
    )
