"""A worker node's sessions carry what a ``serve`` session carries: quizzes, briefings, alerts.

It also closes the briefings of a ``serve`` node that died.

On a cluster every clerk session runs on a worker (``voice-agent worker``), so a part that
only ``serve`` wires (the quizmaster, the briefing requests) would never reach a clerk of a
chain that runs workers. These tests build a real worker node over the published sample
chain (nothing joins LiveKit) and look at what it gives a clerk's session.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from knowledge_base.answering import Role
from pipelines.answer_processor import CallerProfile
from pipelines.briefing_requests import BriefingRequestProcessor
from pipelines.conversation_state import ConversationState
from pipelines.feedback_processor import FeedbackProcessor
from tests.storage.knowledge_helpers import copy_sample
from voice_agent.agent.transport import LiveKitEndpoint
from voice_agent.briefing.closing import BriefingStores
from voice_agent.runtime import build_runtime
from voice_agent.service_settings import ServiceSettings
from voice_agent.settings import Settings
from voice_agent.storage import Database, open_database
from voice_agent.storage.broadcast_briefings import BriefingRecord
from voice_agent.worker.node import WorkerNode


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'worker.sqlite3'}")
    yield database
    database.close()


@pytest.fixture
def node(settings: Settings, tmp_path: Path, database: Database) -> Iterator[WorkerNode]:
    kb = copy_sample(tmp_path / "kb")
    configured = settings.model_copy(
        update={
            "knowledge_base": settings.knowledge_base.model_copy(update={"path": str(kb)}),
            "quiz": settings.quiz.model_copy(update={"enabled": True}),
        }
    )
    yield WorkerNode(
        runtime=build_runtime(configured, database=database),
        database=database,
        endpoint=LiveKitEndpoint(url="ws://127.0.0.1:9", api_key="k", api_secret="s" * 40),
        service=ServiceSettings(port=0, capacity=2),
    )


def test_a_worker_speaks_feedback_alerts_to_the_managers_of_its_sessions(
    node: WorkerNode,
) -> None:
    assert node.feedback.alerter.speaker is not None


def test_a_worker_quizzes_the_clerks_of_its_sessions(node: WorkerNode) -> None:
    assert node.notices.quizmaster is not None
    channel = node.notices.channel(identity="ana", language="en")
    assert channel is not None and channel.quizzes


@pytest.mark.parametrize("role", [Role.CLERK, Role.STORE_MANAGER])
def test_a_worker_s_session_answers_briefing_requests_and_takes_feedback(
    node: WorkerNode, role: Role
) -> None:
    build = node.manager.session_processors_for("ana", CallerProfile(role=role, store_id="SH-01"))
    assert build is not None
    processors = build(ConversationState(session_id="store-SH-01-clerk-ana")).before_answer
    kinds = {type(p) for p in processors}
    assert BriefingRequestProcessor in kinds
    assert FeedbackProcessor in kinds


async def test_a_worker_closes_the_briefing_of_a_serve_node_that_died(
    node: WorkerNode, database: Database
) -> None:
    stores = BriefingStores.of(database)
    started = stores.journal.now() - timedelta(minutes=5)
    stores.briefings.open(
        BriefingRecord("20261201-5e7e0dea", {"stores": ["SH-01"]}, "mei", started)
    )
    stores.journal.renew(["20261201-5e7e0dea"], node="serve-a")  # renewed now: alive
    assert await node.briefings.recover() == []
    running = BriefingStores.of(database).journal.open_briefings()
    assert [b.node for b in running] == ["serve-a"]
    stores.briefings.open(
        BriefingRecord("20261201-0dead000", {"stores": ["SH-01"]}, "mei", started)
    )
    (closed,) = await node.briefings.recover()  # never renewed since it opened 5 min ago
    assert (closed.id, closed.ended_because) == ("20261201-0dead000", "node_failed")
