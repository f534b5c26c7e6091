"""``voice-agent bench broadcast``: the command over :mod:`voice_agent.benchmarks.broadcast`."""

from __future__ import annotations

import asyncio
import json
import platform
from typing import Annotated, Any

import psutil
import typer

from voice_agent.benchmarks import broadcast
from voice_agent.benchmarks.broadcast_deadlines import RoundDeadlines
from voice_agent.cli.common import ConfigOption, JsonOption, settings_or_exit

_DEFAULT = RoundDeadlines()


def register(app: typer.Typer) -> None:
    """Add ``bench broadcast`` to ``app``."""
    app.command("broadcast", help=broadcast.__doc__)(bench_broadcast)


def _counts(value: str) -> list[int]:
    try:
        counts = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise typer.BadParameter(f"expected clerk counts like 10,20,50, got {value!r}") from None
    if not counts or any(n < 1 or n > 200 for n in counts):
        raise typer.BadParameter("each clerk count must be 1-200")
    return counts


def bench_broadcast(
    clerks: Annotated[
        str, typer.Option("--clerks", help="Connected clerks per round, comma-separated.")
    ] = "10,20,50",
    limit_secs: Annotated[
        float, typer.Option("--limit-secs", min=10.0, help="Cap on every phase's deadline.")
    ] = 180.0,
    join_secs: Annotated[
        float,
        typer.Option("--join-secs", min=1.0, help="Earpieces hear the assistant by then."),
    ] = _DEFAULT.joined_secs,
    first_audio_secs: Annotated[
        float,
        typer.Option("--first-audio-secs", min=1.0, help="Notice heard by then after the publish."),
    ] = _DEFAULT.first_audio_secs,
    played_secs: Annotated[
        float,
        typer.Option("--played-secs", min=1.0, help="Played to the end by then after the publish."),
    ] = _DEFAULT.played_secs,
    acknowledged_secs: Annotated[
        float,
        typer.Option(
            "--acknowledged-secs",
            min=1.0,
            help="Acknowledgement stored by then after the publish; the round ends then.",
        ),
    ] = _DEFAULT.acknowledged_secs,
    leave_secs: Annotated[
        float, typer.Option("--leave-secs", min=1.0, help="Earpieces out of their rooms by then.")
    ] = _DEFAULT.leave_secs,
    settle_secs: Annotated[
        float,
        typer.Option(
            "--settle-secs",
            min=0.0,
            max=20.0,
            help="Wait this long after every earpiece hears the assistant, then publish; "
            "the service's CPU meanwhile is idle_node_cpu_percent. 0: publish at once.",
        ),
    ] = broadcast.SETTLE_SECS,
    json_output: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Run the broadcast benchmark (see the command help)."""
    from voice_agent.livekit.server import find_livekit_server_binary

    counts = _counts(clerks)
    try:
        deadlines = RoundDeadlines.capped(
            limit_secs,
            joined_secs=join_secs,
            first_audio_secs=first_audio_secs,
            played_secs=played_secs,
            acknowledged_secs=acknowledged_secs,
            leave_secs=leave_secs,
        )
    except ValueError as e:
        raise typer.BadParameter(str(e)) from None
    settings = settings_or_exit(config)
    binary = find_livekit_server_binary(settings.livekit.binary or None)
    result = asyncio.run(
        broadcast.run_broadcast_bench(
            settings,
            binary,
            counts,
            limit_secs=limit_secs,
            deadlines=deadlines,
            settle_secs=settle_secs,
        )
    )
    result["machine"] = {"cpus": psutil.cpu_count(), "platform": platform.platform()}
    if json_output:
        typer.echo(json.dumps(result, indent=2))
    else:
        _print_report(result)
    if not result["complete"]:
        raise typer.Exit(1)


def _print_report(result: dict[str, Any]) -> None:
    typer.echo(f"Urgent notice to connected clerks ({result['machine']['cpus']} CPUs), seconds:")
    for row in result["rounds"]:
        typer.echo(f"  {row['clerks']} clerks:")
        for key, label in (
            ("first_audio_secs", "publish -> first audio"),
            ("finished_secs", "publish -> played to the end"),
            ("ack_recorded_secs", "publish -> acknowledgement stored"),
            ("ack_store_secs", "button -> acknowledgement stored"),
        ):
            stats = row[key]
            typer.echo(
                f"    {label:36} p50 {stats['p50']}  p95 {stats['p95']}  max {stats['max']}"
                f"  (n={stats['n']})"
            )
        for phase in ("joined", "first_audio", "played", "acknowledged"):
            missing = row[f"missing_{phase}"]
            if missing:
                within = row["deadlines_secs"][phase]
                typer.echo(f"    not {phase} within {within:.0f} s: {len(missing)} {missing}")
        if row["idle_node_cpu_percent"] is not None:
            typer.echo(
                f"    service CPU: {row['idle_node_cpu_percent']}% of a core while listening,"
                f" {row['node_cpu_secs']} s from the publish to the end"
            )
        if row["earpieces_error"]:
            typer.echo(f"    earpieces: {row['earpieces_error']}")
        typer.echo(f"    complete: {'yes' if row['complete'] else 'NO'}")
        if row["without_assistant_at_publish"]:
            typer.echo(
                f"    no assistant yet at the publish: {row['without_assistant_at_publish']}"
            )
