"""The service answers from the last valid knowledge base while HQ edits the files."""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from knowledge_base.answering import Answerer, Question
from knowledge_base.change_summaries import ChangeSummaries
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import SAMPLE_DATA_DIR
from voice_agent.answerers.reloading import ReloadingAnswerer
from voice_agent.knowledge_reload import KnowledgeBaseHolder

SATURDAY = datetime(2026, 11, 28, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
QUESTION = Question(text="Is the AX-200 in the weekend offer?", store_id="SH-01", asked_at=SATURDAY)


def _answerer(directory: Path) -> tuple[KnowledgeBaseHolder, ReloadingAnswerer]:
    holder = KnowledgeBaseHolder(path=directory)
    holder.load()
    answerer = ReloadingAnswerer(
        holder=holder,
        build=lambda kb, changes: GroundedAnswerer(
            knowledge=kb, default_contact="the promotions desk", change_summaries=changes
        ),
    )
    return holder, answerer


async def test_a_valid_edit_is_answered_and_an_invalid_one_is_refused(tmp_path: Path) -> None:
    directory = tmp_path / "kb"
    shutil.copytree(SAMPLE_DATA_DIR, directory)
    holder, answerer = _answerer(directory)
    assert "20 percent" in (await answerer.answer(QUESTION)).text

    promotion = directory / "promotions" / "weekend-running.yaml"
    original = promotion.read_text(encoding="utf-8")
    assert "percent: 20" in original
    promotion.write_text(original.replace("percent: 20", "percent: 25"), encoding="utf-8")
    await holder.reload()
    assert "25 percent" in (await answerer.answer(QUESTION)).text

    promotion.write_text("id: [unclosed\n", encoding="utf-8")
    result = await holder.reload()
    assert not result.reloaded and result.issues
    assert "25 percent" in (await answerer.answer(QUESTION)).text


class SlowBuilds:
    """Builds grounded answerers slowly, noting the thread of each build (or failing first)."""

    def __init__(self, *, secs: float, failures: int = 0) -> None:
        self.secs = secs
        self.failures = failures
        self.threads: list[int] = []

    def __call__(self, kb: KnowledgeBase, changes: ChangeSummaries | None) -> Answerer:
        self.threads.append(threading.get_ident())
        time.sleep(self.secs)  # the indexes of a big chain, built in pure Python
        if self.failures:
            self.failures -= 1
            raise RuntimeError("index build failed")
        return GroundedAnswerer(
            knowledge=kb, default_contact="the promotions desk", change_summaries=changes
        )


async def test_the_answerer_of_a_new_knowledge_base_is_built_once_off_the_event_loop() -> None:
    holder = KnowledgeBaseHolder(path=SAMPLE_DATA_DIR)
    holder.load()
    builds = SlowBuilds(secs=0.4)
    answerer = ReloadingAnswerer(holder=holder, build=builds)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticking = asyncio.create_task(tick())
    answerer.prepare()
    answers = await asyncio.gather(*(answerer.answer(QUESTION) for _ in range(3)))
    ticking.cancel()

    assert all("20 percent" in a.text for a in answers)
    assert builds.threads and threading.get_ident() not in builds.threads
    assert len(builds.threads) == 1  # three questions and a prepare share one build
    assert ticks >= 10  # the loop went on (every session's audio) while it built


async def test_a_failed_build_is_tried_again_by_the_next_question() -> None:
    holder = KnowledgeBaseHolder(path=SAMPLE_DATA_DIR)
    holder.load()
    answerer = ReloadingAnswerer(holder=holder, build=SlowBuilds(secs=0.0, failures=1))
    with pytest.raises(RuntimeError, match="index build failed"):
        await answerer.answer(QUESTION)
    assert "20 percent" in (await answerer.answer(QUESTION)).text
