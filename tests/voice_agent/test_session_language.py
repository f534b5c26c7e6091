"""One node, stores in two languages: each session speaks (and is heard in) its store's.

The sample chain's East China stores speak zh-CN, Singapore English, and Germany names no
language (English, with the node's ``[stt] language`` for the recogniser).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pipecat.frames.frames import TranscriptionFrame, TTSSpeakFrame
from pipecat.tests.utils import SleepFrame, run_test

from knowledge_base.answering import Role
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import load_knowledge_base
from knowledge_base.notice_scope import Audience, Publication
from knowledge_base.notices import compose_notice
from knowledge_base.words import has_cjk
from pipelines.answer_processor import AnswerProcessor, CallerProfile
from pipelines.conversation_state import ConversationState
from pipelines.speech_models import MULTILINGUAL_VOCABULARY, english_only_whisper
from voice_agent.session_language import LanguageGap, SessionLanguages, configured_languages

SHANGHAI = timezone(timedelta(hours=8))
ASKED_AT = datetime(2026, 11, 28, 15, 0, tzinfo=SHANGHAI)
BOTH = SessionLanguages(voiced=frozenset({"en", "zh-CN"}), hears_all=True, stt_language="auto")
"""A node with a Chinese voice and multilingual Whisper; unnamed stores: Whisper detects."""


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    return load_knowledge_base()


def _profiles(
    node: SessionLanguages, knowledge: KnowledgeBase
) -> dict[str, tuple[str, str | None]]:
    return {
        store: (profile.language, profile.stt_language)
        for store in ("SH-01", "SG-01", "BER-01")
        for profile in [node.caller(knowledge, role=Role.CLERK, store_id=store)]
    }


def test_each_store_speaks_its_language_and_the_recogniser_is_told_it(
    knowledge: KnowledgeBase,
) -> None:
    assert _profiles(BOTH, knowledge) == {
        "SH-01": ("zh-CN", "zh-CN"),
        "SG-01": ("en", "en"),
        # Names no language: English, and the recogniser gets [stt] language (None here).
        "BER-01": ("en", None),
    }
    assert BOTH.gaps(knowledge) == []
    manager = BOTH.caller(knowledge, role=Role.STORE_MANAGER, store_id="SH-01")
    assert (manager.role, manager.store_id, manager.language) == (
        Role.STORE_MANAGER,
        "SH-01",
        "zh-CN",
    )


def test_a_store_whose_language_has_no_voice_speaks_english_and_is_reported(
    knowledge: KnowledgeBase,
) -> None:
    english_voice_only = SessionLanguages(voiced=frozenset({"en"}), hears_all=True)
    # Never Chinese text for the English voice: the session is English end to end.
    assert _profiles(english_voice_only, knowledge)["SH-01"] == ("en", "en")
    (gap,) = english_voice_only.gaps(knowledge)
    assert gap == LanguageGap("zh-CN", ("SH-01", "SH-02", "HZ-01"), ("no_voice",))
    assert gap.message() == (
        "stores SH-01, SH-02, HZ-01 speak zh-CN, but [tts] voices names no voice for zh-CN:"
        " their sessions speak English (en) with the English voice"
    )


def test_an_english_only_recogniser_makes_a_chinese_store_english(
    knowledge: KnowledgeBase,
) -> None:
    tiny_en = SessionLanguages(voiced=frozenset({"en", "zh-CN"}), hears_all=False)
    assert _profiles(tiny_en, knowledge)["SH-01"] == ("en", "en")
    (gap,) = tiny_en.gaps(knowledge)
    assert (gap.language, gap.reasons) == ("zh-CN", ("not_heard",))
    assert "hears English only" in gap.message()
    # The default node (tiny.en, the English voice only): both, said at once.
    (both,) = SessionLanguages(voiced=frozenset({"en"}), hears_all=False).gaps(knowledge)
    assert both.reasons == ("no_voice", "not_heard")
    assert "no voice for zh-CN and the recogniser ([stt] model) hears English only" in (
        both.message()
    )


def test_settings_say_whether_whisper_hears_only_english_before_it_loads(tmp_path: Path) -> None:
    assert english_only_whisper("packaged:tiny.en") and english_only_whisper("base.en")
    assert not english_only_whisper("base")
    for name, tokens in (("multilingual", MULTILINGUAL_VOCABULARY), ("english", 51864)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "vocabulary.txt").write_text("t\n" * tokens, encoding="utf-8")
    assert not english_only_whisper(str(tmp_path / "multilingual"))
    assert english_only_whisper(str(tmp_path / "english"))
    node = configured_languages(voices=["zh-CN"], stt_model="packaged:tiny.en", stt_language="en")
    assert node == SessionLanguages(
        voiced=frozenset({"en", "zh-CN"}), hears_all=False, stt_language="en"
    )


async def _spoken(caller: CallerProfile, knowledge: KnowledgeBase, text: str) -> str:
    """What a session's answer processor hands to speech for ``text`` (the real answerer)."""
    processor = AnswerProcessor(
        state=ConversationState(session_id=f"store-{caller.store_id}-clerk-ana"),
        answerer=GroundedAnswerer(knowledge=knowledge, default_contact="the promotions desk"),
        caller=caller,
        clock=lambda: ASKED_AT,
    )
    down, _ = await run_test(
        processor,
        frames_to_send=[
            TranscriptionFrame(text=text, user_id="ana", timestamp=""),
            SleepFrame(sleep=0.5),
        ],
    )
    return " ".join(f.text for f in down if isinstance(f, TTSSpeakFrame))


async def test_a_chinese_store_and_an_english_store_on_one_node_answer_in_their_languages(
    knowledge: KnowledgeBase,
) -> None:
    shanghai = BOTH.caller(knowledge, role=Role.CLERK, store_id="SH-01")
    singapore = BOTH.caller(knowledge, role=Role.CLERK, store_id="SG-01")
    question = "Is the AX-200 in the weekend offer?"

    in_shanghai = await _spoken(shanghai, knowledge, question)
    in_singapore = await _spoken(singapore, knowledge, question)

    assert has_cjk(in_shanghai) and "周末跑鞋优惠" in in_shanghai, in_shanghai
    assert not has_cjk(in_singapore) and "Weekend Running" in in_singapore, in_singapore


def test_their_notices_are_composed_in_their_languages(knowledge: KnowledgeBase) -> None:
    publication = Publication(
        promotion=knowledge.promotion("weekend-running"),
        previous=None,
        published_at=ASKED_AT,
        published_by="Lin Wei",
        urgent=True,
    )
    notices = {
        store: compose_notice(
            publication,
            knowledge=knowledge,
            audience=Audience(Role.CLERK, store_id=store),
            language=caller.language,
        ).text
        for store in ("SH-01", "SG-01")
        for caller in [BOTH.caller(knowledge, role=Role.CLERK, store_id=store)]
    }
    assert has_cjk(notices["SH-01"]) and "收到" in notices["SH-01"], notices["SH-01"]
    assert not has_cjk(notices["SG-01"]) and "got it" in notices["SG-01"].lower(), notices
