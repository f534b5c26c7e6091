"""The service answers from the published versions and follows every publication (both engines)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.versions import Publication
from tests.storage.knowledge_helpers import (
    AX200_QUESTION,
    copy_sample,
    eventually,
    weekend_text,
    write_weekend,
)
from voice_agent.answerers.reloading import ReloadingAnswerer
from voice_agent.cli.app import app
from voice_agent.knowledge_reload import PublishedKnowledgeHolder
from voice_agent.storage import Database, SqlPublicationRepository
from voice_agent.storage.errors import StorageError
from voice_agent.storage.published import load_published
from voice_agent.storage.publisher import Publisher

runner = CliRunner()


def _holder(
    database: Database, kb_dir: Path, *, publish_edits: bool = True
) -> PublishedKnowledgeHolder:
    return PublishedKnowledgeHolder(
        database=database, path=kb_dir, poll_interval_secs=0.05, publish_edits=publish_edits
    )


def _answerer(holder: PublishedKnowledgeHolder) -> ReloadingAnswerer:
    return ReloadingAnswerer(
        holder=holder,
        build=lambda kb, changes: GroundedAnswerer(
            knowledge=kb, default_contact="the promotions desk", change_summaries=changes
        ),
    )


async def _says(answerer: ReloadingAnswerer, words: str) -> bool:
    return words in (await answerer.answer(AX200_QUESTION)).text


def test_startup_publishes_the_files_once_and_serves_the_published_versions(
    database: Database, kb_dir: Path
) -> None:
    holder = _holder(database, kb_dir)
    holder.load()
    publications = SqlPublicationRepository(database=database).list()
    assert len(publications) == 1
    first = publications[0]
    assert first.published_by == "file-watch" and not first.urgent
    weekend = [v.version for v in first.versions if v.promotion_id == "weekend-running"]
    assert weekend == [1, 2]  # the history file seeds v1 on the first import
    assert holder.snapshot.served["weekend-running"].version == 2
    assert holder.current.sources["weekend-running"] == "published weekend-running v2"
    _holder(database, kb_dir).load()  # a restart publishes nothing new
    assert SqlPublicationRepository(database=database).latest_id() == first.id


async def test_a_cli_publish_is_answered_within_seconds_with_who_when_notes_and_urgency(
    database: Database, database_url: str, kb_dir: Path
) -> None:
    holder = _holder(database, kb_dir, publish_edits=False)
    await asyncio.to_thread(
        Publisher(database=database).publish_directory, kb_dir, published_by="Lin Wei"
    )
    seen: list[Publication] = []
    holder.subscribe(seen.append)
    answerer = _answerer(holder)
    async with holder:
        assert await _says(answerer, "20 percent")
        write_weekend(kb_dir, weekend_text(kb_dir, percent=25, version=3))
        before = datetime.now(UTC)
        result = await asyncio.to_thread(
            runner.invoke,
            app,
            [
                "kb",
                "publish",
                str(kb_dir),
                "--by",
                "Lin Wei",
                "--notes",
                "Weekend now 25",
                "--urgent",
                "--database",
                database_url,
            ],
        )
        assert result.exit_code == 0, result.output
        assert "publication 2, urgent" in result.stdout
        await eventually(lambda: _says(answerer, "25 percent"))
    (publication,) = seen
    assert (publication.published_by, publication.notes, publication.urgent) == (
        "Lin Wei",
        "Weekend now 25",
        True,
    )
    assert before - timedelta(seconds=1) <= publication.published_at <= datetime.now(UTC)
    assert publication.published_at.tzinfo is not None
    assert [(v.promotion_id, v.version) for v in publication.versions] == [("weekend-running", 3)]


async def test_a_valid_edit_is_published_by_the_file_watch_and_a_broken_one_changes_nothing(
    database: Database, kb_dir: Path, log_lines: list[str]
) -> None:
    holder = _holder(database, kb_dir)
    answerer = _answerer(holder)
    publications = SqlPublicationRepository(database=database)
    async with holder:
        write_weekend(kb_dir, weekend_text(kb_dir, percent=25, version=3))
        await eventually(lambda: _says(answerer, "25 percent"))
        latest = publications.get(publications.latest_id())
        assert latest is not None
        assert (latest.published_by, latest.urgent) == ("file-watch", False)

        write_weekend(kb_dir, weekend_text(kb_dir, percent=-1, version=4))
        await eventually(lambda: asyncio.sleep(0, result=bool(holder.last_issues)))
        assert await _says(answerer, "25 percent")
    assert publications.latest_id() == latest.id
    issue = next(i for i in holder.last_issues if i.file.endswith("weekend-running.yaml"))
    assert (issue.line, issue.field) == (15, "rules[0].percent")
    assert any("weekend-running.yaml:15: rules[0].percent:" in line for line in log_lines)


def test_broken_files_at_startup_serve_the_last_published_versions_with_a_warning(
    database: Database, kb_dir: Path, log_lines: list[str]
) -> None:
    _holder(database, kb_dir).load()
    write_weekend(kb_dir, "id: [unclosed\n")
    holder = _holder(database, kb_dir)
    holder.load()
    assert holder.snapshot.served["weekend-running"].version == 2
    assert holder.last_issues
    assert any("WARNING" in line and "serving the last published" in line for line in log_lines)


def test_broken_files_with_nothing_published_are_an_error_naming_file_line_and_field(
    database: Database, kb_dir: Path
) -> None:
    write_weekend(kb_dir, weekend_text(kb_dir, percent=-1, version=2))
    with pytest.raises(KnowledgeBaseError) as error:
        _holder(database, kb_dir).load()
    issue = next(i for i in error.value.issues if i.file.endswith("weekend-running.yaml"))
    assert (issue.line, issue.field) == (15, "rules[0].percent")


def test_nothing_published_and_edits_not_published_is_a_clear_error(
    database: Database, kb_dir: Path
) -> None:
    with pytest.raises(KnowledgeBaseError) as error:
        _holder(database, kb_dir, publish_edits=False).load()
    assert error.value.issues[0].code == "nothing_published"
    assert "kb publish" in error.value.issues[0].message


async def test_a_publication_on_one_node_is_served_by_another_sharing_the_database(
    database_url: str, kb_dir: Path, tmp_path: Path
) -> None:
    from voice_agent.storage import open_database

    other_dir = copy_sample(tmp_path / "other-node")
    with open_database(database_url) as node_a, open_database(database_url) as node_b:
        Publisher(database=node_a).publish_directory(kb_dir, published_by="Lin Wei")
        holder_b = _holder(node_b, other_dir, publish_edits=False)
        answerer_b = _answerer(holder_b)
        async with holder_b:
            assert await _says(answerer_b, "20 percent")
            write_weekend(kb_dir, weekend_text(kb_dir, percent=30, version=3))
            outcome = await asyncio.to_thread(
                Publisher(database=node_a).publish_directory, kb_dir, published_by="Lin Wei"
            )
            assert outcome.publication is not None
            await eventually(lambda: _says(answerer_b, "30 percent"))


async def test_an_observer_that_fails_does_not_stop_the_others(
    database: Database, kb_dir: Path
) -> None:
    holder = _holder(database, kb_dir, publish_edits=False)
    Publisher(database=database).publish_directory(kb_dir, published_by="Lin Wei")
    heard: list[int] = []

    def broken(_publication: Publication) -> None:
        raise RuntimeError("observer bug")

    async def recorder(publication: Publication) -> None:
        heard.append(publication.id)

    holder.subscribe(broken)
    holder.subscribe(recorder)
    holder.load()
    write_weekend(kb_dir, weekend_text(kb_dir, percent=25, version=3))
    stored = Publisher(database=database).publish_directory(kb_dir, published_by="Lin Wei")
    assert stored.publication is not None
    result = await holder.refresh()
    assert result.reloaded
    assert heard == [stored.publication.id]


async def test_a_file_behind_an_http_publish_does_not_block_edits_of_other_promotions(
    database: Database, kb_dir: Path, log_lines: list[str]
) -> None:
    holder = _holder(database, kb_dir)
    answerer = _answerer(holder)
    publications = SqlPublicationRepository(database=database)
    async with holder:
        over_http = await asyncio.to_thread(
            Publisher(database=database).publish_files,
            kb_dir,
            {"weekend-running.yaml": weekend_text(kb_dir, percent=25, version=3)},
            published_by="hq-admin",
        )
        assert over_http.publication is not None
        await eventually(lambda: _says(answerer, "25 percent"))  # the file still says v2, 20

        socks = kb_dir / "promotions" / "socks-3for2.yaml"
        text = socks.read_text(encoding="utf-8")
        socks.write_text(
            text.replace("version: 1", "version: 2", 1).replace(
                "end: 2026-12-31", "end: 2027-01-05"
            ),
            encoding="utf-8",
        )

        async def socks_served() -> bool:
            # Served, not just stored: the holder logs what it published before it serves it.
            return holder.snapshot.served["socks-3for2"].version == 2

        await eventually(socks_served)
        assert await _says(answerer, "25 percent")  # the stale weekend file was not published
    latest = publications.get(publications.latest_id())
    assert latest is not None
    assert latest.published_by == "file-watch"
    assert [(v.promotion_id, v.version) for v in latest.versions] == [("socks-3for2", 2)]
    assert holder.snapshot.served["weekend-running"].version == 3
    assert any(
        "WARNING" in line and "older than the published version 3" in line for line in log_lines
    )


async def test_a_valid_catalogue_edit_is_served_without_a_publication(
    database: Database, kb_dir: Path
) -> None:
    holder = _holder(database, kb_dir)
    publications = SqlPublicationRepository(database=database)
    async with holder:
        first = publications.latest_id()
        catalogue = kb_dir / "catalogue.yaml"
        text = catalogue.read_text(encoding="utf-8")
        catalogue.write_text(text.replace("Aero X 200", "Aero X 200 Pro", 1), encoding="utf-8")

        async def renamed() -> bool:
            return holder.current.products["AX-200"].name.en == "Aero X 200 Pro"

        await eventually(renamed)
    assert publications.latest_id() == first


def test_a_publication_committed_while_the_served_versions_are_read_is_served_whole_or_not_at_all(
    database: Database, kb_dir: Path
) -> None:
    publisher = Publisher(database=database)
    publisher.publish_directory(kb_dir, published_by="Lin Wei")
    write_weekend(kb_dir, weekend_text(kb_dir, percent=25, version=3))
    racing: list[Publication | None] = []

    def publish_after_the_first_read(_conn: object, _cursor: object, statement: str, *_: object):
        if racing or not statement.lstrip().upper().startswith("SELECT"):
            return
        racing.append(None)  # before publishing: the publisher's own reads come here too
        racing[0] = publisher.publish_directory(kb_dir, published_by="Lin Wei").publication

    event.listen(database.engine, "after_cursor_execute", publish_after_the_first_read)
    try:
        snapshot = load_published(database, kb_dir)
    finally:
        event.remove(database.engine, "after_cursor_execute", publish_after_the_first_read)

    (publication,) = racing
    assert publication is not None
    included = snapshot.publication_id >= publication.id
    assert snapshot.served["weekend-running"].version == (3 if included else 2)
    assert snapshot.publication_id in (publication.id, publication.id - 1)


async def test_an_edit_seen_while_the_database_fails_is_published_by_the_next_poll(
    database: Database, kb_dir: Path
) -> None:
    holder = _holder(database, kb_dir)
    holder.load()
    write_weekend(kb_dir, weekend_text(kb_dir, percent=25, version=3))

    def fail_writes(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            raise OperationalError(statement, None, RuntimeError("database went away"))

    event.listen(database.engine, "before_cursor_execute", fail_writes)
    try:
        with pytest.raises(StorageError):
            await holder.refresh()
    finally:
        event.remove(database.engine, "before_cursor_execute", fail_writes)
    assert holder.snapshot.served["weekend-running"].version == 2

    result = await holder.refresh()  # nothing changed on disk since the failed poll
    assert result.reloaded
    assert holder.snapshot.served["weekend-running"].version == 3


async def test_observers_hear_publications_oldest_first_when_refreshes_overlap(
    database: Database, kb_dir: Path
) -> None:
    publisher = Publisher(database=database)
    publisher.publish_directory(kb_dir, published_by="Lin Wei")
    holder = _holder(database, kb_dir, publish_edits=False)
    holder.load()

    async def publish(*, percent: int, version: int) -> int:
        write_weekend(kb_dir, weekend_text(kb_dir, percent=percent, version=version))
        stored = await asyncio.to_thread(
            publisher.publish_directory, kb_dir, published_by="Lin Wei"
        )
        assert stored.publication is not None
        return stored.publication.id

    async def served(publication_id: int) -> bool:
        return holder.snapshot.publication_id == publication_id

    second = await publish(percent=25, version=3)
    heard: list[int] = []
    slow_observer_may_finish = asyncio.Event()

    async def slow(publication: Publication) -> None:
        if publication.id == second:
            await slow_observer_may_finish.wait()
        heard.append(publication.id)

    holder.subscribe(slow)
    poll = asyncio.create_task(holder.refresh())
    await eventually(lambda: served(second))  # the poll now waits in the slow observer
    third = await publish(percent=30, version=4)
    at_once = asyncio.create_task(holder.refresh())  # as a publish over HTTP serves at once
    await eventually(lambda: served(third))
    slow_observer_may_finish.set()
    await asyncio.gather(poll, at_once)
    assert heard == [second, third]


async def test_a_publish_served_at_once_tells_a_slow_observer_after_returning(
    database: Database, kb_dir: Path
) -> None:
    # A publish over HTTP answers once the publication is served; the observers (an urgent
    # notice rendered for every clerk) go on in the background, and stopping waits for them.
    publisher = Publisher(database=database)
    publisher.publish_directory(kb_dir, published_by="Lin Wei")
    holder = _holder(database, kb_dir, publish_edits=False)
    holder.load()
    may_finish = asyncio.Event()
    heard: list[int] = []

    async def slow(publication: Publication) -> None:
        await may_finish.wait()
        heard.append(publication.id)

    holder.subscribe(slow)
    write_weekend(kb_dir, weekend_text(kb_dir, percent=25, version=3))
    stored = await asyncio.to_thread(publisher.publish_directory, kb_dir, published_by="Lin Wei")
    assert stored.publication is not None
    result = await asyncio.wait_for(holder.refresh(tell_in_background=True), timeout=10)
    assert result.reloaded and holder.snapshot.publication_id == stored.publication.id
    assert heard == []
    stopping = asyncio.create_task(holder.stop())
    await asyncio.sleep(0.2)
    assert not stopping.done()
    may_finish.set()
    await asyncio.wait_for(stopping, timeout=10)
    assert heard == [stored.publication.id]
