"""An LLM's second opinion on the wording of a quiz answer (``[quiz] judge = "llm"``).

:func:`knowledge_base.quiz_scoring.score_answer` asks the judge only when every number of
the answer was right and the rules rejected the rest (an item, a yes or no, the key words
of a talk track); the judge can never pass a wrong or missing number. It is asked with a
JSON schema and a deadline; any failure (late, unreachable, no valid verdict) is "no
opinion" and the rules' verdict stands.

Blocking (a synchronous client): the quizmaster scores answers in a worker thread.
"""

from __future__ import annotations

import json

import openai
from loguru import logger

from knowledge_base.quiz import QuizQuestion
from voice_agent.answerers.factory import api_key_for
from voice_agent.settings import OpenAISettings

VERDICT_SCHEMA = {
    "type": "object",
    "properties": {"right": {"type": "boolean"}},
    "required": ["right"],
    "additionalProperties": False,
}
SYSTEM_PROMPT = (
    "You check a shop clerk's spoken answer to a quiz question about a promotion. The rule "
    "says what is right. Numbers are checked elsewhere: ignore them. Reply with JSON "
    '{"right": true} when the answer says what the rule says about the question (in other '
    'words counts), else {"right": false}.'
)


class LLMQuizJudge:
    """A :class:`~knowledge_base.quiz_scoring.Judge` backed by an OpenAI-compatible model."""

    def __init__(self, *, client: openai.OpenAI, model: str, deadline_secs: float = 3.0) -> None:
        """Ask ``model`` through ``client`` (no retries), giving it ``deadline_secs``."""
        self._client = client.with_options(timeout=deadline_secs, max_retries=0)
        self._model = model

    def request(self, question: QuizQuestion, heard: str) -> dict[str, object]:
        """The chat-completions request (also what tests inspect)."""
        quoted = heard.replace("<", " ").replace(">", " ")
        return {
            "model": self._model,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {
                    "role": "user",
                    "content": f"Question: {question.text}\nRule: {question.rule}\n"
                    f"<answer>{quoted}</answer>",
                },
            ],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "verdict", "strict": True, "schema": VERDICT_SCHEMA},
            },
            "temperature": 0.0,
            "max_tokens": 16,
        }

    def __call__(self, question: QuizQuestion, heard: str) -> bool | None:
        """True when the model says ``heard`` answers ``question``; ``None``: no opinion."""
        try:
            reply = self._client.chat.completions.create(**self.request(question, heard))  # type: ignore[call-overload]
            content = reply.choices[0].message.content or ""
            verdict = json.loads(content)["right"]
        except (openai.OpenAIError, ValueError, KeyError, IndexError, TypeError) as e:
            logger.info("quiz: the LLM judge gave no opinion on {} ({})", question.id, e)
            return None
        if not isinstance(verdict, bool):
            return None
        logger.info("quiz: the LLM judge says {} on {}", verdict, question.id)
        return verdict


def build_quiz_judge(endpoint: OpenAISettings, *, deadline_secs: float) -> LLMQuizJudge:
    """The judge at the answerer's OpenAI-compatible endpoint (``[answerer.openai]``).

    Raises:
        AnswererConfigError: No API key for a remote endpoint.
    """
    client = openai.OpenAI(base_url=endpoint.base_url, api_key=api_key_for(endpoint))
    return LLMQuizJudge(client=client, model=endpoint.model, deadline_secs=deadline_secs)
