"""The ``loop`` set: clean Piper questions for the voice loop, wake variants, a paused question."""

from __future__ import annotations

import numpy as np

from .audio import RATE, silence
from .manifest import Builder, wav_entry
from .takes import TAIL_S, write_clean
from .track import Track
from .voices import JOE, SPEAKER

LOOP_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("ax200_weekend", "Is the AX-200 in the weekend offer?"),
    ("ax200_member_two_pairs", "What is the member price for two pairs of AX-200?"),
    ("winter_boots_end", "When does the Winter Boots offer end?"),
    ("trail_runner_sale", "Is the Trail Runner 900 on sale?"),
    ("weekend_coupon", "Can customers combine the weekend offer with a coupon?"),
    ("socks_contact", "Who do I call about the socks offer?"),
    ("weekend_changes", "What changed in the weekend offer?"),
    ("autumn_clearance", "Is the autumn clearance still running?"),
)
WAKE_VARIANTS = ("ax200_weekend", "trail_runner_sale", "socks_contact")
WAKE_PREFIX = "Hey promo, "
DROPOUT_S = 0.35
"""A stall of the clerk's audio inside "promo": longer than the VAD's stop silence."""


def build_loop(builder: Builder) -> None:
    """Write ``loop/``: each loop question, three with the wake phrase, one said in two parts,
    one whose wake phrase a dropout splits."""
    for name, text in LOOP_QUESTIONS:
        write_clean(builder, "loop", name, text, "loop_question")
    questions = dict(LOOP_QUESTIONS)
    for name in WAKE_VARIANTS:
        question = questions[name]
        text = WAKE_PREFIX + question[0].lower() + question[1:]
        write_clean(
            builder,
            "loop",
            f"wake_{name}",
            text,
            "wake_question",
            extra={"wake_phrase": "hey promo"},
        )

    # A clerk who pauses mid-question: the turn must not end in the pause.
    first, second = "Is the AX-200,", "in the weekend offer?"
    track = Track()
    track.speech(0.4, SPEAKER.say(first, JOE), first, JOE)
    track.speech(0.7, SPEAKER.say(second, JOE), second, JOE)
    track.extend_to(track.end + TAIL_S)
    pause = round(track.events[1]["start_s"] - track.events[0]["end_s"], 5)
    entry = wav_entry(
        "loop/pause_ax200_weekend.wav",
        "loop",
        "paused_question",
        track.audio,
        text="Is the AX-200 in the weekend offer?",
        language="en",
        voice=JOE.describe(),
        noise=None,
        pause_s=pause,
        timeline=track.events,
    )
    builder.write(entry["path"], track.audio, entry)
    _write_dropout(builder, WAKE_PREFIX + "is the AX-200 in the weekend offer?")


def _write_dropout(builder: Builder, text: str) -> None:
    """The wake question with the clerk's audio stalled inside "promo" (the VAD splits it)."""
    clip = SPEAKER.say(text, JOE)
    at = _inside_wake_phrase(clip)
    lead = 0.4
    write_clean(
        builder,
        "loop",
        "wake_dropout_ax200_weekend",
        text,
        "wake_question",
        lead=lead,
        extra={
            "wake_phrase": "hey promo",
            "dropout_at_s": round(lead + at / RATE, 5),
            "dropout_s": DROPOUT_S,
        },
        clip=np.concatenate([clip[:at], silence(DROPOUT_S), clip[at:]]),
    )


def _inside_wake_phrase(clip: np.ndarray) -> int:
    """A sample two thirds of the way from the first sound to the pause after "Hey promo,"."""
    frame = RATE // 50
    loud = [
        float(np.sqrt(np.mean(clip[i : i + frame] ** 2))) > 0.01
        for i in range(0, clip.size - frame, frame)
    ]
    first = loud.index(True)
    quiet_run = 0
    for index in range(first, len(loud)):
        quiet_run = 0 if loud[index] else quiet_run + 1
        if quiet_run * frame >= 0.15 * RATE:
            pause = index - quiet_run + 1
            return (first + 2 * (pause - first) // 3) * frame
    raise ValueError("no pause after the wake phrase")
