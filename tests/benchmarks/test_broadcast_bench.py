"""``bench broadcast``: its roster, its urgent edit and its clerk counts (no server needed)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer

from knowledge_base.loader import load_knowledge_base
from knowledge_base.roster_files import parse_roster
from tests.storage.knowledge_helpers import copy_sample
from voice_agent.benchmarks.broadcast import roster_csv, urgent_edit
from voice_agent.cli.bench_broadcast import _counts
from voice_agent.storage import open_database
from voice_agent.storage.publisher import Publisher


def test_the_bench_roster_has_every_clerk_on_shift_at_any_time(tmp_path: Path) -> None:
    knowledge = load_knowledge_base(copy_sample(tmp_path / "kb"))
    roster = parse_roster(roster_csv(12), file="bench.csv", knowledge=knowledge)
    assert len(roster.members) == 12
    at = datetime(2026, 12, 5, 3, 30, tzinfo=UTC)
    assert all(member.calendar.on_shift(at) for member in roster.members)


def test_the_bench_edit_is_a_valid_urgent_publication_of_a_new_version(tmp_path: Path) -> None:
    kb = copy_sample(tmp_path / "kb")
    database = open_database(f"sqlite:///{tmp_path / 'bench.sqlite3'}")
    try:
        outcome = Publisher(database=database).publish_files(
            kb, urgent_edit(kb), published_by="bench", urgent=True, now=datetime.now(UTC)
        )
    finally:
        database.close()
    assert outcome.publication is not None, outcome.issues
    assert outcome.publication.urgent
    versions = [
        v.version for v in outcome.publication.versions if v.promotion_id == "weekend-running"
    ]
    assert max(versions) == 3  # the sample's version 2, moved on


@pytest.mark.parametrize("value", ["", "ten", "0", "5,300"])
def test_clerk_counts_must_be_numbers_from_1_to_200(value: str) -> None:
    with pytest.raises(typer.BadParameter):
        _counts(value)


def test_clerk_counts_are_read_in_order() -> None:
    assert _counts("10,20,50") == [10, 20, 50]
