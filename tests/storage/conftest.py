from collections.abc import Iterator
from pathlib import Path

import pytest

from voice_agent.storage import Database, open_database


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'nested' / 'dir' / 'agent.sqlite3'}"


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = open_database(database_url)
    yield db
    db.close()
