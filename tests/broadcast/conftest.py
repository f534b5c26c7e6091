"""Broadcast tests run on SQLite and PostgreSQL (see tests/storage/engines.py).

Every test gets the sample knowledge base, a settable clock and the sample chain's roster
loaded into its database; a test that asks for it gets a started broadcaster that escalates
to a real local webhook receiver.
"""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import load_knowledge_base
from tests.broadcast.helpers import Chain, Clock, WebhookReceiver, load_roster, new_broadcaster
from tests.storage.engines import database, database_url
from voice_agent.broadcast import Broadcaster
from voice_agent.storage import Database

__all__ = ["database", "database_url"]


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    """The sample knowledge base."""
    return load_knowledge_base()


@pytest.fixture
def clock() -> Clock:
    """A clock the test moves by hand."""
    return Clock()


@pytest.fixture
def chain(database: Database, tmp_path: Path, clock: Clock, knowledge: KnowledgeBase) -> Chain:
    """The sample chain's roster in ``database``."""
    load_roster(database, knowledge)
    return Chain(database, tmp_path, clock)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    """A real local HTTP server recording the escalations posted to it."""
    server = WebhookReceiver()
    yield server
    server.close()


@pytest_asyncio.fixture
async def broadcaster(
    database: Database,
    knowledge: KnowledgeBase,
    clock: Clock,
    receiver: WebhookReceiver,
    chain: Chain,
) -> AsyncIterator[Broadcaster]:
    """A started single-node broadcaster over ``database``, escalating to ``receiver``."""
    started = new_broadcaster(database, knowledge, clock, receiver)
    await started.start()
    yield started
    await started.stop()
