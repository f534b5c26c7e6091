"""The database on both engines: URLs, settings, migrations, durability and concurrency."""

import asyncio
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from knowledge_base.gaps import QuestionRecord
from tests.storage.question_helpers import unanswered
from voice_agent.storage import (
    Database,
    DatabaseUrlError,
    MigrationError,
    SqlQuestionLogRepository,
    StorageError,
    normalise_url,
    open_database,
    path_from_url,
)
from voice_agent.storage.migrations import (
    MIGRATIONS_DIR,
    alembic_config,
    current_revision,
    head_revision,
    upgrade,
)
from voice_agent.storage.schema import metadata

HEAD = head_revision()
"""The newest revision this program knows."""

T0 = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def _record(text: str, minutes: int = 0) -> QuestionRecord:
    return unanswered(text, asked_at=T0 + timedelta(minutes=minutes))


def _table_names(db: Database) -> set[str]:
    return set(inspect(db.engine).get_table_names())


# --- URLs and settings -------------------------------------------------------------------------


def test_relative_url_is_relative_to_the_working_directory() -> None:
    assert path_from_url("sqlite:///var/voice-agent.sqlite3") == Path("var/voice-agent.sqlite3")


def test_four_slashes_mean_an_absolute_path() -> None:
    assert path_from_url("sqlite:////srv/agent/db.sqlite3") == Path("/srv/agent/db.sqlite3")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://db.example/promo",
        "postgres://db.example/promo",
        "postgresql+psycopg://db.example/promo",
    ],
)
def test_postgresql_urls_all_use_psycopg_3(url: str) -> None:
    assert normalise_url(url) == "postgresql+psycopg://db.example/promo"


@pytest.mark.parametrize(
    "url",
    [
        "mysql://localhost/db",
        "sqlite:///",
        "sqlite:///:memory:",
        "var/db.sqlite3",
        "postgresql://localhost",
    ],
)
def test_an_unsupported_url_is_refused_with_a_code(url: str) -> None:
    with pytest.raises(DatabaseUrlError) as error:
        normalise_url(url)
    assert error.value.code == "bad_url"


def test_a_password_in_the_url_is_never_shown() -> None:
    db = Database(url="postgresql://agent:s3cret@127.0.0.1:1/promo")
    assert "s3cret" not in db.url
    db.close()


def test_opening_creates_missing_parent_directories(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "db.sqlite3"
    with open_database(f"sqlite:///{path}"):
        pass
    assert path.is_file()


def test_default_relative_url_creates_var_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with open_database("sqlite:///var/voice-agent.sqlite3"):
        pass
    assert (tmp_path / "var" / "voice-agent.sqlite3").is_file()


def test_sqlite_runs_in_wal_mode_with_full_synchronous_commits(tmp_path: Path) -> None:
    with open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}") as database:
        assert database.pragma("journal_mode") == "wal"
        assert database.pragma("synchronous") == 2  # FULL
        assert database.pragma("foreign_keys") == 1
        assert database.pragma("busy_timeout") == 10_000


def test_an_unreachable_postgresql_is_unavailable_not_a_traceback() -> None:
    with pytest.raises(StorageError) as error:
        open_database("postgresql://postgres@127.0.0.1:1/nowhere")
    assert error.value.code == "unavailable"


# --- migrations -----------------------------------------------------------------------------------


def test_a_new_database_is_upgraded_to_the_newest_revision(database: Database) -> None:
    assert current_revision(database) == head_revision() == HEAD
    assert {
        "promotion_versions",
        "question_log",
        "publications",
        "publication_versions",
        "alembic_version",
    } <= _table_names(database)


def _schema_drift(db: Database) -> list[object]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_the_migrated_schema_matches_the_table_descriptions(database: Database) -> None:
    assert _schema_drift(database) == []


def test_upgrading_again_changes_nothing_and_keeps_data(database_url: str) -> None:
    with open_database(database_url) as first:
        SqlQuestionLogRepository(database=first).add(_record("is it on sale"))
    with open_database(database_url) as second:
        assert upgrade(second) == (HEAD, HEAD)
        assert SqlQuestionLogRepository(database=second).count() == 1


def test_two_processes_opening_a_new_database_at_once_both_succeed(database_url: str) -> None:
    script = f"""
from voice_agent.storage import open_database
open_database({database_url!r}).close()
"""
    children = [
        subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=_child_env())
        for _ in range(3)
    ]
    assert [child.wait(timeout=120) for child in children] == [0, 0, 0]
    with open_database(database_url) as db:
        assert current_revision(db) == HEAD


def test_upgrades_racing_from_two_threads_apply_the_revision_once(database_url: str) -> None:
    databases = [Database(url=database_url), Database(url=database_url)]
    results: list[tuple[str | None, str | None]] = []
    barrier = threading.Barrier(2)

    def run(db: Database) -> None:
        barrier.wait()
        results.append(upgrade(db))

    threads = [threading.Thread(target=run, args=(db,)) for db in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=lambda result: result[0] or "") == [
        (None, HEAD),
        (HEAD, HEAD),
    ]
    for db in databases:
        db.close()


def test_a_database_from_a_newer_program_is_refused(database_url: str) -> None:
    with open_database(database_url) as db, db.transaction() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    with pytest.raises(MigrationError) as error:
        open_database(database_url)
    assert error.value.code == "schema_too_new"


def test_a_failing_revision_leaves_nothing_of_itself_behind(
    database_url: str, tmp_path: Path
) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "0002_broken.py").write_text(
        'from alembic import op\nimport sqlalchemy as sa\nrevision = "0002_broken"\n'
        f'down_revision = "{HEAD}"\n'
        "def upgrade():\n"
        '    op.create_table("half_done", sa.Column("x", sa.Integer()))\n'
        '    op.execute("THIS IS NOT SQL")\n',
        encoding="utf-8",
    )
    with open_database(database_url) as db:
        config = alembic_config(db)
        config.set_main_option("script_location", str(scripts))
        with pytest.raises(Exception, match="(?i)syntax"):
            command.upgrade(config, "head")
        assert current_revision(db) == HEAD
        assert "half_done" not in _table_names(db)


# The exact statements of the storage code before Alembic (schema_migrations versions 1-2).
_LEGACY_SCHEMA = """
CREATE TABLE schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
CREATE TABLE promotion_versions (
    promotion_id TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    content_hash TEXT NOT NULL,
    content TEXT NOT NULL,
    diff TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL,
    PRIMARY KEY (promotion_id, version));
CREATE TABLE question_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    text TEXT NOT NULL,
    store_id TEXT,
    role TEXT NOT NULL,
    language TEXT NOT NULL,
    promotion_id TEXT,
    source TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('unknown', 'fallback', 'refused')),
    answer_text TEXT NOT NULL,
    asked_at TEXT NOT NULL);
CREATE INDEX question_log_asked_at ON question_log (asked_at);
CREATE INDEX question_log_promotion ON question_log (promotion_id, asked_at);
INSERT INTO schema_migrations VALUES (1, 'promotion_versions', '2026-11-20T01:00:00+00:00');
INSERT INTO schema_migrations VALUES (2, 'question_log', '2026-11-20T01:00:00+00:00');
INSERT INTO promotion_versions VALUES ('weekend-running', 1, 'h1', 'id: weekend-running', '',
    '2026-11-20T01:00:00.000000+00:00', 'Lin Wei');
INSERT INTO promotion_versions VALUES ('weekend-running', 2, 'h2', 'id: weekend-running', '-+',
    '2026-11-26T02:00:00.000000+00:00', 'Lin Wei');
INSERT INTO promotion_versions VALUES ('member-days', 1, 'h3', 'id: member-days', '',
    '2026-11-26T02:00:00.000000+00:00', 'Lin Wei');
INSERT INTO question_log (text, store_id, role, language, promotion_id, source, reason,
    answer_text, asked_at) VALUES ('do boots stack', 'SH-01', 'clerk', 'en', NULL, 'unknown',
    'unknown', '', '2026-11-28T07:00:00.000000+00:00');
"""


def test_a_file_from_the_pre_alembic_storage_is_adopted_with_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as legacy:
        legacy.executescript(_LEGACY_SCHEMA)
    legacy.close()
    from voice_agent.storage import SqlPromotionVersionRepository
    from voice_agent.storage.publications import SqlPublicationRepository

    with open_database(f"sqlite:///{path}") as db:
        assert current_revision(db) == HEAD
        assert "schema_migrations" not in _table_names(db)
        # The old `id INTEGER PRIMARY KEY` reflects as nullable; SQLite never lets a rowid be
        # null, so that is the only difference allowed.
        drift = [str(change) for change in _schema_drift(db)]
        assert all("modify_nullable" in d and "'question_log', 'id'" in d for d in drift)
        versions = SqlPromotionVersionRepository(database=db)
        assert [v.version for v in versions.history("weekend-running")] == [1, 2]
        assert versions.get("weekend-running", 2).published_at == datetime(  # type: ignore[union-attr]
            2026, 11, 26, 2, tzinfo=UTC
        )
        log = SqlQuestionLogRepository(database=db)
        assert [r.text for r in log.find()] == ["do boots stack"]
        added = log.add(_record("new after adoption"))
        assert added.id == 2
        publications = SqlPublicationRepository(database=db).list()
        assert [sorted((v.promotion_id, v.version) for v in p.versions) for p in publications] == [
            [("weekend-running", 1)],
            [("member-days", 1), ("weekend-running", 2)],
        ]


# --- transactions and durability -------------------------------------------------------------


def test_a_failed_transaction_stores_nothing(database: Database) -> None:
    repository = SqlQuestionLogRepository(database=database)
    with pytest.raises(RuntimeError), database.transaction() as connection:
        connection.execute(
            text(
                "INSERT INTO question_log (text, role, language, source, reason, answer_text,"
                " asked_at) VALUES ('x', 'clerk', 'en', 'unknown', 'unknown', '',"
                " '2026-11-28T07:00:00+00:00')"
            )
        )
        raise RuntimeError("boom")
    assert repository.count() == 0


def test_database_errors_become_storage_errors_with_a_code(database: Database) -> None:
    with pytest.raises(StorageError) as error, database.transaction() as connection:
        connection.execute(text("INSERT INTO no_such_table VALUES (1)"))
    assert error.value.code == "database_error"
    assert "INSERT" not in str(error.value)  # no SQL in the message


def test_written_data_survives_close_and_reopen(database_url: str) -> None:
    with open_database(database_url) as db:
        stored = SqlQuestionLogRepository(database=db).add(_record("do boots stack"))
    with open_database(database_url) as db:
        assert SqlQuestionLogRepository(database=db).find() == [stored]


def _child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


_KILLED_WRITER = """
import sys, time
from sqlalchemy import text
from voice_agent.storage import SqlQuestionLogRepository, open_database
from datetime import UTC, datetime
from knowledge_base.answering import AnswerSource, Role
from knowledge_base.gaps import GapReason, QuestionRecord
db = open_database({url!r})
SqlQuestionLogRepository(database=db).add(QuestionRecord(
    text="committed before the kill", role=Role.CLERK, language="en",
    source=AnswerSource.UNKNOWN, reason=GapReason.UNKNOWN,
    asked_at=datetime(2026, 11, 28, tzinfo=UTC)))
with db.transaction() as connection:
    connection.execute(text(
        "INSERT INTO publications (published_at, published_by, notes, urgent)"
        " VALUES ('2026-11-28T07:00:00.000000+00:00', 'half', 'never committed', false)"))
    connection.execute(text(
        "INSERT INTO question_log (text, role, language, source, reason, answer_text,"
        " asked_at) VALUES ('half written', 'clerk', 'en', 'unknown', 'unknown', '',"
        " '2026-11-28T07:00:00.000000+00:00')"))
    print("in transaction", flush=True)
    time.sleep(600)
"""


def test_a_process_killed_mid_transaction_leaves_no_half_record_and_keeps_commits(
    database_url: str,
) -> None:
    open_database(database_url).close()
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER.format(url=database_url)],
        cwd=ROOT,
        env=_child_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "in transaction"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    with open_database(database_url) as db:
        texts = [r.text for r in SqlQuestionLogRepository(database=db).find()]
        with db.read() as connection:
            publications = connection.execute(text("SELECT COUNT(*) FROM publications")).scalar()
    assert texts == ["committed before the kill"]
    assert publications == 0


def test_a_closed_database_refuses_work_with_a_code(database_url: str) -> None:
    db = open_database(database_url)
    db.close()
    db.close()  # closing twice is harmless
    with pytest.raises(StorageError) as error:
        SqlQuestionLogRepository(database=db).count()
    assert error.value.code == "closed"


# --- concurrency -------------------------------------------------------------------------------


def test_concurrent_writes_from_threads_all_land(database: Database) -> None:
    repository = SqlQuestionLogRepository(database=database)
    threads_count, per_thread = 6, 20
    barrier = threading.Barrier(threads_count)
    ids: list[int] = []
    lock = threading.Lock()

    def write(worker: int) -> None:
        barrier.wait()
        for i in range(per_thread):
            record = repository.add(_record(f"question {worker}-{i}", minutes=i))
            with lock:
                assert record.id is not None
                ids.append(record.id)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(ids)) == threads_count * per_thread
    assert repository.count() == threads_count * per_thread


async def test_writes_from_asyncio_via_to_thread_do_not_collide(database: Database) -> None:
    repository = SqlQuestionLogRepository(database=database)
    await asyncio.gather(
        *(asyncio.to_thread(repository.add, _record(f"q{i}", minutes=i)) for i in range(30))
    )
    records = await asyncio.to_thread(repository.find)
    assert sorted(r.text for r in records) == sorted(f"q{i}" for i in range(30))


def test_another_process_writing_at_the_same_time_waits_instead_of_failing(
    database_url: str,
) -> None:
    script = f"""
from datetime import UTC, datetime, timedelta
from knowledge_base.answering import AnswerSource, Role
from knowledge_base.gaps import GapReason, QuestionRecord
from voice_agent.storage import SqlQuestionLogRepository, open_database
with open_database({database_url!r}) as db:
    repository = SqlQuestionLogRepository(database=db)
    for i in range(40):
        repository.add(QuestionRecord(
            text=f"child {{i}}", role=Role.CLERK, language="en",
            source=AnswerSource.UNKNOWN, reason=GapReason.UNKNOWN,
            asked_at=datetime(2026, 11, 28, tzinfo=UTC) + timedelta(seconds=i)))
"""
    with open_database(database_url) as db:
        repository = SqlQuestionLogRepository(database=db)
        child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=_child_env())
        for i in range(40):
            repository.add(_record(f"parent {i}", minutes=i))
        assert child.wait(timeout=120) == 0
        assert repository.count() == 80


def test_a_read_sees_one_snapshot_while_another_transaction_commits(database: Database) -> None:
    with database.transaction() as connection:
        connection.exec_driver_sql("CREATE TABLE snapshot_probe (n INTEGER)")
        connection.exec_driver_sql("INSERT INTO snapshot_probe VALUES (1)")
    with database.read() as reader:
        first = reader.exec_driver_sql("SELECT count(*) FROM snapshot_probe").scalar()
        with database.transaction() as writer:
            writer.exec_driver_sql("INSERT INTO snapshot_probe VALUES (2)")
        second = reader.exec_driver_sql("SELECT count(*) FROM snapshot_probe").scalar()
    assert first == second == 1
    with database.read() as reader:
        assert reader.exec_driver_sql("SELECT count(*) FROM snapshot_probe").scalar() == 2
