"""``voice-agent bench loop --against pipecat``: our loop against stock Pipecat, fixture by fixture.

Each fixture is replayed at real-time pace through our voice loop and then through the stock
Pipecat pipeline of :mod:`voice_agent.benchmarks.stock_pipecat` (same models, same answerer),
alternating, so both see the same machine load. Both are measured the same way as the loop's
own report: the end of the clerk's speech is the last voiced sample Silero finds in the file,
voice-to-voice runs from there to the first audible sample of the answer given after it.
An answer started before the clerk's speech ended is a half-question answer; a fixture with no
audible answer after the speech ended is unanswered. The CLI adds the paused-question fixtures
(a pause in mid-question) to whatever set it compares: they are where half-question answers
come from.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from importlib.metadata import version
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from voice_agent.audio_io import load_audio
from voice_agent.benchmarks.stats import milliseconds, summary

TOLERANCE_SECS = 0.05
"""Slack when comparing an answer's time with the end of speech (Silero's 32 ms windows)."""


class Baseline(StrEnum):
    """Pipelines ``bench loop --against`` can compare with."""

    PIPECAT = "pipecat"


@dataclass(frozen=True, slots=True)
class Answered:
    """One answer a pipeline started. Times are seconds from the start of the input."""

    answered_at: float
    first_audio: float | None
    heard: str
    answer: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one pipeline did on one fixture."""

    voice_to_voice_secs: float | None
    """End of the clerk's speech to the first audible sample of the answer given after it."""
    unanswered: bool
    half_question_answers: int
    """Answers started before the clerk's speech ended."""
    heard: list[str]
    answers: list[str]


def outcome(answers: Sequence[Answered], question_end: float) -> Outcome:
    """Judge a pipeline's answers to a recording whose speech ends at ``question_end``."""
    early = [a for a in answers if a.answered_at < question_end - TOLERANCE_SECS]
    final = [
        a
        for a in answers
        if a.answered_at >= question_end - TOLERANCE_SECS and a.first_audio is not None
    ]
    v2v = None if not final else round(final[0].first_audio - question_end, 3)  # type: ignore[operator]
    return Outcome(
        voice_to_voice_secs=v2v,
        unanswered=not final,
        half_question_answers=len(early),
        heard=[a.heard for a in answers],
        answers=[a.answer for a in answers],
    )


async def compare_with_stock(
    *,
    runtime: Any,
    fixtures: Path,
    questions: list[dict[str, Any]],
    at: datetime,
    progress: Progress,
) -> dict[str, Any]:
    """Replay every question through our loop and through stock Pipecat; the comparison."""
    from pipelines.answer_processor import CallerProfile
    from pipelines.speech_segments import find_speech_segments
    from pipelines.turn_policy import level_dbfs
    from voice_agent.benchmarks.stock_pipecat import INPUT_SAMPLE_RATE, replay_stock
    from voice_agent.replay import replay
    from voice_agent.replay_timings import SILENCE_DBFS
    from voice_agent.runtime import default_store_id

    store_id = default_store_id(runtime.knowledge)
    asked_at = at.replace(tzinfo=runtime.knowledge.zone(store_id))
    caller = CallerProfile(store_id=store_id)

    def audible(pcm16: bytes) -> bool:
        return level_dbfs(pcm16) > SILENCE_DBFS

    rows: list[dict[str, Any]] = []
    task = progress.add_task("ours vs stock Pipecat", total=len(questions))
    for entry in questions:
        # Both stacks hear the same audio, at the rate the stock one takes.
        pcm16 = load_audio(fixtures / "audio" / entry["path"], sample_rate=INPUT_SAMPLE_RATE).pcm16
        segments = find_speech_segments(pcm16, session=runtime.models.silero)
        if not segments:
            continue
        question_end = segments[-1].end
        ours = await replay(
            pcm16=pcm16,
            models=runtime.models,
            transcriber=runtime.transcriber,
            answerer=runtime.answerer,
            config=dataclasses.replace(runtime.loop_config, input_sample_rate=INPUT_SAMPLE_RATE),
            caller=caller,
            clock=lambda: asked_at,
            settle_secs=0.5,
            stop_after_first_audio=True,
        )
        ours_answers = [
            Answered(
                answered_at=t.answer_ready,
                first_audio=t.first_audio,
                heard=t.transcript,
                answer=t.answer or "",
            )
            for t in ours.report.turns
            if t.answer_ready is not None
        ]
        stock = await replay_stock(
            pcm16=pcm16,
            question_end=question_end,
            models=runtime.models,
            answerer=runtime.answerer,
            caller=caller,
            clock=lambda: asked_at,
            is_audible=audible,
        )
        stock_answers = []
        for reply in stock.replies:
            heard_at = stock.origin + reply.answered_at
            played = [c.at for c in stock.output if c.at >= heard_at and audible(c.audio)]
            stock_answers.append(
                Answered(
                    answered_at=reply.answered_at,
                    first_audio=round(played[0] - stock.origin, 3) if played else None,
                    heard=reply.heard,
                    answer=reply.answer,
                )
            )
        rows.append(
            {
                "path": entry["path"],
                "kind": entry.get("kind", "question"),
                "question_end": round(question_end, 3),
                "ours": asdict(outcome(ours_answers, question_end)),
                "stock": asdict(outcome(stock_answers, question_end)),
            }
        )
        progress.advance(task)
    return summarise(rows)


def run(
    *,
    runtime: Any,
    fixtures: Path,
    questions: list[dict[str, Any]],
    at: datetime,
    console: Console,
) -> dict[str, Any]:
    """Run :func:`compare_with_stock` with a progress bar on ``console``."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        return asyncio.run(
            compare_with_stock(
                runtime=runtime, fixtures=fixtures, questions=questions, at=at, progress=progress
            )
        )


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-fixture rows plus each pipeline's totals and the stock/ours ratios."""
    totals: dict[str, Any] = {}
    for side in ("ours", "stock"):
        latencies = [
            r[side]["voice_to_voice_secs"]
            for r in rows
            if r[side]["voice_to_voice_secs"] is not None
        ]
        totals[side] = {
            "voice_to_voice_secs": summary(latencies),
            "unanswered": sum(1 for r in rows if r[side]["unanswered"]),
            "half_question_answers": sum(r[side]["half_question_answers"] for r in rows),
        }
    for row in rows:
        row["ratio"] = _ratio(
            row["stock"]["voice_to_voice_secs"], row["ours"]["voice_to_voice_secs"]
        )
    ours, stock = (totals[s]["voice_to_voice_secs"] for s in ("ours", "stock"))
    return {
        "against": str(Baseline.PIPECAT),
        "stock_pipeline": stock_pipeline_description(),
        "fixtures": rows,
        **totals,
        "ratio_p50": _ratio(stock["p50"], ours["p50"]),
        "ratio_p95": _ratio(stock["p95"], ours["p95"]),
    }


def stock_pipeline_description() -> dict[str, Any]:
    """What the stock side ran: Pipecat's version and its default turn strategies."""
    from pipecat.turns.user_turn_strategies import UserTurnStrategies

    defaults = UserTurnStrategies()
    stop = []
    for strategy in defaults.stop or []:
        analyzer = getattr(strategy, "_turn_analyzer", None)
        name = type(strategy).__name__
        stop.append(f"{name}({type(analyzer).__name__})" if analyzer is not None else name)
    return {
        "pipecat": version("pipecat-ai"),
        "vad": "SileroVADAnalyzer",
        "user_turn_start": [type(s).__name__ for s in defaults.start or []],
        "user_turn_stop": stop,
        "stt": "WhisperSTTService",
        "tts": "PiperTTSService",
    }


def _ratio(stock: float | None, ours: float | None) -> float | None:
    if stock is None or ours is None or ours <= 0:
        return None
    return round(stock / ours, 2)


def print_comparison(comparison: dict[str, Any], console: Console) -> None:
    """Per-fixture and overall tables of a :func:`compare_with_stock` result."""
    table = Table(title="voice-to-voice, ours vs stock Pipecat (ms; ! = half-question answer)")
    for column in ("fixture", "ours", "stock", "stock/ours"):
        table.add_column(column, justify="left" if column == "fixture" else "right")
    for row in comparison["fixtures"]:
        path = row["path"] + (" (paused)" if row.get("kind") == "paused_question" else "")
        table.add_row(path, _cell(row["ours"]), _cell(row["stock"]), _x(row["ratio"]))
    console.print(table)
    overall = Table(title=f"overall, {len(comparison['fixtures'])} fixtures")
    for column in ("pipeline", "n", "p50 ms", "p95 ms", "unanswered", "half-question answers"):
        overall.add_column(column, justify="left" if column == "pipeline" else "right")
    for side, label in (("ours", "ours"), ("stock", "stock Pipecat")):
        stats = comparison[side]
        v2v = stats["voice_to_voice_secs"]
        overall.add_row(
            label,
            str(v2v["n"]),
            milliseconds(v2v["p50"]),
            milliseconds(v2v["p95"]),
            str(stats["unanswered"]),
            str(stats["half_question_answers"]),
        )
    overall.add_row(
        "stock / ours", "", _x(comparison["ratio_p50"]), _x(comparison["ratio_p95"]), "", ""
    )
    console.print(overall)


def _cell(side: dict[str, Any]) -> str:
    text = "unanswered" if side["unanswered"] else milliseconds(side["voice_to_voice_secs"])
    return text + " !" * side["half_question_answers"]


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"
