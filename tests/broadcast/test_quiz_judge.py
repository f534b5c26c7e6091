"""The LLM judge of a quiz answer's wording, against a real llama.cpp server (SmolLM2-135M).

SmolLM2 is far too weak to judge answers well; these tests check the protocol (a verdict
under the JSON schema, the deadline, "no opinion" on any failure), not its judgement. That
the judge is never asked about a number is :func:`score_answer`'s rule
(tests/knowledge_base/test_quiz.py).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.quiz import QuizQuestion, generate_quiz
from knowledge_base.quiz_scoring import score_answer
from voice_agent.broadcast.quiz_judge import LLMQuizJudge

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "answerers"))

from answerer_support import LlamaServer, free_port, running_llama_server  # noqa: E402


@pytest.fixture(scope="module")
def judge_llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """llama.cpp's ``llama-server`` with SmolLM2-135M (its own chat template)."""
    with running_llama_server(tmp_path_factory.mktemp("llama-judge")) as server:
        yield server


def _exclusions(knowledge: KnowledgeBase) -> QuizQuestion:
    questions = generate_quiz(
        knowledge.promotion("weekend-running"), knowledge=knowledge, store_id="SH-01", count=6
    )
    return next(q for q in questions if q.kind == "exclusions")


def test_the_judge_gives_a_verdict_under_its_schema_from_a_real_model(
    judge_llama_server: LlamaServer, knowledge: KnowledgeBase
) -> None:
    client = openai.OpenAI(base_url=judge_llama_server.base_url, api_key="local")
    judge = LLMQuizJudge(client=client, model=judge_llama_server.model, deadline_secs=60.0)
    question = _exclusions(knowledge)
    request = judge.request(question, "the <limited> one")
    user = request["messages"][1]["content"]  # type: ignore[index]
    assert question.rule in user and "<answer>the  limited  one</answer>" in user
    assert isinstance(judge(question, "the limited one from the AX range"), bool)
    # Whatever it says, a wrong number is never passed by it.
    discount = next(
        q
        for q in generate_quiz(
            knowledge.promotion("weekend-running"), knowledge=knowledge, store_id="SH-01"
        )
        if q.kind == "discount"
    )
    result = score_answer(discount, "fifteen percent", knowledge=knowledge, judge=judge)
    assert not result.passed and result.judged_by == "rules"


def test_a_judge_that_cannot_be_reached_has_no_opinion_and_the_rules_stand(
    knowledge: KnowledgeBase,
) -> None:
    client = openai.OpenAI(base_url=f"http://127.0.0.1:{free_port()}/v1", api_key="local")
    judge = LLMQuizJudge(client=client, model="nothing", deadline_secs=2.0)
    question = _exclusions(knowledge)
    assert judge(question, "that shoe") is None
    result = score_answer(question, "that shoe", knowledge=knowledge, judge=judge)
    assert not result.passed and result.judged_by == "rules"
