""" "What changed?" is answered from the stored previous published version (both engines)."""

from __future__ import annotations

import shutil
from pathlib import Path

from knowledge_base.answering import Question
from knowledge_base.fact_guard import check_facts
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.versions import HISTORY_DIR
from tests.storage.engines import database, database_url
from tests.storage.knowledge_helpers import SATURDAY
from voice_agent.knowledge_reload import PublishedKnowledgeHolder
from voice_agent.storage import Database

__all__ = ["database", "database_url"]

WHAT_CHANGED = Question(
    text="What changed in the weekend offer?", store_id="SH-01", asked_at=SATURDAY
)


def _answerer(database: Database, kb_dir: Path) -> GroundedAnswerer:
    holder = PublishedKnowledgeHolder(database=database, path=kb_dir)
    holder.load()
    return GroundedAnswerer(
        knowledge=holder.current,
        default_contact="the promotions desk",
        change_summaries=holder.change_summaries,
    )


async def test_what_changed_is_the_diff_against_the_stored_previous_version(
    database: Database, kb_dir: Path
) -> None:
    answer = await _answerer(database, kb_dir).answer(WHAT_CHANGED)
    assert "version 2" in answer.text
    assert "from 15 percent to 20 percent" in answer.text
    # The diff names the excluded product; the hand-written change note says it differently.
    assert "Aero X 200 Limited Edition is now excluded" in answer.text
    # Every number spoken is backed by the stored previous version's text.
    previous = next(fact for fact in answer.facts if "version 1 as published" in fact)
    assert "percent: 15" in previous and "start: 2026-11-27T00:00" in previous
    assert check_facts(answer.text, answer.facts, question=WHAT_CHANGED.text).violations == ()


async def test_history_files_only_seed_the_first_import_and_are_never_read_again(
    database: Database, kb_dir: Path
) -> None:
    _answerer(database, kb_dir)  # first start: history seeds v1, the file is v2
    shutil.rmtree(kb_dir / HISTORY_DIR)
    answer = await _answerer(database, kb_dir).answer(WHAT_CHANGED)
    assert "from 15 percent to 20 percent" in answer.text


async def test_a_promotion_with_one_stored_version_has_not_changed(
    database: Database, kb_dir: Path
) -> None:
    answer = await _answerer(database, kb_dir).answer(
        Question(text="Has the socks offer changed?", store_id="SH-01", asked_at=SATURDAY)
    )
    assert "not changed" in answer.text
