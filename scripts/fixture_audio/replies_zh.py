"""Chinese replies to a notice (``--replies-zh``): a clerk's 收到 and 收到，谢谢.

No Chinese Piper voice is packaged, so espeak-ng's Mandarin speaks them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .manifest import Builder, fresh_folder, wav_entry, write_manifest
from .track import Track
from .voices import SPEAKER, Voice

REPLIES_ZH: tuple[tuple[str, str, Voice], ...] = (
    # (name, text, voice): voices and speeds chosen because multilingual Whisper base
    # (language "zh") heard them as 收到 / 收到謝謝; see tests/fixtures/README.md.
    ("shou_dao", "收到", Voice(engine="espeak-ng", name="cmn-latn-pinyin", speed=170)),
    (
        "shou_dao_xie_xie",
        "收到，谢谢",
        Voice(engine="espeak-ng", name="cmn-latn-pinyin+f3", speed=140),
    ),
)


def build_replies_zh(out: Path, echo: Callable[[str], None]) -> int:
    """Render the replies into ``out`` (replacing it), 0.4 s before and 0.8 s after each."""
    fresh_folder(out)
    builder = Builder(out=out, echo=echo)
    for name, text, voice in REPLIES_ZH:
        track = Track()
        track.speech(0.4, SPEAKER.say(text, voice), text, voice)
        track.extend_to(track.end + 0.8)
        entry = wav_entry(
            f"{name}.wav",
            "replies-zh",
            "reply",
            track.audio,
            text=text,
            reply="acknowledged",
            language="zh-CN",
            voice=voice.describe(),
            noise=None,
            timeline=track.events,
        )
        builder.write(entry["path"], track.audio, entry)
    write_manifest(
        out,
        builder.entries,
        regenerate="python scripts/make_fixtures.py --replies-zh",
        styles={"clean": "espeak-ng Mandarin (cmn-latn-pinyin), no noise"},
    )
    return len(builder.entries)
