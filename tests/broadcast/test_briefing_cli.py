"""``voice-agent briefing`` against a real database (open/close need the running service)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from knowledge_base.attendance import Presence
from knowledge_base.briefing import Caption, propose_changes
from knowledge_base.loader import SAMPLE_DATA_DIR, load_knowledge_base
from voice_agent.cli.app import app
from voice_agent.storage import SqlPublicationRepository, open_database
from voice_agent.storage.briefing_media import SqlBriefingMediaRepository
from voice_agent.storage.broadcast_briefings import BriefingRecord, SqlBriefingRepository
from voice_agent.storage.publisher import Publisher

runner = CliRunner()
BRIEFING = "20261201-1a2b3c4d"
SAID = "From Saturday the AX-200 is out of the weekend offer."


@pytest.fixture
def url(tmp_path: Path) -> str:
    """A database with the sample chain published and one closed briefing with one change."""
    url = f"sqlite:///{tmp_path / 'agent.sqlite3'}"
    with open_database(url) as database:
        Publisher(database=database).publish_directory(SAMPLE_DATA_DIR, published_by="test")
        briefings = SqlBriefingRepository(database=database)
        start = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
        scope = {"stores": ["SH-01"], "regions": [], "roles": ["clerk"]}
        briefings.open(BriefingRecord(BRIEFING, scope, "mei", start))
        caption = Caption(2.0, 5.5, SAID, "mei")
        SqlBriefingMediaRepository(database=database).add_caption(BRIEFING, caption)
        for who, minutes in (("mei", 10), ("ana", 4)):
            end = start + timedelta(minutes=minutes)
            briefings.add_presence(BRIEFING, Presence(who, start, end))
        knowledge = load_knowledge_base(SAMPLE_DATA_DIR)
        for change in propose_changes([caption], knowledge=knowledge, speaker="mei"):
            briefings.propose(BRIEFING, change)
        briefings.close(
            BRIEFING, ended_at=start + timedelta(minutes=10), recording=None, summary=SAID
        )
    return url


def test_show_lists_attendance_captions_and_the_proposed_change(url: str) -> None:
    listed = runner.invoke(app, ["briefing", "list", "--json", "--database", url])
    assert listed.exit_code == 0, listed.output
    assert [b["id"] for b in json.loads(listed.stdout)["briefings"]] == [BRIEFING]
    shown = runner.invoke(app, ["briefing", "show", BRIEFING, "--json", "--database", url])
    assert shown.exit_code == 0, shown.output
    document = json.loads(shown.stdout)
    assert [(a["identity"], a["minutes"]) for a in document["attendance"]] == [
        ("ana", 4.0),
        ("mei", 10.0),
    ]
    assert [c["text"] for c in document["captions"]] == [SAID]
    (change,) = document["changes"]
    assert (change["description"], change["status"]) == (
        "exclude AX-200 from weekend-running",
        "proposed",
    )
    human = runner.invoke(app, ["briefing", "show", BRIEFING, "--database", url])
    assert "#1 [proposed] exclude AX-200 from weekend-running" in human.stdout
    assert "ana: 4.0 min" in human.stdout


def test_approving_publishes_the_next_version_once(url: str) -> None:
    approved = runner.invoke(
        app, ["briefing", "approve", "1", "--by", "hq-lena", "--json", "--database", url]
    )
    assert approved.exit_code == 0, approved.output
    decision = json.loads(approved.stdout)
    assert decision["change"]["status"] == "approved"
    with open_database(url) as database:
        publication = SqlPublicationRepository(database=database).get(decision["publication_id"])
    assert publication is not None and publication.published_by == "hq-lena"
    assert [(v.promotion_id, v.version) for v in publication.versions] == [("weekend-running", 3)]
    again = runner.invoke(app, ["briefing", "approve", "1", "--database", url])
    assert again.exit_code == 1 and "approved already" in again.stderr


def test_rejecting_publishes_nothing_and_unknown_ids_are_refused(url: str) -> None:
    rejected = runner.invoke(app, ["briefing", "reject", "1", "--database", url])
    assert rejected.exit_code == 0, rejected.output
    assert "rejected change 1: exclude AX-200 from weekend-running" in rejected.stdout
    with open_database(url) as database:
        assert SqlPublicationRepository(database=database).latest_id() == 1
    missing = runner.invoke(app, ["briefing", "approve", "7", "--database", url])
    assert missing.exit_code == 1 and "no proposed change 7" in missing.stderr
    unknown = runner.invoke(app, ["briefing", "show", "20261201-ffffffff", "--database", url])
    assert unknown.exit_code == 1 and "no briefing" in unknown.stderr


def test_opening_needs_a_key_and_a_running_service(url: str) -> None:
    keyless = runner.invoke(app, ["briefing", "open", "--store", "SH-01"], env={})
    assert keyless.exit_code == 2 and "API key" in keyless.stderr
    unreachable = runner.invoke(
        app,
        [
            "briefing",
            "open",
            "--store",
            "SH-01",
            "--api-key",
            "k",
            "--service",
            "http://127.0.0.1:9",
        ],
    )
    assert unreachable.exit_code == 2 and "is voice-agent serve running" in unreachable.stderr
