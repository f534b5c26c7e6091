"""The assembled ``voice-agent`` application.

Each command group lives in its own module; this one only assembles them.
"""

from __future__ import annotations

import typer

from voice_agent.cli import (
    bench,
    briefing,
    config_cmd,
    db,
    feedback,
    kb,
    livekit_cmds,
    loop,
    roster,
)

app = typer.Typer(
    name="voice-agent",
    help=(
        "Voice assistant for shop-floor promotions.\n\n"
        'Ask it something:   voice-agent ask "is the AX-200 in the weekend offer?"\n\n'
        "Replay a recording: voice-agent replay question.wav --out answer.wav\n\n"
        "Everything runs offline on the packaged models by default."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

loop.register(app)
livekit_cmds.register(app)
roster.register(app)
app.add_typer(kb.app, name="kb")
app.add_typer(db.app, name="db")
app.add_typer(bench.app, name="bench")
app.add_typer(config_cmd.app, name="config")
app.add_typer(feedback.app, name="feedback")
app.add_typer(briefing.app, name="briefing")


def main() -> None:
    """Entry point of the ``voice-agent`` script."""
    app()
