"""The ``questions`` set: every ``spoken: true`` question of ``questions.yaml``.

Each question gets a style from its id alone: clear Piper, espeak-ng, or Piper over shop
babble; non-English questions are spoken by espeak-ng's Mandarin voices.
"""

from __future__ import annotations

import numpy as np

from .audio import stable_seed
from .manifest import Builder
from .sources import SpokenQuestion
from .takes import write_take
from .voices import PIPER_VOICE, Voice

# The espeak-ng voices Whisper tiny.en understood best here, at 140 wpm with a word gap:
# 82-86% of the questions kept their transcript keywords (Piper: 96%; en-gb, en+m1: 75%).
ESPEAK_VOICES = ("en-us", "en-us+m3", "en-us+f2")
ESPEAK_ZH_VOICES = ("cmn", "cmn+f3")


def question_style(qid: str) -> tuple[str, Voice, float | None]:
    """Style, voice and SNR for one question, derived from its id alone.

    Deriving from the id (not the position) keeps every other file unchanged when a question
    is added or removed.
    """
    rng = np.random.default_rng(stable_seed("question-style", qid))
    roll = float(rng.random())
    length_scale = round(float(rng.uniform(0.9, 1.15)), 2)
    espeak_voice = Voice(
        engine="espeak-ng",
        name=ESPEAK_VOICES[int(rng.integers(len(ESPEAK_VOICES)))],
        speed=int(rng.integers(136, 151)),
        pitch=int(rng.integers(40, 61)),
        word_gap=int(rng.integers(1, 3)),
    )
    snr = round(float(rng.uniform(15, 25)), 1)
    piper = Voice(engine="piper", name=PIPER_VOICE, length_scale=length_scale)
    # Noise goes over the clear Piper voice only, so a failing noisy file points at the noise.
    if roll < 0.55:
        return "piper", piper, None
    if roll < 0.78:
        return "espeak", espeak_voice, None
    return "piper+noise", piper, snr


def build_questions(builder: Builder, questions: list[SpokenQuestion]) -> None:
    """Write ``questions/<id>.wav`` for each question."""
    for question in questions:
        rng = np.random.default_rng(stable_seed("question", question.id, question.text))
        style, voice, snr = question_style(question.id)
        if not question.language.lower().startswith("en"):
            # Piper has no Chinese voice here; espeak-ng speaks Mandarin (robotically).
            zh = ESPEAK_ZH_VOICES[int(rng.integers(len(ESPEAK_ZH_VOICES)))]
            voice = Voice(engine="espeak-ng", name=zh, speed=int(rng.integers(140, 160)))
            style, snr = "espeak", None
        write_take(
            builder,
            f"questions/{question.id}.wav",
            "questions",
            "question",
            question,
            voice=voice,
            style=style,
            snr_db=snr,
            rng=rng,
        )
