"""LiveKit commands: ``serve``, ``token``, ``clerk``."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the LiveKit commands to ``app``."""
