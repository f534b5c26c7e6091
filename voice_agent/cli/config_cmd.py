"""``voice-agent config``: inspect the effective settings."""

from __future__ import annotations

import json

import typer

from voice_agent.cli.common import ConfigOption
from voice_agent.settings import ConfigFileError, load_settings

app = typer.Typer(help="Inspect settings (defaults, override file, VOICE_AGENT_* environment).")


@app.command("show")
def show(config: ConfigOption = None) -> None:
    """Print the effective settings as JSON (secrets masked)."""
    try:
        settings = load_settings(config)
    except (ConfigFileError, ValueError) as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from e
    typer.echo(json.dumps(settings.model_dump(mode="json"), indent=2))
