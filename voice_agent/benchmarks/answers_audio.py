"""``voice-agent bench answers --audio``: the spoken questions through the real voice loop.

Each spoken question's recording is streamed through the voice loop the service runs
(Silero VAD, Whisper, the configured answerer, Piper) with
:func:`voice_agent.replay.replay`, as fast as the machine allows, and the answer the loop
produced is scored like a typed one (:func:`~voice_agent.benchmarks.answer_scoring.score_answer`,
against the transcript, with the same invented-number and rate checks). Answer time is the
loop's own: from the transcript to the answer.

Recordings are found as ``<audio dir>/<id>.wav``; the default directory is
``audio/questions/`` beside the question file (the sample's layout), else ``audio/``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from knowledge_base.answering import Answer, AnswerSource, Question
from voice_agent.benchmarks.answer_fixtures import QuestionSet
from voice_agent.benchmarks.answer_report import AnswersReport, summarize
from voice_agent.benchmarks.answer_scoring import ScoredAnswer, score_answer


def audio_directory(questions_file: Path) -> Path:
    """Where a question file's recordings are by default."""
    nested = questions_file.parent / "audio" / "questions"
    return nested if nested.is_dir() else questions_file.parent / "audio"


def _fixed(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


@dataclass(slots=True)
class _Heard:
    answer: Answer | None = None

    async def __call__(self, question: Question, answer: Answer) -> None:
        self.answer = answer


async def run_spoken_answers(
    *,
    settings_path: Path | None,
    knowledge_dir: Path | None,
    answerer_kind: str,
    contact: str,
    question_set: QuestionSet,
    audio_dir: Path,
    chain: str,
    limit: int | None = None,
) -> AnswersReport:
    """Replay every spoken question that has a recording and score what the loop answered.

    Raises:
        FileNotFoundError: no spoken question of the set has a recording in ``audio_dir``.
    """
    from pipelines.answer_processor import CallerProfile
    from voice_agent.audio_io import load_audio
    from voice_agent.replay import replay
    from voice_agent.runtime import build_runtime
    from voice_agent.settings import load_settings

    settings = load_settings(settings_path)
    settings = settings.model_copy(
        update={
            "knowledge_base": settings.knowledge_base.model_copy(
                update={"path": str(knowledge_dir) if knowledge_dir else ""}
            ),
            "answerer": settings.answerer.model_copy(
                update={"kind": answerer_kind, "contact": contact}
            ),
        }
    )
    fixtures = [
        f for f in question_set.questions if f.spoken and (audio_dir / f"{f.id}.wav").exists()
    ][:limit]
    if not fixtures:
        hint = _style_hint(audio_dir)
        raise FileNotFoundError(f"{audio_dir}: no recording of any spoken question{hint}")
    runtime = build_runtime(settings)
    knowledge = runtime.knowledge
    results: list[ScoredAnswer] = []
    for fixture in fixtures:
        zone = ZoneInfo(knowledge.zone_name(fixture.store) or "UTC")
        asked_at = question_set.reference_time.replace(tzinfo=zone)
        heard = _Heard()
        result = await replay(
            pcm16=load_audio(
                audio_dir / f"{fixture.id}.wav", sample_rate=runtime.loop_config.input_sample_rate
            ).pcm16,
            models=runtime.models,
            transcriber=runtime.transcriber,
            answerer=runtime.answerer,
            config=runtime.loop_config,
            caller=CallerProfile(
                role=fixture.role, store_id=fixture.store, language=fixture.language
            ),
            clock=_fixed(asked_at),
            realtime=False,
            settle_secs=0.5,
            stop_after_first_audio=True,
            on_answer=heard,
        )
        turns = result.report.turns
        transcript = " / ".join(t.transcript for t in turns)
        # No answer at all (nothing heard, or not addressed) scores as unknown.
        answer = heard.answer or Answer(text="", source=AnswerSource.UNKNOWN)
        # The same invented-number and rate checks as a typed run's.
        scored = score_answer(
            fixture, answer, question_text=transcript, knowledge=knowledge, asked_at=asked_at
        )
        ready = [
            t.answer_ready - t.stt_done
            for t in turns
            if t.answer_ready is not None and t.stt_done is not None
        ]
        scored.latency_ms = round(ready[-1] * 1000, 3) if ready else None
        results.append(scored)
    return summarize(
        results, question_set, answerer=runtime.answerer.name, chain=f"{chain} (spoken)"
    )


def _style_hint(audio_dir: Path) -> str:
    """Where to point ``--audio-dir`` when ``audio_dir`` holds one folder per style."""
    styles = sorted(d.name for d in audio_dir.glob("*") if d.is_dir() and any(d.glob("*.wav")))
    if not styles:
        return ""
    return (
        f" (its recordings are per style in {', '.join(styles)}/: pass --audio-dir "
        f"{audio_dir / styles[0]})"
    )
