"""``voice-agent bench loop``: the voice loop's latency over the audio fixtures.

Every selected fixture is replayed at real-time pace through the real pipeline (Silero,
Whisper, the configured answerer, Piper). Reported: voice-to-voice latency (last voiced input
sample to first answer sample), barge-in latency (speech onset to the bot's audio stop), STT
real-time factor, TTS time to first audio, and peak memory.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.progress import Progress

from voice_agent.audio_io import load_audio
from voice_agent.benchmarks.stats import summary
from voice_agent.replay_timings import seconds_after

QUESTION_KINDS = frozenset({"question", "loop_question"})
"""Manifest kinds of one whole question spoken without a pause."""
PAUSED_QUESTION_KIND = "paused_question"
"""Manifest kind of a question with a pause in its middle (no half-question answer allowed)."""


def select_questions(
    manifest: dict[str, Any],
    sets: list[str],
    limit: int | None,
    *,
    kinds: frozenset[str] = QUESTION_KINDS,
) -> list[dict[str, Any]]:
    """Fixtures of ``kinds`` in the given sets, in manifest order, at most ``limit``."""
    entries = [e for e in manifest["files"] if e["set"] in sets and e["kind"] in kinds]
    return entries[:limit] if limit else entries


def paused_questions(manifest: dict[str, Any], sets: list[str]) -> list[dict[str, Any]]:
    """Every paused-question fixture of the given sets (``--limit`` does not apply)."""
    return select_questions(manifest, sets, None, kinds=frozenset({PAUSED_QUESTION_KIND}))


async def measure_loop(
    *,
    runtime: Any,
    fixtures: Path,
    questions: list[dict[str, Any]],
    barge_in_runs: int,
    at: datetime,
    progress: Progress,
) -> dict[str, Any]:
    """Replay ``questions`` and the barge-in conversation; latency summaries and failures."""
    from pipelines.answer_processor import CallerProfile
    from voice_agent.replay import replay
    from voice_agent.runtime import default_store_id

    store_id = default_store_id(runtime.knowledge)
    asked_at = at.replace(tzinfo=runtime.knowledge.zone(store_id))
    caller = CallerProfile(store_id=store_id)
    input_rate = runtime.loop_config.input_sample_rate
    voice_to_voice: list[float] = []
    stt_rtf: list[float] = []
    answer_secs: list[float] = []
    barge_in: list[float] = []
    failures: list[dict[str, Any]] = []
    replays: list[dict[str, Any]] = []
    task = progress.add_task("replaying questions", total=len(questions) + barge_in_runs)
    for entry in questions:
        audio = load_audio(fixtures / "audio" / entry["path"], sample_rate=input_rate)
        result = await replay(
            pcm16=audio.pcm16,
            models=runtime.models,
            transcriber=runtime.transcriber,
            answerer=runtime.answerer,
            config=runtime.loop_config,
            caller=caller,
            clock=lambda: asked_at,
            settle_secs=0.5,
            stop_after_first_audio=True,
        )
        turns = result.report.turns
        replays.append(replay_row(entry["path"], turns))
        if len(turns) != 1 or turns[0].voice_to_voice_secs is None:
            failures.append({"path": entry["path"], "turns": [t.transcript for t in turns]})
        for turn in turns:
            if turn.voice_to_voice_secs is not None:
                voice_to_voice.append(turn.voice_to_voice_secs)
            if turn.answer_ready is not None and turn.stt_done is not None:
                answer_secs.append(turn.answer_ready - turn.stt_done)
        for event in result.report.events:
            if event["type"] == "transcribed" and float(event["audio_secs"]) > 0:  # type: ignore[arg-type]
                stt_rtf.append(float(event["stt_secs"]) / float(event["audio_secs"]))  # type: ignore[arg-type]
        progress.advance(task)

    conversation = load_audio(
        fixtures / "audio" / "conversations" / "barge_in.wav", sample_rate=input_rate
    )
    for _ in range(barge_in_runs):
        result = await replay(
            pcm16=conversation.pcm16,
            models=runtime.models,
            transcriber=runtime.transcriber,
            answerer=runtime.answerer,
            config=runtime.loop_config,
            caller=caller,
            clock=lambda: asked_at,
            settle_secs=0.5,
        )
        for report in result.report.barge_ins:
            if report.interruption_latency_secs is not None:
                barge_in.append(report.interruption_latency_secs)
        progress.advance(task)

    first_audio = tts_first_audio(runtime.models.piper, runtime.answerer, questions)
    return {
        "voice_to_voice_secs": summary(voice_to_voice),
        "barge_in_secs": summary(barge_in),
        "stt_real_time_factor": summary(stt_rtf),
        "answer_secs": summary(answer_secs),
        "tts_first_audio_secs": summary(first_audio),
        "failures": failures,
        "replays": replays,
    }


def replay_row(path: str, turns: list[Any]) -> dict[str, Any]:
    """One replayed question: what was heard and where its time went, per turn.

    ``after_speech_end_secs`` times each stage from the turn's last voiced input sample: the
    VAD's stop, the transcript, the answer's first sentence, its first audible sample.
    """
    return {
        "path": path,
        "turns": [
            {
                "transcript": turn.transcript,
                "voice_to_voice_secs": turn.voice_to_voice_secs,
                "stt_secs": turn.stt_secs,
                "answer_wait_secs": seconds_after(turn.answer_ready, turn.stt_done),
                "after_speech_end_secs": {
                    "vad_stop": seconds_after(turn.vad_stop, turn.speech_end),
                    "stt_done": seconds_after(turn.stt_done, turn.speech_end),
                    "answer_ready": seconds_after(turn.answer_ready, turn.speech_end),
                    "first_audio": seconds_after(turn.first_audio, turn.speech_end),
                },
            }
            for turn in turns
        ],
    }


def tts_first_audio(voice: Any, answerer: Any, questions: list[dict[str, Any]]) -> list[float]:
    """Seconds from handing Piper a typical first answer sentence to its first audio chunk."""
    sentences = [
        "Yes, the AX-200 is 20 percent off in the Weekend Running Offer.",
        "The Winter Boots offer ends on Tuesday 15 December.",
        "No, the Autumn Clearance ended on 31 October.",
        "Call Lin Wei, east region promotions, extension 2204.",
    ]
    timings: list[float] = []
    for _ in range(max(1, len(questions) // len(sentences))):
        for sentence in sentences:
            started = time.perf_counter()
            next(iter(voice.synthesize(sentence)))
            timings.append(time.perf_counter() - started)
    return timings
