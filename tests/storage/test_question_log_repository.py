"""Gap questions on both engines: every field kept, filtered by time, oldest first."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from knowledge_base.answering import AnswerSource, Role
from knowledge_base.gaps import GapReason, QuestionRecord
from voice_agent.storage import Database, SqlQuestionLogRepository

SHANGHAI = timezone(timedelta(hours=8))
T0 = datetime(2026, 11, 28, 15, 0, tzinfo=SHANGHAI)


def _record(text: str, minutes: int = 0, **overrides: object) -> QuestionRecord:
    fields: dict[str, object] = {
        "text": text,
        "role": Role.STORE_MANAGER,
        "language": "zh-CN",
        "source": AnswerSource.FALLBACK,
        "reason": GapReason.FALLBACK,
        "asked_at": T0 + timedelta(minutes=minutes),
        "store_id": "SH-01",
        "promotion_id": "weekend-running",
        "answer_text": "This weekend all running shoes are 20 percent off.",
    }
    fields.update(overrides)
    return QuestionRecord(**fields)  # type: ignore[arg-type]


@pytest.fixture
def repository(database: Database) -> SqlQuestionLogRepository:
    return SqlQuestionLogRepository(database=database)


def test_every_field_of_a_record_is_kept(repository: SqlQuestionLogRepository) -> None:
    stored = repository.add(_record("可以和优惠券一起用吗？"))
    assert stored.id is not None
    (found,) = repository.find()
    assert found == stored
    assert found.asked_at == T0  # same instant; stored in UTC
    assert found.asked_at.tzinfo == UTC


def test_questions_without_store_or_promotion_are_kept(
    repository: SqlQuestionLogRepository,
) -> None:
    stored = repository.add(
        _record(
            "who do I call",
            store_id=None,
            promotion_id=None,
            source=AnswerSource.UNKNOWN,
            reason=GapReason.UNKNOWN,
        )
    )
    assert repository.find() == [stored]


def test_find_filters_by_half_open_time_range_and_returns_oldest_first(
    repository: SqlQuestionLogRepository,
) -> None:
    for minutes in (30, 0, 10, 20):
        repository.add(_record(f"q{minutes}", minutes))
    since, until = T0 + timedelta(minutes=10), T0 + timedelta(minutes=30)
    assert [r.text for r in repository.find(since=since, until=until)] == ["q10", "q20"]
    assert [r.text for r in repository.find(since=since)] == ["q10", "q20", "q30"]
    assert [r.text for r in repository.find(until=since)] == ["q0"]


def test_a_naive_time_is_refused_before_it_reaches_the_database() -> None:
    with pytest.raises(ValueError, match="aware"):
        _record("when", asked_at=datetime(2026, 11, 28, 15, 0))
