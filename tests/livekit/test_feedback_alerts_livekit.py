"""Feedback alerts spoken to managers over a real LiveKit room.

The real service (local livekit-server, webhooks, uvicorn, Silero, Whisper tiny.en, Piper)
serves the published sample chain from SQLite with a roster. Two stores have already
reported the Glacier Boot out of stock (recorded through a second feedback desk on the same
database, as another node would); then a clerk of a third store says it into the room. The
``stock_out_spread`` rule fires: the alert is stored, and the connected store manager of
that store hears it, as does the regional manager of East China in his own room at another
store of the region (a session answering him as a regional manager); a store manager of a
store the alert does not involve, and the regional manager of Germany, hear nothing.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from knowledge_base.answering import Role
from knowledge_base.feedback.anomalies import AlertRule
from knowledge_base.feedback.queries import Viewer
from knowledge_base.loader import load_knowledge_base
from tests.conftest import FIXTURES
from tests.livekit.livekit_helpers import always_on_shift
from tests.livekit.notice_helpers import Served, eventually, serving
from voice_agent.feedback.desk import FeedbackDesk
from voice_agent.settings import Settings
from voice_agent.storage.feedback_alerts import SqlFeedbackAlertRepository

pytestmark = [pytest.mark.slow, pytest.mark.livekit]

SPOKEN = FIXTURES / "feedback/audio/live/wake_hf0003.wav"
""""Hey promo, record feedback: ..." about the Glacier Boot (WB-320) being out of stock."""
HQ = Viewer(role=Role.HQ, identity="hq")
ROSTER = always_on_shift(
    "ana,Ana Li,clerk,SH-01,",
    "mei,Mei Chen,store_manager,SH-01,",
    "ola,Ola Berg,store_manager,BER-01,",
    "rex,Rex Zhao,regional_manager,,east-china",
    "gus,Gus Braun,regional_manager,,germany",
)


ROOM_STORES = {"ana": "SH-01", "mei": "SH-01", "ola": "BER-01", "rex": "SH-02", "gus": "BER-01"}
"""Where each person's own room is: a regional manager's at a store of their region."""


def _alerts(served: Served, identity: str, event: str = "utterance_started") -> list[str]:
    """Ids of the alerts of ``identity``'s session with floor ``event``."""
    return [
        e.utterance_id
        for e in served.session_events(identity, event, store_id=ROOM_STORES[identity])
        if e.utterance_id.startswith("feedback-alert:")
    ]


async def _reported_elsewhere(served: Served, settings: Settings) -> None:
    """Two other stores (another node's desk, same database) report the boot sold out."""
    desk = FeedbackDesk.build(settings=settings, database=served.database)
    recorder = desk.recorder(load_knowledge_base(served.kb))
    for clerk, store in (("wu", "SH-02"), ("zhou", "HZ-01")):
        outcome = await recorder.record(
            "the Glacier Boot 320 is sold out in every size, customers keep asking for it",
            clerk_id=clerk,
            store_id=store,
        )
        assert outcome.saved and outcome.records[0].products == ["WB-320"], outcome
        assert outcome.records[0].category == "stock_availability", outcome
    await desk.sink.drain()


async def test_a_sku_out_of_stock_at_three_stores_is_stored_and_spoken_to_its_managers(
    settings: Settings, livekit_binary: Path, tmp_path: Path
) -> None:
    async with serving(settings, livekit_binary, tmp_path, roster=ROSTER, capacity=5) as served:
        await _reported_elsewhere(served, settings)
        ana = await served.joins("ana", microphone=True)
        people = {
            "mei": await served.joins("mei", role="store_manager"),
            "ola": await served.joins("ola", role="store_manager", store_id="BER-01"),
            "rex": await served.joins(
                "rex", role="regional_manager", store_id="SH-02", region_id="east-china"
            ),
            "gus": await served.joins(
                "gus", role="regional_manager", store_id="BER-01", region_id="germany"
            ),
        }
        try:
            for person in (ana, *people.values()):
                await eventually(person.agent_joined, within=40, what="the agent joined")
            answering = {s.clerk_identity: s.role for s in served.service.manager.list()}
            await asyncio.sleep(1.0)  # everyone subscribes to the agent's track
            heard_before = {who: p.voiced_secs for who, p in people.items()}
            # The feedback button, then the words (a wake phrase split by a loaded
            # machine's speech recognition would make it a question instead).
            await ana.open_feedback()
            await ana.say(SPOKEN, silence_after_secs=6.0)  # silence ends the capture
            for manager in ("mei", "rex"):
                await eventually(
                    lambda who=manager: bool(_alerts(served, who, "utterance_played")),
                    within=90,
                    what=f"the alert was spoken to {manager}",
                )
        finally:
            for person in (ana, *people.values()):
                await person.leave()
        heard = {who: p.voiced_secs - heard_before[who] for who, p in people.items()}
        stored = SqlFeedbackAlertRepository(database=served.database).list(viewer=HQ)

    assert answering == {
        "ana": Role.CLERK,
        "mei": Role.STORE_MANAGER,
        "ola": Role.STORE_MANAGER,
        "rex": Role.REGIONAL_MANAGER,
        "gus": Role.REGIONAL_MANAGER,
    }
    assert [(s.alert.rule, s.alert.key) for s in stored] == [(AlertRule.STOCK_OUT_SPREAD, "WB-320")]
    (alert,) = [s.alert for s in stored]
    assert sorted(alert.stores) == ["HZ-01", "SH-01", "SH-02"]
    assert alert.regions == ["east-china"]
    for manager in ("mei", "rex"):
        (said,) = _alerts(served, manager)
        assert said.startswith(f"feedback-alert:{alert.dedupe_key}/{manager}/"), said
        assert heard[manager] > 1.0, f"{manager} heard the alert's audio"
    # BER-01 and Germany are not involved.
    for bystander in ("ola", "gus"):
        assert _alerts(served, bystander) == [] and heard[bystander] == 0.0, bystander
