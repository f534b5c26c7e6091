"""Both storage engines for tests: a fresh SQLite file or a fresh PostgreSQL database each.

PostgreSQL comes from ``$VOICE_AGENT_TEST_POSTGRES_URL`` (``scripts/postgres.sh`` starts a
throwaway cluster and ``scripts/test.sh`` exports it). Without it the PostgreSQL case is
skipped, unless ``VOICE_AGENT_REQUIRE_POSTGRES=1``, then it fails. Import the fixtures into a
test module or conftest (``from tests.storage.engines import database_url``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from voice_agent.storage import Database, normalise_url, open_database

POSTGRES_URL_ENV = "VOICE_AGENT_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "VOICE_AGENT_REQUIRE_POSTGRES"
ENGINES = ("sqlite", "postgresql")


def postgres_admin_url() -> str:
    """The test cluster's URL, or skip (fail when PostgreSQL is required)."""
    url = os.environ.get(POSTGRES_URL_ENV, "")
    if not url:
        message = f"no PostgreSQL for tests: run scripts/postgres.sh and set {POSTGRES_URL_ENV}"
        if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
            pytest.fail(message)
        pytest.skip(message)
    return url


@contextmanager
def fresh_postgres_database(admin_url: str) -> Iterator[str]:
    """Create an empty database on the cluster, yield its URL, drop it afterwards."""
    parsed = make_url(normalise_url(admin_url))
    name = f"test_{uuid.uuid4().hex[:16]}"
    conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_database_url(engine: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database on ``engine`` (``sqlite`` or ``postgresql``)."""
    if engine == "sqlite":
        yield f"sqlite:///{tmp_path / 'nested' / 'dir' / 'agent.sqlite3'}"
        return
    with fresh_postgres_database(postgres_admin_url()) as url:
        yield url


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each engine."""
    with fresh_database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """The fresh database, opened and upgraded."""
    db = open_database(database_url)
    yield db
    db.close()
