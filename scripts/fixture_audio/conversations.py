"""The ``conversations`` set: two questions, a barge-in, and sounds that must not barge in."""

from __future__ import annotations

import numpy as np

from .audio import RATE, active_rms, band, cough, db, distant, fade, rms, set_level, stable_seed
from .beds import babble_bed, music_bed
from .manifest import Builder, wav_entry
from .track import Track, fit
from .voices import JOE, SPEAKER, Voice


def build_conversations(builder: Builder) -> None:
    """Write ``conversations/``: clean Piper questions and what follows them."""
    speaker = SPEAKER
    rng = np.random.default_rng(stable_seed("conversations"))
    first = "Is the AX-200 in the weekend offer?"

    track = Track()
    track.speech(0.4, speaker.say(first, JOE), first, JOE)
    second = "And when does the Winter Boots offer end?"
    track.speech(5.0, speaker.say(second, JOE), second, JOE)
    track.extend_to(track.end + 1.0)
    write_conversation(builder, "two_questions", track, expect_barge_in=False)

    track = Track()
    question = track.speech(0.4, speaker.say(first, JOE), first, JOE)
    interrupt = "Stop. What about the Trail Runner 900?"
    track.speech(1.7, speaker.say(interrupt, JOE), interrupt, JOE)
    track.extend_to(track.end + 3.0)
    write_conversation(
        builder,
        "barge_in",
        track,
        expect_barge_in=True,
        reply_window=(question["end_s"], track.end),
    )

    # Sounds in the reply window that must NOT stop the bot: noise, music, a far voice.
    track = Track()
    question = track.speech(0.4, speaker.say(first, JOE), first, JOE)
    reference = active_rms(track.audio)
    burst = fade(fit(babble_bed(30.0, 12), round(1.0 * RATE), rng), 0.05)
    burst = burst + fade(band(rng.standard_normal(burst.size).astype(np.float32), 800, 6000), 0.05)
    relative = -15.0
    track.append(
        1.0,
        set_level(burst, db(reference) + relative, measure=rms),
        kind="noise_burst",
        relative_db=relative,
    )
    relative = -18.0
    tune = fade(fit(music_bed(20.0, 21), round(2.5 * RATE), rng), 0.1)
    track.append(
        0.5, set_level(tune, db(reference) + relative, measure=rms), kind="music", relative_db=-18
    )
    relative = -25.0
    line = "Could a colleague please come to the tills."
    far_voice = Voice(engine="espeak-ng", name="en-gb", speed=150)
    far = distant(speaker.say(line, far_voice), rng)
    track.append(
        0.5,
        set_level(far, db(reference) + relative),
        kind="distant_voice",
        text=line,
        voice=far_voice.describe(),
        relative_db=relative,
    )
    track.extend_to(track.end + 1.5)
    write_conversation(
        builder,
        "barge_in_noise",
        track,
        expect_barge_in=False,
        reply_window=(question["end_s"], track.end),
    )

    track = Track()
    question = track.speech(0.4, speaker.say(first, JOE), first, JOE)
    relative = -3.0
    burst = cough(rng, 0.2)
    track.append(
        1.5,
        set_level(burst, db(active_rms(track.audio)) + relative, measure=rms),
        kind="cough",
        relative_db=relative,
    )
    track.extend_to(track.end + 3.0)
    write_conversation(
        builder,
        "barge_in_cough",
        track,
        expect_barge_in=False,
        reply_window=(question["end_s"], track.end),
    )


def write_conversation(
    builder: Builder,
    name: str,
    track: Track,
    *,
    expect_barge_in: bool,
    reply_window: tuple[float, float] | None = None,
) -> None:
    """Write ``conversations/<name>.wav``; ``reply_window`` is where the bot would answer."""
    speech = [event for event in track.events if event["kind"] == "speech"]
    entry = wav_entry(
        f"conversations/{name}.wav",
        "conversations",
        "conversation",
        track.audio,
        texts=[event["text"] for event in speech],
        language="en",
        voice=JOE.describe(),
        noise=None,
        expect_barge_in=expect_barge_in,
        reply_window=(
            None
            if reply_window is None
            else {"start_s": round(reply_window[0], 5), "end_s": round(reply_window[1], 5)}
        ),
        timeline=track.events,
    )
    builder.write(entry["path"], track.audio, entry)
