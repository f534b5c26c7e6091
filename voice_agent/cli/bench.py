"""``voice-agent bench``: benchmarks that print p50/p95 figures (``--json`` for scripts)."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Benchmarks over real models and servers; results belong in docs/BENCHMARKS.md.",
    no_args_is_help=True,
)


def _register_benchmarks() -> None:
    from voice_agent.benchmarks import answers, livekit_bench, loop

    answers.register(app)
    loop.register(app)
    livekit_bench.register(app)
    from voice_agent.worker import bench as cluster_bench

    cluster_bench.register(app)


_register_benchmarks()
