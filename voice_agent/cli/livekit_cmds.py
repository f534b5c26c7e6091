"""LiveKit commands: ``token`` and ``clerk`` (``serve`` lives in its own module)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the LiveKit commands to ``app``."""
    from voice_agent.livekit import cli as livekit_cli

    livekit_cli.register(app)
