"""LiveKit commands: ``serve`` (the store service), ``worker``, ``token`` and ``clerk``."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the LiveKit commands to ``app``."""
    from voice_agent.cli import serve, worker
    from voice_agent.livekit import cli as livekit_cli

    serve.register(app)
    worker.register(app)
    livekit_cli.register(app)
