"""Broadcast tests run on SQLite and PostgreSQL (see tests/storage/engines.py).

Every test gets the sample knowledge base, a settable clock and the sample chain's roster
loaded into its database.
"""

from pathlib import Path

import pytest

from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import load_knowledge_base
from tests.broadcast.helpers import Chain, Clock, load_roster
from tests.storage.engines import database, database_url
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
