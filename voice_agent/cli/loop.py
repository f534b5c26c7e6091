"""Voice loop commands: ``ask``, ``say``, ``replay``."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the voice loop commands to ``app``."""
