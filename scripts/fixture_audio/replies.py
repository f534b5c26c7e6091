"""The ``replies`` set: a clerk's short spoken replies to a notice, without a wake phrase."""

from __future__ import annotations

from .manifest import Builder
from .takes import write_clean

REPLIES: tuple[tuple[str, str, str], ...] = (
    # (name, text, what the floor reads it as): a clerk's replies to a notice.
    ("got_it", "Got it.", "acknowledged"),
    ("understood", "Understood.", "acknowledged"),
    ("say_that_again", "Sorry, say that again?", "repeat"),
)


def build_replies(builder: Builder) -> None:
    """Write ``replies/<name>.wav``: short clean Piper replies."""
    for name, text, reply in REPLIES:
        write_clean(builder, "replies", name, text, "reply", labels={"reply": reply})
