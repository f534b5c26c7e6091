"""The SQLite database: URL, pragmas, migrations, durability and concurrency."""

import asyncio
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from knowledge_base.answering import AnswerSource, Role
from knowledge_base.gaps import GapReason, QuestionRecord
from voice_agent.storage import (
    Database,
    DatabaseUrlError,
    MigrationError,
    SqliteQuestionLogRepository,
    StorageError,
    open_database,
    path_from_url,
)
from voice_agent.storage.migrations import MIGRATIONS, Migration

T0 = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)


def _record(text: str, minutes: int = 0) -> QuestionRecord:
    return QuestionRecord(
        text=text,
        role=Role.CLERK,
        language="en",
        source=AnswerSource.UNKNOWN,
        reason=GapReason.UNKNOWN,
        asked_at=T0 + timedelta(minutes=minutes),
        store_id="SH-01",
    )


def _table_names(db: Database) -> set[str]:
    with db.read() as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {row[0] for row in rows}


# --- URL and pragmas ---------------------------------------------------------------------------


def test_relative_url_is_relative_to_the_working_directory() -> None:
    assert path_from_url("sqlite:///var/voice-agent.sqlite3") == Path("var/voice-agent.sqlite3")


def test_four_slashes_mean_an_absolute_path() -> None:
    assert path_from_url("sqlite:////srv/agent/db.sqlite3") == Path("/srv/agent/db.sqlite3")


@pytest.mark.parametrize(
    "url", ["postgresql://localhost/db", "sqlite:///", "sqlite:///:memory:", "var/db.sqlite3"]
)
def test_a_url_that_is_not_a_sqlite_file_is_refused_with_a_code(url: str) -> None:
    with pytest.raises(DatabaseUrlError) as error:
        path_from_url(url)
    assert error.value.code == "bad_url"


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


def test_database_runs_in_wal_mode_with_full_synchronous_commits(database: Database) -> None:
    assert database.pragma("journal_mode") == "wal"
    assert database.pragma("synchronous") == 2  # FULL
    assert database.pragma("foreign_keys") == 1


# --- migrations -----------------------------------------------------------------------------------


def test_a_new_database_gets_every_migration_recorded(database: Database) -> None:
    assert database.schema_version() == len(MIGRATIONS)
    with database.read() as connection:
        rows = connection.execute("SELECT version, name FROM schema_migrations ORDER BY version")
        recorded = [(row["version"], row["name"]) for row in rows]
    assert recorded == [(m.version, m.name) for m in MIGRATIONS]
    assert {"promotion_versions", "question_log"} <= _table_names(database)


def test_migrating_again_applies_nothing_and_keeps_data(database_url: str) -> None:
    with open_database(database_url) as first:
        SqliteQuestionLogRepository(database=first).add(_record("is it on sale"))
    with open_database(database_url) as second:
        assert second.migrate() == []
        assert second.schema_version() == len(MIGRATIONS)
        assert SqliteQuestionLogRepository(database=second).count() == 1


def test_migrations_racing_from_two_connections_apply_each_step_once(tmp_path: Path) -> None:
    path = tmp_path / "race.sqlite3"
    databases = [Database(path=path), Database(path=path)]
    applied: list[list[int]] = []
    barrier = threading.Barrier(2)

    def run(db: Database) -> None:
        barrier.wait()
        applied.append(db.migrate())

    threads = [threading.Thread(target=run, args=(db,)) for db in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(v for versions in applied for v in versions) == [m.version for m in MIGRATIONS]
    for db in databases:
        assert db.schema_version() == len(MIGRATIONS)
        db.close()


def test_a_database_from_a_newer_program_is_refused(database_url: str) -> None:
    with open_database(database_url) as db, db.transaction() as connection:
        connection.execute(
            "INSERT INTO schema_migrations VALUES (99, 'from the future', '2030-01-01')"
        )
    with pytest.raises(MigrationError) as error:
        open_database(database_url)
    assert error.value.code == "schema_too_new"


def test_a_failing_migration_leaves_no_half_applied_step(tmp_path: Path) -> None:
    broken = (
        *MIGRATIONS,
        Migration(
            version=len(MIGRATIONS) + 1,
            name="broken",
            statements=("CREATE TABLE half_done (x INTEGER)", "THIS IS NOT SQL"),
        ),
    )
    db = Database(path=tmp_path / "db.sqlite3")
    with pytest.raises(MigrationError) as error:
        db.migrate(broken)
    assert error.value.code == "migration_failed"
    assert db.schema_version() == len(MIGRATIONS)
    assert "half_done" not in _table_names(db)
    db.close()


def test_migrations_must_be_numbered_without_gaps(tmp_path: Path) -> None:
    gap = (*MIGRATIONS, Migration(version=len(MIGRATIONS) + 2, name="gap", statements=()))
    with Database(path=tmp_path / "db.sqlite3") as db, pytest.raises(ValueError, match="gap"):
        db.migrate(gap)


# --- transactions and durability -------------------------------------------------------------


def test_a_failed_transaction_stores_nothing(database: Database) -> None:
    repository = SqliteQuestionLogRepository(database=database)
    with pytest.raises(RuntimeError), database.transaction() as connection:
        connection.execute(
            "INSERT INTO question_log (text, role, language, source, reason, answer_text,"
            " asked_at) VALUES ('x', 'clerk', 'en', 'unknown', 'unknown', '', '2026')"
        )
        raise RuntimeError("boom")
    assert repository.count() == 0


def test_sqlite_errors_become_storage_errors(database: Database) -> None:
    with pytest.raises(StorageError) as error, database.transaction() as connection:
        connection.execute("INSERT INTO no_such_table VALUES (1)")
    assert error.value.code == "database_error"


def test_written_data_survives_close_and_reopen(database_url: str) -> None:
    with open_database(database_url) as db:
        stored = SqliteQuestionLogRepository(database=db).add(_record("do boots stack"))
    with open_database(database_url) as db:
        assert SqliteQuestionLogRepository(database=db).find() == [stored]


def test_a_committed_write_survives_a_process_killed_right_after_commit(
    database_url: str,
) -> None:
    # The child commits and then dies without closing (no checkpoint, no cleanup).
    script = f"""
import os
from datetime import UTC, datetime
from knowledge_base.answering import AnswerSource, Role
from knowledge_base.gaps import GapReason, QuestionRecord
from voice_agent.storage import SqliteQuestionLogRepository, open_database
db = open_database({database_url!r})
SqliteQuestionLogRepository(database=db).add(QuestionRecord(
    text="written before the crash", role=Role.CLERK, language="en",
    source=AnswerSource.UNKNOWN, reason=GapReason.UNKNOWN,
    asked_at=datetime(2026, 11, 28, tzinfo=UTC)))
os._exit(0)
"""
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    with open_database(database_url) as db:
        texts = [r.text for r in SqliteQuestionLogRepository(database=db).find()]
    assert texts == ["written before the crash"]


def test_a_closed_database_refuses_work_with_a_code(database_url: str) -> None:
    db = open_database(database_url)
    db.close()
    db.close()  # closing twice is harmless
    with pytest.raises(StorageError) as error:
        SqliteQuestionLogRepository(database=db).count()
    assert error.value.code == "closed"


# --- concurrency -------------------------------------------------------------------------------


def test_concurrent_writes_from_threads_all_land(database: Database) -> None:
    repository = SqliteQuestionLogRepository(database=database)
    threads_count, per_thread = 8, 40
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
    repository = SqliteQuestionLogRepository(database=database)
    await asyncio.gather(
        *(asyncio.to_thread(repository.add, _record(f"q{i}", minutes=i)) for i in range(50))
    )
    records = await asyncio.to_thread(repository.find)
    assert sorted(r.text for r in records) == sorted(f"q{i}" for i in range(50))


def test_another_process_writing_at_the_same_time_waits_instead_of_failing(
    database_url: str,
) -> None:
    script = f"""
from datetime import UTC, datetime, timedelta
from knowledge_base.answering import AnswerSource, Role
from knowledge_base.gaps import GapReason, QuestionRecord
from voice_agent.storage import SqliteQuestionLogRepository, open_database
with open_database({database_url!r}) as db:
    repository = SqliteQuestionLogRepository(database=db)
    for i in range(60):
        repository.add(QuestionRecord(
            text=f"child {{i}}", role=Role.CLERK, language="en",
            source=AnswerSource.UNKNOWN, reason=GapReason.UNKNOWN,
            asked_at=datetime(2026, 11, 28, tzinfo=UTC) + timedelta(seconds=i)))
"""
    with open_database(database_url) as db:
        repository = SqliteQuestionLogRepository(database=db)
        child = subprocess.Popen([sys.executable, "-c", script], env=dict(os.environ))
        for i in range(60):
            repository.add(_record(f"parent {i}", minutes=i))
        assert child.wait(timeout=120) == 0
        assert repository.count() == 120
