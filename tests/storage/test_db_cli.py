"""``voice-agent db upgrade`` and ``db current`` on both engines."""

import json

from typer.testing import CliRunner

from voice_agent.cli.app import app
from voice_agent.storage.migrations import head_revision

runner = CliRunner()


def test_current_shows_an_empty_database_as_behind_and_changes_nothing(database_url: str) -> None:
    for _ in range(2):
        result = runner.invoke(app, ["db", "current", "--database", database_url, "--json"])
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert report["revision"] is None
        assert report["up_to_date"] is False
        assert report["head"] == head_revision()


def test_upgrade_brings_the_schema_to_the_newest_revision_once(database_url: str) -> None:
    first = runner.invoke(app, ["db", "upgrade", "--database", database_url, "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["previous_revision"] is None
    second = runner.invoke(app, ["db", "upgrade", "--database", database_url])
    assert second.exit_code == 0
    assert f"already at {head_revision()}" in second.stdout
    current = runner.invoke(app, ["db", "current", "--database", database_url, "--json"])
    report = json.loads(current.stdout)
    assert report["revision"] == head_revision()
    assert report["up_to_date"] is True
    assert report["engine"] in {"sqlite", "postgresql"}


def test_a_bad_url_is_a_usage_error_and_a_dead_server_a_failure() -> None:
    bad = runner.invoke(app, ["db", "current", "--database", "mysql://x/y"])
    assert bad.exit_code == 2
    assert "postgresql://" in bad.stderr
    dead = runner.invoke(app, ["db", "upgrade", "--database", "postgresql://u@127.0.0.1:1/x"])
    assert dead.exit_code == 1
    assert "(unavailable)" in dead.stderr
    assert "Traceback" not in dead.output
