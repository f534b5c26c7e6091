"""The answer benchmark's question fixtures, and how one becomes a question.

A chain's questions, each with what a right answer says; :func:`make_question` turns one
into a :class:`~knowledge_base.answering.Question`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from knowledge_base.answering import Question, Role

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_QUESTIONS = PROJECT_ROOT / "tests" / "fixtures" / "questions.yaml"
DEFAULT_CONTACT = "the promotions desk at headquarters, extension 1000"


class Target(BaseModel):
    """What a right answer is about (each part optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    promotion: str | None = None
    """A promotion id, or ``none`` when no promotion applies."""
    product: str | None = None
    """The SKU the question names."""
    store: str | None = None
    """The store the answer must be for (a store or city named in the question wins)."""


class QuestionFixture(BaseModel):
    """One question and what its answer must say."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    """Also the audio file stem: ``tests/fixtures/audio/questions/<id>.wav``."""
    text: str
    language: str = "en"
    spoken: bool = True
    """An audio fixture exists for it (English only)."""
    store: str = "SH-01"
    role: Role = Role.CLERK
    transcript_keywords: list[str] = []
    """Lowercase words a speech-recognition transcript must contain."""
    answer_must_contain: list[str] = Field(min_length=1)
    """Phrases the answer must say: case-insensitive substrings of its text, or the same
    figure in other words as the fact guard reads it ("half price" = "50 percent off")."""
    answer_must_not_contain: list[str] = []
    """Phrases the answer must not say, compared the same way."""
    kind: str
    """The intent label answers are reported under."""
    target: Target | None = None
    clarify_ok: bool = False
    """A one-sentence clarifying question is an acceptable answer (the question is ambiguous)."""


class QuestionSet(BaseModel):
    """A whole question file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reference_time: datetime
    """Naive: wall-clock time at each question's own store."""
    default_store: str = "SH-01"
    """The store of every question that names none of its own."""
    questions: list[QuestionFixture] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _questions_default_to_the_set_s_store(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "default_store" not in data:
            return data
        questions = data.get("questions")
        if not isinstance(questions, list):
            return data
        store = data["default_store"]
        filled = [
            {**q, "store": store} if isinstance(q, dict) and "store" not in q else q
            for q in questions
        ]
        return {**data, "questions": filled}


def load_questions(path: Path = DEFAULT_QUESTIONS) -> QuestionSet:
    """Read and validate a question file."""
    with path.open(encoding="utf-8") as handle:
        return QuestionSet.model_validate(yaml.safe_load(handle))


def make_question(
    fixture: QuestionFixture,
    question_set: QuestionSet,
    zone_of: dict[str, str],
    text: str | None = None,
) -> Question:
    """The :class:`Question` for a fixture, asked at the reference time in its store's zone.

    ``text`` replaces the fixture text (a speech-recognition transcript, for example).
    """
    from zoneinfo import ZoneInfo

    at = question_set.reference_time.replace(tzinfo=ZoneInfo(zone_of[fixture.store]))
    return Question(
        text=fixture.text if text is None else text,
        role=fixture.role,
        store_id=fixture.store,
        language=fixture.language,
        asked_at=at,
    )
