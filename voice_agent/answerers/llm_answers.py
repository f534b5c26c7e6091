"""The :class:`Answer` the LLM answerer returns: its own words, or the grounded fallback.

Split from :mod:`voice_agent.answerers.openai_answerer` (which streams and guards the
sentences); these only assemble the final record, with its timings and the facts used.
"""

from __future__ import annotations

import time

from knowledge_base.answering import Answer, AnswerSource, Question
from voice_agent.answerers.llm_conversation import Turn
from voice_agent.answerers.llm_sentences import join_sentences, unique


def llm_answer(
    model: str,
    question: Question,
    spoken: list[str],
    grounded: Answer,
    fact_texts: list[str],
    turn: Turn,
) -> Answer:
    """The answer when the LLM's sentences were spoken (``source`` ``llm``)."""
    return Answer(
        text=join_sentences(spoken, question),
        source=AnswerSource.LLM,
        promotion_ids=list(grounded.promotion_ids),
        about=grounded.about,
        facts=list(fact_texts),
        detail={
            "model": model,
            "first_token_secs": turn.first_token_secs,
            "first_sentence_secs": turn.first_sentence_secs,
            "answer_secs": round(time.perf_counter() - turn.started, 3),
            "rounds": turn.rounds,
            "tool_calls": turn.tool_calls,
        },
    )


def fallback_answer(
    model: str,
    question: Question,
    spoken: list[str],
    grounded: Answer,
    fact_texts: list[str],
    turn: Turn,
    reason: str,
    detail: dict[str, object],
) -> Answer:
    """The answer when the grounded one was spoken after ``spoken`` (``reason``: why)."""
    # UNKNOWN stays UNKNOWN: a fallback that knows nothing must not count as known.
    source = AnswerSource.FALLBACK if grounded.source is AnswerSource.GROUNDED else grounded.source
    return Answer(
        text=join_sentences([*spoken, *grounded.sentences()], question),
        source=source,
        promotion_ids=list(grounded.promotion_ids),
        about=grounded.about,
        facts=unique([*grounded.facts, *fact_texts]) if spoken else list(grounded.facts),
        detail={
            **grounded.detail,
            "model": model,
            "fallback_reason": reason,
            **detail,
            "llm_sentences_spoken": len(spoken),
            "first_token_secs": turn.first_token_secs,
            "answer_secs": round(time.perf_counter() - turn.started, 3),
            "tool_calls": turn.tool_calls,
        },
    )
