""" "What changed?" is answered from the diff against the previous published version."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from knowledge_base.answering import Question
from knowledge_base.loader import load_knowledge_base
from voice_agent.answerers.factory import build_answerer
from voice_agent.settings import Settings

SATURDAY = datetime(2026, 11, 28, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


async def test_what_changed_is_read_from_the_version_diff(settings: Settings) -> None:
    answerer = build_answerer(settings, load_knowledge_base(None))
    answer = await answerer.answer(
        Question(text="What changed in the weekend offer?", store_id="SH-01", asked_at=SATURDAY)
    )
    assert "version 2" in answer.text
    assert "from 15 percent to 20 percent" in answer.text
    # The diff names the excluded product; the hand-written change note says it differently.
    assert "Aero X 200 Limited Edition is now excluded" in answer.text


async def test_a_promotion_without_history_has_not_changed(settings: Settings) -> None:
    answerer = build_answerer(settings, load_knowledge_base(None))
    answer = await answerer.answer(
        Question(text="Has the socks offer changed?", store_id="SH-01", asked_at=SATURDAY)
    )
    assert "not changed" in answer.text
