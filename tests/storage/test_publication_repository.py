"""Publications on both engines: stored with their versions at once, listed in order."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from knowledge_base.versions import PromotionVersion, VersionConflictError
from voice_agent.storage import (
    Database,
    SqlPromotionVersionRepository,
    SqlPublicationRepository,
)

SHANGHAI = timezone(timedelta(hours=8))
T0 = datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)


def _version(promotion_id: str, number: int) -> PromotionVersion:
    return PromotionVersion(
        promotion_id=promotion_id,
        version=number,
        content_hash=f"hash-{promotion_id}-{number}",
        content=f"id: {promotion_id}\nversion: {number}\n",
        diff="",
        published_at=T0,
        published_by="Lin Wei",
    )


@pytest.fixture
def repository(database: Database) -> SqlPublicationRepository:
    return SqlPublicationRepository(database=database)


def test_a_publication_keeps_who_when_notes_urgency_and_its_versions(
    repository: SqlPublicationRepository,
) -> None:
    stored = repository.publish(
        [_version("weekend-running", 3), _version("socks-3for2", 2)],
        published_at=T0,
        published_by="Lin Wei",
        notes="Weekend up to 25 percent",
        urgent=True,
    )
    assert repository.get(stored.id) == stored
    assert stored.published_at == T0 and stored.published_at.tzinfo == UTC
    assert (stored.published_by, stored.notes, stored.urgent) == (
        "Lin Wei",
        "Weekend up to 25 percent",
        True,
    )
    assert [(v.promotion_id, v.version) for v in stored.versions] == [
        ("socks-3for2", 2),
        ("weekend-running", 3),
    ]


def test_ids_grow_and_listing_pages_oldest_first(repository: SqlPublicationRepository) -> None:
    assert repository.latest_id() == 0
    ids = [
        repository.publish([_version("weekend-running", n)], published_at=T0, published_by="x").id
        for n in (1, 2, 3)
    ]
    assert ids == sorted(ids) and repository.latest_id() == ids[-1]
    assert [p.id for p in repository.list()] == ids
    assert [p.id for p in repository.list(after_id=ids[0], limit=1)] == [ids[1]]
    assert repository.get(ids[-1] + 100) is None


def test_a_conflicting_version_stores_neither_versions_nor_the_publication(
    repository: SqlPublicationRepository, database: Database
) -> None:
    repository.publish([_version("weekend-running", 2)], published_at=T0, published_by="a")
    with pytest.raises(VersionConflictError):
        repository.publish(
            [_version("socks-3for2", 1), _version("weekend-running", 2)],
            published_at=T0,
            published_by="b",
        )
    assert len(repository.list()) == 1
    assert SqlPromotionVersionRepository(database=database).history("socks-3for2") == []


def test_a_publication_needs_a_version_and_an_aware_time(
    repository: SqlPublicationRepository,
) -> None:
    with pytest.raises(ValueError, match="at least one"):
        repository.publish([], published_at=T0, published_by="a")
    with pytest.raises(ValueError, match="naive"):
        repository.publish(
            [_version("weekend-running", 1)],
            published_at=datetime(2026, 11, 26, 10, 0),
            published_by="a",
        )
    assert repository.latest_id() == 0
