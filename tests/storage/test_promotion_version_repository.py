"""Promotion versions on both engines: stored whole, read back in order, conflicts refused."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from knowledge_base.versions import PromotionVersion, VersionConflictError
from voice_agent.storage import Database, SqlPromotionVersionRepository

SHANGHAI = timezone(timedelta(hours=8))


def _version(promotion_id: str, number: int, *, by: str = "Lin Wei") -> PromotionVersion:
    return PromotionVersion(
        promotion_id=promotion_id,
        version=number,
        content_hash=f"hash-{promotion_id}-{number}",
        content=f"id: {promotion_id}\nversion: {number}\n",
        diff="" if number == 1 else f"-version: {number - 1}\n+version: {number}\n",
        published_at=datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI) + timedelta(days=number),
        published_by=by,
    )


@pytest.fixture
def repository(database: Database) -> SqlPromotionVersionRepository:
    return SqlPromotionVersionRepository(database=database)


def test_a_stored_version_reads_back_equal(repository: SqlPromotionVersionRepository) -> None:
    version = _version("weekend-running", 1)
    repository.add([version])
    assert repository.get("weekend-running", 1) == version


def test_published_at_keeps_its_instant_and_comes_back_in_utc(
    repository: SqlPromotionVersionRepository,
) -> None:
    repository.add([_version("weekend-running", 1)])
    stored = repository.get("weekend-running", 1)
    assert stored is not None
    assert stored.published_at == datetime(2026, 11, 21, 1, 0, tzinfo=UTC)
    assert stored.published_at.utcoffset() == timedelta(0)


def test_history_is_oldest_first_and_latest_is_the_highest_version(
    repository: SqlPromotionVersionRepository,
) -> None:
    repository.add([_version("weekend-running", 2), _version("weekend-running", 1)])
    repository.add([_version("weekend-running", 3)])
    assert [v.version for v in repository.history("weekend-running")] == [1, 2, 3]
    latest = repository.latest("weekend-running")
    assert latest is not None and latest.version == 3


def test_unknown_promotions_have_no_versions(repository: SqlPromotionVersionRepository) -> None:
    assert repository.latest("nope") is None
    assert repository.get("nope", 1) is None
    assert repository.history("nope") == []


def test_latest_versions_gives_the_newest_of_each_promotion(
    repository: SqlPromotionVersionRepository,
) -> None:
    repository.add(
        [_version("weekend-running", 1), _version("weekend-running", 2), _version("double-12", 1)]
    )
    latest = repository.latest_versions()
    assert {pid: v.version for pid, v in latest.items()} == {
        "double-12": 1,
        "weekend-running": 2,
    }


def test_storing_an_existing_version_is_a_conflict_and_stores_none_of_the_batch(
    repository: SqlPromotionVersionRepository,
) -> None:
    repository.add([_version("weekend-running", 1)])
    with pytest.raises(VersionConflictError) as error:
        repository.add([_version("double-12", 1), _version("weekend-running", 1, by="Someone")])
    assert error.value.code == "version_conflict"
    assert repository.latest("double-12") is None
    stored = repository.get("weekend-running", 1)
    assert stored is not None and stored.published_by == "Lin Wei"
