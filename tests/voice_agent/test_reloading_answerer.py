"""The service answers from the last valid knowledge base while HQ edits the files."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from knowledge_base.answering import Question
from knowledge_base.grounded import GroundedAnswerer
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
