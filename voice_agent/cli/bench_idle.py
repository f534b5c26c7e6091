"""``voice-agent bench idle``: CPU and memory of sessions that only listen.

The measuring lives in :mod:`voice_agent.benchmarks.idle`; this command reads options, loads
the runtime and prints the table.
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from voice_agent.cli.common import ConfigOption, JsonOption, loading_progress, settings_or_exit


def register(app: typer.Typer) -> None:
    """Add ``bench idle`` to ``app``."""
    app.command("idle")(bench_idle)


def bench_idle(
    sessions: Annotated[
        str, typer.Option(help="Comma-separated numbers of sessions listening at once.")
    ] = "1,5,10",
    secs: Annotated[float, typer.Option(help="Seconds each round listens.", min=2.0)] = 20.0,
    json_output: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Measure CPU and memory of sessions that only listen (quiet room noise, no questions).

    Each session is a clerk's session as ``serve`` runs it, spoken feedback capture included
    (recording into a temporary SQLite database; nothing is recorded while sessions listen).

    Example: voice-agent bench idle --sessions 1,10 --secs 30 --json
    """
    import tempfile

    from loguru import logger

    from knowledge_base.answering import Role
    from pipelines.answer_processor import CallerProfile
    from voice_agent.benchmarks.idle import measure_idle
    from voice_agent.feedback.desk import FeedbackDesk
    from voice_agent.feedback.live import feedback_for_clerks
    from voice_agent.runtime import build_runtime
    from voice_agent.storage import open_database

    logger.remove()
    settings = settings_or_exit(config)
    with loading_progress(not json_output) as step:
        runtime = build_runtime(settings, progress=step)
    store = min(runtime.knowledge.stores, default=None)
    caller = runtime.caller(Role.CLERK, store) if store else CallerProfile(role=Role.CLERK)
    with tempfile.TemporaryDirectory(prefix="bench-idle-") as scratch:
        database = open_database(f"sqlite:///{scratch}/idle.db")
        try:
            desk = FeedbackDesk.build(settings=settings, database=database)
            processors = feedback_for_clerks(desk=desk, runtime=runtime)("clerk", caller)
            rounds = [
                asyncio.run(
                    measure_idle(
                        runtime=runtime,
                        sessions=int(count),
                        secs=secs,
                        caller=caller,
                        session_processors=processors,
                    )
                )
                for count in sessions.split(",")
                if count.strip()
            ]
        finally:
            database.close()
    if json_output:
        typer.echo(json.dumps({"rounds": rounds, "cpus": os.cpu_count()}, indent=2))
        return
    table = Table(title=f"idle listening, {secs:.0f} s per round")
    for column in ("sessions", "CPU % of a core", "CPU %/session", "MiB/session"):
        table.add_column(column, justify="right")
    for row in rounds:
        table.add_row(
            str(row["sessions"]),
            str(row["cpu_percent_of_a_core"]),
            str(row["cpu_percent_per_session"]),
            str(row["rss_growth_mib_per_session"]),
        )
    Console().print(table)
