"""The ``odd`` set: a question in unusual WAV formats, five seconds of silence, broken files."""

from __future__ import annotations

import wave
from typing import Any

import numpy as np

from .audio import RATE, SPEECH_DBFS, gain, resample, seconds, set_level, silence, trim
from .manifest import Builder
from .voices import JOE, SPEAKER
from .wavfile import to_int16, wav_header, write_float_wav, write_wav


def build_odd(builder: Builder) -> None:
    """Write ``odd/``: one question at 44.1 kHz stereo, 8-bit, float, and broken files."""
    out = builder.out / "odd"
    out.mkdir(parents=True, exist_ok=True)
    text = "Is the Trail Runner 900 on sale?"
    raw, raw_rate = SPEAKER.raw(text, JOE)

    def odd(name: str, duration: float | None, fmt: dict[str, Any], **fields: Any) -> None:
        entry = {
            "path": f"odd/{name}",
            "set": "odd",
            "kind": "odd",
            "duration_s": duration,
            **fmt,
            **fields,
        }
        builder.entries.append(entry)
        shown = f"{duration:6.2f} s" if duration is not None else "   -    "
        builder.echo(f"  {entry['path']:<44} {shown}  {fields['description']}")

    speech44 = set_level(trim(resample(raw, raw_rate, 44100)), SPEECH_DBFS)
    lead = np.zeros(round(0.4 * 44100), dtype=np.float32)
    tail = np.zeros(round(0.8 * 44100), dtype=np.float32)
    mono44 = np.concatenate([lead, speech44, tail])
    stereo = np.stack([mono44, mono44 * gain(-2.0)], axis=1)
    write_wav(out / "stereo_44k.wav", stereo, rate=44100)
    odd(
        "stereo_44k.wav",
        seconds(mono44.size, 44100),
        {"sample_rate": 44100, "channels": 2, "sample_width": 2, "encoding": "pcm_s16le"},
        valid_wav=True,
        text=text,
        description="a question at 44.1 kHz stereo (right channel 2 dB quieter)",
    )

    speech16 = np.concatenate([silence(0.4), set_level(trim(resample(raw, raw_rate, RATE)), -20)])
    speech16 = np.concatenate([speech16, silence(0.8)])
    with wave.open(str(out / "pcm8.wav"), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(1)
        handle.setframerate(RATE)
        handle.writeframes(np.clip(np.round(speech16 * 127) + 128, 0, 255).astype(np.uint8))
    odd(
        "pcm8.wav",
        seconds(speech16.size),
        {"sample_rate": RATE, "channels": 1, "sample_width": 1, "encoding": "pcm_u8"},
        valid_wav=True,
        text=text,
        description="8-bit unsigned PCM",
    )

    write_float_wav(out / "float32.wav", speech16, RATE)
    odd(
        "float32.wav",
        seconds(speech16.size),
        {"sample_rate": RATE, "channels": 1, "sample_width": 4, "encoding": "float32"},
        valid_wav=True,
        text=text,
        description="32-bit IEEE float (WAVE_FORMAT_IEEE_FLOAT, format tag 3)",
    )

    write_wav(out / "silence.wav", silence(5.0))
    odd(
        "silence.wav",
        5.0,
        {"sample_rate": RATE, "channels": 1, "sample_width": 2, "encoding": "pcm_s16le"},
        valid_wav=True,
        text=None,
        description="5 s of digital silence",
    )

    (out / "empty.wav").write_bytes(b"")
    odd("empty.wav", None, {}, valid_wav=False, text=None, description="0 bytes")

    (out / "not_audio.wav").write_text(
        "This is a text file, not audio.\nIt only has a .wav name.\n", encoding="utf-8"
    )
    odd(
        "not_audio.wav",
        None,
        {},
        valid_wav=False,
        text=None,
        description="a text file with a .wav name",
    )

    truncated = to_int16(speech16).tobytes()
    declared = len(truncated)
    kept = declared // 4 + 1  # an odd byte count: the data stops in the middle of a sample
    header = wav_header(RATE, 1, 2, 1, declared)
    (out / "truncated.wav").write_bytes(header + truncated[:kept])
    odd(
        "truncated.wav",
        seconds(declared // 2),
        {"sample_rate": RATE, "channels": 1, "sample_width": 2, "encoding": "pcm_s16le"},
        valid_wav=False,
        text=text,
        declared_data_bytes=declared,
        actual_data_bytes=kept,
        description="header declares the whole question, data stops after a quarter",
    )
