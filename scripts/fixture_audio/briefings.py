"""The ``briefings`` set: a store manager's morning briefing and clerks asking for it."""

from __future__ import annotations

from .manifest import Builder, wav_entry
from .takes import write_clean
from .track import Track
from .voices import JOE, SPEAKER

BRIEFING_SENTENCES = (
    # A store manager's morning briefing: one change to the knowledge base among greetings.
    "Good morning everyone, here is the briefing for this weekend.",
    "From Saturday the AX-200 is out of the weekend offer.",
    "Please tell customers before they get to the till.",
    "Thanks, and have a good shift.",
)
BRIEFING_PAUSE_S = 1.2
"""Between the manager's sentences: longer than a VAD stop, so each is its own caption."""
BRIEFING_REQUESTS: tuple[tuple[str, str], ...] = (
    # (name, text): a clerk who missed the briefing asks for it.
    ("wake_play_briefing", "Hey promo, play me today's briefing."),
    ("wake_briefing_ax200", "Hey promo, what did the briefing say about the AX-200?"),
)


def build_briefings(builder: Builder) -> None:
    """A manager's briefing (clean Piper, sentences apart) and clerks' requests about it."""
    track = Track()
    for index, text in enumerate(BRIEFING_SENTENCES):
        gap = 0.5 if index == 0 else BRIEFING_PAUSE_S
        track.speech(gap, SPEAKER.say(text, JOE), text, JOE, speaker="manager")
    track.extend_to(track.end + 1.0)
    entry = wav_entry(
        "briefings/manager_weekend_change.wav",
        "briefings",
        "briefing",
        track.audio,
        text=" ".join(BRIEFING_SENTENCES),
        language="en",
        voice=JOE.describe(),
        noise=None,
        timeline=track.events,
    )
    builder.write(entry["path"], track.audio, entry)
    for name, text in BRIEFING_REQUESTS:
        write_clean(builder, "briefings", name, text, "briefing_request")
