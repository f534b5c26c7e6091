"""``voice-agent bench cluster``: the command over :mod:`voice_agent.benchmarks.cluster`."""

from __future__ import annotations

import asyncio
import json
import platform
from typing import Annotated, Any

import psutil
import typer

from voice_agent.benchmarks import cluster
from voice_agent.cli.common import ConfigOption, JsonOption, loading_progress, settings_or_exit


def register(app: typer.Typer) -> None:
    """Add ``bench cluster`` to ``app``."""
    paragraphs = (cluster.__doc__ or "").split("\n\n")
    # One line per paragraph: the help's own wrapping, not the docstring's, fits the terminal.
    app.command("cluster", help="\n\n".join(p.replace("\n", " ") for p in paragraphs))(
        bench_cluster
    )


def bench_cluster(
    clerks: Annotated[int, typer.Option("--clerks", min=2, help="Simulated clerks.")] = 20,
    json_output: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Run the cluster benchmark (see the command help)."""
    from voice_agent.livekit.server import find_livekit_server_binary
    from voice_agent.runtime import build_runtime

    settings = settings_or_exit(config)
    with loading_progress(not json_output) as progress:
        runtime = build_runtime(settings, progress=progress)
    binary = find_livekit_server_binary(settings.livekit.binary or None)
    result = asyncio.run(cluster.run_cluster_bench(runtime, binary, clerks))
    result["machine"] = {"cpus": psutil.cpu_count(), "platform": platform.platform()}
    if json_output:
        typer.echo(json.dumps(result, indent=2))
        return
    _print_report(result)


def _print_report(result: dict[str, Any]) -> None:
    load, kill = result["load"], result["worker_kill"]
    v2v = load["voice_to_voice_secs"]
    typer.echo(
        f"{result['clerks']} clerks over 2 LiveKit nodes and 2 workers"
        f" ({result['machine']['cpus']} CPUs):"
    )
    typer.echo(f"  voice-to-voice: {json.dumps(v2v)}")
    typer.echo(
        f"  unanswered {load['unanswered']} ({load['clerks_not_joined']} clerks could not join),"
        f" sessions per worker {load['sessions_per_worker']},"
        f" CPU {load['cpu_percent_per_session']}% and"
        f" {load['rss_growth_mib_per_session']} MiB per session"
    )
    back = kill["kill_to_agents_back_secs"]
    typer.echo(
        f"  worker killed with {kill['clerks_on_killed_worker']} clerks:"
        f" assistant back in every room after {back if back is not None else 'more than 60'} s;"
        f" their next question answered {json.dumps(kill['kill_to_next_reply_secs'])} s after"
        f" the kill, {kill['next_question_unanswered']} unanswered"
    )
