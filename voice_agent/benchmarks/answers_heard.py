"""``voice-agent bench answers --heard RUN.json``: re-ask what was heard, by text.

A spoken run (``bench answers --audio --json``) keeps, per question, the transcript Whisper
wrote (``results[].question``). Re-asking those transcripts by text scores the answerer on
misheard questions in milliseconds, without replaying any audio: the loop to tune question
reading on recognition errors. The answer may differ from the spoken run's only where the
answerer changed since; the transcript is the same.

A transcript of several turns (the loop heard the question in pieces, written ``a / b``) is
asked as one question; an empty one (nothing heard) scores as unknown, as in the spoken run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from voice_agent.benchmarks.answer_fixtures import QuestionSet
from voice_agent.benchmarks.answer_report import AnswersReport, run_answers

if TYPE_CHECKING:
    from knowledge_base.answering import Answerer
    from knowledge_base.knowledge import KnowledgeBase

TURN_SEPARATOR = " / "
"""How a spoken run joins the transcripts of the turns one recording was heard in."""


def load_heard(path: Path) -> dict[str, str]:
    """Question id -> transcript, from the JSON of a ``bench answers --audio --json`` run.

    A run over several chains (``{"chains": [...]}``) gives the transcripts of all of them.

    Raises:
        OSError: the file cannot be read.
        ValueError: it is no JSON of a spoken answers run.
    """
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}:{e.lineno}: not JSON ({e.msg})") from e
    runs = payload.get("chains", [payload]) if isinstance(payload, dict) else None
    heard: dict[str, str] = {}
    for run in runs or []:
        results = run.get("results") if isinstance(run, dict) else None
        if not isinstance(results, list):
            raise ValueError(f"{path}: no results[] of a 'bench answers --json' run")
        for result in results:
            if not (
                isinstance(result, dict)
                and isinstance(result.get("id"), str)
                and isinstance(result.get("question"), str)
            ):
                raise ValueError(f"{path}: a result without a string id and question")
            heard[result["id"]] = result["question"].replace(TURN_SEPARATOR, " ").strip()
    if not heard:
        raise ValueError(f"{path}: no results[] of a 'bench answers --json' run")
    return heard


async def run_heard_answers(
    answerer: Answerer,
    question_set: QuestionSet,
    zones: dict[str, str],
    knowledge: KnowledgeBase,
    *,
    chain: str,
    run: Path,
) -> AnswersReport:
    """The transcripts of the spoken run ``run`` asked again by text, and scored.

    Raises:
        OSError: ``run`` cannot be read.
        ValueError: it is no spoken run's JSON, or none of its questions is in the set.
    """
    transcripts = load_heard(run)
    if not transcripts.keys() & {fixture.id for fixture in question_set.questions}:
        raise ValueError(f"{run}: none of its questions is in this chain's question file")
    return await run_answers(
        answerer,
        question_set,
        zones,
        chain=f"{chain} (heard: {run.stem})",
        knowledge=knowledge,
        heard=transcripts,
    )
