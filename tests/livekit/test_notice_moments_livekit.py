"""When a notice may be spoken, over a real LiveKit room: shifts and the clerk's own questions.

The real service (local livekit-server, webhooks, uvicorn, Silero, Whisper tiny.en, Piper)
serves the published sample chain from SQLite. Asserted on stored deliveries and the
sessions' events (monotonic times), never on what Whisper makes of the assistant's voice.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from knowledge_base.delivery import DeliveryState
from tests.conftest import AUDIO
from tests.livekit.notice_helpers import ALWAYS_ON_SHIFT, Served, eventually, serving
from voice_agent.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.livekit]

SHANGHAI = ZoneInfo("Asia/Shanghai")
"""SH-01's time zone: its roster times are read there."""
QUESTION = AUDIO / "loop" / "wake_ax200_weekend.wav"
""""Hey promo, is the AX-200 in the weekend offer?" """


def _state(served: Served, clerk: str) -> DeliveryState | None:
    delivery = served.delivery(clerk)
    return delivery.state if delivery else None


def _shift_starting_soon() -> tuple[str, datetime]:
    """A roster line for Dan whose shift starts at the first whole minute 30 s away or more.

    Long enough for the clerk on shift to hear the notice before Dan's shift starts.
    """
    now = datetime.now(SHANGHAI)
    start = (now + timedelta(seconds=30)).replace(second=0, microsecond=0) + timedelta(minutes=1)
    if start.date() != now.date() or start.strftime("%H:%M") >= "23:59":
        pytest.skip("too close to midnight in Shanghai for a same-day shift")
    day = start.strftime("%a").lower()
    return f"dan,Dan Xu,clerk,SH-01,,{day},{start:%H:%M},23:59\n", start


async def test_an_off_shift_clerk_is_not_spoken_to_until_their_shift_starts(
    settings: Settings, livekit_binary: Path, tmp_path: Path
) -> None:
    dan_line, shift_start = _shift_starting_soon()
    async with serving(
        settings, livekit_binary, tmp_path, roster=ALWAYS_ON_SHIFT + dan_line, capacity=2
    ) as served:
        ana = await served.joins("ana")
        dan = await served.joins("dan")
        try:
            for person in (ana, dan):
                await eventually(person.agent_joined, within=40, what="the agent joined")
            await asyncio.sleep(1.0)
            served.publish_urgent()
            await eventually(
                lambda: _state(served, "ana") is DeliveryState.PLAYED,
                within=90,
                what="the clerk on shift heard the notice",
            )
            # Dan is connected too, but off shift: nothing is said to him.
            assert datetime.now(SHANGHAI) < shift_start
            waiting = served.delivery("dan")
            assert waiting is not None and waiting.state is DeliveryState.PENDING
            assert waiting.delivered_at is None
            assert not served.session_events("dan", "utterance_started")
            silent_secs = dan.voiced_secs
            assert silent_secs < 0.5
            await eventually(
                lambda: _state(served, "dan") is DeliveryState.PLAYED,
                within=180,
                what="the notice was spoken once Dan's shift started",
            )
        finally:
            await ana.leave()
            await dan.leave()
        heard = served.delivery("dan")
        assert heard is not None and heard.delivered_at is not None
        assert heard.delivered_at >= shift_start
        assert dan.voiced_secs - silent_secs > 2.0


async def test_a_clerk_mid_question_is_not_interrupted_and_the_notice_follows_the_answer(
    settings: Settings, livekit_binary: Path, tmp_path: Path
) -> None:
    async with serving(settings, livekit_binary, tmp_path) as served:
        ana = await served.joins("ana", microphone=True)
        try:
            await eventually(ana.agent_joined, within=40, what="the agent joined")
            await asyncio.sleep(1.0)
            asking = asyncio.create_task(ana.say(QUESTION))
            # Published while the answer to the clerk's question is being played.
            await eventually(
                lambda: (
                    bool(served.session_events("ana", "answer_started"))
                    and bool(served.session_events("ana", "bot_audio_started"))
                ),
                within=60,
                what="the question was answered aloud",
            )
            served.publish_urgent()
            published_at = time.monotonic()
            await asking
            await eventually(
                lambda: _state(served, "ana") is DeliveryState.PLAYED,
                within=90,
                what="the notice was played after the answer",
            )
        finally:
            await ana.leave()
        answered = served.session_events("ana", "answer_started")[0]
        (notice,) = served.session_events("ana", "utterance_started")
        answer_ended = [
            e.at
            for e in served.session_events("ana", "bot_audio_stopped")
            if answered.at < e.at <= notice.at
        ]
        assert answer_ended, "the answer finished playing before the notice started"
        assert published_at < answer_ended[0]  # the notice waited for the answer
        assert not served.session_events("ana", "utterance_interrupted")
        assert not served.session_events("ana", "barge_in")
        completed = served.session_events("ana", "answer_completed")
        assert completed and completed[0].at <= notice.at
        delivery = served.delivery("ana")
        assert delivery is not None and delivery.plays == 1 and delivery.interruptions == 0
