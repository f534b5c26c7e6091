"""LiveKit commands: ``serve`` (the store service), ``worker``, ``token`` and ``clerk``."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the LiveKit commands to ``app``."""
    from voice_agent.cli import clerk, serve, worker

    serve.register(app)
    worker.register(app)
    clerk.register(app)
